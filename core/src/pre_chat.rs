//! Pre-chat fields: what a shop asks shoppers before their first message (their name and
//! e-mail address, each off, optional or required), and the check of what a shopper gave. The
//! widget shows the fields the shop asks for and does not already know; the edge checks the
//! details that come with a new conversation by the same rules.

use crate::error::{PreChatError, WireError};
use crate::json::Json;
use crate::protocol::ShopperDetails;
use crate::validation;
use crate::wire::{wire_names, Fields, Object, Wire};
use serde::{Deserialize, Serialize};

/// The longest name kept, in characters after trimming.
pub const MAX_NAME_CHARS: usize = 100;

/// Whether a shop asks for one field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// Not asked; a value given anyway is not kept.
    #[default]
    Off,
    /// Asked; the shopper may leave it empty.
    Optional,
    /// Asked; the conversation is not started without it.
    Required,
}

// The same names as its serde form, which the settings use (a test below holds them together).
wire_names!(FieldRule, "pre-chat rule", {
    Off => "off",
    Optional => "optional",
    Required => "required",
});

impl FieldRule {
    /// Whether the field is shown at all.
    pub fn asked(self) -> bool {
        self != FieldRule::Off
    }
}

/// The pre-chat fields a shop asks for. Unknown fields are refused in the settings, like
/// everywhere there; the widget reads them as `Wire`, which skips what it does not know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PreChatFields {
    pub name: FieldRule,
    pub email: FieldRule,
}

impl PreChatFields {
    /// Whether there is anything to ask.
    pub fn any(&self) -> bool {
        self.name.asked() || self.email.asked()
    }

    /// The fields still to ask a shopper of whom `known` is already known (say, from the
    /// shop's own sign-in): a field already known is not asked again.
    pub fn still_to_ask(&self, known: &ShopperDetails) -> PreChatFields {
        let unless_known = |rule: FieldRule, value: &Option<String>| match value {
            Some(value) if !value.trim().is_empty() => FieldRule::Off,
            _ => rule,
        };
        PreChatFields { name: unless_known(self.name, &known.name), email: unless_known(self.email, &known.email) }
    }

    /// Checks what a shopper gave: values are trimmed and an empty one counts as not given; a
    /// required field not given is refused, naming it; an e-mail address must look like one
    /// (and is lowercased); a name is at most [`MAX_NAME_CHARS`] long. Fields the shop does not
    /// ask for are dropped. Returns what to keep, `None` when that is nothing.
    pub fn accept(&self, given: ShopperDetails) -> Result<Option<ShopperDetails>, PreChatError> {
        let name = filled(self.name, "name", given.name)?;
        if let Some(chars) = name.as_ref().map(|name| name.chars().count()).filter(|&chars| chars > MAX_NAME_CHARS) {
            return Err(PreChatError::NameTooLong { chars, limit: MAX_NAME_CHARS });
        }
        let email = filled(self.email, "email", given.email)?
            .map(|email| validation::email_address(&email))
            .transpose()
            .map_err(|_| PreChatError::Email)?;
        let details = ShopperDetails { name, email };
        Ok((details != ShopperDetails::default()).then_some(details))
    }
}

/// The rules as the widget reads them (in `WidgetView`): a field left out is not asked.
impl Wire for PreChatFields {
    fn to_json(&self) -> Json {
        let Self { name, email } = self;
        Object::new().field("name", name).field("email", email).build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(PreChatFields { name: fields.or_default("name")?, email: fields.or_default("email")? })
    }
}

/// The trimmed value of a field under `rule`: dropped when not asked, refused when required
/// and missing.
fn filled(rule: FieldRule, field: &'static str, value: Option<String>) -> Result<Option<String>, PreChatError> {
    let value = value.map(|value| value.trim().to_owned()).filter(|value| !value.is_empty());
    match (rule, value) {
        (FieldRule::Off, _) => Ok(None),
        (FieldRule::Required, None) => Err(PreChatError::Missing { field }),
        (_, value) => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(name: Option<&str>, email: Option<&str>) -> ShopperDetails {
        ShopperDetails { name: name.map(str::to_owned), email: email.map(str::to_owned) }
    }

    fn rules(name: FieldRule, email: FieldRule) -> PreChatFields {
        PreChatFields { name, email }
    }

    #[test]
    fn what_a_shopper_gives_is_checked_by_the_shops_rules() {
        use FieldRule::{Off, Optional, Required};
        let long_name = "é".repeat(MAX_NAME_CHARS + 1);
        /// Name, the shop's rules, what the shopper gave, and what is kept or why it is refused.
        type Case<'a> = (&'a str, PreChatFields, ShopperDetails, Result<Option<ShopperDetails>, PreChatError>);
        let cases: Vec<Case> = vec![
            ("nothing asked, nothing kept", rules(Off, Off), details(Some("Kim"), Some("kim@example.com")), Ok(None)),
            ("optional and empty", rules(Optional, Optional), details(Some("  "), None), Ok(None)),
            (
                "both given, trimmed and the address lowercased",
                rules(Required, Optional),
                details(Some(" Kata Szabó "), Some(" Kata@Example.COM ")),
                Ok(Some(details(Some("Kata Szabó"), Some("kata@example.com")))),
            ),
            (
                "a required name missing",
                rules(Required, Off),
                details(None, None),
                Err(PreChatError::Missing { field: "name" }),
            ),
            (
                "a required name blank",
                rules(Required, Optional),
                details(Some(" \n"), Some("kim@example.com")),
                Err(PreChatError::Missing { field: "name" }),
            ),
            (
                "a required e-mail missing",
                rules(Optional, Required),
                details(Some("Kim"), None),
                Err(PreChatError::Missing { field: "email" }),
            ),
            (
                "a malformed e-mail",
                rules(Off, Optional),
                details(None, Some("kim at example")),
                Err(PreChatError::Email),
            ),
            (
                "a field not asked is dropped",
                rules(Off, Required),
                details(Some("Kim"), Some("kim@example.com")),
                Ok(Some(details(None, Some("kim@example.com")))),
            ),
            (
                "a name too long",
                rules(Optional, Off),
                details(Some(&long_name), None),
                Err(PreChatError::NameTooLong { chars: MAX_NAME_CHARS + 1, limit: MAX_NAME_CHARS }),
            ),
        ];
        for (name, rules, given, expected) in cases {
            assert_eq!(rules.accept(given), expected, "{name}");
        }
    }

    #[test]
    fn what_is_known_is_not_asked_again() {
        use FieldRule::{Off, Optional, Required};
        let shop = rules(Required, Optional);
        assert_eq!(shop.still_to_ask(&ShopperDetails::default()), shop);
        assert_eq!(shop.still_to_ask(&details(Some("Kim"), None)), rules(Off, Optional));
        assert_eq!(shop.still_to_ask(&details(Some(" "), Some("kim@example.com"))), rules(Required, Off));
        assert!(!shop.still_to_ask(&details(Some("Kim"), Some("kim@example.com"))).any());
        assert!(!PreChatFields::default().any());
    }

    #[test]
    fn rules_have_stable_names_in_the_settings_and_on_the_wire() {
        for rule in [FieldRule::Off, FieldRule::Optional, FieldRule::Required] {
            assert_eq!(serde_json::to_string(&rule).expect("serializes"), format!("\"{}\"", rule.as_str()));
            assert_eq!(rule.encode(), format!("\"{}\"", rule.as_str()));
        }
        let fields = rules(FieldRule::Required, FieldRule::Off);
        let text = r#"{"name":"required","email":"off"}"#;
        assert_eq!(fields.encode(), text);
        assert_eq!(serde_json::to_string(&fields).expect("serializes"), text);
        assert_eq!(PreChatFields::decode(r#"{"email":"optional"}"#), Ok(rules(FieldRule::Off, FieldRule::Optional)));
        assert!(FieldRule::decode(r#""Required""#).is_err());
        assert!(serde_json::from_str::<PreChatFields>(r#"{"name": "required", "phone": "optional"}"#).is_err());
        assert!(serde_json::from_str::<PreChatFields>(r#"{"name": "sometimes"}"#).is_err());
    }
}

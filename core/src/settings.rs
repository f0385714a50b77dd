//! A shop's settings: who may embed its widget, how conversations are assigned, its
//! first-response target, its opening hours, what it asks shoppers before they chat, how its
//! launcher looks and what its widget greets with, and its industry. Owners change them through the API; the shop's desk stores them.

use crate::business_hours::WeeklyHours;
use crate::desk::AssignmentRules;
use crate::error::SettingsError;
use crate::greeting::GreetingSettings;
use crate::industry::Industry;
use crate::launcher::LauncherSettings;
use crate::origin::OriginPattern;
use crate::pre_chat::PreChatFields;
use crate::webhook::{validate_webhook_url, WebhookSettings, WebhookTargets, MIN_SECRET_CHARS};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The longest re-route time a shop may set (a day): beyond it a chat is simply forgotten.
pub const MAX_REROUTE_MILLIS: u64 = 24 * 60 * 60_000;
/// The most conversations one agent may be given at once.
pub const MAX_CAPACITY: u32 = 50;
/// The longest retention a shop may set: ten years. (Keeping everything is no retention.)
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Unknown fields are refused: a misspelt setting must not be silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopSettings {
    /// Origins allowed to embed the widget (CSP `frame-ancestors`).
    pub allowed_origins: Vec<OriginPattern>,
    pub assignment: AssignmentRules,
    /// The first-response time the shop aims for; the metrics report the share within it.
    pub frt_target_seconds: u64,
    /// IANA time zone of the opening hours, e.g. `Europe/Budapest`.
    pub time_zone: String,
    pub hours: WeeklyHours,
    /// Where conversations are forwarded as signed webhook requests, if anywhere.
    pub webhook: Option<WebhookSettings>,
    /// The secret the shop signs its users' identity tokens with; identity verification is on
    /// when set (docs/PROTOCOL.md shows the token).
    pub identity_secret: Option<String>,
    /// What the widget asks shoppers before their first message.
    pub pre_chat: PreChatFields,
    /// The launcher's colour (the chat's theme), corner and text.
    pub launcher: LauncherSettings,
    /// How many days a conversation is kept after its last activity before it is deleted, with
    /// its shopper's personal data (its metrics stay, anonymous); `None` keeps everything.
    pub retention_days: Option<u32>,
    /// What the widget says before anyone writes.
    pub greeting: GreetingSettings,
    /// The shop's industry, whose published first-response average the dashboard shows.
    pub industry: Option<Industry>,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            assignment: AssignmentRules::default(),
            frt_target_seconds: 120,
            time_zone: "UTC".to_owned(),
            hours: WeeklyHours::always_open(),
            webhook: None,
            identity_secret: None,
            pre_chat: PreChatFields::default(),
            launcher: LauncherSettings::default(),
            retention_days: None,
            greeting: GreetingSettings::default(),
            industry: None,
        }
    }
}

impl ShopSettings {
    /// Checks the values the types alone cannot and returns the settings as stored (the webhook
    /// URL normalized, and within `webhook_targets`). The time zone's name is checked by the
    /// edge, which owns the time zone database.
    pub fn validated(mut self, webhook_targets: WebhookTargets) -> Result<Self, SettingsError> {
        let rules = self.assignment;
        if rules.capacity == 0 || rules.capacity > MAX_CAPACITY {
            return Err(SettingsError::Capacity { max: MAX_CAPACITY });
        }
        if rules.reroute_after_millis < 10_000 || rules.reroute_after_millis > MAX_REROUTE_MILLIS {
            return Err(SettingsError::Reroute);
        }
        if self.frt_target_seconds == 0 {
            return Err(SettingsError::Target);
        }
        let zone_ok = !self.time_zone.is_empty()
            && self.time_zone.len() <= 64
            && self.time_zone.chars().all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
        if !zone_ok {
            return Err(SettingsError::TimeZone);
        }
        if let Some(webhook) = self.webhook.as_mut() {
            webhook.url = validate_webhook_url(&webhook.url, webhook_targets)
                .map_err(|error| SettingsError::Webhook(error.to_string()))?;
            if webhook.secret.chars().count() < MIN_SECRET_CHARS {
                return Err(SettingsError::Webhook(format!("the secret needs at least {MIN_SECRET_CHARS} characters")));
            }
        }
        if self.identity_secret.as_ref().is_some_and(|secret| secret.chars().count() < MIN_SECRET_CHARS) {
            return Err(SettingsError::IdentitySecret { min: MIN_SECRET_CHARS });
        }
        self.launcher = self.launcher.validated()?;
        self.greeting = self.greeting.validated()?;
        if self.retention_days.is_some_and(|days| days == 0 || days > MAX_RETENTION_DAYS) {
            return Err(SettingsError::Retention { max: MAX_RETENTION_DAYS });
        }
        Ok(self)
    }

    /// These settings changed by a JSON merge patch (RFC 7396, `PATCH
    /// /api/shops/{shop}/settings`): an object merges field by field, `null` removes a field
    /// (which then takes its default), anything else replaces what was there. The result must
    /// read as settings, so an unknown field or a wrong type is refused as in a `PUT`; it is not
    /// yet `validated`.
    pub fn patched(&self, patch: &Value) -> Result<ShopSettings, SettingsError> {
        // Merge patch would replace everything with a non-object, and serde reads an array as
        // a struct's fields in order: a patch of `[]` would reset every setting.
        if !patch.is_object() {
            return Err(SettingsError::Patch { field: None, message: "a settings patch is a JSON object".into() });
        }
        let mut merged = serde_json::to_value(self)
            .map_err(|error| SettingsError::Patch { field: None, message: error.to_string() })?;
        merge(&mut merged, patch);
        serde_path_to_error::deserialize(merged).map_err(|error| {
            let path = error.path().to_string();
            let field = (path != ".").then_some(path);
            SettingsError::Patch { field, message: error.into_inner().to_string() }
        })
    }
}

/// Applies `patch` to `target` as RFC 7396 says.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(fields) = target {
        for (name, change) in changes {
            if change.is_null() {
                fields.remove(name);
            } else {
                merge(fields.entry(name.clone()).or_insert(Value::Null), change);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        let with = |change: fn(&mut ShopSettings)| {
            let mut settings = ShopSettings::default();
            change(&mut settings);
            settings.validated(WebhookTargets::Public).map(drop)
        };
        let cases: Vec<(&str, Result<(), SettingsError>)> = vec![
            ("defaults", with(|_| {})),
            ("no capacity", with(|s| s.assignment.capacity = 0)),
            ("huge capacity", with(|s| s.assignment.capacity = 51)),
            ("instant re-route", with(|s| s.assignment.reroute_after_millis = 1)),
            ("no target", with(|s| s.frt_target_seconds = 0)),
            ("odd zone", with(|s| s.time_zone = "Europe/Budapest; x".into())),
            ("long launcher text", with(|s| s.launcher.text = Some("Talk to a real person about your order".into()))),
            ("a day's retention", with(|s| s.retention_days = Some(1))),
            ("ten years' retention", with(|s| s.retention_days = Some(MAX_RETENTION_DAYS))),
            ("no days of retention", with(|s| s.retention_days = Some(0))),
            ("retention past ten years", with(|s| s.retention_days = Some(MAX_RETENTION_DAYS + 1))),
        ];
        let expected = [
            Ok(()),
            Err(SettingsError::Capacity { max: MAX_CAPACITY }),
            Err(SettingsError::Capacity { max: MAX_CAPACITY }),
            Err(SettingsError::Reroute),
            Err(SettingsError::Target),
            Err(SettingsError::TimeZone),
            Err(SettingsError::LauncherText { max: crate::launcher::MAX_LAUNCHER_TEXT_CHARS }),
            Ok(()),
            Ok(()),
            Err(SettingsError::Retention { max: MAX_RETENTION_DAYS }),
            Err(SettingsError::Retention { max: MAX_RETENTION_DAYS }),
        ];
        for ((name, got), expected) in cases.into_iter().zip(expected) {
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn misspelt_fields_are_refused_at_every_depth() {
        for json in [
            r#"{"frt_target_secs": 60}"#,
            r#"{"hours": {"munday": []}}"#,
            r#"{"hours": {"monday": [{"start_minute": 0, "end_minute": 60, "end": 1}]}}"#,
            r#"{"assignment": {"auto_assign": true, "capacity": 3, "reroute_after_millis": 60000, "cap": 2}}"#,
            r#"{"pre_chat": {"name": "required", "phone": "optional"}}"#,
            r#"{"pre_chat": {"email": "mandatory"}}"#,
            r#"{"launcher": {"postion": "left"}}"#,
        ] {
            assert!(serde_json::from_str::<ShopSettings>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn the_webhook_url_is_stored_as_validated_within_the_targets() {
        use crate::public_host::{AddressRange, NonPublicHost};
        let with_url = |url: &str| ShopSettings {
            webhook: Some(WebhookSettings { url: url.into(), secret: "0123456789abcdef".into() }),
            ..ShopSettings::default()
        };
        let refused = |range| Err(SettingsError::Webhook(NonPublicHost::Address(range).to_string()));
        let cases = [
            ("  HTTPS://hooks.example/p ", WebhookTargets::Public, Ok("https://hooks.example/p")),
            ("http://127.0.0.1:9000/p", WebhookTargets::DevelopmentLoopback, Ok("http://127.0.0.1:9000/p")),
            ("http://127.0.0.1:9000/p", WebhookTargets::Public, refused(AddressRange::Loopback)),
            ("https://10.1.2.3/p", WebhookTargets::DevelopmentLoopback, refused(AddressRange::Private)),
        ];
        for (url, targets, expected) in cases {
            let stored = with_url(url).validated(targets).map(|settings| settings.webhook.map(|webhook| webhook.url));
            assert_eq!(stored, expected.map(|url| Some(url.to_owned())), "{url} under {targets:?}");
        }
    }

    #[test]
    fn a_patch_changes_what_it_names_and_nothing_else() {
        use crate::pre_chat::FieldRule;
        let current = ShopSettings {
            frt_target_seconds: 90,
            webhook: Some(WebhookSettings { url: "https://hooks.example/p".into(), secret: "0123456789abcdef".into() }),
            pre_chat: PreChatFields { name: FieldRule::Required, email: FieldRule::Optional },
            ..ShopSettings::default()
        };
        let patched = |patch: &str| current.patched(&serde_json::from_str(patch).expect("JSON"));
        let expect = |change: fn(&mut ShopSettings)| {
            let mut settings = current.clone();
            change(&mut settings);
            Ok(settings)
        };
        let cases: Vec<(&str, Result<ShopSettings, SettingsError>)> = vec![
            (r#"{}"#, expect(|_| {})),
            (r#"{"frt_target_seconds": 45}"#, expect(|s| s.frt_target_seconds = 45)),
            // A nested object merges: the other pre-chat field and the launcher's colour stay.
            (r#"{"pre_chat": {"email": "off"}}"#, expect(|s| s.pre_chat.email = FieldRule::Off)),
            (r#"{"launcher": {"text": "Ask us"}}"#, expect(|s| s.launcher.text = Some("Ask us".into()))),
            (r#"{"assignment": {"capacity": 5}}"#, expect(|s| s.assignment.capacity = 5)),
            // null removes a field: it takes its default.
            (
                r#"{"webhook": null, "frt_target_seconds": null}"#,
                expect(|s| {
                    s.webhook = None;
                    s.frt_target_seconds = ShopSettings::default().frt_target_seconds;
                }),
            ),
            // Arrays are replaced whole.
            (
                r#"{"allowed_origins": ["https://shop.example"]}"#,
                expect(|s| {
                    s.allowed_origins = vec![OriginPattern::parse("https://shop.example").expect("origin")];
                }),
            ),
        ];
        for (patch, expected) in cases {
            assert_eq!(patched(patch), expected, "{patch}");
        }
        // Each refusal names the setting it is about, where serde can tell.
        for (refused, field) in [
            (r#"{"frt_target_secs": 60}"#, Some("frt_target_secs")),
            (r#"{"pre_chat": {"phone": "optional"}}"#, Some("pre_chat.phone")),
            (r#"{"frt_target_seconds": "soon"}"#, Some("frt_target_seconds")),
            (r#"{"hours": {"monday": [{"start_minute": 600, "end_minute": 500}]}}"#, Some("hours")),
            (r#"{"allowed_origins": ["https://a.example", "no origin"]}"#, Some("allowed_origins[1]")),
            (r#"{"launcher": {"color": "blue"}}"#, Some("launcher.color")),
            (r#"{"hours": {"munday": []}}"#, Some("hours.munday")),
            ("[]", None),
        ] {
            let refusal = patched(refused).expect_err(refused);
            assert!(matches!(refusal, SettingsError::Patch { .. }), "{refused}: {refusal:?}");
            assert_eq!(refusal.field().as_deref(), field, "{refused}: {refusal}");
        }
    }

    #[test]
    fn missing_fields_take_defaults() {
        let settings: ShopSettings = serde_json::from_str(r#"{"frt_target_seconds": 60}"#).expect("parses");
        assert_eq!(settings, ShopSettings { frt_target_seconds: 60, ..ShopSettings::default() });
        let settings: ShopSettings = serde_json::from_str(r#"{"pre_chat": {"name": "required"}}"#).expect("parses");
        let asked = PreChatFields { name: crate::pre_chat::FieldRule::Required, ..PreChatFields::default() };
        assert_eq!(settings.pre_chat, asked, "a pre-chat field left out is off");
    }
}

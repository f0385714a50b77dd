//! The values a shop's page adds to what the agent sees (`Parley.setContext`): text by key,
//! each key once, in key order.
//!
//! A sorted `Vec` rather than a `BTreeMap`: there are at most a handful
//! (`validation::MAX_CUSTOM_VALUES`), and the map's node code cost the shopper widget, which
//! carries them in every page it reports, over a kilobyte of its gzipped budget.

use crate::error::WireError;
use crate::json::Json;
use crate::wire::Wire;

/// Text values by key: keys unique and in order, as a map's would be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomValues(Vec<(String, String)>);

impl CustomValues {
    /// Sets `key` to `value`, replacing what it had.
    pub fn insert(&mut self, key: String, value: String) {
        match self.position(&key) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    /// Where `key` is (`Ok`), or where it would go (`Err`).
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(known, _)| known.as_str().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(key, value)| (key.as_str(), value.as_str()))
    }
}

/// Inserted one by one (a later value of a repeated key wins), so no sort is linked.
impl FromIterator<(String, String)> for CustomValues {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut values = CustomValues::default();
        for (key, value) in pairs {
            values.insert(key, value);
        }
        values
    }
}

impl IntoIterator for CustomValues {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// An object of strings; left out of its holder when empty, and read as empty when absent.
impl Wire for CustomValues {
    fn to_json(&self) -> Json {
        let Self(values) = self;
        Json::Object(values.iter().map(|(key, value)| (key.clone(), value.to_json())).collect())
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::Object(fields) => fields.iter().try_fold(CustomValues::default(), |mut values, (key, value)| {
                // A repeated key keeps its first value, unread, as `Json`'s lookups and serde read
                // objects: the edge (serde) and the widget (`Wire`) must agree on what a page said.
                if let Err(at) = values.position(key) {
                    values.0.insert(at, (key.clone(), String::from_json(value)?));
                }
                Ok(values)
            }),
            _ => Err(WireError::Expected("an object of strings")),
        }
    }

    fn absent() -> Option<Self> {
        Some(CustomValues::default())
    }

    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(values: &CustomValues) -> Vec<(&str, &str)> {
        values.iter().collect()
    }

    #[test]
    fn keys_are_kept_once_and_in_order_whatever_the_order_given() {
        /// What the page gave, in its order, and what is kept.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);
        let cases: [Case; 4] = [
            (&[], &[]),
            (&[("coupon", "SPRING"), ("cart", "2")], &[("cart", "2"), ("coupon", "SPRING")]),
            (&[("b", "1"), ("a", "2"), ("c", "3")], &[("a", "2"), ("b", "1"), ("c", "3")]),
            (&[("cart", "1"), ("cart", "2")], &[("cart", "2")]),
        ];
        for (given, kept) in cases {
            let values: CustomValues = given.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            assert_eq!(pairs(&values), kept, "{given:?}");
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_first_value_as_serde_reads_it() {
        /// The JSON, and the values kept or `None` for a refusal.
        type Case<'a> = (&'a str, Option<&'a [(&'a str, &'a str)]>);
        let cases: [Case; 5] = [
            (r#"{"cart":"1","cart":"2"}"#, Some(&[("cart", "1")])),
            (r#"{"cart":"1","cart":null}"#, Some(&[("cart", "1")])),
            (r#"{"":"","":null}"#, Some(&[("", "")])),
            (r#"{"cart":null,"cart":"1"}"#, None),
            (r#"{"b":"1","a":"2","b":"3"}"#, Some(&[("a", "2"), ("b", "1")])),
        ];
        for (text, kept) in cases {
            let wire = CustomValues::decode(text).ok();
            assert_eq!(wire.as_ref().map(pairs), kept.map(<[_]>::to_vec), "{text}");
            let page = format!(r#"{{"custom":{text}}}"#);
            let serde = serde_json::from_str::<crate::protocol::PageContext>(&page).ok().map(|page| page.custom);
            assert_eq!(serde, wire, "serde reads {text} as Wire does");
        }
    }

    #[test]
    fn the_json_form_is_an_object_of_strings_left_out_when_empty() {
        let values = CustomValues::decode(r#"{"coupon":"SPRING","cart":"2"}"#).expect("decodes");
        assert_eq!(pairs(&values), [("cart", "2"), ("coupon", "SPRING")]);
        assert_eq!(values.encode(), r#"{"cart":"2","coupon":"SPRING"}"#);
        assert!(CustomValues::decode(r#"{"cart":2}"#).is_err());
        assert!(CustomValues::default().is_absent());
    }
}

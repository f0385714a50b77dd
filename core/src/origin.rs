//! The web origins a shop lets embed its widget, as patterns like `https://shop.example`
//! or `http://localhost:*` (any port), the same syntax CSP's `frame-ancestors` takes.

use serde::{Deserialize, Serialize};

/// One allowed origin: scheme and host exact, port exact or `*`. Deserializing validates, so
/// no stored or submitted setting can hold anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OriginPattern(String);

impl TryFrom<String> for OriginPattern {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
            .ok_or_else(|| format!("{raw:?} is not an origin like https://shop.example or http://localhost:*"))
    }
}

impl From<OriginPattern> for String {
    fn from(pattern: OriginPattern) -> String {
        pattern.0
    }
}

impl OriginPattern {
    /// Accepts `scheme://host` or `scheme://host:port` or `scheme://host:*`, with scheme
    /// `http` or `https` and no path; anything else is refused, because the pattern is copied
    /// into a CSP header and must not be able to smuggle in other directives.
    pub fn parse(raw: &str) -> Option<Self> {
        // Split at a `:` and then `//`, not at `"://"`: a string pattern links a substring
        // search into the widget (~1 KB), and the result is the same for http(s) schemes.
        let (scheme, rest) = raw.split_once(':')?;
        let rest = rest.strip_prefix("//")?;
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let port_ok = match port {
            None | Some("*") => true,
            Some(port) => !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit()),
        };
        (host_ok && port_ok).then(|| Self(raw.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a browser-reported origin (e.g. `http://localhost:5173`) matches this pattern.
    pub fn matches(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        match self.0.strip_suffix(":*") {
            Some(prefix) => {
                origin == prefix
                    || origin
                        .strip_prefix(prefix)
                        .and_then(|rest| rest.strip_prefix(':'))
                        .is_some_and(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
            }
            None => origin == self.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_refuses_anything_but_origins() {
        let cases = [
            ("https://shop.example", true),
            ("http://localhost:*", true),
            ("http://127.0.0.1:8080", true),
            ("ftp://shop.example", false),
            ("https://shop.example/path", false),
            ("https://shop.example; script-src *", false),
            ("https://", false),
            ("https://shop.example:", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(OriginPattern::parse(raw).is_some(), ok, "{raw:?}");
        }
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<OriginPattern>(r#""https://shop.example""#).is_ok());
        assert!(serde_json::from_str::<OriginPattern>(r#""https://shop.example; script-src *""#).is_err());
    }

    #[test]
    fn matches_exact_and_any_port() {
        let any_port = OriginPattern::parse("http://localhost:*").expect("valid pattern");
        let exact = OriginPattern::parse("https://shop.example").expect("valid pattern");
        let cases = [
            (&any_port, "http://localhost:5173", true),
            (&any_port, "http://localhost", true),
            (&any_port, "http://localhost.evil.test:80", false),
            (&any_port, "https://localhost:5173", false),
            (&exact, "https://shop.example", true),
            (&exact, "https://shop.example:444", false),
            (&exact, "https://evil.shop.example", false),
        ];
        for (pattern, origin, expected) in cases {
            assert_eq!(pattern.matches(origin), expected, "{pattern:?} vs {origin}");
        }
    }
}

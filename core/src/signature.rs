//! HMAC-SHA256 signatures: on the webhooks Parley sends, and on the identity tokens shops give
//! their signed-in shoppers.
//!
//! ## Webhook signatures
//!
//! Every webhook request carries the header
//!
//! ```text
//! Parley-Signature: t={timestamp},v1={hex}
//! ```
//!
//! where `timestamp` is the sending time in whole seconds since the Unix epoch and `hex` is the
//! lowercase hex HMAC-SHA256, keyed with the shop's webhook secret, of `"{timestamp}.{body}"`
//! (the raw request body, byte for byte). A receiver recomputes it over the body it received,
//! compares in constant time, and refuses timestamps more than a few minutes old, so that a
//! captured request cannot be replayed later. The `v1=` names the scheme, so a later scheme
//! can be sent beside it while receivers migrate.
//!
//! ## Identity tokens
//!
//! A shop that knows who its shopper is (signed in on the shop's own site) can say so with a
//! token its server signs with the shop's identity secret:
//!
//! ```text
//! token   = base64url(payload) "." base64url(hmac_sha256(secret, base64url(payload)))
//! payload = {"user_id": "…", "name": "…", "email": "…", "exp": 1700003600}
//! ```
//!
//! base64url is RFC 4648 §5 without `=` padding. The MAC covers the payload's base64url text
//! as sent, so the shop's JSON need not be formatted any particular way. `user_id` is 1 to
//! 128 characters; `name` and `email` may be left out; `exp` is when the token stops being
//! accepted, in whole seconds since the Unix epoch. A token whose `exp` lies more than 24 hours
//! ahead is refused, so a leaked token cannot stand in for the shopper indefinitely: shops
//! should sign a fresh token with each page view, valid for an hour or less.

use crate::time::UnixMillis;
use hmac::digest::Key;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The name of the header that carries a webhook's [`webhook_signature_header`].
pub const WEBHOOK_SIGNATURE_HEADER: &str = "Parley-Signature";

/// The longest identity token looked at; real ones are a few hundred characters.
pub const MAX_IDENTITY_TOKEN_CHARS: usize = 4096;

/// The longest `user_id` an identity token may carry.
pub const MAX_USER_ID_CHARS: usize = 128;

/// How far ahead an identity token's `exp` may lie.
pub const MAX_IDENTITY_LIFETIME_SECS: u64 = 24 * 60 * 60;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed with `secret`. HMAC takes keys of any length: one longer than the hash's
/// 64-byte block is first hashed, a shorter one is padded with zeros (RFC 2104 §2). Doing that
/// here and handing over a full block lets construction be infallible, with no `unwrap`.
fn keyed_mac(secret: &[u8]) -> HmacSha256 {
    let mut key = Key::<HmacSha256>::default();
    if secret.len() > key.len() {
        let digest = Sha256::digest(secret);
        key[..digest.len()].copy_from_slice(&digest);
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    <HmacSha256 as Mac>::new(&key)
}

fn hmac_sha256(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = keyed_mac(secret);
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn lowercase_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// `"v1=" + lowercase hex HMAC-SHA256(secret, "{timestamp_secs}.{body}")`.
pub fn webhook_signature(secret: &[u8], timestamp_secs: u64, body: &str) -> String {
    let timestamp = timestamp_secs.to_string();
    let mac = hmac_sha256(secret, &[timestamp.as_bytes(), b".", body.as_bytes()]);
    format!("v1={}", lowercase_hex(&mac))
}

/// The value of the [`WEBHOOK_SIGNATURE_HEADER`]: `t={timestamp_secs},v1={hex}`.
pub fn webhook_signature_header(secret: &[u8], timestamp_secs: u64, body: &str) -> String {
    format!("t={timestamp_secs},{}", webhook_signature(secret, timestamp_secs, body))
}

/// Who a shop says its shopper is, as carried in an identity token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Seconds since the Unix epoch from which the token is no longer accepted.
    pub exp: u64,
}

/// Why an identity token was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityError {
    #[error("this shop does not verify identities")]
    NotEnabled,
    #[error("the identity token is malformed: {reason}")]
    Malformed { reason: &'static str },
    #[error("the identity token's signature does not match the shop's secret")]
    BadSignature,
    #[error("the identity token has expired")]
    Expired,
    #[error("the identity token expires more than 24 hours from now; sign tokens for a shorter time")]
    ExpiryTooFar,
}

fn malformed(reason: &'static str) -> IdentityError {
    IdentityError::Malformed { reason }
}

/// Signs `identity` as a token (the shop's server does the same in its own language).
pub fn sign_identity(secret: &[u8], identity: &Identity) -> String {
    // Serializing a struct of strings and a number cannot fail; were it ever to, the empty
    // payload would only make a token that verification refuses as malformed.
    let payload = base64url_encode(&serde_json::to_vec(identity).unwrap_or_default());
    let signature = base64url_encode(&hmac_sha256(secret, &[payload.as_bytes()]));
    format!("{payload}.{signature}")
}

/// Checks an identity token's signature (in constant time) and then its content, at `now`.
/// The payload is only decoded once the signature holds, so forged input is never parsed.
pub fn verify_identity(secret: &[u8], token: &str, now: UnixMillis) -> Result<Identity, IdentityError> {
    if token.len() > MAX_IDENTITY_TOKEN_CHARS {
        return Err(malformed("the token is longer than 4096 characters"));
    }
    let (payload_part, signature_part) =
        token.split_once('.').ok_or(malformed("there is no '.' between payload and signature"))?;
    let signature = base64url_decode(signature_part).ok_or(malformed("the signature is not unpadded base64url"))?;
    let mut mac = keyed_mac(secret);
    mac.update(payload_part.as_bytes());
    mac.verify_slice(&signature).map_err(|_| IdentityError::BadSignature)?;

    let payload = base64url_decode(payload_part).ok_or(malformed("the payload is not unpadded base64url"))?;
    let identity: Identity = serde_json::from_slice(&payload)
        .map_err(|_| malformed("the payload is not JSON with a string user_id and a numeric exp"))?;
    if identity.user_id.trim().is_empty() || identity.user_id.chars().count() > MAX_USER_ID_CHARS {
        return Err(malformed("user_id must be 1 to 128 characters"));
    }
    let expires_at = identity.exp.saturating_mul(1000);
    if now.0 >= expires_at {
        return Err(IdentityError::Expired);
    }
    if expires_at - now.0 > MAX_IDENTITY_LIFETIME_SECS * 1000 {
        return Err(IdentityError::ExpiryTooFar);
    }
    Ok(identity)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 §5 base64url, without padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let padded = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let group = u32::from(padded[0]) << 16 | u32::from(padded[1]) << 8 | u32::from(padded[2]);
        // 1 byte makes 2 characters, 2 make 3, 3 make 4.
        for i in 0..=chunk.len() {
            let sextet = (group >> (18 - 6 * i)) & 0x3f;
            text.push(char::from(BASE64URL[sextet as usize]));
        }
    }
    text
}

fn base64url_value(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes unpadded base64url, refusing anything but its one canonical spelling: no padding,
/// no other alphabet, no impossible length, no stray bits in the last character.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut group = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            group |= base64url_value(c)? << (18 - 6 * i);
        }
        let decoded = chunk.len() - 1;
        let unused_bits = group & (0x00ff_ffff >> (8 * decoded));
        if unused_bits != 0 {
            return None;
        }
        bytes.extend_from_slice(&group.to_be_bytes()[1..=decoded]);
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"shop-secret";

    /// A fake clock: seconds since the epoch, in the millis core works in.
    fn at_secs(secs: u64) -> UnixMillis {
        UnixMillis(secs * 1000)
    }

    const NOW_SECS: u64 = 1_700_000_000;

    fn identity(exp: u64) -> Identity {
        Identity { user_id: "u-42".into(), name: Some("Ana".into()), email: Some("ana@shop.test".into()), exp }
    }

    /// A token over any payload bytes, correctly signed: for payloads `sign_identity` would
    /// never make.
    fn signed_raw(payload: &[u8]) -> String {
        let part = base64url_encode(payload);
        format!("{part}.{}", base64url_encode(&hmac_sha256(SECRET, &[part.as_bytes()])))
    }

    #[test]
    fn hmac_sha256_known_answers() {
        // RFC 4231 test cases 2 (short key) and 6 (key longer than a block, hashed first).
        let cases: [(&[u8], &[u8], &str); 2] = [
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(lowercase_hex(&hmac_sha256(key, &[data])), expected);
        }
    }

    #[test]
    fn webhook_signatures() {
        // Computed independently with Python's hmac module.
        let body = r#"{"event":"message.created"}"#;
        let hex = "9884eb2fcc09ffc10f00127fff0a0c5686da2fef61d0363442271c6dfa1917eb";
        assert_eq!(webhook_signature(b"whsec_test", NOW_SECS, body), format!("v1={hex}"));
        assert_eq!(webhook_signature_header(b"whsec_test", NOW_SECS, body), format!("t={NOW_SECS},v1={hex}"));
        assert_ne!(webhook_signature(b"whsec_test", NOW_SECS + 1, body), format!("v1={hex}"), "time is signed");
        assert_ne!(webhook_signature(b"other", NOW_SECS, body), format!("v1={hex}"), "the secret matters");
    }

    #[test]
    fn base64url_round_trips_and_known_answers() {
        // RFC 4648 §10, unpadded, plus the two characters base64url changes.
        let cases: [(&[u8], &str); 8] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xfb, 0xff], "-_8"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base64url_encode(bytes), text);
            assert_eq!(base64url_decode(text).as_deref(), Some(bytes), "{text}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64url_decode(&base64url_encode(&all)), Some(all));
    }

    #[test]
    fn base64url_refuses_other_spellings() {
        for text in ["Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9=", "+/8", "Zm 9v", "Zm9v\n", "Zé"] {
            assert_eq!(base64url_decode(text), None, "{text:?}");
        }
    }

    #[test]
    fn identity_round_trip() {
        for identity in [identity(NOW_SECS + 3600), Identity { name: None, email: None, ..identity(NOW_SECS + 60) }] {
            let token = sign_identity(SECRET, &identity);
            assert_eq!(verify_identity(SECRET, &token, at_secs(NOW_SECS)), Ok(identity));
        }
    }

    #[test]
    fn identity_tokens_from_other_languages() {
        // Signed with Python (json.dumps + hmac + urlsafe_b64encode stripped of '=').
        let token = "eyJ1c2VyX2lkIjoidS00MiIsImV4cCI6MTcwMDAwMzYwMH0.gMOkbo3bjSVe6bSLhS9s0IfeAUYF5uf-_AbHj7KV1Lc";
        let expected = Identity { user_id: "u-42".into(), name: None, email: None, exp: 1_700_003_600 };
        assert_eq!(verify_identity(SECRET, token, at_secs(NOW_SECS)), Ok(expected));
        let extra_fields = signed_raw(br#"{ "user_id": "u-1", "exp": 1700000060, "iat": 1700000000, "name": null }"#);
        assert!(verify_identity(SECRET, &extra_fields, at_secs(NOW_SECS)).is_ok(), "unknown fields are ignored");
    }

    #[test]
    fn identity_refusals() {
        let good = sign_identity(SECRET, &identity(NOW_SECS + 3600));
        let (payload, signature) = good.split_once('.').expect("a dot");
        let other_payload = base64url_encode(br#"{"user_id":"admin","exp":1700003600}"#);
        let mut flipped = base64url_decode(signature).expect("base64url");
        flipped[0] ^= 1;
        let malformed = IdentityError::Malformed { reason: "" };
        let cases: Vec<(&str, String, IdentityError)> = vec![
            ("tampered payload", format!("{other_payload}.{signature}"), IdentityError::BadSignature),
            ("tampered signature", format!("{payload}.{}", base64url_encode(&flipped)), IdentityError::BadSignature),
            ("truncated signature", format!("{payload}.{}", &signature[..20]), IdentityError::BadSignature),
            ("another shop's secret", sign_identity(b"other", &identity(NOW_SECS + 3600)), IdentityError::BadSignature),
            ("expired", sign_identity(SECRET, &identity(NOW_SECS - 1)), IdentityError::Expired),
            ("expires this very second", sign_identity(SECRET, &identity(NOW_SECS)), IdentityError::Expired),
            ("too far ahead", sign_identity(SECRET, &identity(NOW_SECS + 86_401)), IdentityError::ExpiryTooFar),
            ("absurdly far ahead", sign_identity(SECRET, &identity(u64::MAX)), IdentityError::ExpiryTooFar),
            ("no dot", payload.to_owned(), malformed.clone()),
            ("empty", String::new(), malformed.clone()),
            ("two dots", format!("{good}.x"), malformed.clone()),
            ("padded signature", format!("{good}="), malformed.clone()),
            ("bad base64 in the payload", signed_raw_text("eyJ!"), malformed.clone()),
            ("bad JSON", signed_raw(b"{\"user_id\":"), malformed.clone()),
            ("not an object", signed_raw(b"[1,2]"), malformed.clone()),
            ("no exp", signed_raw(br#"{"user_id":"u-1"}"#), malformed.clone()),
            ("empty user_id", signed_raw(br#"{"user_id":"","exp":1700000060}"#), malformed.clone()),
            ("blank user_id", signed_raw(br#"{"user_id":"  ","exp":1700000060}"#), malformed.clone()),
            (
                "user_id too long",
                signed_raw(format!(r#"{{"user_id":"{}","exp":1700000060}}"#, "x".repeat(129)).as_bytes()),
                malformed.clone(),
            ),
            ("huge token", format!("{}.{signature}", "A".repeat(MAX_IDENTITY_TOKEN_CHARS)), malformed.clone()),
        ];
        for (name, token, expected) in cases {
            let outcome = verify_identity(SECRET, &token, at_secs(NOW_SECS));
            match (&outcome, &expected) {
                (Err(IdentityError::Malformed { .. }), IdentityError::Malformed { .. }) => {}
                _ => assert_eq!(outcome, Err(expected), "{name}"),
            }
        }
        let longest = format!(r#"{{"user_id":"{}","exp":1700000060}}"#, "é".repeat(128));
        assert!(verify_identity(SECRET, &signed_raw(longest.as_bytes()), at_secs(NOW_SECS)).is_ok(), "128 chars");
        let a_day = sign_identity(SECRET, &identity(NOW_SECS + MAX_IDENTITY_LIFETIME_SECS));
        assert!(verify_identity(SECRET, &a_day, at_secs(NOW_SECS)).is_ok(), "exactly 24 hours ahead");
    }

    /// A correctly signed token whose payload part is `part` as given, base64url or not.
    fn signed_raw_text(part: &str) -> String {
        format!("{part}.{}", base64url_encode(&hmac_sha256(SECRET, &[part.as_bytes()])))
    }

    #[test]
    fn refusals_read_well() {
        let error = verify_identity(SECRET, "nodot", at_secs(NOW_SECS)).expect_err("refused");
        assert_eq!(error.to_string(), "the identity token is malformed: there is no '.' between payload and signature");
    }
}

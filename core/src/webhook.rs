//! Per-shop webhooks: which events are sent, where they may be sent, and when a failed
//! delivery is tried again.
//!
//! ## Retry schedule
//!
//! [`Backoff::WEBHOOK`]: 10 s, 20 s, 40 s, … 2560 s, then hourly, 16 attempts within a day.
//! Every attempt carries the same [`Delivery::id`], so a receiver that saw an attempt succeed
//! but whose answer was lost can recognise the repeat and ignore it.

use crate::ids::ShopId;
use crate::message::Message;
use crate::protocol::ConversationView;
use crate::retry::{Backoff, Outcome};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The longest webhook URL a shop may configure.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2048;

/// What happened, as named in the webhook's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    #[serde(rename = "conversation.created")]
    ConversationCreated,
    #[serde(rename = "message.created")]
    MessageCreated,
    #[serde(rename = "conversation.resolved")]
    ConversationResolved,
    #[serde(rename = "conversation.rated")]
    ConversationRated,
}

impl WebhookEvent {
    /// The event's name, the same as its serialized form.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ConversationCreated => "conversation.created",
            WebhookEvent::MessageCreated => "message.created",
            WebhookEvent::ConversationResolved => "conversation.resolved",
            WebhookEvent::ConversationRated => "conversation.rated",
        }
    }
}

/// Something a conversation tells the shop's webhook: the event, its idempotency key (the same
/// however often the edge hands it on, so a receiver sees one id per event), and the message
/// for `message.created`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub event: WebhookEvent,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// The JSON body of a webhook request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPayload {
    /// The idempotency key: a retried delivery carries the same id.
    pub id: String,
    pub event: WebhookEvent,
    pub shop: ShopId,
    pub created_at: UnixMillis,
    pub conversation: ConversationView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// Where a shop's webhook goes and the secret its requests are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    pub url: String,
    /// At least [`MIN_SECRET_CHARS`] characters, chosen by the shop.
    pub secret: String,
}

/// The shortest webhook secret accepted.
pub const MIN_SECRET_CHARS: usize = 16;

/// One webhook request to make, possibly again, as stored until it succeeds or is given up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The idempotency key, chosen by the caller and sent with every attempt.
    pub id: String,
    pub url: String,
    /// The exact body to send (and sign) on every attempt.
    pub body: String,
    /// Attempts made and failed so far.
    pub attempts: u32,
    pub next_attempt_at: UnixMillis,
    pub created_at: UnixMillis,
}

impl Delivery {
    /// A delivery created at `now`, to be attempted at once.
    pub fn new(id: String, url: String, body: String, now: UnixMillis) -> Self {
        Self { id, url, body, attempts: 0, next_attempt_at: now, created_at: now }
    }
}

/// Records that the attempt made at `now` failed and schedules the next by
/// [`Backoff::WEBHOOK`], or gives up. On `RetryAt` the delivery's `next_attempt_at` is updated.
pub fn after_failure(delivery: &mut Delivery, now: UnixMillis) -> Outcome {
    delivery.attempts = delivery.attempts.saturating_add(1);
    let outcome = Backoff::WEBHOOK.after_failure(delivery.attempts, delivery.created_at, now);
    if let Outcome::RetryAt(next) = outcome {
        delivery.next_attempt_at = next;
    }
    outcome
}

/// Why a webhook URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebhookUrlError {
    #[error("the webhook URL is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the webhook URL is not a valid absolute URL: {reason}")]
    Malformed { reason: &'static str },
    #[error("webhook URLs must use https (plain http only to localhost or 127.0.0.1, for development)")]
    NotHttps,
    #[error("webhook URLs must not contain a user name or password")]
    Credentials,
}

fn malformed(reason: &'static str) -> WebhookUrlError {
    WebhookUrlError::Malformed { reason }
}

/// Checks a webhook URL a shop configures and returns it trimmed, with its scheme lowercased.
///
/// Rules: at most [`MAX_WEBHOOK_URL_CHARS`]; printable ASCII only (international host names in
/// punycode, other characters percent-encoded); `https`, or `http` to `localhost` or
/// `127.0.0.1` for local development; no `user:password@`, since secrets belong in the
/// signing secret, not in a URL that is shown and logged; a host of letters, digits, `-` and
/// dots (or a bracketed IPv6 address) and an optional port from 1 to 65535.
pub fn validate_webhook_url(raw: &str) -> Result<String, WebhookUrlError> {
    let url = raw.trim();
    if url.len() > MAX_WEBHOOK_URL_CHARS {
        return Err(WebhookUrlError::TooLong { max: MAX_WEBHOOK_URL_CHARS });
    }
    if !url.chars().all(|c| c.is_ascii_graphic()) {
        return Err(malformed("it contains spaces, control or non-ASCII characters"));
    }
    let (scheme, rest) = url.split_once("://").ok_or(malformed("it does not start with https://"))?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(WebhookUrlError::Credentials);
    }
    let host = checked_host(authority)?;
    let local = host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1";
    match scheme.as_str() {
        "https" => {}
        "http" if local => {}
        _ => return Err(WebhookUrlError::NotHttps),
    }
    Ok(format!("{scheme}://{rest}"))
}

/// The host of `authority` (`host[:port]`), once host and port are both well formed.
fn checked_host(authority: &str) -> Result<&str, WebhookUrlError> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, after) = bracketed.split_once(']').ok_or(malformed("an IPv6 address is missing its ']'"))?;
            if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err(malformed("the IPv6 address is not valid"));
            }
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or(malformed("unexpected characters after the host"))?),
            };
            (&authority[..address.len() + 2], port)
        }
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            let label_ok =
                |label: &str| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !host.split('.').all(label_ok) {
                return Err(malformed("the host name is not valid"));
            }
            (host, port)
        }
    };
    if let Some(port) = port {
        let valid =
            port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0);
        if !valid {
            return Err(malformed("the port must be a number from 1 to 65535"));
        }
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1000;
    const CREATED: UnixMillis = UnixMillis(1_700_000_000_000);

    fn delivery() -> Delivery {
        Delivery::new("evt_1".into(), "https://shop.example/hook".into(), "{}".into(), CREATED)
    }

    #[test]
    fn a_failed_attempt_is_counted_and_scheduled_until_given_up() {
        let mut delivery = delivery();
        assert_eq!(after_failure(&mut delivery, CREATED), Outcome::RetryAt(UnixMillis(CREATED.0 + 10 * SECOND)));
        assert_eq!((delivery.attempts, delivery.next_attempt_at), (1, UnixMillis(CREATED.0 + 10 * SECOND)));
        let mut last = delivery.next_attempt_at;
        while let Outcome::RetryAt(next) = after_failure(&mut delivery, last) {
            assert_eq!(delivery.next_attempt_at, next);
            last = next;
        }
        assert_eq!(delivery.attempts, Backoff::WEBHOOK.max_attempts);
        assert_eq!(delivery.next_attempt_at, last, "unchanged on giving up");
    }

    #[test]
    fn event_names() {
        for (event, name) in [
            (WebhookEvent::ConversationCreated, "conversation.created"),
            (WebhookEvent::MessageCreated, "message.created"),
            (WebhookEvent::ConversationResolved, "conversation.resolved"),
            (WebhookEvent::ConversationRated, "conversation.rated"),
        ] {
            assert_eq!(event.as_str(), name);
            assert_eq!(serde_json::to_string(&event).expect("serializes"), format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<WebhookEvent>(&format!("\"{name}\"")).expect("parses"), event);
        }
    }

    #[test]
    fn deliveries_survive_serialization() {
        let delivery = delivery();
        let json = serde_json::to_string(&delivery).expect("serializes");
        assert_eq!(serde_json::from_str::<Delivery>(&json).expect("parses"), delivery);
    }

    #[test]
    fn webhook_urls() {
        let longest = format!("https://shop.example/{}", "x".repeat(MAX_WEBHOOK_URL_CHARS - 21));
        let too_long = format!("{longest}x");
        let malformed = WebhookUrlError::Malformed { reason: "" };
        let ok = |url: &str| Ok::<String, WebhookUrlError>(url.to_owned());
        let cases: Vec<(&str, Result<String, WebhookUrlError>)> = vec![
            ("https://shop.example/hooks/parley", ok("https://shop.example/hooks/parley")),
            ("  https://shop.example/hook\n", ok("https://shop.example/hook")),
            ("HTTPS://Shop.Example/Hook", ok("https://Shop.Example/Hook")),
            ("https://shop.example", ok("https://shop.example")),
            ("https://shop.example:8443/h?x=1#top", ok("https://shop.example:8443/h?x=1#top")),
            ("https://shop.example/h?notify=ops@shop.example", ok("https://shop.example/h?notify=ops@shop.example")),
            ("https://203.0.113.7/h", ok("https://203.0.113.7/h")),
            ("https://[2001:db8::1]:8443/h", ok("https://[2001:db8::1]:8443/h")),
            ("https://xn--shp-tna.example/h", ok("https://xn--shp-tna.example/h")),
            ("http://localhost:8787/hook", ok("http://localhost:8787/hook")),
            ("http://LocalHost/hook", ok("http://LocalHost/hook")),
            ("http://127.0.0.1:3000/hook", ok("http://127.0.0.1:3000/hook")),
            (&longest, Ok(longest.clone())),
            (&too_long, Err(WebhookUrlError::TooLong { max: MAX_WEBHOOK_URL_CHARS })),
            ("http://shop.example/hook", Err(WebhookUrlError::NotHttps)),
            ("http://127.0.0.2/hook", Err(WebhookUrlError::NotHttps)),
            ("http://localhost.evil.example/hook", Err(WebhookUrlError::NotHttps)),
            ("http://[::1]/hook", Err(WebhookUrlError::NotHttps)),
            ("ftp://shop.example/hook", Err(WebhookUrlError::NotHttps)),
            ("https://user:secret@shop.example/hook", Err(WebhookUrlError::Credentials)),
            ("https://token@shop.example/hook", Err(WebhookUrlError::Credentials)),
            ("http://me@localhost/hook", Err(WebhookUrlError::Credentials)),
            ("", Err(malformed.clone())),
            ("shop.example/hook", Err(malformed.clone())),
            ("javascript:alert(1)", Err(malformed.clone())),
            ("https://", Err(malformed.clone())),
            ("https:///hook", Err(malformed.clone())),
            ("https://shop example/hook", Err(malformed.clone())),
            ("https://shöp.example/hook", Err(malformed.clone())),
            ("https://shop..example/hook", Err(malformed.clone())),
            ("https://shop_example/hook", Err(malformed.clone())),
            ("https://shop.example:/hook", Err(malformed.clone())),
            ("https://shop.example:0/hook", Err(malformed.clone())),
            ("https://shop.example:65536/hook", Err(malformed.clone())),
            ("https://shop.example:+443/hook", Err(malformed.clone())),
            ("https://[2001:db8::1/hook", Err(malformed.clone())),
            ("https://[]/hook", Err(malformed.clone())),
            ("https://[::1]x/hook", Err(malformed.clone())),
        ];
        for (raw, expected) in cases {
            let outcome = validate_webhook_url(raw);
            match (&outcome, &expected) {
                (Err(WebhookUrlError::Malformed { .. }), Err(WebhookUrlError::Malformed { .. })) => {}
                _ => assert_eq!(outcome, expected, "{raw:?}"),
            }
        }
    }
}

//! Per-shop webhooks: which events are sent, where they may be sent, and when a failed
//! delivery is tried again.
//!
//! ## Where a webhook may go
//!
//! [`validate_webhook_url`] checks a URL when a shop sets it and again right before each
//! attempt. Under [`WebhookTargets::Public`] (production) only `https` to a host on the public
//! internet passes: the edge sends these requests from inside the platform, so a URL naming the
//! edge's own machine, the platform's metadata service or a private network would let a shop
//! reach what it must not ([`crate::public_host`] has the rules). Local development and tests,
//! whose receivers listen on this machine, use [`WebhookTargets::DevelopmentLoopback`], which
//! also lets `http` or `https` reach `localhost`, `127.0.0.1` and `[::1]`, and nothing more.
//!
//! ## Retry schedule
//!
//! [`Backoff::WEBHOOK`]: 10 s, 20 s, 40 s, … 2560 s, then hourly, 16 attempts within a day.
//! Every attempt carries the same [`Delivery::id`], so a receiver that saw an attempt succeed
//! but whose answer was lost can recognise the repeat and ignore it.

use crate::ids::{AgentId, ShopId};
use crate::message::Message;
use crate::protocol::{ConversationView, Role};
use crate::public_host::{Host, NonPublicHost};
use crate::retry::{Backoff, Outcome};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::net::Ipv6Addr;
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
    /// An owner invited someone to the team; the payload's `invite` carries the link, for the
    /// shop's own mailer to send.
    #[serde(rename = "agent.invited")]
    AgentInvited,
    /// An owner's "send a test event".
    #[serde(rename = "webhook.test")]
    WebhookTest,
}

impl WebhookEvent {
    /// The event's name, the same as its serialized form.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ConversationCreated => "conversation.created",
            WebhookEvent::MessageCreated => "message.created",
            WebhookEvent::ConversationResolved => "conversation.resolved",
            WebhookEvent::ConversationRated => "conversation.rated",
            WebhookEvent::AgentInvited => "agent.invited",
            WebhookEvent::WebhookTest => "webhook.test",
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
    /// The conversation, for the `conversation.*` and `message.*` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// The invite, for `agent.invited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<InviteNotice>,
}

/// Whom an owner invited, and the single-use link that lets them join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteNotice {
    pub email: AgentId,
    pub role: Role,
    pub link: String,
    pub expires_at: UnixMillis,
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
    #[error("webhook URLs must use https")]
    NotHttps,
    #[error("webhook URLs must not contain a user name or password")]
    Credentials,
    #[error(transparent)]
    NotPublic(#[from] NonPublicHost),
}

fn malformed(reason: &'static str) -> WebhookUrlError {
    WebhookUrlError::Malformed { reason }
}

/// Which hosts webhooks may be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookTargets {
    /// Production: `https` to hosts on the public internet only.
    Public,
    /// Local development and tests, whose receivers listen on this machine: also `http` or
    /// `https` to `localhost`, `127.0.0.1` or `[::1]`.
    DevelopmentLoopback,
}

/// Checks a webhook URL and returns it trimmed, with its scheme lowercased. The edge checks a
/// shop's URL with this when the shop sets it, and the stored URL again right before each
/// attempt, so a URL stored under older rules is refused rather than sent.
///
/// Rules: at most [`MAX_WEBHOOK_URL_CHARS`]; printable ASCII only (international host names in
/// punycode, other characters percent-encoded); no `user:password@`, since secrets belong in the
/// signing secret, not in a URL that is shown and logged; a host of letters, digits, `-` and
/// dots (or a bracketed IPv6 address) and an optional port from 1 to 65535; a host on the public
/// internet reached by `https`, or what `targets` allows besides (see the module docs).
pub fn validate_webhook_url(raw: &str, targets: WebhookTargets) -> Result<String, WebhookUrlError> {
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
    let development_loopback = targets == WebhookTargets::DevelopmentLoopback && is_loopback(&host);
    if !development_loopback {
        host.check_public()?;
    }
    match scheme.as_str() {
        "https" => {}
        "http" if development_loopback => {}
        _ => return Err(WebhookUrlError::NotHttps),
    }
    Ok(format!("{scheme}://{rest}"))
}

/// Whether `host` is `localhost`, `127.0.0.1` or `[::1]`, where local receivers listen. Any other
/// host, loopback or not, is left to the public-host rules.
fn is_loopback(host: &Host) -> bool {
    match *host {
        Host::Ipv6(address) => address == Ipv6Addr::LOCALHOST,
        Host::Name(name) => name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1",
    }
}

/// The host of `authority` (`host[:port]`), once host and port are both well formed.
fn checked_host(authority: &str) -> Result<Host<'_>, WebhookUrlError> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, after) = bracketed.split_once(']').ok_or(malformed("an IPv6 address is missing its ']'"))?;
            let address = address.parse::<Ipv6Addr>().map_err(|_| malformed("the IPv6 address is not valid"))?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or(malformed("unexpected characters after the host"))?),
            };
            (Host::Ipv6(address), port)
        }
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            let label_ok =
                |label: &str| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            // A trailing dot is well formed; the public-host rules refuse it with their reason.
            if !host.strip_suffix('.').unwrap_or(host).split('.').all(label_ok) {
                return Err(malformed("the host name is not valid"));
            }
            (Host::Name(host), port)
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
        use crate::public_host::AddressRange::*;
        use WebhookTargets::{DevelopmentLoopback as Dev, Public};
        let longest = format!("https://shop.example/{}", "x".repeat(MAX_WEBHOOK_URL_CHARS - 21));
        let too_long = format!("{longest}x");
        let malformed = WebhookUrlError::Malformed { reason: "" };
        let ok = |url: &str| Ok::<String, WebhookUrlError>(url.to_owned());
        let address = |range| Err(WebhookUrlError::NotPublic(NonPublicHost::Address(range)));
        let refused = |why| Err(WebhookUrlError::NotPublic(why));
        let cases: Vec<(&str, WebhookTargets, Result<String, WebhookUrlError>)> = vec![
            ("https://shop.example/hooks/parley", Public, ok("https://shop.example/hooks/parley")),
            ("  https://shop.example/hook\n", Public, ok("https://shop.example/hook")),
            ("HTTPS://Shop.Example/Hook", Public, ok("https://Shop.Example/Hook")),
            ("https://shop.example", Public, ok("https://shop.example")),
            ("https://shop.example:8443/h?x=1#top", Public, ok("https://shop.example:8443/h?x=1#top")),
            (
                "https://shop.example/h?notify=ops@shop.example",
                Public,
                ok("https://shop.example/h?notify=ops@shop.example"),
            ),
            ("https://8.8.8.8/h", Public, ok("https://8.8.8.8/h")),
            ("https://[2606:4700:4700::1111]:8443/h", Public, ok("https://[2606:4700:4700::1111]:8443/h")),
            ("https://xn--shp-tna.example/h", Public, ok("https://xn--shp-tna.example/h")),
            ("https://shop.example/h", Dev, ok("https://shop.example/h")),
            // Development reaches this machine's receivers, by plain http too.
            ("http://localhost:8787/hook", Dev, ok("http://localhost:8787/hook")),
            ("http://LocalHost/hook", Dev, ok("http://LocalHost/hook")),
            ("http://127.0.0.1:3000/hook", Dev, ok("http://127.0.0.1:3000/hook")),
            ("http://[::1]:3000/hook", Dev, ok("http://[::1]:3000/hook")),
            ("https://localhost/hook", Dev, ok("https://localhost/hook")),
            (&longest, Public, Ok(longest.clone())),
            (&too_long, Public, Err(WebhookUrlError::TooLong { max: MAX_WEBHOOK_URL_CHARS })),
            ("http://shop.example/hook", Public, Err(WebhookUrlError::NotHttps)),
            ("http://shop.example/hook", Dev, Err(WebhookUrlError::NotHttps)),
            ("http://8.8.8.8/hook", Dev, Err(WebhookUrlError::NotHttps)),
            ("ftp://shop.example/hook", Public, Err(WebhookUrlError::NotHttps)),
            ("ftp://localhost/hook", Dev, Err(WebhookUrlError::NotHttps)),
            ("https://user:secret@shop.example/hook", Public, Err(WebhookUrlError::Credentials)),
            ("https://token@shop.example/hook", Public, Err(WebhookUrlError::Credentials)),
            ("http://me@localhost/hook", Dev, Err(WebhookUrlError::Credentials)),
            // Production reaches no loopback, by any scheme or spelling.
            ("http://localhost:8787/hook", Public, refused(NonPublicHost::Localhost)),
            ("https://localhost/hook", Public, refused(NonPublicHost::Localhost)),
            ("http://127.0.0.1:3000/hook", Public, address(Loopback)),
            ("https://[::1]/hook", Public, address(Loopback)),
            ("http://[::1]/hook", Public, address(Loopback)),
            // Development reaches no more than the three loopback hosts.
            ("http://127.0.0.2/hook", Dev, address(Loopback)),
            ("http://localhost./hook", Dev, refused(NonPublicHost::TrailingDot)),
            ("http://app.localhost/hook", Dev, refused(NonPublicHost::Localhost)),
            ("http://localhost.evil.example/hook", Dev, Err(WebhookUrlError::NotHttps)),
            ("http://127.1/hook", Dev, refused(NonPublicHost::NumericHost)),
            ("https://10.0.0.1/hook", Dev, address(Private)),
            ("http://0.0.0.0/hook", Dev, address(Unspecified)),
            ("http://[::]/hook", Dev, address(Unspecified)),
            ("https://[::ffff:127.0.0.1]/hook", Dev, address(Loopback)),
            // Addresses off the public internet.
            ("https://169.254.169.254/latest/meta-data/", Public, address(LinkLocal)),
            ("https://10.0.0.1/hook", Public, address(Private)),
            ("https://172.16.0.1/hook", Public, address(Private)),
            ("https://192.168.1.1/hook", Public, address(Private)),
            ("https://100.64.0.1/hook", Public, address(CarrierGradeNat)),
            ("https://0.0.0.0/hook", Public, address(Unspecified)),
            ("https://255.255.255.255/hook", Public, address(Broadcast)),
            ("https://224.0.0.1/hook", Public, address(Multicast)),
            ("https://198.18.0.1/hook", Public, address(Benchmarking)),
            ("https://240.0.0.1/hook", Public, address(Reserved)),
            ("https://203.0.113.7/h", Public, address(Documentation)),
            ("https://[2001:db8::1]:8443/h", Public, address(Documentation)),
            ("https://[fd00:ec2::254]/latest/meta-data/", Public, address(UniqueLocal)),
            ("https://[fe80::1]/hook", Public, address(LinkLocal)),
            ("https://[::]/hook", Public, address(Unspecified)),
            ("https://[ff02::1]/hook", Public, address(Multicast)),
            ("https://[::ffff:169.254.169.254]/hook", Public, address(LinkLocal)),
            ("https://[::ffff:a9fe:a9fe]/hook", Public, address(LinkLocal)),
            ("https://[::10.0.0.1]/hook", Public, address(Private)),
            ("https://[64:ff9b::192.168.1.1]/hook", Public, address(Private)),
            ("https://[2002:7f00:1::1]/hook", Public, address(Loopback)),
            // Numbers a URL parser reads as 127.0.0.1.
            ("https://2130706433/hook", Public, refused(NonPublicHost::NumericHost)),
            ("https://0x7f000001/hook", Public, refused(NonPublicHost::NumericHost)),
            ("https://0177.0.0.1/hook", Public, refused(NonPublicHost::NumericHost)),
            ("https://127.1/hook", Public, refused(NonPublicHost::NumericHost)),
            // Names of the local machine or a private network.
            ("https://localhost./hook", Public, refused(NonPublicHost::TrailingDot)),
            ("https://shop.example./hook", Public, refused(NonPublicHost::TrailingDot)),
            ("https://app.localhost/hook", Public, refused(NonPublicHost::Localhost)),
            ("https://metadata/computeMetadata/v1/", Public, refused(NonPublicHost::SingleLabel)),
            ("https://intranet:8443/hook", Public, refused(NonPublicHost::SingleLabel)),
            (
                "https://metadata.google.internal/computeMetadata/v1/",
                Public,
                refused(NonPublicHost::PrivateName { suffix: "internal" }),
            ),
            ("https://printer.local/hook", Public, refused(NonPublicHost::PrivateName { suffix: "local" })),
            ("https://nas.home.arpa/hook", Public, refused(NonPublicHost::PrivateName { suffix: "home.arpa" })),
            ("", Public, Err(malformed.clone())),
            ("shop.example/hook", Public, Err(malformed.clone())),
            ("javascript:alert(1)", Public, Err(malformed.clone())),
            ("https://", Public, Err(malformed.clone())),
            ("https:///hook", Public, Err(malformed.clone())),
            ("https://./hook", Public, Err(malformed.clone())),
            ("https://shop example/hook", Public, Err(malformed.clone())),
            ("https://shöp.example/hook", Public, Err(malformed.clone())),
            ("https://shop..example/hook", Public, Err(malformed.clone())),
            ("https://shop.example../hook", Public, Err(malformed.clone())),
            ("https://shop_example/hook", Public, Err(malformed.clone())),
            ("https://shop.example:/hook", Public, Err(malformed.clone())),
            ("https://shop.example:0/hook", Public, Err(malformed.clone())),
            ("https://shop.example:65536/hook", Public, Err(malformed.clone())),
            ("https://shop.example:+443/hook", Public, Err(malformed.clone())),
            ("https://[2001:db8::1/hook", Public, Err(malformed.clone())),
            ("https://[]/hook", Public, Err(malformed.clone())),
            ("https://[::1]x/hook", Public, Err(malformed.clone())),
            ("https://[1:2]/hook", Public, Err(malformed.clone())),
            ("https://[fe80::1%25eth0]/hook", Public, Err(malformed.clone())),
        ];
        for (raw, targets, expected) in cases {
            let outcome = validate_webhook_url(raw, targets);
            match (&outcome, &expected) {
                (Err(WebhookUrlError::Malformed { .. }), Err(WebhookUrlError::Malformed { .. })) => {}
                _ => assert_eq!(outcome, expected, "{raw:?} under {targets:?}"),
            }
        }
    }

    #[test]
    fn refusals_explain_themselves() {
        let refusal = validate_webhook_url("https://169.254.169.254/", WebhookTargets::Public).expect_err("refused");
        assert_eq!(
            refusal.to_string(),
            "the host is a link-local address (169.254.0.0/16, fe80::/10), which is not on the public internet"
        );
    }
}

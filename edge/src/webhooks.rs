//! The shop's webhook deliveries in its desk's SQLite storage, and sending them: each event
//! becomes a delivery with a fixed body and idempotency key, sent from the desk's alarm (so a
//! slow receiver never slows a conversation), signed with HMAC-SHA256 over timestamp and body,
//! and retried on core's schedule until a 2xx answer or core gives up, when it becomes a dead
//! letter the shop's owners see. Each delivery goes to the URL it was queued for, with a time
//! limit and no redirects followed. At least once: a receiver dedupes by the `Parley-Delivery`
//! id.

use std::time::Duration;

use serde::Deserialize;
use worker::{AbortController, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use crate::clock::within;
use crate::dead_letters::DeadLetters;
use crate::error::{EdgeError, EdgeResult};
use crate::store::{millis, Store};
use parley_core::ids::ConversationId;
use parley_core::protocol::{DeadLetter, DeadLetterKind, WebhookTestResult};
use parley_core::retry::Outcome;
use parley_core::signature::{webhook_signature_header, WEBHOOK_SIGNATURE_HEADER};
use parley_core::time::UnixMillis;
use parley_core::webhook::{
    after_failure, validate_webhook_url, Delivery, WebhookPayload, WebhookSettings, WebhookTargets,
};

pub struct Webhooks<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct NextAttempt {
    next: Option<f64>,
}

impl<'a> Webhooks<'a> {
    pub const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY, delivery TEXT NOT NULL, next_attempt_at INTEGER NOT NULL)";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Queues a delivery; one with the same id (a redelivered event) is kept as it is.
    pub fn queue(&self, delivery: &Delivery) -> EdgeResult<()> {
        self.store.exec(
            "INSERT OR IGNORE INTO webhook_deliveries (id, delivery, next_attempt_at) VALUES (?, ?, ?)",
            vec![
                delivery.id.as_str().into(),
                serde_json::to_string(delivery)?.into(),
                millis(delivery.next_attempt_at).into(),
            ],
        )
    }

    /// When the next delivery is due, if any is queued.
    pub fn next_attempt_at(&self) -> EdgeResult<Option<UnixMillis>> {
        let rows: Vec<NextAttempt> =
            self.store.rows("SELECT MIN(next_attempt_at) AS next FROM webhook_deliveries", vec![])?;
        Ok(rows.first().and_then(|row| row.next).map(|next| UnixMillis(next as u64)))
    }

    /// Sends every delivery due at `now`, each to the URL it was queued for, signed with the
    /// shop's current secret (or drops them all if the shop no longer has a webhook), and
    /// records each outcome: a delivery given up becomes one of the shop's dead letters.
    pub async fn send_due(
        &self,
        webhook: Option<&WebhookSettings>,
        targets: WebhookTargets,
        dead_letters: &DeadLetters<'_>,
        now: UnixMillis,
    ) -> EdgeResult<()> {
        let Some(webhook) = webhook else {
            return self.store.exec("DELETE FROM webhook_deliveries", vec![]);
        };
        let due: Vec<Delivery> = self.store.json_values(
            "SELECT delivery AS value FROM webhook_deliveries WHERE next_attempt_at <= ? ORDER BY next_attempt_at",
            vec![millis(now).into()],
        )?;
        for mut delivery in due {
            // Checked again as it is sent: an address that is not allowed here (a delivery queued
            // by a development edge, or under older rules) is given up at once.
            if let Err(refused) = validate_webhook_url(&delivery.url, targets) {
                delivery.attempts += 1;
                self.give_up(&delivery, refused.to_string(), dead_letters, now)?;
                continue;
            }
            let failure = match send(&webhook.secret, &delivery, now).await {
                Ok(()) => {
                    self.remove(&delivery)?;
                    continue;
                }
                Err(failure) => failure,
            };
            match after_failure(&mut delivery, now) {
                Outcome::RetryAt(at) => self.store.exec(
                    "UPDATE webhook_deliveries SET delivery = ?, next_attempt_at = ? WHERE id = ?",
                    vec![serde_json::to_string(&delivery)?.into(), millis(at).into(), delivery.id.as_str().into()],
                )?,
                Outcome::GaveUp => self.give_up(&delivery, failure, dead_letters, now)?,
            }
        }
        Ok(())
    }

    /// Removes a delivery and keeps it as a dead letter, in one transaction.
    fn give_up(
        &self,
        delivery: &Delivery,
        last_failure: String,
        dead_letters: &DeadLetters<'_>,
        now: UnixMillis,
    ) -> EdgeResult<()> {
        self.store.transaction(|| {
            self.remove(delivery)?;
            dead_letters.keep(&dead_letter(delivery, last_failure, now))
        })
    }

    /// Drops the pending deliveries about a conversation (erasure, retention): their bodies
    /// carry what the shopper wrote.
    pub fn forget(&self, conversation: &ConversationId) -> EdgeResult<()> {
        self.store.exec(
            "DELETE FROM webhook_deliveries WHERE json_extract(json_extract(delivery, '$.body'), '$.conversation.id') = ?",
            vec![conversation.as_str().into()],
        )
    }

    fn remove(&self, delivery: &Delivery) -> EdgeResult<()> {
        self.store.exec("DELETE FROM webhook_deliveries WHERE id = ?", vec![delivery.id.as_str().into()])
    }
}

/// Sends a test event once, now, as any delivery is sent (checked URL, signed, time limit, no
/// redirects): what the receiver answered, or why it did not.
pub async fn test(
    webhook: &WebhookSettings,
    targets: WebhookTargets,
    delivery: &Delivery,
    now: UnixMillis,
) -> WebhookTestResult {
    if let Err(refused) = validate_webhook_url(&delivery.url, targets) {
        return WebhookTestResult { status: None, error: Some(refused.to_string()) };
    }
    match attempt(&webhook.secret, delivery, now).await {
        Ok(status) => WebhookTestResult { status: Some(status), error: None },
        Err(failure) => WebhookTestResult { status: None, error: Some(failure) },
    }
}

/// The longest a shop's receiver may take to answer one delivery.
const TIMEOUT: Duration = Duration::from_secs(10);

/// One attempt that must succeed: `Ok` on a 2xx answer, otherwise how it failed, in words safe
/// to show the shop's owners. Redirects are not followed: a receiver that moved is a failure
/// the owner should see, and following one could lead the request somewhere its URL was never
/// checked for.
async fn send(secret: &str, delivery: &Delivery, now: UnixMillis) -> Result<(), String> {
    match attempt(secret, delivery, now).await? {
        status if (200..300).contains(&status) => Ok(()),
        status if (300..400).contains(&status) => Err(format!("answered HTTP {status}; redirects are not followed")),
        status => Err(format!("answered HTTP {status}")),
    }
}

/// One request to the receiver: the HTTP status it answered, or how it failed to.
async fn attempt(secret: &str, delivery: &Delivery, now: UnixMillis) -> Result<u16, String> {
    let abort = AbortController::default();
    let request = async {
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        headers.set("parley-delivery", &delivery.id)?;
        headers.set(
            WEBHOOK_SIGNATURE_HEADER,
            &webhook_signature_header(secret.as_bytes(), now.0 / 1000, &delivery.body),
        )?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(delivery.body.clone().into()));
        let request = Request::new_with_init(&delivery.url, &init)?;
        Ok(Fetch::Request(request).send_with_signal(&abort.signal()).await?.status_code())
    };
    match within(TIMEOUT, "a webhook delivery", request).await {
        Ok(status) => Ok(status),
        Err(EdgeError::TimedOut { limit, .. }) => {
            abort.abort();
            Err(format!("no answer within {} s", limit.as_secs()))
        }
        Err(error) => {
            worker::console_warn!("webhook delivery {} failed: {error}", delivery.id);
            Err("could not reach the receiver".to_owned())
        }
    }
}

/// The dead letter of a delivery given up at `now`: its event and id, its URL, its conversation.
fn dead_letter(delivery: &Delivery, last_failure: String, now: UnixMillis) -> DeadLetter {
    let payload: Option<WebhookPayload> = serde_json::from_str(&delivery.body).ok();
    DeadLetter {
        kind: DeadLetterKind::Webhook,
        what: match &payload {
            Some(payload) => format!("{} {}", payload.event.as_str(), delivery.id),
            None => delivery.id.clone(),
        },
        target: delivery.url.clone(),
        conversation_id: payload.and_then(|payload| payload.conversation).map(|conversation| conversation.id),
        attempts: delivery.attempts,
        queued_at: delivery.created_at,
        given_up_at: now,
        last_failure,
    }
}

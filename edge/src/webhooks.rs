//! The shop's webhook deliveries in its desk's SQLite storage, and sending them: each event
//! becomes a delivery with a fixed body and idempotency key, sent from the desk's alarm (so a
//! slow receiver never slows a conversation), signed with HMAC-SHA256 over timestamp and body,
//! and retried on core's schedule until a 2xx answer or core gives up. At least once: a
//! receiver dedupes by the `Parley-Delivery` id.

use serde::Deserialize;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::error::EdgeResult;
use crate::store::Store;
use parley_core::retry::Outcome;
use parley_core::signature::{webhook_signature_header, WEBHOOK_SIGNATURE_HEADER};
use parley_core::time::UnixMillis;
use parley_core::webhook::{after_failure, Delivery, WebhookSettings};

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
                (delivery.next_attempt_at.0 as i64).into(),
            ],
        )
    }

    /// When the next delivery is due, if any is queued.
    pub fn next_attempt_at(&self) -> EdgeResult<Option<UnixMillis>> {
        let rows: Vec<NextAttempt> =
            self.store.rows("SELECT MIN(next_attempt_at) AS next FROM webhook_deliveries", vec![])?;
        Ok(rows.first().and_then(|row| row.next).map(|next| UnixMillis(next as u64)))
    }

    /// Sends every delivery due at `now` to `webhook` (or drops them all if the shop no longer
    /// has one), and records each outcome.
    pub async fn send_due(&self, webhook: Option<&WebhookSettings>, now: UnixMillis) -> EdgeResult<()> {
        let Some(webhook) = webhook else {
            return self.store.exec("DELETE FROM webhook_deliveries", vec![]);
        };
        let due: Vec<Delivery> = self.store.json_values(
            "SELECT delivery AS value FROM webhook_deliveries WHERE next_attempt_at <= ? ORDER BY next_attempt_at",
            vec![(now.0 as i64).into()],
        )?;
        for mut delivery in due {
            if send(webhook, &delivery, now).await {
                self.store.exec("DELETE FROM webhook_deliveries WHERE id = ?", vec![delivery.id.as_str().into()])?;
                continue;
            }
            match after_failure(&mut delivery, now) {
                Outcome::RetryAt(at) => self.store.exec(
                    "UPDATE webhook_deliveries SET delivery = ?, next_attempt_at = ? WHERE id = ?",
                    vec![serde_json::to_string(&delivery)?.into(), (at.0 as i64).into(), delivery.id.as_str().into()],
                )?,
                Outcome::GaveUp => {
                    worker::console_error!(
                        "webhook delivery {} given up after {} attempts",
                        delivery.id,
                        delivery.attempts
                    );
                    self.store.exec("DELETE FROM webhook_deliveries WHERE id = ?", vec![delivery.id.as_str().into()])?
                }
            }
        }
        Ok(())
    }
}

/// One attempt; true on a 2xx answer.
async fn send(webhook: &WebhookSettings, delivery: &Delivery, now: UnixMillis) -> bool {
    let attempt = async {
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        headers.set("parley-delivery", &delivery.id)?;
        headers.set(
            WEBHOOK_SIGNATURE_HEADER,
            &webhook_signature_header(webhook.secret.as_bytes(), now.0 / 1000, &delivery.body),
        )?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(delivery.body.clone().into()));
        let response = Fetch::Request(Request::new_with_init(&webhook.url, &init)?).send().await?;
        Ok::<u16, worker::Error>(response.status_code())
    };
    match attempt.await {
        Ok(status) => (200..300).contains(&status),
        Err(error) => {
            worker::console_error!("webhook delivery {} failed: {error}", delivery.id);
            false
        }
    }
}

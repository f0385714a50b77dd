//! Requests one Durable Object owes another, stored in the same transaction as the state change
//! that caused them and delivered after it.
//!
//! - **In order per receiver.** Requests to one object are delivered in the order they were
//!   queued: a conversation's "entered the queue" reaches its desk before its "resolved". A
//!   request that fails holds back only the requests queued behind it for the same receiver;
//!   every other receiver's requests go on.
//! - **Retried with backoff, then given up.** A delivery that fails (in transit, a timeout, a
//!   5xx from the receiver) is retried on [`Backoff::OUTBOX`]'s schedule from the object's alarm.
//!   Once the schedule gives up, the request becomes a dead letter (handed to the owning
//!   object, which keeps it for the shop's owners) and the requests behind it go on.
//! - **Refusals are final.** A request the receiver refuses (a 4xx) is logged and dropped, as
//!   retrying cannot change it.
//! - **At least once.** Receivers are idempotent, so a request delivered twice (its answer
//!   lost) does no harm.
//! - **Merged while waiting.** A request may be queued due a moment later
//!   ([`Outbox::push_merged`]); requests to the same receiver queued meanwhile are merged into
//!   it, so a burst costs the receiver one call. Only a request never tried and not yet due is
//!   merged into: a flush only takes requests already due, so none is changed while in flight.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::clock::now;
use crate::error::{EdgeError, EdgeResult};
use crate::rpc::{self, Object};
use crate::store::{millis, Store};
use parley_core::protocol::{DeadLetter, DeadLetterKind};
use parley_core::retry::{Backoff, Outcome};
use parley_core::time::UnixMillis;

/// The outbox's table, as the first version of every object's schema made it.
pub const SCHEMA_V1: &str = "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, object TEXT NOT NULL, key TEXT NOT NULL, request TEXT NOT NULL)";

/// Retries: how often each request failed, when it is next due, and when it was queued (left
/// empty for requests queued before this version, which count from their first failure).
pub const RETRIES_V2: &str = "
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN queued_at INTEGER;
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at)
";

#[derive(Deserialize)]
struct Row {
    id: f64,
    object: String,
    key: String,
    request: String,
    attempts: f64,
    queued_at: Option<f64>,
}

/// The last request queued for a receiver, to merge into if it is still waiting.
#[derive(Deserialize)]
struct Waiting {
    id: f64,
    request: String,
    attempts: f64,
    next_attempt_at: f64,
}

#[derive(Deserialize)]
struct NextAttempt {
    next: Option<f64>,
}

/// What the owning object does with a request given up: the desk keeps it; a conversation tells
/// its desk. Runs in the same transaction as the request's removal, so none is lost.
pub type DeadLetterSink<'a> = &'a dyn Fn(DeadLetter) -> EdgeResult<()>;

/// An object's outbox. One flush runs at a time: objects call each other while delivering
/// (a conversation tells its desk it is waiting; the desk, in the same call, tells the
/// conversation its place), and a second, nested flush would resend the request still in
/// flight and loop. The running flush picks up whatever was queued meanwhile. The flag is
/// released however the flush ends, and every call it makes has a time limit, so a hung
/// receiver cannot stop flushing for good.
#[derive(Default)]
pub struct Outbox {
    flushing: Cell<bool>,
}

/// Holds an outbox's flushing flag while a flush runs.
struct Flushing<'a>(&'a Cell<bool>);

impl<'a> Flushing<'a> {
    fn start(flag: &'a Cell<bool>) -> Option<Self> {
        (!flag.replace(true)).then_some(Self(flag))
    }
}

impl Drop for Flushing<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl Outbox {
    /// Queues `request` for the `object` named `key`, due at once. Call it inside the
    /// transaction of the state change that owes the request.
    pub fn push(&self, store: &Store, object: Object, key: &str, request: &impl Serialize) -> EdgeResult<()> {
        insert(store, serde_json::to_string(&object)?, key, serde_json::to_string(request)?, UnixMillis(0))
    }

    /// Queues `request` for the `object` named `key`, due at `due`, or merges it into the last
    /// request queued for that object if that one is still waiting (never tried, not due yet)
    /// and `merge(waiting, request)` makes one of them, due at the sooner of the two times.
    /// Call it inside the transaction of the state change that owes the request.
    pub fn push_merged<R: Serialize + DeserializeOwned>(
        &self,
        store: &Store,
        object: Object,
        key: &str,
        request: R,
        due: UnixMillis,
        merge: impl FnOnce(R, R) -> Option<R>,
    ) -> EdgeResult<()> {
        let object = serde_json::to_string(&object)?;
        let text = serde_json::to_string(&request)?;
        let last: Vec<Waiting> = store.rows(
            "SELECT id, request, attempts, next_attempt_at FROM outbox WHERE object = ? AND key = ? \
             ORDER BY id DESC LIMIT 1",
            vec![object.as_str().into(), key.into()],
        )?;
        let at = millis(now()) as f64;
        if let Some(waiting) = last.into_iter().find(|row| row.attempts == 0.0 && row.next_attempt_at > at) {
            if let Some(merged) = merge(serde_json::from_str(&waiting.request)?, request) {
                return store.exec(
                    "UPDATE outbox SET request = ?, next_attempt_at = MIN(next_attempt_at, ?) WHERE id = ?",
                    vec![serde_json::to_string(&merged)?.into(), millis(due).into(), waiting.id.into()],
                );
            }
        }
        insert(store, object, key, text, due)
    }

    /// When the next queued request is due, if any is queued: the object's alarm must ring
    /// by then.
    pub fn next_attempt_at(store: &Store) -> EdgeResult<Option<UnixMillis>> {
        let rows: Vec<NextAttempt> = store.rows("SELECT MIN(next_attempt_at) AS next FROM outbox", vec![])?;
        Ok(rows.first().and_then(|row| row.next).map(|next| UnixMillis(next as u64)))
    }

    /// Delivers every request due now, each receiver's in order, until none is due. Errors are
    /// the sender's own storage failing; a receiver failing only schedules a retry.
    pub async fn flush(&self, store: &Store, env: &Env, dead_letter: DeadLetterSink<'_>) -> EdgeResult<()> {
        let Some(_flushing) = Flushing::start(&self.flushing) else { return Ok(()) };
        let started = now();
        loop {
            // The oldest request to each receiver, if it is due: a receiver's later requests
            // wait for it.
            let heads: Vec<Row> = store.rows(
                "SELECT id, object, key, request, attempts, queued_at FROM outbox \
                 WHERE id IN (SELECT MIN(id) FROM outbox GROUP BY object, key) AND next_attempt_at <= ? ORDER BY id",
                vec![millis(started).into()],
            )?;
            if heads.is_empty() {
                return Ok(());
            }
            for head in heads {
                deliver(store, env, head, dead_letter).await?;
            }
        }
    }
}

/// Queues an encoded request, due at `due` (0: at once).
fn insert(store: &Store, object: String, key: &str, request: String, due: UnixMillis) -> EdgeResult<()> {
    store.exec(
        "INSERT INTO outbox (object, key, request, attempts, next_attempt_at, queued_at) VALUES (?, ?, ?, 0, ?, ?)",
        vec![object.into(), key.into(), request.into(), millis(due).into(), millis(now()).into()],
    )
}

/// One attempt at one request, and what follows from its outcome.
async fn deliver(store: &Store, env: &Env, row: Row, dead_letter: DeadLetterSink<'_>) -> EdgeResult<()> {
    let id = row.id;
    let delivered = async {
        let object: Object = serde_json::from_str(&row.object)?;
        rpc::call_json(&object.stub(env, &row.key)?, row.request.clone()).await
    };
    let failure = match delivered.await {
        Ok(_) => return remove(store, id),
        Err(EdgeError::Api(refusal)) => {
            // Only the request's name: its body may carry a shopper's words or address.
            worker::console_warn!("{} refused {}: {}", row.key, request_name(&row.request), refusal.message);
            return remove(store, id);
        }
        Err(failure) => failure,
    };
    let at = now();
    let attempts = row.attempts as u32 + 1;
    let queued_at = row.queued_at.map_or(at, |queued| UnixMillis(queued as u64));
    worker::console_warn!(
        "delivering {} to {} failed (attempt {attempts}): {failure}",
        request_name(&row.request),
        row.key
    );
    match Backoff::OUTBOX.after_failure(attempts, queued_at, at) {
        Outcome::RetryAt(next) => store.exec(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, queued_at = ? WHERE id = ?",
            vec![(attempts as i64).into(), millis(next).into(), millis(queued_at).into(), id.into()],
        ),
        Outcome::GaveUp => {
            let letter = DeadLetter {
                kind: DeadLetterKind::Request,
                what: request_name(&row.request),
                target: row.key.clone(),
                conversation_id: None,
                attempts,
                queued_at,
                given_up_at: at,
                last_failure: public_failure(&failure),
            };
            store.transaction(|| {
                remove(store, id)?;
                dead_letter(letter)
            })
        }
    }
}

fn remove(store: &Store, id: f64) -> EdgeResult<()> {
    store.exec("DELETE FROM outbox WHERE id = ?", vec![id.into()])
}

/// A request's name (its `op`), which says what it was without what it carried.
fn request_name(request: &str) -> String {
    #[derive(Deserialize)]
    struct Named {
        op: String,
    }
    serde_json::from_str::<Named>(request).map_or_else(|_| "a request".to_owned(), |named| named.op)
}

/// How a delivery failed, in words safe to show a shop's owner.
fn public_failure(failure: &EdgeError) -> String {
    match failure {
        EdgeError::TimedOut { limit, .. } => format!("no answer within {} s", limit.as_secs()),
        EdgeError::Api(_) | EdgeError::Internal(_) => "the receiving object failed".to_owned(),
    }
}

//! Requests one Durable Object owes another, stored in the same event as the state change that
//! caused them and delivered after it. A failed delivery stays and is retried from the object's
//! alarm, in order; a request the receiver refuses (a 4xx answer) is logged and dropped, as
//! retrying cannot change it. Receivers are idempotent, so a request delivered twice (its answer lost)
//! does no harm: nothing a conversation tells its shop's desk, or the desk tells a
//! conversation, is lost to a failed call.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use worker::Env;

use crate::error::{EdgeError, EdgeResult};
use crate::rpc::{self, Object};
use crate::store::Store;
use parley_core::time::UnixMillis;

/// How long after a failed delivery the next attempt is made.
pub const RETRY_MILLIS: u64 = 5_000;

pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, object TEXT NOT NULL, key TEXT NOT NULL, request TEXT NOT NULL)";

#[derive(Deserialize)]
struct Row {
    id: f64,
    object: String,
    key: String,
    request: String,
}

/// An object's outbox. One flush runs at a time: objects call each other while delivering
/// (a conversation tells its desk it is waiting; the desk, in the same call, tells the
/// conversation its place), and a second, nested flush would resend the request still in
/// flight and loop. The running flush picks up whatever was queued meanwhile.
#[derive(Default)]
pub struct Outbox {
    flushing: Cell<bool>,
}

impl Outbox {
    /// Queues `request` for the `object` named `key`.
    pub fn push(&self, store: &Store, object: Object, key: &str, request: &impl Serialize) -> EdgeResult<()> {
        store.exec(
            "INSERT INTO outbox (object, key, request) VALUES (?, ?, ?)",
            vec![serde_json::to_string(&object)?.into(), key.into(), serde_json::to_string(request)?.into()],
        )
    }

    /// Delivers queued requests in order until the outbox is empty or one fails. Returns when
    /// to try again, if something is left undelivered.
    pub async fn flush(&self, store: &Store, env: &Env, now: UnixMillis) -> Option<UnixMillis> {
        if self.flushing.replace(true) {
            return None;
        }
        let delivered = deliver_all(store, env).await;
        self.flushing.set(false);
        (!delivered).then(|| UnixMillis(now.0 + RETRY_MILLIS))
    }
}

async fn deliver_all(store: &Store, env: &Env) -> bool {
    loop {
        let rows: Vec<Row> = match store.rows("SELECT id, object, key, request FROM outbox ORDER BY id LIMIT 1", vec![])
        {
            Ok(rows) => rows,
            Err(error) => {
                worker::console_error!("cannot read the outbox: {error}");
                return false;
            }
        };
        let Some(row) = rows.into_iter().next() else { return true };
        let delivered = async {
            let object: Object = serde_json::from_str(&row.object)?;
            rpc::call_json(&object.stub(env, &row.key)?, row.request.clone()).await
        };
        match delivered.await {
            Ok(_) => {}
            // The receiver refused: retrying cannot change that, and must not hold up the rest.
            Err(EdgeError::Api(refusal)) => worker::console_error!("{} refused {}: {refusal:?}", row.key, row.request),
            Err(error) => {
                worker::console_error!("delivery to {} failed, will retry: {error}", row.key);
                return false;
            }
        }
        if let Err(error) = store.exec("DELETE FROM outbox WHERE id = ?", vec![row.id.into()]) {
            worker::console_error!("cannot clear a delivered request: {error}");
            return false;
        }
    }
}

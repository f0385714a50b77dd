//! Development-only cost counters (`GET /api/dev/counters`, `POST /api/dev/counters/reset`,
//! enabled by `PARLEY_DEV` like seeding): what the edge has spent since it started or was last
//! reset, to turn into Cloudflare's billing units and to prove how many object calls a message
//! costs.
//!
//! How the numbers are gathered, and what they rely on:
//! - **Requests made** are counted by the caller, per object kind and per object named (the
//!   object's key: `shop:{shop}`, `history:{shop}`, `limit:{shop}:{client}`, …), in
//!   [`crate::rpc`], for every call and forwarded WebSocket upgrade.
//! - **Requests received** are counted by each object as its `fetch` runs, per kind;
//!   **WebSocket messages** as its `websocket_message` runs, per kind; **alarms** per kind as
//!   they ring; and **Worker requests** as the Worker's own `fetch` runs (every request from
//!   outside, WebSocket upgrades included).
//! - **Activity**, per kind: the objects woken, the handlers they ran and how long they were
//!   active, for Duration ([`crate::dev_activity`] states the model and its assumption).
//! - **Rows read and written** are SQLite's own counts (`rowsRead` / `rowsWritten` of each
//!   statement's cursor), summed over every statement [`crate::store::Store`] runs; **bytes
//!   written** are the sizes of the values bound to statements that wrote rows, a lower bound
//!   of what SQLite stores (no index or page overhead).
//!
//! The counts live in the memory of the isolate that runs the code. A local workerd runs the
//! Worker and all its objects in one isolate, so one answer holds everything; the answer shows
//! this (requests made equal requests received per kind once nothing is in flight) rather than
//! assuming it. On Cloudflare, objects run elsewhere and this route is not served.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use worker::{Env, State};

use crate::desk_timings::instant_millis;
use crate::dev_activity::{Activity, ObjectClock};
use crate::development::is_development;
use crate::rpc::Object;

/// Set once any code of a development edge has run: a deployed edge counts nothing.
static COUNTING: AtomicBool = AtomicBool::new(false);

thread_local! {
    static COUNTERS: RefCell<Counters> = RefCell::default();
}

/// Totals since the edge started or the counters were last reset.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counters {
    /// Requests the Worker received from outside.
    pub worker_requests: u64,
    /// Calls made to objects, per kind (`shop_desk`, `conversation_room`, …).
    pub requests_made: BTreeMap<String, u64>,
    /// Calls made to objects, per object named.
    pub requests_made_to: BTreeMap<String, u64>,
    /// Calls objects received, per kind.
    pub requests_received: BTreeMap<String, u64>,
    /// WebSocket messages objects received, per kind.
    pub websocket_messages: BTreeMap<String, u64>,
    /// Alarms that rang, per kind.
    pub alarms: BTreeMap<String, u64>,
    /// How long objects were active, per kind.
    pub activity: BTreeMap<String, Activity>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
    /// Each object's clock, by its id.
    #[serde(skip)]
    clocks: HashMap<String, ObjectClock>,
}

/// What woke an object's handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// A request (a call, or a WebSocket upgrade).
    Request,
    WebSocketMessage,
    /// A socket closed or failed: not billed as a request, but the object runs.
    WebSocketClosed,
    Alarm,
}

/// A handler of an object that is running: dropping it (as the handler returns) ends its time.
#[must_use = "the handler's time ends when this is dropped"]
pub struct Handling {
    /// The object's kind and id, while counting.
    object: Option<(&'static str, String)>,
}

impl Drop for Handling {
    fn drop(&mut self) {
        if let Some((kind, id)) = self.object.take() {
            let now = instant_millis();
            count(|counters| {
                let activity = counters.activity.entry(kind.to_owned()).or_default();
                // A clock reset while the handler ran is gone: its end is not counted.
                if let Some(clock) = counters.clocks.get_mut(&id) {
                    clock.ended(now, activity);
                }
            });
        }
    }
}

/// Starts counting if `env` is a development edge's. Every entry point (the Worker, each
/// object as it starts) calls it, so counting starts with the first request whichever runs it.
pub fn count_if_development(env: &Env) {
    if !COUNTING.load(Ordering::Relaxed) && is_development(env) {
        COUNTING.store(true, Ordering::Relaxed);
    }
}

fn count(update: impl FnOnce(&mut Counters)) {
    if COUNTING.load(Ordering::Relaxed) {
        COUNTERS.with(|counters| update(&mut counters.borrow_mut()));
    }
}

/// A call to the object `key` of kind `object` is being made.
pub fn request_made(object: Object, key: &str) {
    count(|counters| {
        *counters.requests_made.entry(object.kind().to_owned()).or_default() += 1;
        *counters.requests_made_to.entry(key.to_owned()).or_default() += 1;
    });
}

/// The Worker received a request from outside.
pub fn worker_request() {
    count(|counters| counters.worker_requests += 1);
}

/// A handler of the object of kind `object` whose state is `state` starts, woken `by` this;
/// its time runs until the answer is dropped.
pub fn woke(object: Object, state: &State, by: Wake) -> Handling {
    if !COUNTING.load(Ordering::Relaxed) {
        return Handling { object: None };
    }
    let kind = object.kind();
    let id = state.id().to_string();
    let now = instant_millis();
    count(|counters| {
        let wakes = match by {
            Wake::Request => Some(&mut counters.requests_received),
            Wake::WebSocketMessage => Some(&mut counters.websocket_messages),
            Wake::Alarm => Some(&mut counters.alarms),
            Wake::WebSocketClosed => None,
        };
        if let Some(wakes) = wakes {
            *wakes.entry(kind.to_owned()).or_default() += 1;
        }
        let activity = counters.activity.entry(kind.to_owned()).or_default();
        let clock = counters.clocks.entry(id.clone()).or_insert_with(|| {
            activity.objects += 1;
            ObjectClock::default()
        });
        clock.started(now, activity);
    });
    Handling { object: Some((kind, id)) }
}

/// A statement ran, reading and writing these rows; `bytes` were bound to it.
pub fn statement_ran(rows_read: usize, rows_written: usize, bytes: usize) {
    count(|counters| {
        counters.rows_read += rows_read as u64;
        counters.rows_written += rows_written as u64;
        if rows_written > 0 {
            counters.bytes_written += bytes as u64;
        }
    });
}

/// The totals so far.
pub fn totals() -> Counters {
    COUNTERS.with(|counters| counters.borrow().clone())
}

/// Starts again from zero; answers the totals before.
pub fn reset() -> Counters {
    COUNTERS.with(|counters| std::mem::take(&mut *counters.borrow_mut()))
}

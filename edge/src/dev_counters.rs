//! Development-only cost counters (`GET /api/dev/counters`, `POST /api/dev/counters/reset`,
//! enabled by `PARLEY_DEV` like seeding): what the edge has spent since it started or was last
//! reset, to turn into Cloudflare's billing units and to prove how many object calls a message
//! costs.
//!
//! How the numbers are gathered, and what they rely on:
//! - **Requests made** are counted by the caller, per object kind and per object named (the
//!   object's key: `shop:{shop}`, `history:{shop}`, `limit:{shop}:{client}`, …), in
//!   [`crate::rpc`], for every call and forwarded WebSocket upgrade.
//! - **Requests received** are counted by each object as its `fetch` runs, per kind, and
//!   alarms per kind as they ring.
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
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use worker::Env;

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
    /// Calls made to objects, per kind (`shop_desk`, `conversation_room`, …).
    pub requests_made: BTreeMap<String, u64>,
    /// Calls made to objects, per object named.
    pub requests_made_to: BTreeMap<String, u64>,
    /// Calls objects received, per kind.
    pub requests_received: BTreeMap<String, u64>,
    /// Alarms that rang, per kind.
    pub alarms: BTreeMap<String, u64>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
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

/// An object of kind `object` received a call.
pub fn request_received(object: Object) {
    count(|counters| *counters.requests_received.entry(object.kind().to_owned()).or_default() += 1);
}

/// An object of kind `object` had its alarm ring.
pub fn alarm_rang(object: Object) {
    count(|counters| *counters.alarms.entry(object.kind().to_owned()).or_default() += 1);
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

//! How long the shop's desk takes per event, measured inside the object for the big-shop
//! benchmark (`POST /api/dev/desk/timings`, development only). What is timed is the event's
//! synchronous work: the desk's change, its writes in one SQLite transaction, and the frame to
//! every console. It awaits nothing (the object's SQLite is in-process and synchronous), so its
//! wall time is its CPU time on an idle core. The deliveries to conversations that follow are
//! awaited requests to other objects, timed apart as `delivery`.
//!
//! Local workerd advances `performance.now()` during execution (Cloudflare's deployed runtime
//! does not, against Spectre), so this is a local measure only.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::JsCast;

/// What was measured since the last reading.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeskTimings {
    pub events: u64,
    pub work: Spread,
    pub delivery: Spread,
}

/// Sum and maximum of a run of durations, in microseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Spread {
    pub total_micros: u64,
    pub max_micros: u64,
}

impl Spread {
    fn add(&mut self, micros: u64) {
        self.total_micros += micros;
        self.max_micros = self.max_micros.max(micros);
    }
}

/// The timings of one object, kept in memory.
#[derive(Default)]
pub struct Stopwatch {
    timings: RefCell<DeskTimings>,
}

impl Stopwatch {
    /// Adds one event: its work and its delivery, from the instants `start`, `worked` and `done`
    /// ([`instant_millis`]).
    pub fn record(&self, start: f64, worked: f64, done: f64) {
        let mut timings = self.timings.borrow_mut();
        timings.events += 1;
        timings.work.add(micros(worked - start));
        timings.delivery.add(micros(done - worked));
    }

    /// What was measured, and a fresh start.
    pub fn take(&self) -> DeskTimings {
        self.timings.take()
    }
}

/// `performance.now()`: milliseconds with a fraction, for measuring. Zero where the runtime
/// has no `performance`, which only makes timings read zero.
pub fn instant_millis() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    let now = performance.and_then(|performance| {
        let now = js_sys::Reflect::get(&performance, &"now".into()).ok()?;
        let now: js_sys::Function = now.dyn_into().ok()?;
        now.call0(&performance).ok()?.as_f64()
    });
    now.unwrap_or(0.0)
}

fn micros(millis: f64) -> u64 {
    // A float-to-int cast saturates; a negative span (it cannot happen) reads zero.
    (millis * 1000.0).round().max(0.0) as u64
}

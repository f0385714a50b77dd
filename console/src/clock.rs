//! Time in the console: the current time, ticking once a second for the live "waiting 1:23"
//! ages, and work repeated at an interval while a view is shown.

use leptos::logging::warn;
use leptos::prelude::*;
use parley_core::time::UnixMillis;
use std::time::Duration;

/// A signal of the current time that ticks every second until the current owner is cleaned up.
pub fn ticking() -> Signal<UnixMillis> {
    let now = RwSignal::new(read());
    every(Duration::from_secs(1), move || now.set(read()));
    now.into()
}

/// Calls `tick` every `period` until the current owner is cleaned up.
pub fn every(period: Duration, tick: impl Fn() + 'static) {
    match set_interval_with_handle(tick, period) {
        Ok(interval) => on_cleanup(move || interval.clear()),
        Err(error) => warn!("cannot start a timer: {error:?}"),
    }
}

/// The browser's clock now.
pub fn read() -> UnixMillis {
    // `Date.now()` is a whole, non-negative number of milliseconds.
    UnixMillis(js_sys::Date::now() as u64)
}

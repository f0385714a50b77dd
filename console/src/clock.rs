//! The current time, ticking once a second, for the live "waiting 1:23" ages.

use leptos::logging::warn;
use leptos::prelude::*;
use parley_core::time::UnixMillis;
use std::time::Duration;

/// A signal of the current time that ticks every second until the current owner is cleaned up.
pub fn ticking() -> Signal<UnixMillis> {
    let now = RwSignal::new(read());
    match set_interval_with_handle(move || now.set(read()), Duration::from_secs(1)) {
        Ok(interval) => on_cleanup(move || interval.clear()),
        Err(error) => warn!("cannot start the clock: {error:?}"),
    }
    now.into()
}

fn read() -> UnixMillis {
    // `Date.now()` is a whole, non-negative number of milliseconds.
    UnixMillis(js_sys::Date::now() as u64)
}

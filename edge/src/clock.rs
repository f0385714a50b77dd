//! The edge's only clock (core receives this `now` as an argument), and Durable Object alarms.

use parley_core::time::UnixMillis;
use worker::{ScheduledTime, State};

use crate::error::EdgeResult;

pub fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis())
}

/// Sets the object's alarm to `at`, or clears it. Alarm handlers are idempotent, so an alarm
/// that rings early or twice only does the work that is due.
pub async fn wake_at(state: &State, at: Option<UnixMillis>) -> EdgeResult<()> {
    let storage = state.storage();
    match at {
        Some(at) => storage.set_alarm(ScheduledTime::new(js_sys::Date::new(&(at.0 as f64).into()))).await?,
        None => storage.delete_alarm().await?,
    }
    Ok(())
}

/// Makes the object's alarm ring by `at`: sets it unless an earlier one is already set.
pub async fn wake_by(state: &State, at: UnixMillis) -> EdgeResult<()> {
    let storage = state.storage();
    let earlier = storage.get_alarm().await?.is_some_and(|set| set >= 0 && (set as u64) <= at.0);
    if !earlier {
        storage.set_alarm(ScheduledTime::new(js_sys::Date::new(&(at.0 as f64).into()))).await?;
    }
    Ok(())
}

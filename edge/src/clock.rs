//! The edge's only clock (core receives this `now` as an argument), time limits on what the
//! edge waits for, and Durable Object alarms.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::future::{select, Either};
use parley_core::time::UnixMillis;
use worker::{Delay, ScheduledTime, State};

use crate::error::{EdgeError, EdgeResult};

/// Development only: how far the edge's clock runs ahead of the runtime's, so that tests of
/// re-routing, expiry and retention move time on instead of waiting (`POST /api/dev/clock`).
/// Nothing else changes it, so it is 0 everywhere else.
static AHEAD_MILLIS: AtomicU64 = AtomicU64::new(0);

pub fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis() + AHEAD_MILLIS.load(Ordering::Relaxed))
}

/// Development only: moves the edge's clock `millis` further ahead; answers the new `now`.
pub fn advance(millis: u64) -> UnixMillis {
    AHEAD_MILLIS.fetch_add(millis, Ordering::Relaxed);
    now()
}

/// Sets the object's alarm to `at` on the edge's clock, or clears it. Alarm handlers are
/// idempotent, so an alarm that rings early or twice only does the work that is due.
pub async fn wake_at(state: &State, at: Option<UnixMillis>) -> EdgeResult<()> {
    set_alarm(state, at.map(runtime_instant)).await
}

/// When the runtime should ring for `at` on the edge's clock. It rings alarms by its own clock,
/// and refuses instants before 1970 (an outbox request is due at 0, "at once"): what is due
/// already rings now.
fn runtime_instant(at: UnixMillis) -> u64 {
    at.0.saturating_sub(AHEAD_MILLIS.load(Ordering::Relaxed)).max(worker::Date::now().as_millis())
}

/// Sets the alarm to ring at `instant` on the runtime's clock, or clears it.
async fn set_alarm(state: &State, instant: Option<u64>) -> EdgeResult<()> {
    let storage = state.storage();
    match instant {
        Some(at) => storage.set_alarm(ScheduledTime::new(js_sys::Date::new(&(at as f64).into()))).await?,
        None => storage.delete_alarm().await?,
    }
    Ok(())
}

/// The alarm an object has set, as far as this instance of it knows, so that setting it again
/// when it already rings no later is skipped: a busy conversation asks for it after every
/// message, and each setting is a storage write. An alarm that rings early does no harm (see
/// [`wake_at`]); one that rings after the work it was for is what must never happen.
#[derive(Default)]
pub struct Alarm {
    /// `None` while unknown (a new instance, after it rang, after a setting failed); then
    /// `Some(None)` when cleared, `Some(Some(instant))` when set to ring at that instant on the
    /// runtime's clock.
    known: Cell<Option<Option<u64>>>,
}

impl Alarm {
    /// Has the alarm ring by `at` on the edge's clock (cleared if `None`).
    pub async fn ring_by(&self, state: &State, at: Option<UnixMillis>) -> EdgeResult<()> {
        let wanted = at.map(runtime_instant);
        let needless = match (self.known.get(), wanted) {
            (Some(None), None) => true,
            (Some(Some(set)), Some(wanted)) => set <= wanted,
            _ => false,
        };
        if needless {
            return Ok(());
        }
        self.known.set(None);
        set_alarm(state, wanted).await?;
        self.known.set(Some(wanted));
        Ok(())
    }

    /// The alarm has rung: the runtime no longer holds it.
    pub fn rang(&self) {
        self.known.set(None);
    }
}

/// `work`, unless it takes longer than `limit`: then a [`EdgeError::TimedOut`] naming `what`.
/// Whatever `work` was waiting for is no longer awaited, so a hung peer cannot hold up the
/// caller (an outbox flush, a webhook delivery) for good.
pub async fn within<T>(
    limit: Duration,
    what: &'static str,
    work: impl Future<Output = EdgeResult<T>>,
) -> EdgeResult<T> {
    match select(pin!(work), pin!(Delay::from(limit))).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(EdgeError::TimedOut { what, limit }),
    }
}

/// An alarm handler's failure, logged and handed to the runtime, which retries the alarm.
pub fn alarm_failed(object: &str, error: EdgeError) -> worker::Error {
    worker::console_error!("{object} alarm failed, the runtime retries it: {error}");
    worker::Error::RustError(error.to_string())
}

//! How long Durable Objects were active, for Cloudflare's Duration (GB-s), kept by the
//! development counters ([`crate::dev_counters`]): each object's handlers (requests, WebSocket
//! messages and closes, alarms) are timed as they start and end, and overlapping handlers of
//! one object count once, as Duration is "shared across all requests active on an Object at
//! once".
//!
//! Two readings of the rule, because Cloudflare's pages have stated both:
//! - **active**: an object is billed while at least one of its handlers runs, and not once it
//!   is idle and could hibernate ("not billed for duration, even before the runtime has
//!   hibernated them", the pricing page today). Parley's objects hold nothing that keeps them
//!   from hibernating between handlers (sockets are accepted with the hibernation API; no
//!   timers or calls outlive a handler), which is the assumption this reading rests on.
//! - **with the idle tail**: as above, plus [`IDLE_TAIL_MILLIS`] after each stretch of
//!   handlers, the time the runtime waits before it hibernates an idle object, billed under
//!   the rule as the pages stated it earlier. An upper bound.
//!
//! Times come from `performance.now()`, which local workerd advances while code runs.

use serde::Serialize;

/// How long an idle object stays in memory before it hibernates (the lifecycle page: "after 10
/// seconds of inactivity").
pub const IDLE_TAIL_MILLIS: f64 = 10_000.0;

/// The activity of one kind of object.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Activity {
    /// Distinct objects that ran a handler.
    pub objects: u64,
    /// Handlers that ran.
    pub handlers: u64,
    /// Milliseconds with at least one handler running, summed over the objects.
    pub active_millis: f64,
    /// The same, with each stretch of handlers followed by the idle tail.
    pub active_with_idle_tail_millis: f64,
}

/// One object's clock: the handlers it runs now, since when it has been busy, and until when
/// the last idle tail reaches.
#[derive(Debug, Default, Clone)]
pub struct ObjectClock {
    running: u32,
    busy_since: f64,
    tail_until: f64,
}

impl ObjectClock {
    /// A handler started at `now` (milliseconds).
    pub fn started(&mut self, now: f64, activity: &mut Activity) {
        if self.running == 0 {
            self.busy_since = now;
        }
        self.running += 1;
        activity.handlers += 1;
    }

    /// A handler ended at `now`; when it was the last one running, the stretch since the first
    /// one started is added to `activity`, and its idle tail where it does not overlap the last.
    pub fn ended(&mut self, now: f64, activity: &mut Activity) {
        self.running = self.running.saturating_sub(1);
        if self.running > 0 {
            return;
        }
        activity.active_millis += (now - self.busy_since).max(0.0);
        let tail_until = now + IDLE_TAIL_MILLIS;
        activity.active_with_idle_tail_millis += (tail_until - self.busy_since.max(self.tail_until)).max(0.0);
        self.tail_until = self.tail_until.max(tail_until);
    }
}

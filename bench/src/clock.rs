//! The one monotonic clock of a run: every send time carried in a message and every receipt are
//! read from it, in this process, so a latency is never skewed by two clocks.

use std::sync::OnceLock;
use std::time::Instant;

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the run's first reading.
pub fn now_nanos() -> u64 {
    let epoch = EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

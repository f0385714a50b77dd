//! Wall-clock instants as plain numbers, passed in by whoever owns a clock.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch. Core never reads a clock: callers pass `now` in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later (clocks may disagree
    /// slightly between machines; a negative duration is never meaningful here).
    pub fn millis_since(self, earlier: UnixMillis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

//! Wall-clock instants as plain numbers, passed in by whoever owns a clock.

use crate::error::WireError;
use crate::json::Json;
use crate::wire::Wire;
use crate::wire_serde::serde_via_wire;

/// Milliseconds since the Unix epoch. Core never reads a clock: callers pass `now` in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later (clocks may disagree
    /// slightly between machines; a negative duration is never meaningful here).
    pub fn millis_since(self, earlier: UnixMillis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// A plain number on the wire.
impl Wire for UnixMillis {
    fn to_json(&self) -> Json {
        let Self(millis) = self;
        millis.to_json()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        u64::from_json(json).map(UnixMillis)
    }
}

serde_via_wire!(UnixMillis);

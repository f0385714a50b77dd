//! The edge's only clock: core receives this `now` as an argument.

use parley_core::time::UnixMillis;

pub fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis())
}

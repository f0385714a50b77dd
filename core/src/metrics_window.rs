//! The time a metrics report covers: whole UTC hours, the unit in which the edge stores metrics
//! (`metrics_aggregate`), and at most [`MAX_WINDOW_DAYS`] days of them.
//!
//! A report is asked for `[from, to)` in milliseconds since the epoch, and covers every UTC hour
//! that starts in `[from, to)`, whole. In effect both ends move forward to the next hour
//! boundary, unless they are on one:
//!
//! - `to` = now covers the current hour, so everything recorded until now counts;
//! - a `from` inside an hour leaves that hour out, so nothing recorded before `from` counts;
//! - a `to` inside an hour (in the past) takes in that whole hour, after `to` too;
//! - a window on hour boundaries (whole days, say) covers exactly itself.
//!
//! Why hours: the edge keeps one aggregate per hour, so a report merges at most
//! 93 × 24 = 2,232 of them however many chats the shop had, and the figures of days and weeks
//! do not need a finer edge. Why 93 days: three months of 31 days, the longest quarter, bounds
//! the work and memory of one request.

use crate::error::MetricsWindowError;
use crate::time::UnixMillis;

/// The longest window a report covers.
pub const MAX_WINDOW_DAYS: u64 = 93;

const HOUR_MILLIS: u64 = 60 * 60 * 1000;
pub(crate) const DAY_MILLIS: u64 = 24 * HOUR_MILLIS;

/// One UTC hour, named by its first millisecond. Unix time has no leap seconds, so every hour
/// is 3,600,000 ms and starts on a multiple of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcHour(UnixMillis);

impl UtcHour {
    /// The hour `at` belongs to.
    pub fn containing(at: UnixMillis) -> Self {
        UtcHour(UnixMillis(at.0 - at.0 % HOUR_MILLIS))
    }

    /// Its first millisecond: the key the edge stores the hour's aggregate under.
    pub fn start(self) -> UnixMillis {
        self.0
    }

    /// The start of the UTC day the hour is in.
    pub fn day(self) -> UnixMillis {
        UnixMillis(self.0 .0 - self.0 .0 % DAY_MILLIS)
    }

    /// Whether the hour starts in `[from, to)`: the one rule for which hours a span of time
    /// covers (see the module docs).
    pub fn starts_in(self, from: UnixMillis, to: UnixMillis) -> bool {
        from <= self.0 && self.0 < to
    }
}

/// A report's window as asked for, checked: `from` before `to`, at most [`MAX_WINDOW_DAYS`]
/// apart. It covers the hours that start in `[from, to)`; the edge selects their aggregates
/// with `from <= hour AND hour < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsWindow {
    from: UnixMillis,
    to: UnixMillis,
}

impl MetricsWindow {
    pub fn new(from: UnixMillis, to: UnixMillis) -> Result<Self, MetricsWindowError> {
        if from >= to {
            return Err(MetricsWindowError::FromNotBeforeTo);
        }
        if to.millis_since(from) > MAX_WINDOW_DAYS * DAY_MILLIS {
            return Err(MetricsWindowError::TooLong { max_days: MAX_WINDOW_DAYS });
        }
        Ok(Self { from, to })
    }

    pub fn from(self) -> UnixMillis {
        self.from
    }

    pub fn to(self) -> UnixMillis {
        self.to
    }

    /// Whether the report counts `hour`.
    pub fn covers(self, hour: UtcHour) -> bool {
        hour.starts_in(self.from, self.to)
    }

    /// The starts of the UTC days holding an hour the window covers, oldest first: at most
    /// [`MAX_WINDOW_DAYS`] + 1 (a window off midnight touches one day more than its length).
    pub fn days(self) -> Vec<UnixMillis> {
        let first = UtcHour(UnixMillis(self.from.0.div_ceil(HOUR_MILLIS).saturating_mul(HOUR_MILLIS)));
        let last = UtcHour::containing(UnixMillis(self.to.0 - 1));
        if first > last {
            return Vec::new();
        }
        (first.day().0..=last.day().0).step_by(DAY_MILLIS as usize).map(UnixMillis).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ApiError, ErrorCode};

    /// 2024-01-01T00:00:00Z, an hour boundary.
    const NEW_YEAR: u64 = 1_704_067_200_000;

    fn at(hours: u64, millis: u64) -> UnixMillis {
        UnixMillis(NEW_YEAR + hours * HOUR_MILLIS + millis)
    }

    #[test]
    fn the_hour_an_instant_belongs_to() {
        let cases = [
            ("on the boundary", at(5, 0), at(5, 0)),
            ("one millisecond in", at(5, 1), at(5, 0)),
            ("the last millisecond", at(5, HOUR_MILLIS - 1), at(5, 0)),
            ("the epoch", UnixMillis(0), UnixMillis(0)),
            ("the last instant there is", UnixMillis(u64::MAX), UnixMillis(u64::MAX - u64::MAX % HOUR_MILLIS)),
        ];
        for (name, instant, start) in cases {
            assert_eq!(UtcHour::containing(instant).start(), start, "{name}");
        }
    }

    #[test]
    fn windows_are_checked() {
        let day = 24;
        let cases = [
            ("an hour", at(0, 0), at(1, 0), Ok(())),
            ("a millisecond", at(0, 0), at(0, 1), Ok(())),
            ("exactly 93 days", at(0, 0), at(93 * day, 0), Ok(())),
            ("93 days and a millisecond", at(0, 0), at(93 * day, 1), Err(MetricsWindowError::TooLong { max_days: 93 })),
            ("everything since the epoch", UnixMillis(0), at(0, 0), Err(MetricsWindowError::TooLong { max_days: 93 })),
            ("empty", at(1, 0), at(1, 0), Err(MetricsWindowError::FromNotBeforeTo)),
            ("inverted", at(2, 0), at(1, 0), Err(MetricsWindowError::FromNotBeforeTo)),
        ];
        for (name, from, to, expected) in cases {
            let window = MetricsWindow::new(from, to);
            assert_eq!(window.map(|w| (w.from(), w.to())), expected.map(|()| (from, to)), "{name}");
        }
    }

    #[test]
    fn a_window_covers_the_hours_that_start_in_it() {
        let cases = [
            ("on boundaries: from counts", (at(10, 0), at(12, 0)), at(10, 0), true),
            ("on boundaries: the last hour", (at(10, 0), at(12, 0)), at(11, 0), true),
            ("on boundaries: the hour starting on to is out", (at(10, 0), at(12, 0)), at(12, 0), false),
            ("the hour before", (at(10, 0), at(12, 0)), at(9, 0), false),
            ("from inside an hour leaves it out", (at(10, 30), at(12, 30)), at(10, 0), false),
            ("the next hour is in", (at(10, 30), at(12, 30)), at(11, 0), true),
            ("to inside an hour takes it in whole", (at(10, 30), at(12, 30)), at(12, 0), true),
            ("and not the one after", (at(10, 30), at(12, 30)), at(13, 0), false),
            ("a short window inside one hour covers nothing", (at(10, 1), at(10, 2)), at(10, 0), false),
        ];
        for (name, (from, to), hour_start, covered) in cases {
            let window = MetricsWindow::new(from, to).expect("a valid window");
            assert_eq!(window.covers(UtcHour::containing(hour_start)), covered, "{name}");
        }
    }

    #[test]
    fn the_days_a_window_touches() {
        let day = |n: u64| at(24 * n, 0);
        let cases = [
            ("one whole day", (at(0, 0), at(24, 0)), vec![day(0)]),
            ("two whole days", (at(0, 0), at(48, 0)), vec![day(0), day(1)]),
            ("an hour", (at(5, 0), at(6, 0)), vec![day(0)]),
            ("across midnight", (at(23, 0), at(25, 0)), vec![day(0), day(1)]),
            ("from inside the last hour of a day starts the next", (at(23, 1), at(25, 0)), vec![day(1)]),
            ("to inside the first hour of a day takes it", (at(20, 0), at(24, 1)), vec![day(0), day(1)]),
            ("a short window inside one hour covers no day", (at(10, 1), at(10, 2)), vec![]),
        ];
        for (name, (from, to), days) in cases {
            let window = MetricsWindow::new(from, to).expect("a valid window");
            assert_eq!(window.days(), days, "{name}");
        }
        let longest = MetricsWindow::new(at(1, 0), at(93 * 24 + 1, 0)).expect("93 days");
        assert_eq!(longest.days().len(), 94, "off midnight, one day more");
    }

    #[test]
    fn a_refused_window_is_a_bad_request() {
        let cases = [
            (MetricsWindowError::FromNotBeforeTo, "from must be before to"),
            (MetricsWindowError::TooLong { max_days: 93 }, "a metrics window is at most 93 days"),
        ];
        for (error, message) in cases {
            let api = ApiError::from(error);
            assert_eq!((api.code, api.message.as_str()), (ErrorCode::BadRequest, message));
        }
    }

    #[test]
    fn at_most_2232_hours() {
        let window = MetricsWindow::new(at(0, 1), at(93 * 24, 1)).expect("93 days");
        let covered = (0..=93 * 24 + 1).filter(|&hour| window.covers(UtcHour::containing(at(hour, 0)))).count();
        assert_eq!(covered, 2232);
    }
}

//! A shop's weekly opening hours in its own timezone, and how much of an interval falls inside them.
//!
//! Business-hours FRT answers "how long did the shopper wait while the shop was open?", so a
//! message written on Friday night and answered on Monday morning is not held against the shop.
//! Hours are written in the shop's local time; core never sees a tz database, only a
//! [`UtcOffset`] that the edge implements (with the runtime's Intl API for IANA zones).

use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Minutes in a day: the end bound of an interval that runs until midnight.
pub const MINUTES_PER_DAY: u16 = 1440;
/// Minutes in a week, Monday 00:00 to the next Monday 00:00.
pub const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY as u32;

const MILLIS_PER_MINUTE: i64 = 60_000;
const MILLIS_PER_DAY: i64 = MINUTES_PER_DAY as i64 * MILLIS_PER_MINUTE;
/// 1970-01-01, day 0 of Unix time, was a Thursday: Monday-based weekday index 3.
const EPOCH_WEEKDAY_INDEX: i64 = 3;

/// A day of the week, in the order opening hours are written (Monday first, as ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Every weekday, Monday first; `ALL[i]` is the day at index `i` of [`WeeklyHours::new`].
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The day's position in the week, Monday = 0.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        };
        f.write_str(name)
    }
}

/// One stretch of a day when the shop is open: local minutes since midnight, `[start, end)`.
///
/// `end_minute` may be 1440 (midnight at the end of the day). Hours that run past midnight are
/// written as two intervals, e.g. Friday 22:00–24:00 and Saturday 00:00–02:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenInterval {
    pub start_minute: u16,
    pub end_minute: u16,
}

impl OpenInterval {
    pub fn new(start_minute: u16, end_minute: u16) -> Self {
        Self { start_minute, end_minute }
    }

    /// The whole day, 00:00 to 24:00.
    pub fn all_day() -> Self {
        Self::new(0, MINUTES_PER_DAY)
    }

    fn contains(self, minute_of_day: u16) -> bool {
        (self.start_minute..self.end_minute).contains(&minute_of_day)
    }
}

/// Why a set of opening hours was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HoursError {
    #[error("{day}: an interval must end by minute {MINUTES_PER_DAY} (midnight), but {start}-{end} does not")]
    PastMidnight { day: Weekday, start: u16, end: u16 },
    #[error("{day}: an interval must end after it starts, but {start}-{end} does not")]
    Empty { day: Weekday, start: u16, end: u16 },
    #[error("{day}: intervals must be in order and must not overlap, but {start} starts before {previous_end}")]
    Overlapping { day: Weekday, previous_end: u16, start: u16 },
}

/// A shop's opening hours for each day of the week, in local time. Always valid: every day's
/// intervals are non-empty, within the day, sorted and non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WeekSchedule", into = "WeekSchedule")]
pub struct WeeklyHours {
    /// Indexed by [`Weekday::index`], Monday first.
    days: [Vec<OpenInterval>; 7],
}

impl WeeklyHours {
    /// Checks and wraps each day's intervals, `days[0]` being Monday. Intervals that touch
    /// (one ends at the minute the next starts) are accepted; a closed day is an empty list.
    pub fn new(days: [Vec<OpenInterval>; 7]) -> Result<Self, HoursError> {
        for (day, intervals) in Weekday::ALL.into_iter().zip(&days) {
            let mut previous_end: Option<u16> = None;
            for interval in intervals {
                let OpenInterval { start_minute: start, end_minute: end } = *interval;
                if end > MINUTES_PER_DAY {
                    return Err(HoursError::PastMidnight { day, start, end });
                }
                if start >= end {
                    return Err(HoursError::Empty { day, start, end });
                }
                if let Some(previous_end) = previous_end.filter(|&previous_end| start < previous_end) {
                    return Err(HoursError::Overlapping { day, previous_end, start });
                }
                previous_end = Some(end);
            }
        }
        Ok(Self { days })
    }

    /// Open around the clock, every day (24/7): business time equals calendar time.
    pub fn always_open() -> Self {
        Self { days: std::array::from_fn(|_| vec![OpenInterval::all_day()]) }
    }

    /// The open intervals of one weekday, in order.
    pub fn day(&self, day: Weekday) -> &[OpenInterval] {
        &self.days[day.index()]
    }

    /// Whether the shop is open at a local minute of the week (Monday 00:00 = 0). Minutes past
    /// the end of the week wrap around to the next week.
    pub fn is_open_at(&self, local_minute_of_week: u32) -> bool {
        let minute_of_week = local_minute_of_week % MINUTES_PER_WEEK;
        let day_index = (minute_of_week / u32::from(MINUTES_PER_DAY)) as usize;
        // The remainder of a division by 1440 always fits in a u16.
        let minute_of_day = (minute_of_week % u32::from(MINUTES_PER_DAY)) as u16;
        self.days[day_index].iter().any(|interval| interval.contains(minute_of_day))
    }
}

/// The stored and sent shape of [`WeeklyHours`]: one named list per day, so a hand-written
/// config cannot put Saturday's hours on Sunday by miscounting array slots.
/// Unknown fields are refused: a misspelt day must not silently become a closed one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeekSchedule {
    pub monday: Vec<OpenInterval>,
    pub tuesday: Vec<OpenInterval>,
    pub wednesday: Vec<OpenInterval>,
    pub thursday: Vec<OpenInterval>,
    pub friday: Vec<OpenInterval>,
    pub saturday: Vec<OpenInterval>,
    pub sunday: Vec<OpenInterval>,
}

impl TryFrom<WeekSchedule> for WeeklyHours {
    type Error = HoursError;
    fn try_from(week: WeekSchedule) -> Result<Self, HoursError> {
        WeeklyHours::new([
            week.monday,
            week.tuesday,
            week.wednesday,
            week.thursday,
            week.friday,
            week.saturday,
            week.sunday,
        ])
    }
}

impl From<WeeklyHours> for WeekSchedule {
    fn from(hours: WeeklyHours) -> Self {
        let [monday, tuesday, wednesday, thursday, friday, saturday, sunday] = hours.days;
        WeekSchedule { monday, tuesday, wednesday, thursday, friday, saturday, sunday }
    }
}

/// A timezone as core needs it: the offset from UTC in effect at an instant, in minutes
/// (local time = UTC + offset; Paris in winter is +60, New York in winter is -300).
pub trait UtcOffset {
    fn offset_minutes_at(&self, at: UnixMillis) -> i32;
}

/// A zone whose offset never changes (UTC is `FixedOffset(0)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedOffset(pub i32);

impl UtcOffset for FixedOffset {
    fn offset_minutes_at(&self, _at: UnixMillis) -> i32 {
        self.0
    }
}

/// Signed arithmetic lets local times before the epoch (a negative offset near 1970) exist
/// without special cases; instants beyond `i64::MAX` ms are hundreds of millions of years away.
fn signed(at: UnixMillis) -> i64 {
    i64::try_from(at.0).unwrap_or(i64::MAX)
}

fn offset_millis(zone: &impl UtcOffset, utc_millis: i64) -> i64 {
    // Before the epoch there is no `UnixMillis`; the offset at the epoch stands in.
    let at = UnixMillis(u64::try_from(utc_millis).unwrap_or(0));
    i64::from(zone.offset_minutes_at(at)) * MILLIS_PER_MINUTE
}

/// Local milliseconds (as if the local wall clock were UTC) at a UTC instant.
fn local_millis(zone: &impl UtcOffset, utc_millis: i64) -> i64 {
    utc_millis.saturating_add(offset_millis(zone, utc_millis))
}

/// The UTC instant of a local wall-clock time: guess with the offset at the local time read as
/// UTC, then correct with the offset at the guess. Exact except within a DST change, where a
/// repeated local time resolves to its later occurrence and a skipped one lands inside the jump.
fn utc_millis_of_local(zone: &impl UtcOffset, local: i64) -> i64 {
    let guess = local.saturating_sub(offset_millis(zone, local));
    local.saturating_sub(offset_millis(zone, guess))
}

/// Whether the shop is open at the instant `at`, in its own timezone.
pub fn is_open(hours: &WeeklyHours, zone: &impl UtcOffset, at: UnixMillis) -> bool {
    let local = local_millis(zone, signed(at));
    let day = local.div_euclid(MILLIS_PER_DAY);
    let weekday = (day + EPOCH_WEEKDAY_INDEX).rem_euclid(7);
    let minute_of_day = local.rem_euclid(MILLIS_PER_DAY) / MILLIS_PER_MINUTE;
    // Both parts are small and non-negative: a weekday index below 7 and a minute below 1440.
    let minute_of_week = u32::try_from(weekday * i64::from(MINUTES_PER_DAY) + minute_of_day).unwrap_or(0);
    hours.is_open_at(minute_of_week)
}

/// Whether the shop is open at `at` in its time zone, when the runtime knows the zone; a shop
/// whose zone it does not know (`None`) counts as open, so no shopper is told it is closed on a
/// guess.
pub fn is_open_in(hours: &WeeklyHours, zone: Option<&impl UtcOffset>, at: UnixMillis) -> bool {
    zone.is_none_or(|zone| is_open(hours, zone, at))
}

/// The milliseconds of `[start, end)` during which the shop is open; 0 when `end <= start`.
///
/// Walks the shop's open windows local day by local day (never minute by minute), converts each
/// window's two ends from local time to UTC with the offset in effect there, and adds the part
/// of the window inside `[start, end)`. So a DST change inside the interval is honoured window by
/// window: "09:00–17:00" is 8 hours on both sides of it, and a 24/7 shop's day of the change is
/// 23 or 25 hours, matching calendar time.
///
/// Approximation: a window end that falls on a local time the change skips or repeats (e.g.
/// 02:30 on a spring-forward night in Europe) resolves to one of its candidate instants, so
/// such a window may be off by up to the size of the change. Time is never counted twice:
/// windows are added in order and each one starts no earlier than where the previous one ended.
///
/// Cost is proportional to the number of local days in the interval times the open windows per
/// day, with two offset look-ups per window end.
pub fn business_millis_between(hours: &WeeklyHours, zone: &impl UtcOffset, start: UnixMillis, end: UnixMillis) -> u64 {
    if end <= start {
        return 0;
    }
    let (start, end) = (signed(start), signed(end));
    // One extra local day on each side covers windows that an offset change moves across the
    // interval's ends; anything outside `[start, end)` is clipped away below.
    let first_day = local_millis(zone, start).div_euclid(MILLIS_PER_DAY) - 1;
    let last_day = local_millis(zone, end).div_euclid(MILLIS_PER_DAY) + 1;
    let mut counted_until = start;
    let mut total: u64 = 0;
    for day in first_day..=last_day {
        let weekday = (day + EPOCH_WEEKDAY_INDEX).rem_euclid(7);
        // `rem_euclid(7)` is always 0..=6.
        let intervals = &hours.days[usize::try_from(weekday).unwrap_or(0)];
        let local_midnight = day * MILLIS_PER_DAY;
        for interval in intervals {
            let local_open = local_midnight + i64::from(interval.start_minute) * MILLIS_PER_MINUTE;
            let local_close = local_midnight + i64::from(interval.end_minute) * MILLIS_PER_MINUTE;
            let open = utc_millis_of_local(zone, local_open).max(counted_until);
            let close = utc_millis_of_local(zone, local_close).min(end);
            if close > open {
                // `close > open` makes the difference positive.
                total += u64::try_from(close - open).unwrap_or(0);
                counted_until = close;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-01-01T00:00:00Z, a Monday: the fake clock's week starts here.
    const MONDAY: u64 = 1_704_067_200_000;

    /// A fake clock: `day` days (0 = Monday 2024-01-01), `hour` and `minute` after the base, UTC.
    fn at(day: u64, hour: u64, minute: u64) -> UnixMillis {
        UnixMillis(MONDAY + ((day * 24 + hour) * 60 + minute) * 60_000)
    }

    fn hm(hour: u16, minute: u16) -> u16 {
        hour * 60 + minute
    }

    fn hours(days: [&[(u16, u16)]; 7]) -> WeeklyHours {
        WeeklyHours::new(days.map(|intervals| intervals.iter().map(|&(s, e)| OpenInterval::new(s, e)).collect()))
            .expect("valid hours")
    }

    /// Monday to Friday, 09:00–17:00.
    fn office() -> WeeklyHours {
        let day: &[(u16, u16)] = &[(hm(9, 0), hm(17, 0))];
        hours([day, day, day, day, day, &[], &[]])
    }

    /// Office hours plus a late shift running past midnight: Friday 22:00–24:00 and Saturday
    /// 00:00–02:00, and Sunday 20:00 into Monday 02:00 across the week boundary.
    fn late_shifts() -> WeeklyHours {
        let day: &[(u16, u16)] = &[(hm(9, 0), hm(17, 0))];
        hours([
            &[(0, hm(2, 0)), (hm(9, 0), hm(17, 0))],
            day,
            day,
            day,
            &[(hm(9, 0), hm(17, 0)), (hm(22, 0), 1440)],
            &[(0, hm(2, 0))],
            &[(hm(20, 0), 1440)],
        ])
    }

    /// A zone that changes offset once, at `change`, like a DST transition.
    #[derive(Clone, Copy)]
    struct StepOffset {
        change: UnixMillis,
        before: i32,
        after: i32,
    }

    impl UtcOffset for StepOffset {
        fn offset_minutes_at(&self, at: UnixMillis) -> i32 {
            if at < self.change {
                self.before
            } else {
                self.after
            }
        }
    }

    const MINUTE: u64 = 60_000;

    #[test]
    fn business_time_in_a_fixed_zone() {
        struct Case {
            name: &'static str,
            hours: WeeklyHours,
            offset: i32,
            start: UnixMillis,
            end: UnixMillis,
            open_minutes: u64,
        }
        let cases = vec![
            Case {
                name: "inside hours",
                hours: office(),
                offset: 0,
                start: at(0, 10, 0),
                end: at(0, 11, 30),
                open_minutes: 90,
            },
            Case {
                name: "starts before opening",
                hours: office(),
                offset: 0,
                start: at(0, 8, 0),
                end: at(0, 10, 0),
                open_minutes: 60,
            },
            Case {
                name: "ends after closing",
                hours: office(),
                offset: 0,
                start: at(0, 16, 30),
                end: at(0, 20, 0),
                open_minutes: 30,
            },
            Case {
                name: "spans a closed night",
                hours: office(),
                offset: 0,
                start: at(0, 16, 0),
                end: at(1, 10, 0),
                open_minutes: 120,
            },
            Case {
                name: "entirely at night",
                hours: office(),
                offset: 0,
                start: at(0, 18, 0),
                end: at(1, 8, 59),
                open_minutes: 0,
            },
            Case {
                name: "spans a weekend",
                hours: office(),
                offset: 0,
                start: at(4, 16, 0),
                end: at(7, 10, 0),
                open_minutes: 120,
            },
            Case {
                name: "entirely in a weekend",
                hours: office(),
                offset: 0,
                start: at(5, 0, 0),
                end: at(7, 0, 0),
                open_minutes: 0,
            },
            Case {
                name: "one whole week",
                hours: office(),
                offset: 0,
                start: at(0, 0, 0),
                end: at(7, 0, 0),
                open_minutes: 5 * 480,
            },
            Case {
                name: "four weeks and an hour",
                hours: office(),
                offset: 0,
                start: at(0, 9, 0),
                end: at(28, 10, 0),
                open_minutes: 20 * 480 + 60,
            },
            Case {
                name: "a year of office hours",
                hours: office(),
                offset: 0,
                start: at(0, 0, 0),
                end: at(52 * 7, 0, 0),
                open_minutes: 52 * 5 * 480,
            },
            Case {
                name: "across midnight into Saturday",
                hours: late_shifts(),
                offset: 0,
                start: at(4, 23, 0),
                end: at(5, 1, 0),
                open_minutes: 120,
            },
            Case {
                name: "the whole late shift and some closed time around it",
                hours: late_shifts(),
                offset: 0,
                start: at(4, 21, 0),
                end: at(5, 3, 0),
                open_minutes: 240,
            },
            Case {
                name: "across the week boundary, Sunday night into Monday",
                hours: late_shifts(),
                offset: 0,
                start: at(6, 22, 0),
                end: at(7, 1, 0),
                open_minutes: 180,
            },
            Case {
                name: "+60: 08:00Z is 09:00 local, opening time",
                hours: office(),
                offset: 60,
                start: at(0, 8, 0),
                end: at(0, 10, 0),
                open_minutes: 120,
            },
            Case {
                name: "+60: 16:00Z is 17:00 local, closed",
                hours: office(),
                offset: 60,
                start: at(0, 16, 0),
                end: at(0, 17, 0),
                open_minutes: 0,
            },
            Case {
                name: "+60: Sunday 23:00Z is Monday local",
                hours: late_shifts(),
                offset: 60,
                start: at(6, 22, 0),
                end: at(7, 0, 0),
                open_minutes: 120,
            },
            Case {
                name: "-300: a full local working day is 14:00Z to 22:00Z",
                hours: office(),
                offset: -300,
                start: at(0, 14, 0),
                end: at(0, 22, 0),
                open_minutes: 480,
            },
            Case {
                name: "-300: Monday 00:00Z is Sunday evening local",
                hours: office(),
                offset: -300,
                start: at(0, 0, 0),
                end: at(0, 15, 0),
                open_minutes: 60,
            },
            Case {
                name: "-300: Saturday before 05:00Z is still Friday local, with its late shift",
                hours: late_shifts(),
                offset: -300,
                start: at(4, 21, 0),
                end: at(5, 5, 0),
                // Friday 16:00 to midnight local: open 16:00–17:00 and 22:00–24:00.
                open_minutes: 180,
            },
            Case {
                name: "-300: one whole local week",
                hours: office(),
                offset: -300,
                start: at(0, 5, 0),
                end: at(7, 5, 0),
                open_minutes: 5 * 480,
            },
            Case {
                name: "start equals end",
                hours: office(),
                offset: 0,
                start: at(0, 10, 0),
                end: at(0, 10, 0),
                open_minutes: 0,
            },
            Case {
                name: "end before start",
                hours: office(),
                offset: 0,
                start: at(0, 12, 0),
                end: at(0, 10, 0),
                open_minutes: 0,
            },
            Case {
                name: "never open",
                hours: hours([&[], &[], &[], &[], &[], &[], &[]]),
                offset: 0,
                start: at(0, 0, 0),
                end: at(14, 0, 0),
                open_minutes: 0,
            },
        ];
        for case in cases {
            let got = business_millis_between(&case.hours, &FixedOffset(case.offset), case.start, case.end);
            assert_eq!(got, case.open_minutes * MINUTE, "{}", case.name);
        }
    }

    #[test]
    fn always_open_equals_calendar_time() {
        let intervals = [
            (at(0, 0, 0), at(0, 0, 0)),
            (at(0, 10, 0), UnixMillis(at(0, 10, 0).0 + 1)),
            (at(0, 10, 17), at(0, 11, 3)),
            (at(2, 23, 59), at(3, 0, 1)),
            (at(4, 16, 0), at(7, 10, 0)),
            (at(0, 0, 0), at(365, 0, 0)),
            (UnixMillis(0), UnixMillis(3 * 86_400_000)),
        ];
        for offset in [0, 60, -300, 330, 840, -720] {
            for (start, end) in intervals {
                let got = business_millis_between(&WeeklyHours::always_open(), &FixedOffset(offset), start, end);
                assert_eq!(got, end.millis_since(start), "offset {offset}, {start:?}..{end:?}");
            }
        }
    }

    #[test]
    fn an_offset_change_inside_the_interval() {
        // Spring forward at Tuesday 01:00Z (02:00 local becomes 03:00), and fall back at the same instant.
        let spring = StepOffset { change: at(1, 1, 0), before: 60, after: 120 };
        let fall = StepOffset { change: at(1, 1, 0), before: 120, after: 60 };
        struct Case {
            name: &'static str,
            zone: StepOffset,
            hours: WeeklyHours,
            start: UnixMillis,
            end: UnixMillis,
            open_minutes: u64,
        }
        let cases = vec![
            Case {
                name: "office hours are 8 hours on both sides of spring forward",
                zone: spring,
                hours: office(),
                start: at(0, 0, 0),
                end: at(2, 0, 0),
                open_minutes: 2 * 480,
            },
            Case {
                name: "Tuesday opens at 07:00Z after spring forward",
                zone: spring,
                hours: office(),
                start: at(1, 7, 0),
                end: at(1, 8, 0),
                open_minutes: 60,
            },
            Case {
                name: "office hours are 8 hours on both sides of fall back",
                zone: fall,
                hours: office(),
                start: at(0, 0, 0),
                end: at(2, 0, 0),
                open_minutes: 2 * 480,
            },
            Case {
                name: "Tuesday opens at 08:00Z after fall back",
                zone: fall,
                hours: office(),
                start: at(1, 7, 0),
                end: at(1, 9, 0),
                open_minutes: 60,
            },
            Case {
                name: "24/7 over spring forward is calendar time",
                zone: spring,
                hours: WeeklyHours::always_open(),
                start: at(0, 0, 0),
                end: at(3, 0, 0),
                open_minutes: 3 * 1440,
            },
            Case {
                name: "24/7 over fall back is calendar time",
                zone: fall,
                hours: WeeklyHours::always_open(),
                start: at(0, 0, 0),
                end: at(3, 0, 0),
                open_minutes: 3 * 1440,
            },
            Case {
                name: "a window ending in the skipped hour never counts time twice",
                zone: spring,
                hours: hours([&[], &[(0, hm(2, 30)), (hm(3, 0), hm(4, 0))], &[], &[], &[], &[], &[]]),
                start: at(0, 0, 0),
                end: at(2, 0, 0),
                // 02:00–03:00 local does not exist that night, so the shop is really open local
                // 00:00–02:00 (23:00Z–01:00Z) and 03:00–04:00 (01:00Z–02:00Z): three hours.
                open_minutes: 180,
            },
        ];
        for case in cases {
            let got = business_millis_between(&case.hours, &case.zone, case.start, case.end);
            assert_eq!(got, case.open_minutes * MINUTE, "{}", case.name);
        }
    }

    #[test]
    fn open_at_an_instant() {
        let cases = [
            ("Monday 09:00 opens", office(), 0, at(0, 9, 0), true),
            ("Monday 08:59 is closed", office(), 0, at(0, 8, 59), false),
            ("Monday 16:59 is open", office(), 0, at(0, 16, 59), true),
            ("closing minute is closed", office(), 0, at(0, 17, 0), false),
            ("Saturday is closed", office(), 0, at(5, 10, 0), false),
            ("-300: 14:00Z is 09:00 local", office(), -300, at(0, 14, 0), true),
            ("-300: 13:59Z is 08:59 local", office(), -300, at(0, 13, 59), false),
            ("+60: Sunday 23:30Z is Monday 00:30 local", late_shifts(), 60, at(6, 23, 30), true),
            ("Saturday 01:59 in the late shift", late_shifts(), 0, at(5, 1, 59), true),
            ("Saturday 02:00 after the late shift", late_shifts(), 0, at(5, 2, 0), false),
            ("-300 near the epoch is Wednesday evening local", office(), -300, UnixMillis(0), false),
        ];
        for (name, hours, offset, instant, open) in cases {
            assert_eq!(is_open(&hours, &FixedOffset(offset), instant), open, "{name}");
        }
    }

    #[test]
    fn minute_of_week_lookup() {
        let hours = late_shifts();
        let friday = 4 * 1440;
        for (minute, open) in [
            (0, true),
            (hm(2, 0) as u32, false),
            (friday + hm(22, 0) as u32, true),
            (friday + 1439, true),
            (MINUTES_PER_WEEK - 1, true),
            (MINUTES_PER_WEEK, true),
            (MINUTES_PER_WEEK + hm(3, 0) as u32, false),
        ] {
            assert_eq!(hours.is_open_at(minute), open, "minute {minute}");
        }
    }

    #[test]
    fn hours_are_validated() {
        let ok = OpenInterval::new(hm(9, 0), hm(17, 0));
        let cases: Vec<(&str, Vec<OpenInterval>, Result<(), HoursError>)> = vec![
            ("one interval", vec![ok], Ok(())),
            ("closed", vec![], Ok(())),
            ("whole day", vec![OpenInterval::all_day()], Ok(())),
            ("touching intervals", vec![OpenInterval::new(0, 60), OpenInterval::new(60, 120)], Ok(())),
            (
                "past midnight",
                vec![OpenInterval::new(hm(22, 0), 1441)],
                Err(HoursError::PastMidnight { day: Weekday::Wednesday, start: hm(22, 0), end: 1441 }),
            ),
            (
                "empty",
                vec![OpenInterval::new(600, 600)],
                Err(HoursError::Empty { day: Weekday::Wednesday, start: 600, end: 600 }),
            ),
            (
                "reversed",
                vec![OpenInterval::new(700, 600)],
                Err(HoursError::Empty { day: Weekday::Wednesday, start: 700, end: 600 }),
            ),
            (
                "overlapping",
                vec![OpenInterval::new(0, 120), OpenInterval::new(60, 180)],
                Err(HoursError::Overlapping { day: Weekday::Wednesday, previous_end: 120, start: 60 }),
            ),
            (
                "out of order",
                vec![ok, OpenInterval::new(0, 60)],
                Err(HoursError::Overlapping { day: Weekday::Wednesday, previous_end: hm(17, 0), start: 0 }),
            ),
        ];
        for (name, wednesday, expected) in cases {
            let mut days: [Vec<OpenInterval>; 7] = Default::default();
            days[Weekday::Wednesday.index()] = wednesday;
            assert_eq!(WeeklyHours::new(days).map(|_| ()), expected, "{name}");
        }
    }

    #[test]
    fn hours_survive_serialization_and_are_validated_when_parsed() {
        let hours = late_shifts();
        let json = serde_json::to_string(&hours).expect("serializes");
        assert!(json.contains(r#""friday":[{"start_minute":540,"end_minute":1020},{"start_minute":1320"#), "{json}");
        assert_eq!(serde_json::from_str::<WeeklyHours>(&json).expect("parses"), hours);

        let sparse = r#"{"saturday":[{"start_minute":600,"end_minute":840}]}"#;
        let parsed = serde_json::from_str::<WeeklyHours>(sparse).expect("missing days are closed");
        assert_eq!(parsed.day(Weekday::Saturday), [OpenInterval::new(600, 840)]);
        assert!(parsed.day(Weekday::Monday).is_empty());

        let overlapping = r#"{"monday":[{"start_minute":0,"end_minute":120},{"start_minute":60,"end_minute":180}]}"#;
        assert!(serde_json::from_str::<WeeklyHours>(overlapping).is_err());
    }
}

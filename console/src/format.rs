//! How durations and times read in the console.

use parley_core::rating::MAX_SCORE;
use parley_core::time::UnixMillis;

/// A running age like a stopwatch: "0:42", "12:05", "1:02:03".
pub fn stopwatch(millis: u64) -> String {
    let seconds = millis / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A measured duration in words, rounded to its last unit shown: "42 s", "3 min 05 s",
/// "2 h 03 min". Rounded, not floored: a 5.8 s first response reads "6 s", as the owner would
/// say it; only a running [`stopwatch`] counts whole seconds gone.
pub fn duration(millis: u64) -> String {
    let seconds = nearest(millis, 1000);
    if seconds >= 3600 {
        let minutes = nearest(seconds, 60);
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else if seconds >= 60 {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds} s")
    }
}

/// `value / unit`, rounded half up.
fn nearest(value: u64, unit: u64) -> u64 {
    value / unit + u64::from(value % unit >= unit.div_ceil(2))
}

/// A round duration, as on a chart's axis: "30 s", "5 min", "4 h".
pub fn round_duration(seconds: u64) -> String {
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        format!("{} h", seconds / 3600)
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

/// What a figure reads as while nothing has been measured.
const NOTHING_YET: &str = "—";

/// A measured duration, or "—" while there is none yet.
pub fn maybe_duration(millis: Option<u64>) -> String {
    millis.map_or_else(|| NOTHING_YET.to_owned(), duration)
}

/// A duration the metrics report gives in (fractional) seconds, read like [`duration`].
pub fn seconds(seconds: Option<f64>) -> String {
    // Durations are never negative; a float-to-int cast saturates anyway.
    maybe_duration(seconds.map(|seconds| (seconds * 1000.0).round() as u64))
}

/// A share in percent, whole: "83 %"; "—" when there is nothing to share.
pub fn percent(percent: Option<f64>) -> String {
    percent.map_or_else(|| NOTHING_YET.to_owned(), |percent| format!("{percent:.0} %"))
}

/// A rating's score out of the highest: "4 / 5".
pub fn score(score: u8) -> String {
    format!("{score} / {MAX_SCORE}")
}

/// An average score to one decimal, out of the highest: "3.7 / 5"; "—" without ratings.
pub fn average_score(average: Option<f64>) -> String {
    average.map_or_else(|| NOTHING_YET.to_owned(), |average| format!("{average:.1} / {MAX_SCORE}"))
}

/// How long ago `at` was, as of `now`, in words: "just now", "1 minute ago", "3 hours ago",
/// "2 days ago".
pub fn ago(now: UnixMillis, at: UnixMillis) -> String {
    let minutes = now.millis_since(at) / 60_000;
    let (count, unit) = match minutes {
        0 => return "just now".to_owned(),
        1..60 => (minutes, "minute"),
        60..1440 => (minutes / 60, "hour"),
        _ => (minutes / 1440, "day"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

/// The local date and time of day: "2026-12-06 09:41".
pub fn date_time(at: UnixMillis) -> String {
    let date = js_sys::Date::new(&(at.0 as f64).into());
    format!("{}-{:02}-{:02} {}", date.get_full_year(), date.get_month() + 1, date.get_date(), time_of_day(at))
}

/// The local time of day: "09:41".
pub fn time_of_day(at: UnixMillis) -> String {
    let date = js_sys::Date::new(&(at.0 as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwatch_reads_like_a_clock() {
        for (millis, expected) in
            [(0, "0:00"), (42_999, "0:42"), (83_000, "1:23"), (725_000, "12:05"), (3_723_000, "1:02:03")]
        {
            assert_eq!(stopwatch(millis), expected, "{millis}");
        }
    }

    #[test]
    fn durations_read_in_words() {
        let cases = [
            (0, "0 s"),
            (42_400, "42 s"),
            (185_000, "3 min 05 s"),
            (7_380_000, "2 h 03 min"),
            (5_800, "6 s"),
            (5_499, "5 s"),
            (5_500, "6 s"),
            (499, "0 s"),
            (59_500, "1 min 00 s"),
            (125_600, "2 min 06 s"),
            (3_599_499, "59 min 59 s"),
            (3_599_500, "1 h 00 min"),
            (7_409_499, "2 h 03 min"),
            (7_409_500, "2 h 04 min"),
            (u64::MAX, "5124095576030 h 26 min"),
        ];
        for (millis, expected) in cases {
            assert_eq!(duration(millis), expected, "{millis}");
        }
        assert_eq!(maybe_duration(None), "—");
    }

    #[test]
    fn round_durations_read_like_an_axis() {
        for (seconds, expected) in [(30, "30 s"), (60, "1 min"), (90, "90 s"), (1800, "30 min"), (86_400, "24 h")] {
            assert_eq!(round_duration(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn ages_read_in_words() {
        let now = UnixMillis(10_000_000_000);
        for (millis_ago, expected) in [
            (0, "just now"),
            (59_999, "just now"),
            (60_000, "1 minute ago"),
            (150_000, "2 minutes ago"),
            (3_600_000, "1 hour ago"),
            (86_399_999, "23 hours ago"),
            (2 * 86_400_000, "2 days ago"),
        ] {
            assert_eq!(ago(now, UnixMillis(now.0 - millis_ago)), expected, "{millis_ago}");
        }
    }

    #[test]
    fn report_figures_read_in_words() {
        assert_eq!(seconds(Some(185.4)), "3 min 05 s");
        assert_eq!(seconds(Some(5.8)), "6 s", "rounded, not floored");
        assert_eq!(seconds(Some(3.0904000000000003)), "3 s");
        assert_eq!(seconds(Some(0.9996)), "1 s");
        assert_eq!(seconds(None), "—");
        assert_eq!(percent(Some(83.33)), "83 %");
        assert_eq!(percent(None), "—");
        assert_eq!(score(4), "4 / 5");
        assert_eq!(average_score(Some(11.0 / 3.0)), "3.7 / 5");
        assert_eq!(average_score(None), "—");
    }
}

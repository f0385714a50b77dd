//! How durations and times read in the console.

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

/// A measured duration in words: "42 s", "3 min 05 s", "2 h 03 min".
pub fn duration(millis: u64) -> String {
    let seconds = millis / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min {seconds:02} s")
    } else {
        format!("{seconds} s")
    }
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
        for (millis, expected) in [(0, "0 s"), (42_400, "42 s"), (185_000, "3 min 05 s"), (7_380_000, "2 h 03 min")] {
            assert_eq!(duration(millis), expected, "{millis}");
        }
    }
}

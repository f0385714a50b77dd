//! Instants written as UTC dates for people and spreadsheets: ISO 8601 (`2024-01-01T09:41:05Z`,
//! `2024-01-01`), and a date read back (a date picker's value). Core reads no clock and links no
//! date library (it is in the widget's wasm), so civil dates come from Howard Hinnant's
//! `civil_from_days` and `days_from_civil`, exact for every day since the epoch.

use crate::time::UnixMillis;

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The instant's UTC date and time to the second: `2024-01-01T09:41:05Z`.
pub fn date_time(at: UnixMillis) -> String {
    let seconds = at.0 % DAY_MILLIS / 1000;
    format!("{}T{:02}:{:02}:{:02}Z", date(at), seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// The instant's UTC date: `2024-01-01`.
pub fn date(at: UnixMillis) -> String {
    let (year, month, day) = civil_from_days(at.0 / DAY_MILLIS);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The first millisecond (UTC midnight) of a date written `YYYY-MM-DD`, as an
/// `<input type="date">` gives it; `None` for anything else, or a day that does not exist.
pub fn parse_date(text: &str) -> Option<UnixMillis> {
    let mut parts = text.split('-');
    let mut number = |digits: usize| {
        parts
            .next()
            .filter(|part| part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))?
            .parse::<u64>()
            .ok()
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    if parts.next().is_some() || year < 1970 || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // A day past its month's end (2023-02-29) comes back as another date.
    (civil_from_days(days) == (year, month, day)).then(|| UnixMillis(days * DAY_MILLIS))
}

/// The day number after 1970-01-01 of a date on or after it (the inverse of `civil_from_days`).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 }; // March is 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Year, month (1 to 12) and day (1 to 31) of the day `days` after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Eras of 400 years start on 0000-03-01; 719,468 days lie between it and the epoch.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // March is 0
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_utc_dates() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_704_067_200_000, "2024-01-01T00:00:00Z"),
            (1_704_067_200_000 + 34_865_999, "2024-01-01T09:41:05Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00Z"),
            (1_735_689_599_000, "2024-12-31T23:59:59Z"),
        ];
        for (millis, written) in cases {
            assert_eq!(date_time(UnixMillis(millis)), written, "{millis}");
        }
        assert_eq!(date(UnixMillis(1_709_164_800_000)), "2024-02-29");
    }

    #[test]
    fn dates_are_read_back() {
        let cases = [
            ("1970-01-01", Some(0)),
            ("2024-01-01", Some(1_704_067_200_000)),
            ("2024-02-29", Some(1_709_164_800_000)),
            ("2000-02-29", Some(951_782_400_000)),
            ("2100-03-01", Some(4_107_542_400_000)),
            ("2023-02-29", None),
            ("2024-04-31", None),
            ("2024-13-01", None),
            ("2024-00-10", None),
            ("2024-01-00", None),
            ("1969-12-31", None),
            ("2024-1-01", None),
            ("2024-01-01T00:00", None),
            ("2024-01-01-01", None),
            ("+024-01-01", None),
            ("", None),
        ];
        for (text, millis) in cases {
            assert_eq!(parse_date(text), millis.map(UnixMillis), "{text:?}");
        }
        for millis in [0, 951_782_400_000, 1_709_164_800_000, 4_107_542_400_000] {
            assert_eq!(parse_date(&date(UnixMillis(millis))), Some(UnixMillis(millis)), "{millis}");
        }
    }
}

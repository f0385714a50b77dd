//! A time of day as the hours editor writes it: `HH:MM` (or `H:MM`), from `00:00` to `24:00`,
//! the end of the day, as minutes since midnight.

use parley_core::business_hours::MINUTES_PER_DAY;

/// `09:30` for 570, `24:00` for 1440.
pub fn time_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The minutes since midnight `text` names, if it is a time of day from `00:00` to `24:00`.
pub fn minutes_of(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    if !(1..=2).contains(&hours.len()) || minutes.len() != 2 {
        return None;
    }
    let whole = |part: &str| part.chars().all(|c| c.is_ascii_digit()).then(|| part.parse::<u16>().ok()).flatten();
    let (hours, minutes) = (whole(hours)?, whole(minutes)?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_read_and_write_as_hours_and_minutes() {
        for (text, minutes) in [("00:00", Some(0)), ("9:30", Some(570)), ("09:30", Some(570)), ("24:00", Some(1440))] {
            assert_eq!(minutes_of(text), minutes, "{text}");
        }
        for text in ["24:01", "25:00", "09:60", "9", "09:5", "nine:00", ":30", "-1:00", "009:00"] {
            assert_eq!(minutes_of(text), None, "{text}");
        }
        assert_eq!(time_text(570), "09:30");
        assert_eq!(time_text(1440), "24:00");
    }
}

//! What the widget says before anyone writes: the shop's own greeting (or the widget's default
//! in the shopper's language), and, if the shop wants it, how fast it typically replies, as
//! measured. The promise is a bucket rounded up from the median of the last seven days' first
//! responses within opening hours (Intercom's "typically replies in"), and it is made only from
//! enough of them: a shop is never promised faster than it answers.

use serde::{Deserialize, Serialize};

use crate::error::SettingsError;
use crate::metrics::RecentFirstResponses;
use crate::wire::wire_names;
use crate::wire_serde::serde_via_wire;

/// The longest greeting a shop may set, in characters.
pub const MAX_GREETING_CHARS: usize = 300;

/// How many first responses the last seven days must hold before a reply time is promised.
pub const MIN_RESPONSES_FOR_PROMISE: u32 = 5;

/// How far back the first responses behind the promise go: seven days.
pub const PROMISE_LOOKBACK_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GreetingSettings {
    /// The shop's own greeting; the widget's default in the shopper's language when `None`.
    pub text: Option<String>,
    /// Whether the widget shows the shop's measured typical reply time under the greeting.
    pub show_reply_time: bool,
}

impl Default for GreetingSettings {
    fn default() -> Self {
        Self { text: None, show_reply_time: true }
    }
}

impl GreetingSettings {
    /// The greeting as stored: trimmed, an empty one the default, a long one refused.
    pub fn validated(self) -> Result<Self, SettingsError> {
        let text = self.text.as_deref().map(str::trim).filter(|text| !text.is_empty());
        if let Some(text) = text {
            // Line breaks are fine in a greeting; other control characters are not.
            let controls = text.chars().any(|c| c.is_control() && c != '\n');
            if text.chars().count() > MAX_GREETING_CHARS || controls {
                return Err(SettingsError::Greeting { max: MAX_GREETING_CHARS });
            }
        }
        Ok(Self { text: text.map(str::to_owned), ..self })
    }
}

/// How fast a shop typically replies, as the widget words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyTime {
    /// Within 5 minutes.
    FewMinutes,
    /// Within an hour.
    UnderAnHour,
    /// Within 4 hours.
    FewHours,
    /// Within a day.
    ADay,
}

wire_names!(ReplyTime, "reply time", {
    FewMinutes => "few_minutes",
    UnderAnHour => "under_an_hour",
    FewHours => "few_hours",
    ADay => "a_day",
});

serde_via_wire!(ReplyTime);

impl ReplyTime {
    /// The upper bound of each bucket, in milliseconds, smallest first.
    const BUCKETS: [(ReplyTime, u64); 4] = [
        (ReplyTime::FewMinutes, 5 * 60_000),
        (ReplyTime::UnderAnHour, 60 * 60_000),
        (ReplyTime::FewHours, 4 * 60 * 60_000),
        (ReplyTime::ADay, 24 * 60 * 60_000),
    ];

    /// The promise the shop keeps: the smallest bucket that holds the median of its recent
    /// first responses in opening hours; none from fewer than [`MIN_RESPONSES_FOR_PROMISE`], or
    /// when the median is over a day.
    pub fn typical(recent: &RecentFirstResponses) -> Option<ReplyTime> {
        if recent.count < MIN_RESPONSES_FOR_PROMISE {
            return None;
        }
        let median = recent.median_millis?;
        Self::BUCKETS.iter().find(|(_, bound)| median <= *bound).map(|(bucket, _)| *bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn the_promise_rounds_up_and_needs_enough_responses() {
        let recent = |count, median_millis| RecentFirstResponses { count, median_millis };
        let cases = [
            (recent(0, None), None),
            (recent(4, Some(MINUTE)), None),
            (recent(5, Some(MINUTE)), Some(ReplyTime::FewMinutes)),
            (recent(5, Some(5 * MINUTE)), Some(ReplyTime::FewMinutes)),
            (recent(5, Some(5 * MINUTE + 1)), Some(ReplyTime::UnderAnHour)),
            (recent(50, Some(61 * MINUTE)), Some(ReplyTime::FewHours)),
            (recent(50, Some(5 * 60 * MINUTE)), Some(ReplyTime::ADay)),
            (recent(50, Some(25 * 60 * MINUTE)), None),
        ];
        for (recent, expected) in cases {
            assert_eq!(ReplyTime::typical(&recent), expected, "{recent:?}");
        }
    }

    #[test]
    fn reply_times_have_stable_names() {
        use crate::wire::Wire;
        let names = ["\"few_minutes\"", "\"under_an_hour\"", "\"few_hours\"", "\"a_day\""];
        for ((reply_time, _), name) in ReplyTime::BUCKETS.into_iter().zip(names) {
            assert_eq!(reply_time.encode(), name);
            assert_eq!(ReplyTime::decode(name), Ok(reply_time));
        }
        assert!(ReplyTime::decode("\"soon\"").is_err());
    }

    #[test]
    fn greetings_are_trimmed_and_bounded() {
        let greeting = |text: &str| GreetingSettings { text: Some(text.to_owned()), show_reply_time: true };
        assert_eq!(greeting("  Hello!\nAsk away. ").validated().map(|g| g.text), Ok(Some("Hello!\nAsk away.".into())));
        assert_eq!(greeting("   ").validated().map(|g| g.text), Ok(None));
        assert!(greeting(&"x".repeat(MAX_GREETING_CHARS + 1)).validated().is_err());
        assert!(greeting("bell\u{7}").validated().is_err());
    }
}

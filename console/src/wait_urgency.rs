//! How urgent a waiting shopper is against the shop's first-response target, for the queue's
//! rows: calm, then amber from half the target (time left to act), then red once the wait is
//! past the target (a first response now can no longer count as within it; one at exactly the
//! target still does, as the metrics count it). Each state has words and an icon besides its
//! colour, so colour is never the only signal.

/// How urgent a wait is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Urgency {
    /// Under half the target.
    Calm,
    /// From half the target up to the target itself.
    Amber,
    /// Past the target.
    Red,
}

impl Urgency {
    /// The urgency of a shopper who has waited `waited_millis` under a target of
    /// `target_seconds`.
    pub fn of(waited_millis: u64, target_seconds: u64) -> Urgency {
        let target_millis = target_seconds.saturating_mul(1000);
        if waited_millis > target_millis {
            Urgency::Red
        } else if waited_millis.saturating_mul(2) >= target_millis {
            Urgency::Amber
        } else {
            Urgency::Calm
        }
    }

    /// Its name in the row's `data-urgency` and CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Calm => "calm",
            Urgency::Amber => "amber",
            Urgency::Red => "red",
        }
    }

    /// What the row says besides its colour: an icon and words, none while calm.
    pub fn label(self) -> Option<(&'static str, &'static str)> {
        match self {
            Urgency::Calm => None,
            Urgency::Amber => Some(("◔", "nearing the target")),
            Urgency::Red => Some(("⚠", "past the target")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amber_from_half_the_target_red_past_it() {
        let cases = [
            (0, 120, Urgency::Calm),
            (59_999, 120, Urgency::Calm),
            (60_000, 120, Urgency::Amber),
            (120_000, 120, Urgency::Amber),
            (120_001, 120, Urgency::Red),
            (499, 1, Urgency::Calm),
            (500, 1, Urgency::Amber),
            (1_001, 1, Urgency::Red),
            (u64::MAX, u64::MAX, Urgency::Amber),
        ];
        for (waited, target, expected) in cases {
            assert_eq!(Urgency::of(waited, target), expected, "{waited} ms against {target} s");
        }
    }

    #[test]
    fn every_urgent_state_has_words() {
        assert_eq!(Urgency::Calm.label(), None);
        for urgency in [Urgency::Amber, Urgency::Red] {
            assert!(urgency.label().is_some_and(|(_, words)| !words.is_empty()), "{urgency:?}");
        }
    }
}

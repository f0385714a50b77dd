//! The honest expected wait a queued shopper is told, and when that wait has run over.
//!
//! ## Formula
//!
//! Inputs, for the shopper at 1-based position `N` among the shop's waiting conversations:
//!
//! - `C`: the total chat capacity of the online agents (sum of each one's concurrent-chat limit);
//! - `X`: their free slots (sum over online agents of capacity minus current load, at least 0);
//! - `T`: the shop's recent median first-response time, or 2 minutes while there are fewer
//!   than 5 recent samples (too few to trust a median). `metrics::recent_first_responses` gives
//!   both from the hourly aggregates of the last 7 days: the median within 0.5 %, the count
//!   exact.
//!
//! With no agent online, or online agents whose capacity adds up to 0, nobody can answer:
//! the estimate is `NoAgents` (the widget offers to leave an e-mail instead of a number).
//! Otherwise:
//!
//! ```text
//! M    = max(N - X, 1)                 shoppers, counting this one, who need a slot to free up
//! wait = (floor((M - 1) / C) + 1) × T
//! ```
//!
//! ## Why
//!
//! It is Comm100's published queue formula, `(floor((N - 1) / C) + 1) × average handling time`,
//! with two changes. First, free slots are taken into account: the first `X` shoppers in line
//! are picked up from a free slot without waiting for any chat to end, so only the `N - X`
//! others wait in "rounds" of `C` slots. When `X >= N` the shopper is in the first round, and
//! the wait is one `T`: an agent still has to notice the chat and answer, and `T` is how long
//! that has recently taken in this shop. Second, the per-round time is `T`, the recent median
//! first-response time, instead of the average handling time: it is measured from what
//! shoppers of this shop actually waited, it is a median so one forgotten chat does not
//! inflate everyone's estimate, and a queue that is moving faster or slower than usual shows
//! up in it as recent samples come in. Until there are 5 samples a fixed 2 minutes stands in,
//! rather than a median of one or two chats that could say anything.
//!
//! The result is in milliseconds; the widget shows [`display_minutes`] (rounded up, at least 1)
//! and, once [`overdue`], says so and offers to leave an e-mail address.

use crate::error::WireError;
use crate::json::Json;
use crate::time::UnixMillis;
use crate::wire::{unknown_tag, Fields, Object, Wire};
use crate::wire_serde::serde_via_wire;
use serde::{Deserialize, Serialize};

/// The per-round time used until there are [`MIN_SAMPLES`] recent first responses.
pub const DEFAULT_ROUND_MILLIS: u64 = 2 * 60_000;

/// How many recent first responses it takes before their median is trusted.
pub const MIN_SAMPLES: u32 = 5;

const MINUTE_MILLIS: u64 = 60_000;

/// What the shop's desk knows when a shopper asks how long they will wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFacts {
    /// 1-based place among the waiting conversations (0 is read as 1).
    pub position: u32,
    pub online_agents: u32,
    /// Sum of the online agents' concurrent-chat limits.
    pub total_capacity: u32,
    /// Sum over online agents of capacity minus current load, each at least 0.
    pub free_slots: u32,
    pub recent_median_frt_millis: Option<u64>,
    /// How many first responses the median was taken over.
    pub recent_samples: u32,
}

/// What the shopper is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimate {
    /// Nobody is online who could answer.
    NoAgents,
    /// The expected wait from now.
    Wait { millis: u64 },
}

/// `{"kind": "no_agents"}` or `{"kind": "wait", "millis": …}`.
impl Wire for Estimate {
    fn to_json(&self) -> Json {
        match self {
            Estimate::NoAgents => Object::tagged("kind", "no_agents").build(),
            Estimate::Wait { millis } => Object::tagged("kind", "wait").field("millis", millis).build(),
        }
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        match fields.tag("kind")? {
            "no_agents" => Ok(Estimate::NoAgents),
            "wait" => Ok(Estimate::Wait { millis: fields.required("millis")? }),
            other => Err(unknown_tag("estimate", other)),
        }
    }
}

serde_via_wire!(Estimate);

/// The expected wait by the formula in the module docs.
pub fn estimate(facts: &QueueFacts) -> Estimate {
    if facts.online_agents == 0 || facts.total_capacity == 0 {
        return Estimate::NoAgents;
    }
    let round_millis = match facts.recent_median_frt_millis {
        Some(median) if facts.recent_samples >= MIN_SAMPLES => median,
        _ => DEFAULT_ROUND_MILLIS,
    };
    let needing_a_freed_slot = facts.position.max(1).saturating_sub(facts.free_slots).max(1);
    let rounds = u64::from((needing_a_freed_slot - 1) / facts.total_capacity + 1);
    Estimate::Wait { millis: rounds.saturating_mul(round_millis) }
}

/// Whether a shopper who started waiting (or was last given the estimate) at `waiting_since`
/// has now waited longer than `estimate_millis`. Exactly at the estimate is not yet overdue.
pub fn overdue(waiting_since: UnixMillis, estimate_millis: u64, now: UnixMillis) -> bool {
    now.millis_since(waiting_since) > estimate_millis
}

/// Whole minutes to show for a wait: rounded up, and at least 1 so a short wait never reads
/// "0 minutes".
pub fn display_minutes(millis: u64) -> u64 {
    millis.div_ceil(MINUTE_MILLIS).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    /// A shop with two agents of 3 chats each, all busy, and a trusted 1-minute median.
    fn busy_shop(position: u32) -> QueueFacts {
        QueueFacts {
            position,
            online_agents: 2,
            total_capacity: 6,
            free_slots: 0,
            recent_median_frt_millis: Some(MIN),
            recent_samples: 20,
        }
    }

    #[test]
    fn estimates() {
        struct Case {
            name: &'static str,
            facts: QueueFacts,
            expected: Estimate,
        }
        let wait = |minutes: u64| Estimate::Wait { millis: minutes * MIN };
        let cases = vec![
            Case {
                name: "nobody online",
                facts: QueueFacts { online_agents: 0, total_capacity: 0, ..busy_shop(1) },
                expected: Estimate::NoAgents,
            },
            Case {
                name: "online but nobody can take chats",
                facts: QueueFacts { total_capacity: 0, ..busy_shop(1) },
                expected: Estimate::NoAgents,
            },
            Case { name: "first in a busy shop: one round", facts: busy_shop(1), expected: wait(1) },
            Case { name: "last of the first round", facts: busy_shop(6), expected: wait(1) },
            Case { name: "first of the second round", facts: busy_shop(7), expected: wait(2) },
            Case { name: "third round", facts: busy_shop(13), expected: wait(3) },
            Case {
                name: "a free slot for this shopper: one round",
                facts: QueueFacts { free_slots: 2, ..busy_shop(2) },
                expected: wait(1),
            },
            Case {
                name: "free slots take the first shoppers off the line",
                facts: QueueFacts { free_slots: 2, ..busy_shop(8) },
                expected: wait(1),
            },
            Case {
                name: "and only then rounds start",
                facts: QueueFacts { free_slots: 2, ..busy_shop(9) },
                expected: wait(2),
            },
            Case { name: "position 0 is read as 1", facts: busy_shop(0), expected: wait(1) },
            Case {
                name: "too few samples: the default round",
                facts: QueueFacts { recent_samples: 4, recent_median_frt_millis: Some(10 * MIN), ..busy_shop(7) },
                expected: Estimate::Wait { millis: 2 * DEFAULT_ROUND_MILLIS },
            },
            Case {
                name: "no median: the default round",
                facts: QueueFacts { recent_median_frt_millis: None, ..busy_shop(1) },
                expected: Estimate::Wait { millis: DEFAULT_ROUND_MILLIS },
            },
            Case {
                name: "exactly enough samples: the median",
                facts: QueueFacts { recent_samples: 5, recent_median_frt_millis: Some(30_000), ..busy_shop(1) },
                expected: Estimate::Wait { millis: 30_000 },
            },
            Case {
                name: "absurd numbers saturate instead of overflowing",
                facts: QueueFacts {
                    position: u32::MAX,
                    total_capacity: 1,
                    recent_median_frt_millis: Some(u64::MAX / 2),
                    ..busy_shop(1)
                },
                expected: Estimate::Wait { millis: u64::MAX },
            },
        ];
        for case in cases {
            assert_eq!(estimate(&case.facts), case.expected, "{}", case.name);
        }
    }

    #[test]
    fn overdue_once_past_the_estimate() {
        let since = UnixMillis(1_700_000_000_000);
        for (waited, expected) in [(0, false), (2 * MIN, false), (2 * MIN + 1, true)] {
            assert_eq!(overdue(since, 2 * MIN, UnixMillis(since.0 + waited)), expected, "waited {waited}");
        }
        assert!(!overdue(since, 0, UnixMillis(since.0 - 5)), "a clock behind the start is no wait");
    }

    #[test]
    fn minutes_for_display() {
        for (millis, minutes) in [(0, 1), (1, 1), (MIN, 1), (MIN + 1, 2), (150_000, 3), (10 * MIN, 10)] {
            assert_eq!(display_minutes(millis), minutes, "{millis}");
        }
    }

    #[test]
    fn estimates_on_the_wire() {
        let cases = [
            (Estimate::NoAgents, r#"{"kind":"no_agents"}"#),
            (Estimate::Wait { millis: 90_000 }, r#"{"kind":"wait","millis":90000}"#),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_string(&value).expect("serializes"), json);
            assert_eq!(serde_json::from_str::<Estimate>(json).expect("parses"), value);
        }
    }
}

//! What the edge keeps of a shop's service metrics: one [`MetricsAggregate`] per UTC hour
//! (`metrics_window::UtcHour`), holding everything the report (`metrics`) needs of the samples
//! recorded in that hour and nothing per sample. Merging the hours of a window gives the same
//! for the window, so a report's work depends on the window's length, not on the shop's traffic.
//!
//! Exact in an aggregate: every count, the sums behind the means, minimums and maximums, the
//! first-response histogram, the first responses within target, the ratings by score and each
//! agent's counts. Approximate: the percentiles, within 0.5 % ([`DurationSketch`]).
//!
//! A first response counts as within the shop's target if it is at or under the target in force
//! when it is added, which the caller passes in: a changed target applies to the first responses
//! recorded from then on, and the hours already stored keep their count.
//!
//! Adding is not idempotent: the edge adds each measurement once, when it is first stored (a
//! redelivered one is recognized by its key and not added again).

use crate::duration_sketch::DurationSketch;
use crate::ids::{AgentId, ConversationId};
use crate::metrics::{histogram_bucket, HISTOGRAM_BUCKETS};
use crate::rating::{MAX_SCORE, MIN_SCORE};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A measured response: how long a shopper waited for the first human reply of a cycle, or
/// for the next one after writing again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseSample {
    pub conversation_id: ConversationId,
    /// The agent who wrote the reply, and who is credited with it.
    pub agent: AgentId,
    /// When the reply was written: the sample belongs to the hour containing this instant.
    pub at: UnixMillis,
    pub calendar_millis: u64,
    /// The part of `calendar_millis` during which the shop was open.
    pub business_millis: u64,
}

/// A resolved conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionSample {
    pub conversation_id: ConversationId,
    /// The agent credited with the resolution; `None` when nobody was assigned (e.g. the
    /// shopper left, or the conversation was closed from the queue).
    pub agent: Option<AgentId>,
    /// When the conversation was resolved: the sample belongs to the hour containing it.
    pub at: UnixMillis,
    /// From the shopper's first message to resolution.
    pub resolution_millis: u64,
    /// The time an agent spent on the conversation.
    pub handle_millis: u64,
}

/// A shopper's rating of a resolved cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSample {
    pub conversation_id: ConversationId,
    /// When the shopper rated: the sample belongs to the hour containing this instant.
    pub at: UnixMillis,
    /// 1 to 5.
    pub score: u8,
}

/// How many scores a rating can have: 1 to 5.
pub(crate) const SCORES: usize = (MAX_SCORE - MIN_SCORE + 1) as usize;

/// The samples of an hour, or of several merged (see the module docs). Its stored form leaves
/// out what is empty, so an hour with a single rating is `{"ratings_by_score":[0,0,0,0,1]}`.
/// The report reads the fields; only the methods below change them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsAggregate {
    /// First-response times, calendar.
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) first_response: DurationSketch,
    /// The same first responses, opening hours only.
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) first_response_business: DurationSketch,
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) next_response: DurationSketch,
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) next_response_business: DurationSketch,
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) resolution: DurationSketch,
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) handle: DurationSketch,
    /// Calendar first responses by bucket of `metrics::HISTOGRAM_BOUNDS_SECONDS`, then +inf.
    #[serde(skip_serializing_if = "all_zero")]
    pub(crate) first_response_histogram: [u64; HISTOGRAM_BUCKETS],
    /// First responses at or under the target in force when each was added.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) first_responses_within_target: u64,
    /// Ratings by score: the count of 1s first, of 5s last.
    #[serde(skip_serializing_if = "all_zero")]
    pub(crate) ratings_by_score: [u64; SCORES],
    /// Each agent with a first response or a resolution credited to them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) per_agent: BTreeMap<AgentId, AgentAggregate>,
}

/// One agent's part of a [`MetricsAggregate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentAggregate {
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) first_response: DurationSketch,
    #[serde(skip_serializing_if = "DurationSketch::is_empty")]
    pub(crate) first_response_business: DurationSketch,
    /// Conversations resolved and credited to the agent.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) resolved: u64,
}

impl MetricsAggregate {
    /// Adds a first response, judged against the shop's target in force now,
    /// `frt_target_seconds` (the target itself counts as within).
    pub fn add_first_response(&mut self, sample: &ResponseSample, frt_target_seconds: u64) {
        self.first_response.add(sample.calendar_millis);
        self.first_response_business.add(sample.business_millis);
        add_one(&mut self.first_response_histogram, histogram_bucket(sample.calendar_millis));
        if sample.calendar_millis <= frt_target_seconds.saturating_mul(1000) {
            self.first_responses_within_target = self.first_responses_within_target.saturating_add(1);
        }
        let agent = self.per_agent.entry(sample.agent.clone()).or_default();
        agent.first_response.add(sample.calendar_millis);
        agent.first_response_business.add(sample.business_millis);
    }

    pub fn add_next_response(&mut self, sample: &ResponseSample) {
        self.next_response.add(sample.calendar_millis);
        self.next_response_business.add(sample.business_millis);
    }

    pub fn add_resolution(&mut self, sample: &ResolutionSample) {
        self.resolution.add(sample.resolution_millis);
        self.handle.add(sample.handle_millis);
        if let Some(agent) = &sample.agent {
            let agent = self.per_agent.entry(agent.clone()).or_default();
            agent.resolved = agent.resolved.saturating_add(1);
        }
    }

    /// Adds a rating. A score outside 1 to 5 is not counted: `Rating::given` refuses them, so
    /// none is ever recorded.
    pub fn add_rating(&mut self, sample: &RatingSample) {
        if let Some(index) = sample.score.checked_sub(MIN_SCORE) {
            add_one(&mut self.ratings_by_score, usize::from(index));
        }
    }

    /// Adds everything `other` holds, as if each of its samples had been added here.
    pub fn merge(&mut self, other: &MetricsAggregate) {
        self.first_response.merge(&other.first_response);
        self.first_response_business.merge(&other.first_response_business);
        self.next_response.merge(&other.next_response);
        self.next_response_business.merge(&other.next_response_business);
        self.resolution.merge(&other.resolution);
        self.handle.merge(&other.handle);
        add_counts(&mut self.first_response_histogram, &other.first_response_histogram);
        self.first_responses_within_target =
            self.first_responses_within_target.saturating_add(other.first_responses_within_target);
        add_counts(&mut self.ratings_by_score, &other.ratings_by_score);
        for (agent, theirs) in &other.per_agent {
            let ours = self.per_agent.entry(agent.clone()).or_default();
            ours.first_response.merge(&theirs.first_response);
            ours.first_response_business.merge(&theirs.first_response_business);
            ours.resolved = ours.resolved.saturating_add(theirs.resolved);
        }
    }
}

/// Counts one more at `index`; an index past the end counts nothing.
fn add_one(counts: &mut [u64], index: usize) {
    if let Some(count) = counts.get_mut(index) {
        *count = count.saturating_add(1);
    }
}

fn add_counts<const N: usize>(counts: &mut [u64; N], more: &[u64; N]) {
    counts.iter_mut().zip(more).for_each(|(count, more)| *count = count.saturating_add(*more));
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

fn all_zero<const N: usize>(counts: &[u64; N]) -> bool {
    counts.iter().all(|&count| count == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock: seconds after 2024-01-01T00:00:00Z.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_704_067_200_000 + seconds * 1000)
    }

    fn agent(email: &str) -> AgentId {
        AgentId::parse(email).expect("valid email")
    }

    fn conversation(n: u64) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("valid id")
    }

    fn response(n: u64, email: &str, calendar_seconds: u64, business_seconds: u64) -> ResponseSample {
        ResponseSample {
            conversation_id: conversation(n),
            agent: agent(email),
            at: at(n),
            calendar_millis: calendar_seconds * 1000,
            business_millis: business_seconds * 1000,
        }
    }

    fn resolved(n: u64, email: Option<&str>, resolution_seconds: u64, handle_seconds: u64) -> ResolutionSample {
        ResolutionSample {
            conversation_id: conversation(n),
            agent: email.map(agent),
            at: at(n),
            resolution_millis: resolution_seconds * 1000,
            handle_millis: handle_seconds * 1000,
        }
    }

    fn rated(n: u64, score: u8) -> RatingSample {
        RatingSample { conversation_id: conversation(n), at: at(n), score }
    }

    /// One sample of any kind, with the target in force for a first response.
    #[derive(Clone)]
    enum Sample {
        First(ResponseSample, u64),
        Next(ResponseSample),
        Resolution(ResolutionSample),
        Rating(RatingSample),
    }

    fn aggregate_of(samples: &[Sample]) -> MetricsAggregate {
        let mut aggregate = MetricsAggregate::default();
        for sample in samples {
            match sample {
                Sample::First(sample, target) => aggregate.add_first_response(sample, *target),
                Sample::Next(sample) => aggregate.add_next_response(sample),
                Sample::Resolution(sample) => aggregate.add_resolution(sample),
                Sample::Rating(sample) => aggregate.add_rating(sample),
            }
        }
        aggregate
    }

    fn a_day() -> Vec<Sample> {
        vec![
            Sample::First(response(1, "ana@demo.test", 75, 75), 120),
            Sample::Next(response(1, "bo@demo.test", 120, 120)),
            Sample::Resolution(resolved(1, Some("bo@demo.test"), 600, 570)),
            Sample::Rating(rated(1, 5)),
            Sample::First(response(2, "ana@demo.test", 54_900, 900), 120),
            Sample::First(response(3, "bo@demo.test", 20, 20), 120),
            Sample::Resolution(resolved(4, None, 900, 0)),
            Sample::Rating(rated(4, 3)),
            Sample::First(response(5, "cy@demo.test", 0, 0), 120),
            Sample::Next(response(5, "cy@demo.test", 30, 0)),
        ]
    }

    #[test]
    fn an_aggregate_counts_exactly() {
        let day = aggregate_of(&a_day());
        assert_eq!(day.first_response.count(), 4);
        assert_eq!(day.first_response.mean_millis(), Some(54_995_000.0 / 4.0));
        assert_eq!((day.first_response_business.min(), day.first_response_business.max()), (Some(0), Some(900_000)));
        assert_eq!(day.first_response_histogram, [2, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(day.first_responses_within_target, 3);
        assert_eq!((day.next_response.count(), day.next_response_business.max()), (2, Some(120_000)));
        assert_eq!((day.resolution.count(), day.handle.mean_millis()), (2, Some(285_000.0)));
        assert_eq!(day.ratings_by_score, [0, 0, 1, 0, 1]);
        let credits: Vec<(&str, u64, u64)> = day
            .per_agent
            .iter()
            .map(|(agent, credit)| (agent.as_str(), credit.first_response.count(), credit.resolved))
            .collect();
        assert_eq!(credits, [("ana@demo.test", 2, 0), ("bo@demo.test", 1, 1), ("cy@demo.test", 1, 0)]);
    }

    #[test]
    fn within_target_as_it_was_when_recorded() {
        let cases = vec![
            ("the target itself counts", vec![(60, 60)], 1),
            ("a millisecond over does not", vec![(60, 61)], 0),
            ("a raised target applies from then on", vec![(30, 45), (60, 45)], 1),
            ("a lowered one too", vec![(120, 90), (60, 90)], 1),
            ("a huge target does not overflow", vec![(u64::MAX, 10)], 1),
        ];
        for (name, target_and_seconds, within) in cases {
            let samples: Vec<Sample> = target_and_seconds
                .iter()
                .enumerate()
                .map(|(n, &(target, seconds))| {
                    Sample::First(response(n as u64, "a@demo.test", seconds, seconds), target)
                })
                .collect();
            assert_eq!(aggregate_of(&samples).first_responses_within_target, within, "{name}");
        }
    }

    #[test]
    fn ratings_are_counted_by_score() {
        let cases: Vec<(&str, Vec<u8>, [u64; SCORES])> = vec![
            ("none", vec![], [0; 5]),
            ("every score once", vec![1, 2, 3, 4, 5], [1; 5]),
            ("two fives", vec![5, 5], [0, 0, 0, 0, 2]),
            ("never-recorded scores are not counted", vec![0, 6, 4], [0, 0, 0, 1, 0]),
        ];
        for (name, scores, expected) in cases {
            let samples: Vec<Sample> =
                scores.iter().enumerate().map(|(n, &score)| Sample::Rating(rated(n as u64, score))).collect();
            assert_eq!(aggregate_of(&samples).ratings_by_score, expected, "{name}");
        }
    }

    #[test]
    fn merging_hours_is_adding_every_sample_once() {
        let day = a_day();
        let everything = aggregate_of(&day);
        let splits: Vec<(&str, Vec<Vec<Sample>>)> = vec![
            ("one hour", vec![day.clone()]),
            ("an empty hour and a full one", vec![vec![], day.clone()]),
            ("each sample its own hour", day.iter().map(|sample| vec![sample.clone()]).collect()),
            ("halves", vec![day[..5].to_vec(), day[5..].to_vec()]),
            (
                "odd and even",
                vec![day.iter().step_by(2).cloned().collect(), day.iter().skip(1).step_by(2).cloned().collect()],
            ),
        ];
        for (name, hours) in splits {
            let mut merged = MetricsAggregate::default();
            hours.iter().for_each(|hour| merged.merge(&aggregate_of(hour)));
            assert_eq!(merged, everything, "{name}");
        }
    }

    #[test]
    fn the_stored_form_leaves_out_what_is_empty() {
        let cases: Vec<(&str, Vec<Sample>, &str)> = vec![
            ("nothing", vec![], "{}"),
            ("one rating", vec![Sample::Rating(rated(1, 5))], r#"{"ratings_by_score":[0,0,0,0,1]}"#),
            (
                "a resolution by nobody",
                vec![Sample::Resolution(resolved(1, None, 40, 0))],
                concat!(
                    r#"{"resolution":{"sum":40000,"min":40000,"max":40000,"zeros":0,"buckets":{"1060":1}},"#,
                    r#""handle":{"sum":0,"min":0,"max":0,"zeros":1,"buckets":{}}}"#
                ),
            ),
            (
                "a first response",
                vec![Sample::First(response(1, "ana@demo.test", 75, 75), 120)],
                concat!(
                    r#"{"first_response":"#,
                    r#"{"sum":75000,"min":75000,"max":75000,"zeros":0,"buckets":{"1123":1}},"#,
                    r#""first_response_business":"#,
                    r#"{"sum":75000,"min":75000,"max":75000,"zeros":0,"buckets":{"1123":1}},"#,
                    r#""first_response_histogram":[0,0,1,0,0,0,0,0,0,0],"first_responses_within_target":1,"#,
                    r#""per_agent":{"ana@demo.test":{"first_response":"#,
                    r#"{"sum":75000,"min":75000,"max":75000,"zeros":0,"buckets":{"1123":1}},"#,
                    r#""first_response_business":"#,
                    r#"{"sum":75000,"min":75000,"max":75000,"zeros":0,"buckets":{"1123":1}}}}}"#
                ),
            ),
        ];
        for (name, samples, json) in cases {
            let aggregate = aggregate_of(&samples);
            assert_eq!(serde_json::to_string(&aggregate).expect("serializes"), json, "{name}");
            assert_eq!(serde_json::from_str::<MetricsAggregate>(json).expect("parses"), aggregate, "{name}");
        }
        let day = aggregate_of(&a_day());
        let json = serde_json::to_string(&day).expect("serializes");
        assert_eq!(serde_json::from_str::<MetricsAggregate>(&json).expect("parses"), day);
    }

    #[test]
    fn samples_survive_serialization() {
        let sample = resolved(6, None, 40, 0);
        let json = serde_json::to_string(&sample).expect("serializes");
        assert_eq!(serde_json::from_str::<ResolutionSample>(&json).expect("parses"), sample);
        let sample = response(2, "ana@demo.test", 30, 30);
        let json = serde_json::to_string(&sample).expect("serializes");
        assert_eq!(serde_json::from_str::<ResponseSample>(&json).expect("parses"), sample);
    }
}

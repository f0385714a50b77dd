//! A shop's service metrics computed from stored samples, and the report the metrics API sends:
//! response, resolution and handle times, and shoppers' satisfaction (CSAT) from their ratings.
//!
//! Shop owners judge their service by these numbers, so every statistic is computed exactly
//! over all samples in the window (never averaged from daily or per-agent figures), and the
//! percentile definition is fixed and documented: nearest rank, see [`Summary`].
//! Durations are stored in milliseconds and reported in seconds.

use crate::ids::{AgentId, ConversationId};
use crate::rating;
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
    /// When the reply was written: the sample belongs to the window containing this instant.
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
    /// When the conversation was resolved.
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
    /// When the shopper rated: the sample belongs to the window containing this instant.
    pub at: UnixMillis,
    /// 1 to 5.
    pub score: u8,
}

/// Every sample a report is computed from; each kind is filtered to the report's window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Samples {
    pub first_responses: Vec<ResponseSample>,
    pub next_responses: Vec<ResponseSample>,
    pub resolutions: Vec<ResolutionSample>,
    pub ratings: Vec<RatingSample>,
}

/// Percentiles reported in every [`Summary`], in percent.
const MEDIAN: u64 = 50;
const P90: u64 = 90;
const P99: u64 = 99;

/// The distribution of one duration over a window, in seconds (millis / 1000).
///
/// Percentiles use the nearest-rank method over all samples: the p-th percentile is the
/// smallest sample such that at least p% of samples are less than or equal to it, i.e. the
/// sample at 1-based rank `ceil(p / 100 * count)` in ascending order. It is always a value that
/// was actually measured, never an interpolation. The median is the 50th percentile by the same
/// rule, so for an even count it is the lower of the two middle values. Every statistic is `None`
/// when `count` is 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Summary {
    /// Summarizes durations given in milliseconds.
    pub fn of(millis: impl IntoIterator<Item = u64>) -> Self {
        let mut sorted: Vec<u64> = millis.into_iter().collect();
        sorted.sort_unstable();
        let Some((&min, &max)) = sorted.first().zip(sorted.last()) else {
            return Self::default();
        };
        let count = sorted.len();
        // A u128 sum cannot overflow for any number of u64 samples that fits in memory.
        let total: u128 = sorted.iter().map(|&m| u128::from(m)).sum();
        let mean_millis = total as f64 / count as f64;
        let seconds_at = |percent| nearest_rank(&sorted, percent).map(seconds);
        Self {
            count: count as u64,
            mean: Some(mean_millis / 1000.0),
            median: seconds_at(MEDIAN),
            p90: seconds_at(P90),
            p99: seconds_at(P99),
            min: Some(seconds(min)),
            max: Some(seconds(max)),
        }
    }
}

fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

/// The nearest-rank `percent`-th percentile of ascending `sorted` (see [`Summary`]).
fn nearest_rank(sorted: &[u64], percent: u64) -> Option<u64> {
    let count = sorted.len() as u64;
    let rank = (percent * count).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// Upper bounds of the first-response histogram's buckets, in seconds: 30 s, 1 min, 2 min,
/// 5 min, 10 min, 30 min, 1 h, 4 h, 24 h. A last bucket without a bound (+inf) follows.
pub const HISTOGRAM_BOUNDS_SECONDS: [u64; 9] = [30, 60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400];

/// One bar of a histogram. Counts are not cumulative: a bucket counts the samples greater than
/// the previous bucket's bound and less than or equal to its own (a value exactly on a bound
/// belongs to that bound's bucket). `le_seconds` is `None` for the last, unbounded bucket (+inf).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBucket {
    pub le_seconds: Option<u64>,
    pub count: u64,
}

/// Sorts durations in milliseconds into the [`HISTOGRAM_BOUNDS_SECONDS`] buckets plus +inf;
/// always returns every bucket, empty ones included, so charts keep a fixed axis.
pub fn histogram(millis: impl IntoIterator<Item = u64>) -> Vec<HistogramBucket> {
    let mut buckets: Vec<HistogramBucket> = HISTOGRAM_BOUNDS_SECONDS
        .iter()
        .map(|&bound| Some(bound))
        .chain([None])
        .map(|le_seconds| HistogramBucket { le_seconds, count: 0 })
        .collect();
    for value in millis {
        // Compared in milliseconds so that 30_001 ms does not round into the 30 s bucket.
        let index = HISTOGRAM_BOUNDS_SECONDS
            .iter()
            .position(|&bound| value <= bound.saturating_mul(1000))
            .unwrap_or(HISTOGRAM_BOUNDS_SECONDS.len());
        if let Some(bucket) = buckets.get_mut(index) {
            bucket.count += 1;
        }
    }
    buckets
}

/// Customer satisfaction over a window's ratings. CSAT is the share of ratings that are
/// satisfied (4 or 5 of 5, [`rating::SATISFIED_SCORE`]), in percent; the average score is
/// reported beside it. Both are `None` when there were no ratings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Csat {
    /// Ratings given in the window.
    pub count: u64,
    /// The share of them that are 4 or 5, 0 to 100.
    pub satisfied_percent: Option<f64>,
    /// Their mean score, 1 to 5.
    pub average_score: Option<f64>,
}

impl Csat {
    pub fn of(scores: impl IntoIterator<Item = u8>) -> Self {
        let (count, satisfied, total) =
            scores.into_iter().fold((0u64, 0u64, 0u64), |(count, satisfied, total), score| {
                (count + 1, satisfied + u64::from(rating::satisfied(score)), total + u64::from(score))
            });
        let per_rating = |sum: f64| (count > 0).then(|| sum / count as f64);
        Self { count, satisfied_percent: per_rating(satisfied as f64 * 100.0), average_score: per_rating(total as f64) }
    }
}

/// One agent's share of the window: the first responses they wrote and what they resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentMetrics {
    pub agent: AgentId,
    pub frt_seconds: Summary,
    pub frt_business_seconds: Summary,
    /// Conversations resolved in the window and credited to this agent.
    pub resolved: u64,
}

/// The body of `GET /api/shops/{shop}/metrics?from=&to=`: the shop's service over `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub from: UnixMillis,
    pub to: UnixMillis,
    /// First-response time in calendar time.
    pub frt_seconds: Summary,
    /// First-response time counting only the shop's opening hours.
    pub frt_business_seconds: Summary,
    /// The shop's target for calendar first-response time.
    pub frt_target_seconds: u64,
    /// The share of first responses with calendar FRT at or under the target, 0 to 100;
    /// `None` when there were none.
    pub within_target_percent: Option<f64>,
    /// Calendar first-response times, bucketed (see [`HistogramBucket`]).
    pub frt_histogram: Vec<HistogramBucket>,
    pub next_response_seconds: Summary,
    pub next_response_business_seconds: Summary,
    pub resolution_seconds: Summary,
    pub handle_seconds: Summary,
    /// Shoppers' satisfaction with the cycles they rated in the window.
    pub csat: Csat,
    /// Every agent with a first response or a resolution in the window, sorted by agent.
    pub per_agent: Vec<AgentMetrics>,
    /// Conversations waiting for a first response right now (not limited to the window).
    pub waiting_now: u64,
    /// How long the longest-waiting of them has waited, in whole seconds (rounded down).
    pub oldest_wait_seconds: Option<u64>,
}

/// Computes the report for `window = (from, to)`: a sample counts if `from <= at < to`.
///
/// `waiting_since` holds the instants at which each conversation waiting now started waiting;
/// `waiting_now` and `oldest_wait_seconds` describe them as of `now`, whatever the window.
pub fn report(
    window: (UnixMillis, UnixMillis),
    frt_target_seconds: u64,
    samples: &Samples,
    waiting_since: &[UnixMillis],
    now: UnixMillis,
) -> MetricsReport {
    let (from, to) = window;
    let in_window = |at: UnixMillis| from <= at && at < to;
    let first: Vec<&ResponseSample> = samples.first_responses.iter().filter(|s| in_window(s.at)).collect();
    let next: Vec<&ResponseSample> = samples.next_responses.iter().filter(|s| in_window(s.at)).collect();
    let resolutions: Vec<&ResolutionSample> = samples.resolutions.iter().filter(|s| in_window(s.at)).collect();
    let scores = samples.ratings.iter().filter(|s| in_window(s.at)).map(|s| s.score);

    let target_millis = frt_target_seconds.saturating_mul(1000);
    let within_target = first.iter().filter(|s| s.calendar_millis <= target_millis).count();
    let within_target_percent = (!first.is_empty()).then(|| within_target as f64 * 100.0 / first.len() as f64);

    MetricsReport {
        from,
        to,
        frt_seconds: Summary::of(first.iter().map(|s| s.calendar_millis)),
        frt_business_seconds: Summary::of(first.iter().map(|s| s.business_millis)),
        frt_target_seconds,
        within_target_percent,
        frt_histogram: histogram(first.iter().map(|s| s.calendar_millis)),
        next_response_seconds: Summary::of(next.iter().map(|s| s.calendar_millis)),
        next_response_business_seconds: Summary::of(next.iter().map(|s| s.business_millis)),
        resolution_seconds: Summary::of(resolutions.iter().map(|s| s.resolution_millis)),
        handle_seconds: Summary::of(resolutions.iter().map(|s| s.handle_millis)),
        csat: Csat::of(scores),
        per_agent: per_agent(&first, &resolutions),
        waiting_now: waiting_since.len() as u64,
        oldest_wait_seconds: waiting_since.iter().map(|&since| now.millis_since(since) / 1000).max(),
    }
}

/// Each agent's figures, computed from that agent's own samples (not derived from the totals).
fn per_agent(first: &[&ResponseSample], resolutions: &[&ResolutionSample]) -> Vec<AgentMetrics> {
    #[derive(Default)]
    struct Credit {
        calendar_millis: Vec<u64>,
        business_millis: Vec<u64>,
        resolved: u64,
    }
    let mut credits: BTreeMap<&AgentId, Credit> = BTreeMap::new();
    for sample in first {
        let credit = credits.entry(&sample.agent).or_default();
        credit.calendar_millis.push(sample.calendar_millis);
        credit.business_millis.push(sample.business_millis);
    }
    for agent in resolutions.iter().filter_map(|s| s.agent.as_ref()) {
        credits.entry(agent).or_default().resolved += 1;
    }
    credits
        .into_iter()
        .map(|(agent, credit)| AgentMetrics {
            agent: agent.clone(),
            frt_seconds: Summary::of(credit.calendar_millis),
            frt_business_seconds: Summary::of(credit.business_millis),
            resolved: credit.resolved,
        })
        .collect()
}

/// The calendar first-response times of replies written in `[now - lookback_millis, now)`.
fn recent_first_response_millis(first: &[ResponseSample], now: UnixMillis, lookback_millis: u64) -> Vec<u64> {
    let since = UnixMillis(now.0.saturating_sub(lookback_millis));
    first.iter().filter(|s| since <= s.at && s.at < now).map(|s| s.calendar_millis).collect()
}

/// The nearest-rank median calendar first-response time of replies written in
/// `[now - lookback_millis, now)`, for the shopper's wait estimate; `None` without any.
pub fn recent_median_first_response_millis(
    first: &[ResponseSample],
    now: UnixMillis,
    lookback_millis: u64,
) -> Option<u64> {
    let mut recent = recent_first_response_millis(first, now, lookback_millis);
    recent.sort_unstable();
    nearest_rank(&recent, MEDIAN)
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

    /// A first or next response: the same measurement.
    fn response(n: u64, email: &str, at_second: u64, calendar_seconds: u64, business_seconds: u64) -> ResponseSample {
        ResponseSample {
            conversation_id: conversation(n),
            agent: agent(email),
            at: at(at_second),
            calendar_millis: calendar_seconds * 1000,
            business_millis: business_seconds * 1000,
        }
    }

    fn resolved(
        n: u64,
        email: Option<&str>,
        at_second: u64,
        resolution_seconds: u64,
        handle_seconds: u64,
    ) -> ResolutionSample {
        ResolutionSample {
            conversation_id: conversation(n),
            agent: email.map(agent),
            at: at(at_second),
            resolution_millis: resolution_seconds * 1000,
            handle_millis: handle_seconds * 1000,
        }
    }

    fn summary(count: u64, mean: f64, median: f64, p90: f64, p99: f64, min: f64, max: f64) -> Summary {
        Summary {
            count,
            mean: Some(mean),
            median: Some(median),
            p90: Some(p90),
            p99: Some(p99),
            min: Some(min),
            max: Some(max),
        }
    }

    #[test]
    fn exact_nearest_rank_summaries() {
        let cases: Vec<(&str, Vec<u64>, Summary)> = vec![
            (
                "1..=100 seconds",
                (1..=100).map(|s| s * 1000).collect(),
                summary(100, 50.5, 50.0, 90.0, 99.0, 1.0, 100.0),
            ),
            ("1..=10 seconds", (1..=10).map(|s| s * 1000).collect(), summary(10, 5.5, 5.0, 9.0, 10.0, 1.0, 10.0)),
            ("one value", vec![42_500], summary(1, 42.5, 42.5, 42.5, 42.5, 42.5, 42.5)),
            ("two values: the median is the lower one", vec![2000, 1000], summary(2, 1.5, 1.0, 2.0, 2.0, 1.0, 2.0)),
            (
                "unsorted with duplicates",
                vec![5000, 1000, 3000, 3000, 10_000],
                summary(5, 4.4, 3.0, 10.0, 10.0, 1.0, 10.0),
            ),
            ("milliseconds are kept", vec![1, 1499, 1500], summary(3, 1.0, 1.499, 1.5, 1.5, 0.001, 1.5)),
            ("zero durations", vec![0, 0], summary(2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),
            ("empty", vec![], Summary::default()),
        ];
        for (name, millis, expected) in cases {
            assert_eq!(Summary::of(millis), expected, "{name}");
        }
        let empty = Summary::of([]);
        assert_eq!(empty.count, 0);
        assert_eq!(
            (empty.mean, empty.median, empty.p90, empty.p99, empty.min, empty.max),
            (None, None, None, None, None, None)
        );
    }

    #[test]
    fn histogram_bucket_edges() {
        let bounds = histogram([]).into_iter().map(|b| b.le_seconds).collect::<Vec<_>>();
        assert_eq!(
            bounds,
            [
                Some(30),
                Some(60),
                Some(120),
                Some(300),
                Some(600),
                Some(1800),
                Some(3600),
                Some(14_400),
                Some(86_400),
                None
            ]
        );
        let cases = [
            (0, 0),
            (30_000, 0),
            (30_001, 1),
            (60_000, 1),
            (60_001, 2),
            (120_000, 2),
            (300_000, 3),
            (600_000, 4),
            (1_800_000, 5),
            (3_600_000, 6),
            (14_400_000, 7),
            (86_400_000, 8),
            (86_400_001, 9),
            (u64::MAX, 9),
        ];
        for (millis, bucket) in cases {
            let counts: Vec<u64> = histogram([millis]).into_iter().map(|b| b.count).collect();
            let mut expected = vec![0; 10];
            expected[bucket] = 1;
            assert_eq!(counts, expected, "{millis} ms");
        }
        let counts: Vec<u64> = histogram([10_000, 20_000, 45_000, 7_200_000]).into_iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 1, 0, 0, 0, 0, 0, 1, 0, 0], "counts are not cumulative");
    }

    #[test]
    fn within_target_percent() {
        let cases: Vec<(&str, u64, Vec<u64>, Option<f64>)> = vec![
            ("half within, the target itself counts", 60, vec![30, 60, 61, 120], Some(50.0)),
            ("all within", 60, vec![1, 2, 3], Some(100.0)),
            ("none within", 10, vec![11, 20], Some(0.0)),
            ("one in four", 30, vec![30, 31, 32, 33], Some(25.0)),
            ("no first responses", 60, vec![], None),
        ];
        for (name, target, frt_seconds, expected) in cases {
            let samples: Vec<ResponseSample> =
                frt_seconds.iter().enumerate().map(|(i, &s)| response(i as u64, "a@demo.test", 10, s, s)).collect();
            let got = report(
                (at(0), at(100)),
                target,
                &Samples { first_responses: samples, ..Samples::default() },
                &[],
                at(100),
            );
            assert_eq!(got.within_target_percent, expected, "{name}");
        }
    }

    fn scenario() -> MetricsReport {
        let firsts = [
            response(1, "ana@demo.test", 99, 999, 999), // before the window
            response(2, "ana@demo.test", 100, 30, 30),  // on `from`: counts
            response(3, "bo@demo.test", 150, 90, 0),
            response(4, "ana@demo.test", 199, 60, 45),
            response(5, "bo@demo.test", 200, 999, 999), // on `to`: excluded
        ];
        let nexts = [response(2, "ana@demo.test", 120, 10, 10), response(3, "bo@demo.test", 500, 77, 77)];
        let resolutions = [
            resolved(2, Some("ana@demo.test"), 180, 80, 50),
            resolved(6, None, 181, 40, 0),
            resolved(7, Some("cy@demo.test"), 182, 120, 100),
            resolved(3, Some("bo@demo.test"), 250, 1000, 1000), // after the window
        ];
        let ratings = [
            rated(1, 99, 1), // before the window
            rated(2, 100, 5),
            rated(6, 181, 4),
            rated(7, 199, 2),
            rated(3, 200, 1), // on `to`: excluded
        ];
        let samples = Samples {
            first_responses: firsts.to_vec(),
            next_responses: nexts.to_vec(),
            resolutions: resolutions.to_vec(),
            ratings: ratings.to_vec(),
        };
        let waiting_since = [at(900), at(400), at(1001)];
        let now = UnixMillis(at(1000).0 + 999);
        report((at(100), at(200)), 60, &samples, &waiting_since, now)
    }

    fn rated(n: u64, at_second: u64, score: u8) -> RatingSample {
        RatingSample { conversation_id: conversation(n), at: at(at_second), score }
    }

    #[test]
    fn csat_is_the_share_of_fours_and_fives() {
        let cases: Vec<(&str, Vec<u8>, Csat)> = vec![
            ("no ratings", vec![], Csat { count: 0, satisfied_percent: None, average_score: None }),
            ("one five", vec![5], Csat { count: 1, satisfied_percent: Some(100.0), average_score: Some(5.0) }),
            (
                "a three is not satisfied",
                vec![3],
                Csat { count: 1, satisfied_percent: Some(0.0), average_score: Some(3.0) },
            ),
            (
                "every score once",
                vec![1, 2, 3, 4, 5],
                Csat { count: 5, satisfied_percent: Some(40.0), average_score: Some(3.0) },
            ),
            (
                "a four and a one",
                vec![4, 1],
                Csat { count: 2, satisfied_percent: Some(50.0), average_score: Some(2.5) },
            ),
        ];
        for (name, scores, expected) in cases {
            assert_eq!(Csat::of(scores), expected, "{name}");
        }
    }

    #[test]
    fn csat_counts_the_ratings_given_in_the_window() {
        let report = scenario();
        assert_eq!(
            report.csat,
            Csat { count: 3, satisfied_percent: Some(200.0 / 3.0), average_score: Some(11.0 / 3.0) }
        );
    }

    #[test]
    fn report_over_a_window() {
        let report = scenario();
        assert_eq!((report.from, report.to), (at(100), at(200)));
        assert_eq!(report.frt_seconds, summary(3, 60.0, 60.0, 90.0, 90.0, 30.0, 90.0), "samples outside excluded");
        assert_eq!(report.frt_business_seconds, summary(3, 25.0, 30.0, 45.0, 45.0, 0.0, 45.0));
        assert_eq!(report.frt_target_seconds, 60);
        assert_eq!(report.within_target_percent, Some(200.0 / 3.0));
        let counts: Vec<u64> = report.frt_histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(report.next_response_seconds, summary(1, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0));
        assert_eq!(report.next_response_business_seconds.count, 1);
        assert_eq!(report.resolution_seconds, summary(3, 80.0, 80.0, 120.0, 120.0, 40.0, 120.0));
        assert_eq!(report.handle_seconds, summary(3, 50.0, 50.0, 100.0, 100.0, 0.0, 100.0));
        assert_eq!(report.waiting_now, 3);
        // Waiting since 400 s, now is 1000.999 s: 600.999 s, reported as 600. A start after
        // `now` (clock skew) counts as no wait at all.
        assert_eq!(report.oldest_wait_seconds, Some(600));
    }

    #[test]
    fn per_agent_split_and_credit() {
        let report = scenario();
        let expected = vec![
            AgentMetrics {
                agent: agent("ana@demo.test"),
                frt_seconds: summary(2, 45.0, 30.0, 60.0, 60.0, 30.0, 60.0),
                frt_business_seconds: summary(2, 37.5, 30.0, 45.0, 45.0, 30.0, 45.0),
                resolved: 1,
            },
            AgentMetrics {
                agent: agent("bo@demo.test"),
                frt_seconds: summary(1, 90.0, 90.0, 90.0, 90.0, 90.0, 90.0),
                frt_business_seconds: summary(1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                resolved: 0,
            },
            AgentMetrics {
                agent: agent("cy@demo.test"),
                frt_seconds: Summary::default(),
                frt_business_seconds: Summary::default(),
                resolved: 1,
            },
        ];
        assert_eq!(report.per_agent, expected);
    }

    #[test]
    fn waiting_now() {
        let cases: Vec<(&str, Vec<UnixMillis>, u64, Option<u64>)> = vec![
            ("nobody waiting", vec![], 0, None),
            ("one", vec![at(40)], 1, Some(60)),
            ("the oldest of several", vec![at(90), at(10), at(50)], 3, Some(90)),
            ("a start after now is no wait", vec![at(130)], 1, Some(0)),
        ];
        for (name, waiting_since, count, oldest) in cases {
            let got = report((at(0), at(1)), 60, &Samples::default(), &waiting_since, at(100));
            assert_eq!((got.waiting_now, got.oldest_wait_seconds), (count, oldest), "{name}");
        }
    }

    #[test]
    fn an_empty_window() {
        let got = report((at(0), at(100)), 60, &Samples::default(), &[], at(100));
        assert_eq!(got.frt_seconds, Summary::default());
        assert_eq!(got.csat, Csat::default());
        assert_eq!(got.within_target_percent, None);
        assert_eq!(got.frt_histogram.len(), 10);
        assert!(got.frt_histogram.iter().all(|b| b.count == 0));
        assert!(got.per_agent.is_empty());
        let one = Samples { first_responses: vec![response(1, "a@demo.test", 50, 1, 1)], ..Samples::default() };
        let reversed = report((at(100), at(0)), 60, &one, &[], at(100));
        assert_eq!(reversed.frt_seconds.count, 0, "a reversed window holds nothing");
    }

    #[test]
    fn recent_median_for_the_wait_estimate() {
        let samples = [
            response(1, "a@demo.test", 10, 500, 500), // older than the lookback
            response(2, "a@demo.test", 50, 40, 40),   // exactly at now - lookback: counts
            response(3, "a@demo.test", 60, 20, 20),
            response(4, "a@demo.test", 70, 90, 90),
            response(5, "a@demo.test", 80, 30, 30),
            response(6, "a@demo.test", 100, 700, 700), // at now: not yet in the past
        ];
        let cases = [
            ("four recent samples: the lower middle one", at(100), 50_000, Some(30_000)),
            ("a shorter lookback", at(100), 35_000, Some(30_000)),
            ("only the newest", at(100), 20_000, Some(30_000)),
            ("a lookback of one sample", at(71), 1_000, Some(90_000)),
            ("a lookback longer than history", at(100), u64::MAX, Some(40_000)),
            ("nothing recent", at(100), 10_000, None),
            ("zero lookback", at(100), 0, None),
        ];
        for (name, now, lookback, expected) in cases {
            assert_eq!(recent_median_first_response_millis(&samples, now, lookback), expected, "{name}");
        }
    }

    #[test]
    fn report_survives_serialization() {
        let report = scenario();
        let json = serde_json::to_string(&report).expect("serializes");
        assert!(json.contains(r#""frt_seconds":{"count":3,"mean":60.0,"median":60.0,"p90":90.0"#), "{json}");
        assert!(json.contains(r#"{"le_seconds":null,"count":0}"#), "{json}");
        assert!(json.contains(r#""agent":"ana@demo.test""#), "{json}");
        assert!(json.contains(r#""oldest_wait_seconds":600"#), "{json}");
        assert!(
            json.contains(
                r#""csat":{"count":3,"satisfied_percent":66.66666666666667,"average_score":3.6666666666666665}"#
            ),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<MetricsReport>(&json).expect("parses"), report);
        let empty = report_of_nothing();
        let json = serde_json::to_string(&empty).expect("serializes");
        assert!(json.contains(r#""mean":null"#), "{json}");
        assert_eq!(serde_json::from_str::<MetricsReport>(&json).expect("parses"), empty);
    }

    fn report_of_nothing() -> MetricsReport {
        report((at(0), at(100)), 60, &Samples::default(), &[], at(100))
    }

    #[test]
    fn samples_survive_serialization() {
        let sample = resolved(6, None, 181, 40, 0);
        let json = serde_json::to_string(&sample).expect("serializes");
        assert_eq!(serde_json::from_str::<ResolutionSample>(&json).expect("parses"), sample);
        let sample = response(2, "ana@demo.test", 100, 30, 30);
        let json = serde_json::to_string(&sample).expect("serializes");
        assert_eq!(serde_json::from_str::<ResponseSample>(&json).expect("parses"), sample);
    }
}

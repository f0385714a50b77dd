//! A shop's service metrics report, as `GET /api/shops/{shop}/metrics` sends it: response,
//! resolution and handle times, and shoppers' satisfaction (CSAT) from their ratings. It is
//! computed from the hourly aggregates the edge stores (`metrics_aggregate`), merged over the
//! UTC hours of the window (`metrics_window`: the hours starting in `[from, to)`, at most 93
//! days), never from every sample: a report's work is bounded whatever the shop's traffic.
//!
//! Shop owners judge their service by these numbers, so what is exact is said:
//!
//! - exact over all samples of the window: every count, mean, minimum and maximum, the
//!   histogram, CSAT, and each agent's counts, and the share within target (each first response
//!   against the target in force when it was recorded, and each conversation still waiting past
//!   the target now counted as missed: a tail of unanswered shoppers can't hide behind the
//!   answered ones);
//! - within 0.5 % of the exact nearest-rank value over all samples of the window, given to the
//!   millisecond: the percentiles (median, p90, p99), from the merged [`DurationSketch`]es; see
//!   [`Summary`].
//!
//! Nothing is averaged from hourly, daily or per-agent figures. Durations are stored in
//! milliseconds and reported in seconds to the millisecond; every fractional figure is rounded
//! to 3 decimals, so a mean reads `3.09`, never `3.0904000000000003`.
//!
//! Beside the window's totals, the report gives the same per UTC day (`metrics_daily`), for
//! the dashboard's chart and the metrics export.

use crate::duration_sketch::DurationSketch;
use crate::ids::AgentId;
use crate::industry::Industry;
use crate::metrics_aggregate::{MetricsAggregate, SCORES};
use crate::metrics_daily::{self, DayMetrics};
use crate::metrics_window::{MetricsWindow, UtcHour};
use crate::rating;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// Percentiles reported in every [`Summary`], in percent.
const MEDIAN: u64 = 50;
const P90: u64 = 90;
const P99: u64 = 99;

/// The distribution of one duration over a window, in seconds (millis / 1000).
///
/// Percentiles follow the nearest-rank method: the p-th percentile is the smallest sample such
/// that at least p% of samples are less than or equal to it, i.e. the sample at 1-based rank
/// `ceil(p / 100 * count)` in ascending order; the median is the 50th percentile by the same
/// rule, so for an even count it is the lower of the two middle values. Each is reported within
/// 0.5 % of that sample ([`DurationSketch`]), then rounded to the millisecond like every stored
/// duration, so it may not be a value that was measured; it is exact when its rank is the first
/// or the last (it is then `min` or `max`: every percentile of one sample, p99 of fewer than
/// 100) and when the sample is 0. `count`, `mean`, `min` and `max` are exact. Every statistic is
/// `None` when `count` is 0.
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
    /// Summarizes durations in milliseconds, as sketched.
    pub fn of(millis: &DurationSketch) -> Self {
        // Whole milliseconds: finer digits would only be the sketch's, not the samples'.
        let seconds_at = |percent| millis.percentile_millis(percent).map(seconds);
        Self {
            count: millis.count(),
            mean: millis.mean_millis().map(seconds),
            median: seconds_at(MEDIAN),
            p90: seconds_at(P90),
            p99: seconds_at(P99),
            min: millis.min().map(|min| seconds(min as f64)),
            max: millis.max().map(|max| seconds(max as f64)),
        }
    }
}

/// Milliseconds in seconds, to the millisecond: a whole number of milliseconds divided by 1000
/// is the closest `f64` to its 3-decimal figure, so it prints as one (`3090.4` ms is `3.09`).
pub(crate) fn seconds(millis: f64) -> f64 {
    millis.round() / 1000.0
}

/// A share or an average rounded to 3 decimals, as every fractional figure is reported.
pub(crate) fn three_decimals(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The share, in percent to 3 decimals, of first responses within target among those recorded
/// and those missed by conversations still waiting; `None` when there are neither.
pub(crate) fn within_target_percent(aggregate: &MetricsAggregate, missed_waiting: u64) -> Option<f64> {
    let judged = aggregate.first_response.count().saturating_add(missed_waiting);
    (judged > 0).then(|| three_decimals(aggregate.first_responses_within_target as f64 * 100.0 / judged as f64))
}

/// Upper bounds of the first-response histogram's buckets, in seconds: 30 s, 1 min, 2 min,
/// 5 min, 10 min, 30 min, 1 h, 4 h, 24 h. A last bucket without a bound (+inf) follows.
pub const HISTOGRAM_BOUNDS_SECONDS: [u64; 9] = [30, 60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400];

/// The histogram's buckets: one per bound and the last, unbounded one.
pub(crate) const HISTOGRAM_BUCKETS: usize = HISTOGRAM_BOUNDS_SECONDS.len() + 1;

/// One bar of a histogram. Counts are not cumulative: a bucket counts the samples greater than
/// the previous bucket's bound and less than or equal to its own (a value exactly on a bound
/// belongs to that bound's bucket). `le_seconds` is `None` for the last, unbounded bucket (+inf).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBucket {
    pub le_seconds: Option<u64>,
    pub count: u64,
}

/// The index of the [`HISTOGRAM_BOUNDS_SECONDS`] bucket (or +inf, the last) a duration in
/// milliseconds belongs to.
pub(crate) fn histogram_bucket(millis: u64) -> usize {
    // Compared in milliseconds so that 30_001 ms does not round into the 30 s bucket.
    HISTOGRAM_BOUNDS_SECONDS
        .iter()
        .position(|&bound| millis <= bound.saturating_mul(1000))
        .unwrap_or(HISTOGRAM_BOUNDS_SECONDS.len())
}

/// The histogram of bucket counts; always every bucket, empty ones included, so charts keep a
/// fixed axis.
fn histogram(counts: &[u64; HISTOGRAM_BUCKETS]) -> Vec<HistogramBucket> {
    HISTOGRAM_BOUNDS_SECONDS
        .iter()
        .map(|&bound| Some(bound))
        .chain([None])
        .zip(counts)
        .map(|(le_seconds, &count)| HistogramBucket { le_seconds, count })
        .collect()
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
    /// CSAT from the number of ratings of each score, 1 first.
    pub fn of(ratings_by_score: &[u64; SCORES]) -> Self {
        let (count, satisfied, total) = (rating::MIN_SCORE..=rating::MAX_SCORE).zip(ratings_by_score).fold(
            (0u64, 0u64, 0u64),
            |(count, satisfied, total), (score, &ratings)| {
                let satisfied_ratings = if rating::satisfied(score) { ratings } else { 0 };
                (count + ratings, satisfied + satisfied_ratings, total + u64::from(score) * ratings)
            },
        );
        let per_rating = |sum: f64| (count > 0).then(|| three_decimals(sum / count as f64));
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

/// The body of `GET /api/shops/{shop}/metrics?from=&to=`: the shop's service in the UTC hours
/// that start in `[from, to)` (see `metrics_window`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    /// The window as asked for.
    pub from: UnixMillis,
    pub to: UnixMillis,
    /// First-response time in calendar time.
    pub frt_seconds: Summary,
    /// First-response time counting only the shop's opening hours.
    pub frt_business_seconds: Summary,
    /// The shop's target for calendar first-response time, now.
    pub frt_target_seconds: u64,
    /// The share of first responses with calendar FRT at or under the target in force when each
    /// was recorded, 0 to 100, counting each of `waiting_past_target` as missed; `None` when
    /// there were neither.
    pub within_target_percent: Option<f64>,
    /// Conversations still waiting for a first response whose target (the shop's now) passed in
    /// the window: each counts as a miss in `within_target_percent`, dated to the instant its
    /// target passed (see [`missed_at`]).
    pub waiting_past_target: u64,
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
    /// Every UTC day the window covers, oldest first: the same figures per day, for charts.
    pub by_day: Vec<DayMetrics>,
    /// The shop's industry, from its settings, whose published first-response average the
    /// dashboard draws beside the shop's median; `None` when not chosen.
    #[serde(default)]
    pub industry: Option<Industry>,
    /// Conversations waiting for a first response right now (not limited to the window).
    pub waiting_now: u64,
    /// How long the longest-waiting of them has waited, in seconds to the millisecond.
    pub oldest_wait_seconds: Option<f64>,
}

/// When a conversation waiting since `since` missed a target of `frt_target_seconds`, if it has
/// by `now`: the instant the target passed. Waiting exactly the target is still within it, as
/// a first response of exactly the target is.
pub fn missed_at(since: UnixMillis, frt_target_seconds: u64, now: UnixMillis) -> Option<UnixMillis> {
    let target_millis = frt_target_seconds.saturating_mul(1000);
    (now.millis_since(since) > target_millis).then(|| UnixMillis(since.0.saturating_add(target_millis)))
}

/// Computes the report for `window` from the hours stored: those the window covers are merged,
/// any others are ignored. `frt_target_seconds` and `industry` are the shop's settings now,
/// reported as they are; the share within target counts each first response against the target
/// it was recorded with.
///
/// `waiting_since` holds the instants at which each conversation still without a first response
/// (in the queue, or assigned and not yet answered) started waiting;
/// `waiting_now` and `oldest_wait_seconds` describe them as of `now`, whatever the window, and
/// those whose target passed in the window count as missed in it.
pub fn report(
    window: MetricsWindow,
    frt_target_seconds: u64,
    industry: Option<Industry>,
    hours: &[(UtcHour, MetricsAggregate)],
    waiting_since: &[UnixMillis],
    now: UnixMillis,
) -> MetricsReport {
    let mut total = MetricsAggregate::default();
    hours.iter().filter(|(hour, _)| window.covers(*hour)).for_each(|(_, aggregate)| total.merge(aggregate));
    let missed: Vec<UnixMillis> = waiting_since
        .iter()
        .filter_map(|&since| missed_at(since, frt_target_seconds, now))
        .filter(|&missed| window.covers(UtcHour::containing(missed)))
        .collect();
    let waiting_past_target = missed.len() as u64;
    MetricsReport {
        from: window.from(),
        to: window.to(),
        frt_seconds: Summary::of(&total.first_response),
        frt_business_seconds: Summary::of(&total.first_response_business),
        frt_target_seconds,
        within_target_percent: within_target_percent(&total, waiting_past_target),
        waiting_past_target,
        frt_histogram: histogram(&total.first_response_histogram),
        next_response_seconds: Summary::of(&total.next_response),
        next_response_business_seconds: Summary::of(&total.next_response_business),
        resolution_seconds: Summary::of(&total.resolution),
        handle_seconds: Summary::of(&total.handle),
        csat: Csat::of(&total.ratings_by_score),
        per_agent: total
            .per_agent
            .iter()
            .map(|(agent, credit)| AgentMetrics {
                agent: agent.clone(),
                frt_seconds: Summary::of(&credit.first_response),
                frt_business_seconds: Summary::of(&credit.first_response_business),
                resolved: credit.resolved,
            })
            .collect(),
        by_day: metrics_daily::by_day(window, hours, &missed),
        industry,
        waiting_now: waiting_since.len() as u64,
        oldest_wait_seconds: waiting_since
            .iter()
            .map(|&since| now.millis_since(since))
            .max()
            .map(|m| seconds(m as f64)),
    }
}

/// What a shopper's wait estimate (`wait_estimate`) takes from the shop's recent first responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFirstResponses {
    /// Their nearest-rank median calendar time, within 0.5 % and rounded to the millisecond;
    /// `None` without any.
    pub median_millis: Option<u64>,
    /// How many there were (exact; `u32::MAX` if more).
    pub count: u32,
}

/// Which clock a first response is measured by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseClock {
    /// Calendar time, as the shopper waits it.
    Calendar,
    /// Only the shop's opening hours.
    OpeningHours,
}

/// The first responses, by `clock`, of the hours that start in `[now - lookback_millis, now)`:
/// the current hour included, so everything recorded until `now`, and the hour containing
/// `now - lookback_millis` left out unless it starts exactly then. Only the hours' sketches are
/// merged, so the work is bounded by the lookback's hours.
pub fn recent_first_responses(
    hours: &[(UtcHour, MetricsAggregate)],
    now: UnixMillis,
    lookback_millis: u64,
    clock: ResponseClock,
) -> RecentFirstResponses {
    let since = UnixMillis(now.0.saturating_sub(lookback_millis));
    let mut recent = DurationSketch::default();
    hours.iter().filter(|(hour, _)| hour.starts_in(since, now)).for_each(|(_, aggregate)| {
        recent.merge(match clock {
            ResponseClock::Calendar => &aggregate.first_response,
            ResponseClock::OpeningHours => &aggregate.first_response_business,
        })
    });
    RecentFirstResponses {
        // A float-to-int cast saturates; a median is never negative.
        median_millis: recent.percentile_millis(MEDIAN).map(|median| median.round() as u64),
        count: u32::try_from(recent.count()).unwrap_or(u32::MAX),
    }
}

/// The hours [`recent_first_responses`] reads at `now`, for a lookback of whole hours, are the
/// same for every `now` in one hour's `(start, end]` (hours that start in `[now - lookback,
/// now)`): this names that hour, so that a caller may keep the answer until the key changes or
/// a first response is recorded.
pub fn recent_first_responses_key(now: UnixMillis) -> UtcHour {
    UtcHour::containing(UnixMillis(now.0.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration_sketch::RELATIVE_ACCURACY;
    use crate::ids::ConversationId;
    use crate::metrics_aggregate::{RatingSample, ResolutionSample, ResponseSample};
    use std::collections::BTreeMap;

    const HOUR: u64 = 3600;

    /// A fake clock: seconds after 2024-01-01T00:00:00Z, an hour boundary.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_704_067_200_000 + seconds * 1000)
    }

    fn window(from: UnixMillis, to: UnixMillis) -> MetricsWindow {
        MetricsWindow::new(from, to).expect("a valid window")
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

    fn rated(n: u64, at_second: u64, score: u8) -> RatingSample {
        RatingSample { conversation_id: conversation(n), at: at(at_second), score }
    }

    /// Samples stored the way the edge stores them: each added to the aggregate of its hour.
    #[derive(Default)]
    struct Stored(BTreeMap<UtcHour, MetricsAggregate>);

    impl Stored {
        fn hour(&mut self, at: UnixMillis) -> &mut MetricsAggregate {
            self.0.entry(UtcHour::containing(at)).or_default()
        }

        fn first(mut self, sample: ResponseSample, frt_target_seconds: u64) -> Self {
            self.hour(sample.at).add_first_response(&sample, frt_target_seconds);
            self
        }

        fn next(mut self, sample: ResponseSample) -> Self {
            self.hour(sample.at).add_next_response(&sample);
            self
        }

        fn resolution(mut self, sample: ResolutionSample) -> Self {
            self.hour(sample.at).add_resolution(&sample);
            self
        }

        fn rating(mut self, sample: RatingSample) -> Self {
            self.hour(sample.at).add_rating(&sample);
            self
        }

        fn hours(&self) -> Vec<(UtcHour, MetricsAggregate)> {
            self.0.iter().map(|(hour, aggregate)| (*hour, aggregate.clone())).collect()
        }
    }

    fn sketch_of(millis: &[u64]) -> DurationSketch {
        let mut sketch = DurationSketch::default();
        millis.iter().for_each(|&m| sketch.add(m));
        sketch
    }

    /// The exact nearest-rank summary, as the report would give it with exact percentiles.
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

    /// Whether `got` keeps the report's promise against the `exact` summary of the same samples:
    /// count, mean, min and max equal, each percentile within the sketch's relative accuracy and
    /// then rounded to the millisecond.
    fn keeps_its_promise(got: &Summary, exact: &Summary) -> bool {
        let within = |got: Option<f64>, exact: Option<f64>| match (got, exact) {
            (Some(got), Some(exact)) => (got - exact).abs() <= RELATIVE_ACCURACY * exact * (1.0 + 1e-9) + 0.0005,
            (got, exact) => got == exact,
        };
        (got.count, got.mean, got.min, got.max) == (exact.count, exact.mean, exact.min, exact.max)
            && within(got.median, exact.median)
            && within(got.p90, exact.p90)
            && within(got.p99, exact.p99)
    }

    #[test]
    fn summaries_are_exact_but_for_percentiles_within_accuracy() {
        let cases: Vec<(&str, Vec<u64>, Summary, bool)> = vec![
            (
                "1..=100 seconds",
                (1..=100).map(|s| s * 1000).collect(),
                summary(100, 50.5, 50.0, 90.0, 99.0, 1.0, 100.0),
                false,
            ),
            (
                "1..=10 seconds",
                (1..=10).map(|s| s * 1000).collect(),
                summary(10, 5.5, 5.0, 9.0, 10.0, 1.0, 10.0),
                false,
            ),
            ("one value: all exact", vec![42_500], summary(1, 42.5, 42.5, 42.5, 42.5, 42.5, 42.5), true),
            (
                "two values: the median is the lower one, exact",
                vec![2000, 1000],
                summary(2, 1.5, 1.0, 2.0, 2.0, 1.0, 2.0),
                true,
            ),
            (
                "unsorted with duplicates",
                vec![5000, 1000, 3000, 3000, 10_000],
                summary(5, 4.4, 3.0, 10.0, 10.0, 1.0, 10.0),
                false,
            ),
            ("milliseconds are kept", vec![1, 1499, 1500], summary(3, 1.0, 1.499, 1.5, 1.5, 0.001, 1.5), false),
            ("zero durations: exact", vec![0, 0], summary(2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), true),
            ("empty", vec![], Summary::default(), true),
        ];
        for (name, millis, exact, all_exact) in cases {
            let got = Summary::of(&sketch_of(&millis));
            assert!(keeps_its_promise(&got, &exact), "{name}: {got:?}");
            if all_exact {
                assert_eq!(got, exact, "{name}");
            }
        }
        let empty = Summary::of(&DurationSketch::default());
        assert_eq!(empty.count, 0);
        assert_eq!(
            (empty.mean, empty.median, empty.p90, empty.p99, empty.min, empty.max),
            (None, None, None, None, None, None)
        );
    }

    #[test]
    fn histogram_bucket_edges() {
        let bounds = histogram(&[0; HISTOGRAM_BUCKETS]).into_iter().map(|b| b.le_seconds).collect::<Vec<_>>();
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
            assert_eq!(histogram_bucket(millis), bucket, "{millis} ms");
        }
        let counts: Vec<u64> = histogram(&[2, 1, 0, 0, 0, 0, 0, 1, 0, 7]).into_iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 1, 0, 0, 0, 0, 0, 1, 0, 7], "each bucket its own count");
    }

    #[test]
    fn within_target_percent_with_the_target_of_each_first_response() {
        let cases = vec![
            ("half within, the target itself counts", vec![(60, 30), (60, 60), (60, 61), (60, 120)], Some(50.0)),
            ("all within", vec![(60, 1), (60, 2), (60, 3)], Some(100.0)),
            ("none within", vec![(10, 11), (10, 20)], Some(0.0)),
            ("one in four", vec![(30, 30), (30, 31), (30, 32), (30, 33)], Some(25.0)),
            ("a target lowered after the first of two", vec![(60, 45), (30, 45)], Some(50.0)),
            ("no first responses", vec![], None),
        ];
        for (name, target_and_seconds, expected) in cases {
            let stored = target_and_seconds.iter().enumerate().fold(Stored::default(), |stored, (n, &(target, s))| {
                stored.first(response(n as u64, "a@demo.test", 10, s, s), target)
            });
            let got = report(window(at(0), at(HOUR)), 30, None, &stored.hours(), &[], at(HOUR));
            assert_eq!(got.within_target_percent, expected, "{name}");
            assert_eq!(got.frt_target_seconds, 30, "{name}: the target now, whatever was recorded");
        }
    }

    /// A window of two hours, [1 h, 3 h), and samples in it, just outside it and on its edges.
    fn scenario() -> MetricsReport {
        let stored = Stored::default()
            .first(response(1, "ana@demo.test", HOUR - 1, 999, 999), 60) // the hour before the window
            .first(response(2, "ana@demo.test", HOUR, 30, 30), 60) // on `from`: counts
            .first(response(3, "bo@demo.test", HOUR + 1800, 90, 0), 60)
            .first(response(4, "ana@demo.test", 3 * HOUR - 1, 60, 45), 60)
            .first(response(5, "bo@demo.test", 3 * HOUR, 999, 999), 60) // on `to`: the hour after
            .next(response(2, "ana@demo.test", HOUR + 20, 10, 10))
            .next(response(3, "bo@demo.test", 3 * HOUR + 500, 77, 77)) // after the window
            .resolution(resolved(2, Some("ana@demo.test"), 2 * HOUR, 80, 50))
            .resolution(resolved(6, None, 2 * HOUR + 1, 40, 0))
            .resolution(resolved(7, Some("cy@demo.test"), 2 * HOUR + 2, 120, 100))
            .resolution(resolved(3, Some("bo@demo.test"), 3 * HOUR + 50, 1000, 1000)) // after the window
            .rating(rated(1, HOUR - 1, 1)) // before the window
            .rating(rated(2, HOUR, 5))
            .rating(rated(6, 2 * HOUR + 1, 4))
            .rating(rated(7, 3 * HOUR - 1, 2))
            .rating(rated(3, 3 * HOUR, 1)); // on `to`: excluded
        let waiting_since = [at(3 * HOUR + 900), at(3 * HOUR + 400), at(3 * HOUR + 1001)];
        let now = UnixMillis(at(3 * HOUR + 1000).0 + 999);
        report(window(at(HOUR), at(3 * HOUR)), 60, None, &stored.hours(), &waiting_since, now)
    }

    #[test]
    fn csat_is_the_share_of_fours_and_fives() {
        let cases: Vec<(&str, [u64; SCORES], Csat)> = vec![
            ("no ratings", [0; 5], Csat { count: 0, satisfied_percent: None, average_score: None }),
            ("one five", [0, 0, 0, 0, 1], Csat { count: 1, satisfied_percent: Some(100.0), average_score: Some(5.0) }),
            (
                "a three is not satisfied",
                [0, 0, 1, 0, 0],
                Csat { count: 1, satisfied_percent: Some(0.0), average_score: Some(3.0) },
            ),
            (
                "every score once",
                [1, 1, 1, 1, 1],
                Csat { count: 5, satisfied_percent: Some(40.0), average_score: Some(3.0) },
            ),
            (
                "a four and a one",
                [1, 0, 0, 1, 0],
                Csat { count: 2, satisfied_percent: Some(50.0), average_score: Some(2.5) },
            ),
        ];
        for (name, ratings_by_score, expected) in cases {
            assert_eq!(Csat::of(&ratings_by_score), expected, "{name}");
        }
    }

    #[test]
    fn csat_counts_the_ratings_given_in_the_window() {
        let report = scenario();
        assert_eq!(
            report.csat,
            Csat { count: 3, satisfied_percent: Some(66.667), average_score: Some(3.667) },
            "rounded to 3 decimals"
        );
    }

    #[test]
    fn report_over_a_window() {
        let report = scenario();
        assert_eq!((report.from, report.to), (at(HOUR), at(3 * HOUR)));
        let summaries = [
            (
                "first responses, outside the window excluded",
                &report.frt_seconds,
                summary(3, 60.0, 60.0, 90.0, 90.0, 30.0, 90.0),
            ),
            (
                "first responses in opening hours",
                &report.frt_business_seconds,
                summary(3, 25.0, 30.0, 45.0, 45.0, 0.0, 45.0),
            ),
            ("next responses", &report.next_response_seconds, summary(1, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0)),
            ("resolutions", &report.resolution_seconds, summary(3, 80.0, 80.0, 120.0, 120.0, 40.0, 120.0)),
            ("handle times", &report.handle_seconds, summary(3, 50.0, 50.0, 100.0, 100.0, 0.0, 100.0)),
        ];
        for (name, got, exact) in summaries {
            assert!(keeps_its_promise(got, &exact), "{name}: {got:?}");
        }
        assert_eq!(report.frt_seconds.p90, Some(90.0), "the last rank is exact");
        let medians = [report.frt_seconds.median, report.resolution_seconds.median, report.handle_seconds.median];
        for median in medians.into_iter().flatten() {
            assert_eq!((median * 1000.0).round() / 1000.0, median, "whole milliseconds");
        }
        assert_eq!(report.next_response_business_seconds.count, 1);
        assert_eq!(report.frt_target_seconds, 60);
        assert_eq!(report.within_target_percent, Some(66.667), "two of three, to 3 decimals");
        assert_eq!(report.waiting_past_target, 0, "every waiting one missed its target after the window");
        let counts: Vec<u64> = report.frt_histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(report.waiting_now, 3);
        // Waiting since 400 s past the window, now is 1000.999 s past it: 600.999 s, to the
        // millisecond. A start after `now` (clock skew) counts as no wait at all.
        assert_eq!(report.oldest_wait_seconds, Some(600.999));
        assert_eq!(report.by_day.len(), 1, "one UTC day");
        assert_eq!(report.by_day[0].frt_seconds.count, 3);
    }

    #[test]
    fn a_window_counts_the_hours_that_start_in_it_whole() {
        let stored = Stored::default()
            .first(response(1, "a@demo.test", 10 * HOUR + 2700, 1, 1), 60) // 10:45, after from, in an hour before it
            .first(response(2, "a@demo.test", 11 * HOUR + 60, 2, 2), 60) // 11:01
            .first(response(3, "a@demo.test", 12 * HOUR + 2700, 3, 3), 60); // 12:45, after to, in an hour before it
        let got =
            report(window(at(10 * HOUR + 1800), at(12 * HOUR + 1800)), 60, None, &stored.hours(), &[], at(13 * HOUR));
        assert_eq!((got.frt_seconds.count, got.frt_seconds.min, got.frt_seconds.max), (2, Some(2.0), Some(3.0)));
    }

    #[test]
    fn per_agent_split_and_credit() {
        // Ana's two and Bo's one first response have only first and last ranks: exact.
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
        let cases: Vec<(&str, Vec<UnixMillis>, u64, Option<f64>)> = vec![
            ("nobody waiting", vec![], 0, None),
            ("one", vec![at(40)], 1, Some(60.0)),
            ("the oldest of several", vec![at(90), at(10), at(50)], 3, Some(90.0)),
            ("a start after now is no wait", vec![at(130)], 1, Some(0.0)),
            ("to the millisecond", vec![UnixMillis(at(94).0 + 200)], 1, Some(5.8)),
        ];
        for (name, waiting_since, count, oldest) in cases {
            let got = report(window(at(0), at(1)), 60, None, &[], &waiting_since, at(100));
            assert_eq!((got.waiting_now, got.oldest_wait_seconds), (count, oldest), "{name}");
        }
    }

    #[test]
    fn an_empty_window() {
        let got = report_of_nothing();
        assert_eq!(got.frt_seconds, Summary::default());
        assert_eq!(got.csat, Csat::default());
        assert_eq!(got.within_target_percent, None);
        assert_eq!(got.frt_histogram.len(), 10);
        assert!(got.frt_histogram.iter().all(|b| b.count == 0));
        assert!(got.per_agent.is_empty());
        let elsewhere = Stored::default().first(response(1, "a@demo.test", 5 * HOUR, 1, 1), 60);
        let got = report(window(at(0), at(HOUR)), 60, None, &elsewhere.hours(), &[], at(HOUR));
        assert_eq!(got.frt_seconds.count, 0, "hours outside the window are ignored");
    }

    #[test]
    fn recent_first_responses_for_the_wait_estimate() {
        let stored = Stored::default()
            .first(response(1, "a@demo.test", 10, 500, 500), 60) // hour 0
            .first(response(2, "a@demo.test", 3 * HOUR + 10, 40, 40), 60)
            .first(response(3, "a@demo.test", 7 * HOUR + 10, 20, 20), 60)
            .first(response(4, "a@demo.test", 8 * HOUR + 10, 90, 90), 60)
            .first(response(5, "a@demo.test", 8 * HOUR + 20, 30, 30), 60)
            .first(response(6, "a@demo.test", 10 * HOUR + 600, 700, 700), 60) // the current hour: counts
            .first(response(7, "a@demo.test", 11 * HOUR, 900, 900), 60); // an hour not begun (clock skew)
        let now = at(10 * HOUR + 1800);
        let cases: Vec<(&str, u64, Option<u64>, u32)> = vec![
            ("back to 03:00: five, the middle one", 7 * HOUR + 1800, Some(40_000), 5),
            ("back to 03:30 leaves out the hour of 03:00", 7 * HOUR, Some(30_000), 4),
            ("back to 10:00, the start of the current hour", 1800, Some(700_000), 1),
            ("back to 10:01: no hour starts since", 1740, None, 0),
            ("a lookback longer than history", u64::MAX, Some(40_000), 6),
            ("zero lookback", 0, None, 0),
        ];
        for (name, lookback_seconds, exact_median, count) in cases {
            let recent = recent_first_responses(
                &stored.hours(),
                now,
                lookback_seconds.saturating_mul(1000),
                ResponseClock::Calendar,
            );
            assert_eq!(recent.count, count, "{name}");
            let close = match (recent.median_millis, exact_median) {
                // Within the accuracy, then rounded to the millisecond.
                (Some(got), Some(exact)) => got.abs_diff(exact) as f64 <= RELATIVE_ACCURACY * exact as f64 + 0.5,
                (got, exact) => got == exact,
            };
            assert!(close, "{name}: {:?}, exactly {exact_median:?}", recent.median_millis);
        }
    }

    #[test]
    fn the_recent_first_responses_stay_the_same_for_every_moment_with_one_key() {
        let stored = Stored::default()
            .first(response(1, "a@demo.test", 10, 500, 500), 60) // hour 0
            .first(response(2, "a@demo.test", 3 * HOUR + 10, 40, 40), 60);
        let lookback = 3 * HOUR * 1000;
        // (seconds of two moments, whether they share a key): the key must change whenever the
        // answer may.
        let cases: [(u64, u64, bool); 4] = [
            (3 * HOUR + 1, 4 * HOUR, true),
            (3 * HOUR, 3 * HOUR + 1, false),
            (4 * HOUR, 4 * HOUR + 1, false),
            (3 * HOUR + 20, 3 * HOUR + 3000, true),
        ];
        for (first, second, shared) in cases {
            let (first, second) = (at(first), at(second));
            let same_key = recent_first_responses_key(first) == recent_first_responses_key(second);
            assert_eq!(same_key, shared, "{first:?} {second:?}");
            if same_key {
                let answer = |now| recent_first_responses(&stored.hours(), now, lookback, ResponseClock::Calendar);
                assert_eq!(answer(first), answer(second), "{first:?} {second:?}");
            }
        }
    }

    #[test]
    fn waiting_past_the_target_counts_as_missed() {
        const MINUTE: u64 = 60;
        // Answered within 2 min: 30 s, 1 min, 2 min, 90 s, at 09:00 to 09:03.
        let answered = [30, 60, 120, 90].iter().enumerate().fold(Stored::default(), |stored, (n, &seconds)| {
            stored.first(response(n as u64, "a@demo.test", 9 * HOUR + n as u64 * 60, seconds, seconds), 2 * MINUTE)
        });
        let now = at(11 * HOUR);
        let waited = |minutes: u64| UnixMillis(now.0 - minutes * MINUTE * 1000);
        let five_for_17_minutes = vec![waited(17); 5];
        let today = window(at(0), now);
        /// What is asked, then what is expected: the share within target, the misses counted in
        /// the window, those waiting now and the oldest wait.
        type Case = (&'static str, MetricsWindow, Vec<UnixMillis>, Option<f64>, u64, u64, Option<f64>);
        let cases: Vec<Case> = vec![
            ("nobody waiting: all answered within", today, vec![], Some(100.0), 0, 0, None),
            (
                "five shoppers waited 17 min unanswered: not 100 %",
                today,
                five_for_17_minutes.clone(),
                Some(44.444),
                5,
                5,
                Some(1020.0),
            ),
            ("waiting under the target is not missed yet", today, vec![waited(1)], Some(100.0), 0, 1, Some(60.0)),
            ("waiting exactly the target is within it", today, vec![waited(2)], Some(100.0), 0, 1, Some(120.0)),
            (
                "a millisecond past the target is missed",
                today,
                vec![UnixMillis(waited(2).0 - 1)],
                Some(80.0),
                1,
                1,
                Some(120.001),
            ),
            (
                "missed (at 10:45) after the window: not this window's miss",
                window(at(0), at(10 * HOUR)),
                five_for_17_minutes,
                Some(100.0),
                0,
                5,
                Some(1020.0),
            ),
            ("missed with nothing answered: 0 %", window(at(0), at(HOUR)), vec![at(0)], Some(0.0), 1, 1, Some(39600.0)),
        ];
        for (name, window, waiting_since, within, past_target, waiting, oldest) in cases {
            let got = report(window, 2 * MINUTE, None, &answered.hours(), &waiting_since, now);
            assert_eq!(got.within_target_percent, within, "{name}");
            assert_eq!(got.waiting_past_target, past_target, "{name}");
            assert_eq!((got.waiting_now, got.oldest_wait_seconds), (waiting, oldest), "{name}");
            let daily_misses: u64 = got.by_day.iter().map(|day| day.waiting_past_target).sum();
            assert_eq!(daily_misses, past_target, "{name}: each miss on its day");
        }
    }

    #[test]
    fn figures_are_rounded_to_three_decimals() {
        // 3090.4 ms on average: 3.09 s, not 3.0904000000000003.
        let got = Summary::of(&sketch_of(&[3000, 3001, 3180, 3180, 3091]));
        assert_eq!(got.mean, Some(3.09));
        assert_eq!(serde_json::to_string(&got.mean).ok().as_deref(), Some("3.09"));
        let cases = [(200.0 / 3.0, 66.667), (5.0, 5.0), (0.0004, 0.0), (11.0 / 3.0, 3.667)];
        for (value, rounded) in cases {
            assert_eq!(three_decimals(value), rounded, "{value}");
        }
        assert_eq!(seconds(5800.4), 5.8);
    }

    #[test]
    fn report_survives_serialization() {
        let report = scenario();
        let json = serde_json::to_string(&report).expect("serializes");
        assert!(json.contains(r#""frt_seconds":{"count":3,"mean":60.0,"median":"#), "{json}");
        assert!(json.contains(r#""p90":90.0,"p99":90.0,"min":30.0,"max":90.0}"#), "{json}");
        assert!(json.contains(r#"{"le_seconds":null,"count":0}"#), "{json}");
        assert!(json.contains(r#""agent":"ana@demo.test""#), "{json}");
        assert!(json.contains(r#""oldest_wait_seconds":600.999"#), "{json}");
        assert!(json.contains(r#""csat":{"count":3,"satisfied_percent":66.667,"average_score":3.667}"#), "{json}");
        assert_eq!(serde_json::from_str::<MetricsReport>(&json).expect("parses"), report);
        let empty = report_of_nothing();
        let json = serde_json::to_string(&empty).expect("serializes");
        assert!(json.contains(r#""mean":null"#), "{json}");
        assert_eq!(serde_json::from_str::<MetricsReport>(&json).expect("parses"), empty);
    }

    fn report_of_nothing() -> MetricsReport {
        report(window(at(0), at(100)), 60, None, &[], &[], at(100))
    }
}

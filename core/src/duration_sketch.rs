//! A mergeable summary of durations in milliseconds, of bounded size: the exact count, sum,
//! minimum and maximum, and nearest-rank percentiles within a fixed relative accuracy.
//!
//! ## How
//!
//! It is a DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable quantile sketch
//! with relative-error guarantees", VLDB 2019): a histogram with logarithmic buckets. With
//! `γ = (1 + α) / (1 − α)`, a duration `v ≥ 1` ms is counted in bucket `k = ceil(log_γ v)`,
//! which holds the durations in `(γ^(k−1), γ^k]`; 0 ms has a bucket of its own. Every value in
//! bucket `k` is within a relative `α` of the bucket's representative `2γ^k / (γ + 1)`.
//!
//! ## Accuracy
//!
//! `α` is [`RELATIVE_ACCURACY`], 0.5 %. [`DurationSketch::percentile_millis`] finds the bucket
//! holding the sample of the nearest rank (the definition in `metrics::Summary`) and answers
//! its representative, clamped to `[min, max]`. So if `x` is the exact nearest-rank percentile
//! of the samples added, the answer `y` satisfies `|y − x| ≤ α · x` (up to floating-point
//! rounding). Some answers are exact: rank 1 is the minimum, the last rank the maximum (so every
//! percentile of a single sample, and p99 of fewer than 100 samples), and a percentile whose
//! sample is 0 ms is 0.
//!
//! Why 0.5 % rather than the usual 1 %: the console shows durations to the second, and at 0.5 %
//! a percentile of up to 100 s is off by at most half a second, so it reads as the exact figure
//! would; at 1 % a 75 s median could read 74 s or 76 s. The price is buckets: about 230 per factor
//! of ten between the smallest and the largest sample instead of 115. A sketch never holds more
//! buckets than samples, so a quiet hour costs the same either way, and a busy one spreading
//! from 1 s to a day holds at most 1,138 buckets.
//!
//! ## Size
//!
//! Keys run from 0 (1 ms) to 4,437 (`u64::MAX` ms), so a sketch holds at most 4,439 counts (with
//! the zero bucket) whatever the number of samples, and never more than one per sample.
//!
//! ## Merging
//!
//! [`DurationSketch::merge`] adds the other sketch's counts bucket by bucket: merging is exactly
//! adding all the other's samples, so the accuracy above holds for any number of merged hours.
//!
//! ## Stored form
//!
//! Only the buckets that hold samples are kept, keyed by bucket: 75,000 ms and 0 ms read
//! `{"sum":75000,"min":0,"max":75000,"zeros":1,"buckets":{"1123":1}}`. The count is not stored:
//! it is the sum of the counts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `α`: the largest error of a percentile, relative to the exact one (see the module docs).
pub const RELATIVE_ACCURACY: f64 = 0.005;

/// `γ`: each bucket's upper bound is `γ` times its lower bound.
const GAMMA: f64 = (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY);

/// Durations in milliseconds, summarized (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DurationSketch {
    /// The exact sum of the samples. A u128 cannot overflow: it would take 2^64 samples of
    /// `u64::MAX`, more than the counts can hold; the adds saturate all the same.
    sum: u128,
    /// The smallest sample; `None` when there is none.
    min: Option<u64>,
    /// The largest sample; `None` when there is none.
    max: Option<u64>,
    /// Samples of 0 ms, which have no logarithm.
    zeros: u64,
    /// Samples of at least 1 ms, counted by bucket key; a bucket holding none is absent.
    buckets: BTreeMap<u32, u64>,
}

impl DurationSketch {
    /// Counts one duration.
    pub fn add(&mut self, millis: u64) {
        match bucket_key(millis) {
            Some(key) => {
                let count = self.buckets.entry(key).or_default();
                *count = count.saturating_add(1);
            }
            None => self.zeros = self.zeros.saturating_add(1),
        }
        self.sum = self.sum.saturating_add(u128::from(millis));
        self.min = Some(self.min.map_or(millis, |min| min.min(millis)));
        self.max = Some(self.max.map_or(millis, |max| max.max(millis)));
    }

    /// Adds every sample of `other`, as if each had been added here.
    pub fn merge(&mut self, other: &DurationSketch) {
        for (&key, &other_count) in &other.buckets {
            let count = self.buckets.entry(key).or_default();
            *count = count.saturating_add(other_count);
        }
        self.zeros = self.zeros.saturating_add(other.zeros);
        self.sum = self.sum.saturating_add(other.sum);
        self.min = self.min.into_iter().chain(other.min).min();
        self.max = self.max.into_iter().chain(other.max).max();
    }

    /// How many durations were added (exact).
    pub fn count(&self) -> u64 {
        self.buckets.values().fold(self.zeros, |count, &bucket| count.saturating_add(bucket))
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// The exact mean; `None` without samples.
    pub fn mean_millis(&self) -> Option<f64> {
        let count = self.count();
        (count > 0).then(|| self.sum as f64 / count as f64)
    }

    /// The smallest duration added (exact).
    pub fn min(&self) -> Option<u64> {
        self.min
    }

    /// The largest duration added (exact).
    pub fn max(&self) -> Option<u64> {
        self.max
    }

    /// The nearest-rank `percent`-th percentile (the sample at 1-based rank
    /// `max(1, ceil(percent / 100 × count))` in ascending order), within [`RELATIVE_ACCURACY`] of
    /// the exact one; exact at the first and last rank and at 0 ms. `None` without samples.
    pub fn percentile_millis(&self, percent: u64) -> Option<f64> {
        let (min, max) = (self.min?, self.max?);
        let count = self.count();
        let rank = nearest_rank(percent, count);
        if rank <= 1 {
            return Some(min as f64);
        }
        if rank >= count {
            return Some(max as f64);
        }
        if rank <= self.zeros {
            return Some(0.0);
        }
        let mut at_or_below = self.zeros;
        let key = self.buckets.iter().find_map(|(&key, &bucket)| {
            at_or_below = at_or_below.saturating_add(bucket);
            (rank <= at_or_below).then_some(key)
        })?;
        // max-then-min rather than clamp: clamp panics if a corrupt stored sketch had min > max.
        Some(representative(key).max(min as f64).min(max as f64))
    }
}

/// The 1-based rank of the nearest-rank `percent`-th percentile among `count` samples.
fn nearest_rank(percent: u64, count: u64) -> u64 {
    let rank = (u128::from(percent) * u128::from(count)).div_ceil(100);
    u64::try_from(rank).unwrap_or(u64::MAX).max(1)
}

/// `ceil(log_γ millis)`, the bucket of a duration of at least 1 ms; `None` for 0 ms.
fn bucket_key(millis: u64) -> Option<u32> {
    // At most ceil(ln(u64::MAX) / ln γ) = 4,437, so the float-to-int cast never saturates.
    (millis > 0).then(|| ((millis as f64).ln() / GAMMA.ln()).ceil() as u32)
}

/// The value answered for bucket `key`: relatively as close to `γ^(key−1)` as to `γ^key`.
fn representative(key: u32) -> f64 {
    2.0 * (f64::from(key) * GAMMA.ln()).exp() / (GAMMA + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch_of(millis: &[u64]) -> DurationSketch {
        let mut sketch = DurationSketch::default();
        millis.iter().for_each(|&m| sketch.add(m));
        sketch
    }

    /// The reference: the exact nearest-rank percentile of all samples.
    fn exact_percentile(millis: &[u64], percent: u64) -> Option<u64> {
        let mut sorted = millis.to_vec();
        sorted.sort_unstable();
        let rank = (percent * sorted.len() as u64).div_ceil(100).max(1);
        sorted.get(usize::try_from(rank - 1).ok()?).copied()
    }

    /// Whether `got` is within the documented accuracy of `exact`, allowing float rounding.
    fn within_accuracy(got: f64, exact: u64) -> bool {
        let exact = exact as f64;
        (got - exact).abs() <= RELATIVE_ACCURACY * exact * (1.0 + 1e-9)
    }

    /// Deterministic pseudo-random numbers (xorshift64), so the data sets are the same each run.
    fn pseudo_random(seed: u64, len: usize) -> Vec<u64> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
            .collect()
    }

    fn data_sets() -> Vec<(&'static str, Vec<u64>)> {
        vec![
            ("constant", vec![42_000; 1000]),
            ("one sample", vec![75_000]),
            ("two samples", vec![2000, 1000]),
            ("every millisecond 1 to 10,000", (1..=10_000).collect()),
            ("uniform seconds up to an hour", pseudo_random(7, 5000).into_iter().map(|r| r % 3_600_001).collect()),
            (
                // Most chats answered in seconds, a few after hours: 2^(0..=26) ms with noise.
                "long-tailed",
                pseudo_random(11, 5000).into_iter().map(|r| (1u64 << (r % 27)) + (r >> 40) % 1000).collect(),
            ),
            ("small integers, each its own bucket", (1..=60).cycle().take(600).collect()),
            ("zeros only", vec![0; 10]),
            ("zeros and values", [0, 0, 0, 5, 10, 1000, 1001, 999_999].to_vec()),
            ("huge values", vec![u64::MAX, u64::MAX - 1, 1 << 63, 1 << 62, 86_400_000, 1]),
            ("the full range", (0..64).map(|bit| 1u64 << bit).chain([0, u64::MAX]).collect()),
        ]
    }

    #[test]
    fn percentiles_are_within_the_relative_accuracy_of_exact_nearest_rank() {
        for (name, millis) in data_sets() {
            let sketch = sketch_of(&millis);
            for percent in 0..=100 {
                let exact = exact_percentile(&millis, percent).expect("data");
                let got = sketch.percentile_millis(percent).expect("samples");
                assert!(within_accuracy(got, exact), "{name}: p{percent} is {got}, exactly {exact}");
                if exact == 0 {
                    assert_eq!(got, 0.0, "{name}: p{percent} of 0 ms is exact");
                }
            }
        }
    }

    #[test]
    fn count_sum_mean_min_and_max_are_exact() {
        for (name, millis) in data_sets() {
            let sketch = sketch_of(&millis);
            let sum: u128 = millis.iter().map(|&m| u128::from(m)).sum();
            assert_eq!(sketch.count(), millis.len() as u64, "{name}");
            assert_eq!(sketch.mean_millis(), Some(sum as f64 / millis.len() as f64), "{name}");
            assert_eq!(sketch.min(), millis.iter().min().copied(), "{name}");
            assert_eq!(sketch.max(), millis.iter().max().copied(), "{name}");
        }
    }

    #[test]
    fn the_first_and_last_ranks_are_exact() {
        let cases: Vec<(&str, Vec<u64>, u64, f64)> = vec![
            ("one sample: every percentile", vec![75_123], 50, 75_123.0),
            ("one sample: p0", vec![75_123], 0, 75_123.0),
            ("p99 of 99 samples is the largest", (1..=99).map(|s| s * 1000 + 7).collect(), 99, 99_007.0),
            ("p90 of 9 samples is the largest", (1..=9).map(|s| s * 1000 + 7).collect(), 90, 9_007.0),
            ("p100 is the largest", vec![3, 1_000_003, 77], 100, 1_000_003.0),
            ("p1 of 100 is the smallest", (1..=100).map(|s| s * 1000 + 7).collect(), 1, 1007.0),
            ("two samples: the median is the lower", vec![1_999, 1_001], 50, 1_001.0),
            ("three samples: p99 is the largest", vec![101, 2_017, 3_999], 99, 3_999.0),
        ];
        for (name, millis, percent, expected) in cases {
            assert_eq!(sketch_of(&millis).percentile_millis(percent), Some(expected), "{name}");
        }
    }

    #[test]
    fn an_empty_sketch_has_a_count_and_nothing_else() {
        let empty = DurationSketch::default();
        assert_eq!((empty.count(), empty.is_empty()), (0, true));
        assert_eq!((empty.mean_millis(), empty.min(), empty.max()), (None, None, None));
        assert!((0..=100).all(|percent| empty.percentile_millis(percent).is_none()));
    }

    #[test]
    fn buckets_bound_their_values() {
        let cases: Vec<(u64, Option<u32>)> = vec![
            (0, None),
            (1, Some(0)),
            (2, Some(70)),
            (3, Some(110)),
            (75_000, Some(1123)),
            (86_400_000, Some(1828)),
            (u64::MAX, Some(4437)),
        ];
        for (millis, key) in cases {
            assert_eq!(bucket_key(millis), key, "{millis} ms");
        }
        for millis in (1..=1000).chain(pseudo_random(3, 1000)) {
            let key = bucket_key(millis).expect("at least 1 ms");
            let (low, high) = (GAMMA.powi(key as i32 - 1), GAMMA.powi(key as i32));
            let value = millis as f64;
            assert!(low < value * (1.0 + 1e-12) && value <= high * (1.0 + 1e-12), "{millis} in bucket {key}");
            let error = (representative(key) - value).abs() / value;
            assert!(error <= RELATIVE_ACCURACY * (1.0 + 1e-9), "{millis} ms: representative off by {error}");
        }
    }

    #[test]
    fn the_size_is_bounded_whatever_the_samples() {
        let cases: Vec<(&str, Vec<u64>, usize)> = vec![
            ("a million of one value", vec![42_000; 1_000_000], 1),
            ("every millisecond to a minute", (1..=60_000).collect(), 740),
            ("pseudo-random over the whole u64 range", pseudo_random(5, 100_000), 4_438),
            ("every bucket key there is", (0..=4437).map(|key| representative(key) as u64).collect(), 4_438),
        ];
        for (name, millis, most) in cases {
            let sketch = sketch_of(&millis);
            assert!(sketch.buckets.len() <= most, "{name}: {} buckets", sketch.buckets.len());
            assert!(sketch.buckets.keys().all(|&key| key <= 4437), "{name}");
        }
    }

    #[test]
    fn merging_is_adding_all_the_samples() {
        for (name, millis) in data_sets() {
            let everything = sketch_of(&millis);
            let middle = millis.len() / 2;
            let splits: Vec<(&str, Vec<u64>, Vec<u64>)> = vec![
                ("into an empty sketch", vec![], millis.clone()),
                ("an empty sketch in", millis.clone(), vec![]),
                ("halves", millis[..middle].to_vec(), millis[middle..].to_vec()),
                (
                    "interleaved",
                    millis.iter().step_by(2).copied().collect(),
                    millis.iter().skip(1).step_by(2).copied().collect(),
                ),
            ];
            for (split, left, right) in splits {
                let mut merged = sketch_of(&left);
                merged.merge(&sketch_of(&right));
                assert_eq!(merged, everything, "{name}, {split}");
            }
        }
        let hours: Vec<DurationSketch> = (0..24).map(|hour| sketch_of(&[hour * 1000, hour * 60_000 + 1])).collect();
        let mut day = DurationSketch::default();
        hours.iter().for_each(|hour| day.merge(hour));
        let all: Vec<u64> = (0..24).flat_map(|hour| [hour * 1000, hour * 60_000 + 1]).collect();
        assert_eq!(day, sketch_of(&all), "24 hours merged one by one");
    }

    #[test]
    fn the_stored_form_is_sparse_and_survives_a_round_trip() {
        let cases: Vec<(&str, Vec<u64>, &str)> = vec![
            ("empty", vec![], r#"{"sum":0,"min":null,"max":null,"zeros":0,"buckets":{}}"#),
            ("75 s and 0", vec![75_000, 0], r#"{"sum":75000,"min":0,"max":75000,"zeros":1,"buckets":{"1123":1}}"#),
            (
                "a sum past u64::MAX",
                vec![u64::MAX, u64::MAX],
                concat!(
                    r#"{"sum":36893488147419103230,"min":18446744073709551615,"max":18446744073709551615,"#,
                    r#""zeros":0,"buckets":{"4437":2}}"#
                ),
            ),
        ];
        for (name, millis, json) in cases {
            let sketch = sketch_of(&millis);
            assert_eq!(serde_json::to_string(&sketch).expect("serializes"), json, "{name}");
            assert_eq!(serde_json::from_str::<DurationSketch>(json).expect("parses"), sketch, "{name}");
        }
        for (name, millis) in data_sets() {
            let sketch = sketch_of(&millis);
            let json = serde_json::to_string(&sketch).expect("serializes");
            assert_eq!(serde_json::from_str::<DurationSketch>(&json).expect("parses"), sketch, "{name}");
        }
        assert_eq!(serde_json::from_str::<DurationSketch>("{}").expect("parses"), DurationSketch::default());
    }
}

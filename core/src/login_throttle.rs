//! Throttling password guesses with growing waits: one [`LoginThrottle`] per account and one per
//! client address, which the edge stores between attempts.
//!
//! ## Schedule, exactly
//!
//! Failures are counted since the last success. The first [`FREE_FAILURES`] (5) cost nothing.
//! After the n-th failure, n > 5, recorded at `t_n`, the next attempt is refused until
//! `t_n + min(1 s × 2^(n-6), 15 min)`: 1 s after the 6th failure, 2 s after the 7th, 4 s, 8 s,
//! … 512 s after the 15th, and 15 minutes after the 16th and every later one.
//! [`LoginThrottle::check`] at `t` refuses while `t < t_n + wait`, telling the client to retry
//! after `t_n + wait - t`; at `t_n + wait` exactly it allows.
//!
//! Failures are forgotten after [`QUIET_MILLIS`] (1 hour) without one: from `t_n + 1 h` on, the
//! throttle decides as a new one (the next failure is the first again), and
//! [`LoginThrottle::is_forgotten`] tells the edge it may delete the throttle. The hour is longer
//! than the longest wait, so forgetting never cuts a wait short.
//!
//! Only [`LoginThrottle::failed`] records anything. An attempt `check` refused is not tried
//! against the password and is not reported as failed, so knocking while blocked never extends
//! the block. Attempts that passed `check` together and then failed each count.
//! [`LoginThrottle::succeeded`] forgets every failure. The edge calls it on the account's
//! throttle, not the client address's: signing in to one's own account must not wash away the
//! failures against others from the same address.

use crate::rate_limit::RateLimited;
use crate::retry::Backoff;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// Failures that cost no wait.
pub const FREE_FAILURES: u32 = 5;
/// Failures are forgotten this long after the latest.
pub const QUIET_MILLIS: u64 = 60 * 60_000;

/// The waits after failures beyond the free ones: 1 s doubling up to 15 minutes. Only the waits
/// of the retry schedule are used, as a throttle never gives up: attempts and age are unbounded.
const WAITS: Backoff =
    Backoff { first_wait_millis: 1000, max_wait_millis: 15 * 60_000, max_attempts: u32::MAX, max_age_millis: u64::MAX };

/// The failures one account or one client address has had, as stored between attempts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginThrottle {
    /// `None` once there is nothing to remember.
    failures: Option<Failures>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Failures {
    count: u32,
    latest_at: UnixMillis,
}

impl LoginThrottle {
    /// Whether an attempt may be made at `now`; refused while the wait after the latest failure
    /// runs. Records nothing.
    pub fn check(&self, now: UnixMillis) -> Result<(), RateLimited> {
        let Some(failures) = self.remembered(now) else {
            return Ok(());
        };
        let allowed_from = failures.latest_at.0.saturating_add(wait_after(failures.count));
        match allowed_from.checked_sub(now.0) {
            Some(retry_after_millis) if retry_after_millis > 0 => Err(RateLimited { retry_after_millis }),
            _ => Ok(()),
        }
    }

    /// Records that an attempt `check` allowed failed at `now`.
    pub fn failed(&mut self, now: UnixMillis) {
        let remembered = self.remembered(now);
        let count = remembered.map_or(0, |failures| failures.count).saturating_add(1);
        // Should the clock step back, the latest failure stays where it was rather than moving
        // earlier, which would shorten the wait.
        let latest_at = remembered.map_or(now, |failures| failures.latest_at.max(now));
        self.failures = Some(Failures { count, latest_at });
    }

    /// Forgets every failure: the right password was given.
    pub fn succeeded(&mut self) {
        self.failures = None;
    }

    /// Whether nothing is left to remember at `now`: the throttle decides as a new one would, so
    /// the edge may delete it.
    pub fn is_forgotten(&self, now: UnixMillis) -> bool {
        self.remembered(now).is_none()
    }

    /// From when nothing is left to remember ([`LoginThrottle::is_forgotten`]), if anything is:
    /// when the edge may delete it.
    pub fn forgotten_at(&self) -> Option<UnixMillis> {
        self.failures.map(|failures| UnixMillis(failures.latest_at.0.saturating_add(QUIET_MILLIS)))
    }

    /// The failures that still count at `now`.
    fn remembered(&self, now: UnixMillis) -> Option<Failures> {
        self.failures.filter(|failures| now.millis_since(failures.latest_at) < QUIET_MILLIS)
    }
}

/// The wait after the `count`-th failure.
fn wait_after(count: u32) -> u64 {
    match count.checked_sub(FREE_FAILURES) {
        Some(beyond_free) if beyond_free > 0 => WAITS.wait_after(beyond_free),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1000;
    const HOUR: u64 = 60 * 60 * SECOND;

    /// A fake clock: milliseconds since the scenario began.
    fn at(millis: u64) -> UnixMillis {
        UnixMillis(1_700_000_000_000 + millis)
    }

    #[test]
    fn waits_double_from_the_sixth_failure_up_to_fifteen_minutes() {
        let cases = [
            (0, 0),
            (1, 0),
            (5, 0),
            (6, 1),
            (7, 2),
            (8, 4),
            (10, 16),
            (15, 512),
            (16, 900),
            (17, 900),
            (40, 900),
            (u32::MAX, 900),
        ];
        for (count, seconds) in cases {
            assert_eq!(wait_after(count), seconds * SECOND, "after failure {count}");
        }
    }

    #[derive(Debug, Clone, Copy)]
    enum Step {
        Fail,
        Succeed,
        /// `check` allows.
        Allowed,
        /// `check` refuses; retry after this many milliseconds.
        Refused(u64),
    }

    /// `count` failures at `millis`.
    fn failures(count: usize, millis: u64) -> Vec<(u64, Step)> {
        vec![(millis, Step::Fail); count]
    }

    #[test]
    fn schedule() {
        use Step::*;
        struct Case {
            name: &'static str,
            steps: Vec<(u64, Step)>,
        }
        let then = |mut first: Vec<(u64, Step)>, rest: Vec<(u64, Step)>| {
            first.extend(rest);
            first
        };
        let cases = vec![
            Case { name: "a new throttle allows", steps: vec![(0, Allowed)] },
            Case { name: "five failures are free", steps: then(failures(5, 0), vec![(0, Allowed)]) },
            Case {
                name: "the sixth failure blocks for a second, exactly",
                steps: then(failures(6, 0), vec![(0, Refused(SECOND)), (999, Refused(1)), (1000, Allowed)]),
            },
            Case {
                name: "each further failure doubles the wait, from when it was recorded",
                steps: then(
                    failures(6, 0),
                    vec![
                        (1000, Fail),
                        (1000, Refused(2 * SECOND)),
                        (2999, Refused(1)),
                        (3000, Allowed),
                        (5000, Fail),
                        (5000, Refused(4 * SECOND)),
                        (9000, Allowed),
                    ],
                ),
            },
            Case {
                name: "the wait stops growing at fifteen minutes",
                steps: then(
                    failures(16, 0),
                    vec![(0, Refused(900 * SECOND)), (0, Fail), (0, Refused(900 * SECOND)), (900 * SECOND, Allowed)],
                ),
            },
            Case {
                name: "checks refused while blocked do not extend the block",
                steps: then(
                    failures(6, 0),
                    vec![(100, Refused(900)), (500, Refused(500)), (999, Refused(1)), (1000, Allowed)],
                ),
            },
            Case {
                name: "attempts that passed together and failed all count",
                steps: then(
                    failures(5, 0),
                    vec![(10, Allowed), (10, Allowed), (20, Fail), (30, Fail), (30, Refused(2000))],
                ),
            },
            Case {
                name: "a failure less than an hour after the latest still counts",
                steps: then(failures(6, 0), vec![(HOUR - 1, Fail), (HOUR - 1, Refused(2 * SECOND))]),
            },
            Case {
                name: "an hour without a failure forgets them all",
                steps: then(
                    failures(6, 0),
                    vec![(HOUR, Fail), (HOUR, Allowed), (HOUR, Fail), (HOUR, Fail), (HOUR, Fail), (HOUR, Allowed)],
                ),
            },
            Case {
                name: "the hour counts from the latest failure",
                steps: then(failures(6, 0), vec![(HOUR / 2, Fail), (HOUR, Fail), (HOUR, Refused(4 * SECOND))]),
            },
            Case {
                name: "a success forgets every failure",
                steps: then(failures(20, 0), vec![(0, Succeed), (0, Allowed), (0, Fail), (0, Allowed)]),
            },
            Case {
                name: "a clock stepping back never shortens the wait",
                steps: then(
                    failures(6, 10_000),
                    vec![(9_000, Refused(2000)), (9_000, Fail), (9_000, Refused(3000)), (12_000, Allowed)],
                ),
            },
        ];
        for case in cases {
            let mut throttle = LoginThrottle::default();
            for (n, &(millis, step)) in case.steps.iter().enumerate() {
                let now = at(millis);
                let expected = match step {
                    Fail => {
                        throttle.failed(now);
                        continue;
                    }
                    Succeed => {
                        throttle.succeeded();
                        continue;
                    }
                    Allowed => Ok(()),
                    Refused(retry_after_millis) => Err(RateLimited { retry_after_millis }),
                };
                assert_eq!(throttle.check(now), expected, "{}: step {n}", case.name);
            }
        }
    }

    #[test]
    fn forgotten_after_a_quiet_hour_or_a_success() {
        let failed_once = || {
            let mut throttle = LoginThrottle::default();
            throttle.failed(at(0));
            throttle
        };
        let succeeded = {
            let mut throttle = failed_once();
            throttle.succeeded();
            throttle
        };
        let cases = [
            ("new", LoginThrottle::default(), 0, true),
            ("just failed", failed_once(), 0, false),
            ("a millisecond short of the hour", failed_once(), HOUR - 1, false),
            ("the hour", failed_once(), HOUR, true),
            ("succeeded", succeeded, 0, true),
        ];
        for (name, throttle, millis, forgotten) in cases {
            assert_eq!(throttle.is_forgotten(at(millis)), forgotten, "{name}");
            // Forgotten from `forgotten_at` on, and only then.
            let by_then = throttle.forgotten_at().is_none_or(|from| at(millis) >= from);
            assert_eq!(by_then, forgotten, "{name}: forgotten_at");
        }
    }

    #[test]
    fn state_survives_serialization_and_keeps_throttling() {
        let mut blocked = LoginThrottle::default();
        for _ in 0..7 {
            blocked.failed(at(0));
        }
        let cases = [
            (LoginThrottle::default(), r#"{"failures":null}"#),
            (blocked, r#"{"failures":{"count":7,"latest_at":1700000000000}}"#),
        ];
        for (throttle, json) in cases {
            assert_eq!(serde_json::to_string(&throttle).expect("serializes"), json);
            let restored: LoginThrottle = serde_json::from_str(json).expect("parses");
            assert_eq!(restored, throttle, "{json}");
            assert_eq!(restored.check(at(500)), throttle.check(at(500)), "{json}");
        }
    }
}

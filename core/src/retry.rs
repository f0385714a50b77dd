//! Retrying a delivery that failed: exponential backoff, with a cap on each wait, on the number
//! of attempts and on the delivery's age. One schedule type serves both kinds of delivery the
//! edge makes: webhook requests to a shop's receiver, and the requests one Durable Object owes
//! another (its outbox).
//!
//! A delivery is first attempted at once. After its n-th failed attempt it waits
//! `first_wait × 2^(n-1)`, capped at `max_wait`, before the next. After the `max_attempts`-th
//! failed attempt, or when the next attempt would fall more than `max_age` after the delivery
//! was created, the sender gives up: the delivery becomes a dead letter, kept for the shop's
//! owners to see, and whatever was queued behind it goes on.

use crate::time::UnixMillis;

/// How a kind of delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt; each later wait doubles it.
    pub first_wait_millis: u64,
    /// No single wait between attempts is longer than this.
    pub max_wait_millis: u64,
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// No attempt is made later than this after the delivery was created.
    pub max_age_millis: u64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    RetryAt(UnixMillis),
    GaveUp,
}

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

impl Backoff {
    /// Webhook requests: 10 s, 20 s, 40 s, … 2560 s, then hourly; 16 attempts in all (about
    /// 7.4 hours of retrying, so a receiver down for an afternoon still gets the event), never
    /// later than a day after the event.
    pub const WEBHOOK: Backoff =
        Backoff { first_wait_millis: 10 * SECOND, max_wait_millis: HOUR, max_attempts: 16, max_age_millis: 24 * HOUR };

    /// Requests between Durable Objects: 1 s, 2 s, 4 s, … 256 s, then every 5 minutes; 25
    /// attempts in all (about 85 minutes, longer than any deploy or restart takes), never later
    /// than a day after the request was queued.
    pub const OUTBOX: Backoff =
        Backoff { first_wait_millis: SECOND, max_wait_millis: 5 * MINUTE, max_attempts: 25, max_age_millis: 24 * HOUR };

    /// The wait after the `failed_attempts`-th failure (1-based).
    pub fn wait_after(&self, failed_attempts: u32) -> u64 {
        // Beyond 2^32 the cap has long been reached; the bound only keeps the shift defined.
        let doublings = failed_attempts.saturating_sub(1).min(32);
        self.first_wait_millis.saturating_mul(1 << doublings).min(self.max_wait_millis)
    }

    /// What follows the `failed_attempts`-th failed attempt (1-based), made at `now`, of a
    /// delivery created at `created_at`: when to try again, or to give up.
    pub fn after_failure(&self, failed_attempts: u32, created_at: UnixMillis, now: UnixMillis) -> Outcome {
        if failed_attempts >= self.max_attempts {
            return Outcome::GaveUp;
        }
        let next = UnixMillis(now.0.saturating_add(self.wait_after(failed_attempts)));
        if next.millis_since(created_at) > self.max_age_millis {
            return Outcome::GaveUp;
        }
        Outcome::RetryAt(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: UnixMillis = UnixMillis(1_700_000_000_000);

    #[test]
    fn waits_double_up_to_their_cap() {
        let cases = [
            (Backoff::WEBHOOK, vec![(1, 10), (2, 20), (3, 40), (7, 640), (9, 2560), (10, 3600), (40, 3600)]),
            (Backoff::WEBHOOK, vec![(u32::MAX, 3600)]),
            (Backoff::OUTBOX, vec![(1, 1), (2, 2), (5, 16), (9, 256), (10, 300), (24, 300), (u32::MAX, 300)]),
        ];
        for (backoff, waits) in cases {
            for (failed, seconds) in waits {
                assert_eq!(backoff.wait_after(failed), seconds * SECOND, "{backoff:?} after failure {failed}");
            }
        }
    }

    /// Every attempt fails the moment it is made: the instants of the retries, then giving up.
    fn schedule(backoff: Backoff) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let (mut failed, mut now) = (0, CREATED);
        loop {
            failed += 1;
            let outcome = backoff.after_failure(failed, CREATED, now);
            outcomes.push(outcome);
            match outcome {
                Outcome::RetryAt(next) => now = next,
                Outcome::GaveUp => return outcomes,
            }
        }
    }

    #[test]
    fn the_webhook_schedule() {
        let retry_after = |seconds: u64| Outcome::RetryAt(UnixMillis(CREATED.0 + seconds * SECOND));
        let mut expected: Vec<Outcome> =
            [10, 30, 70, 150, 310, 630, 1270, 2550, 5110, 8710, 12310, 15910, 19510, 23110, 26710]
                .into_iter()
                .map(retry_after)
                .collect();
        expected.push(Outcome::GaveUp);
        assert_eq!(schedule(Backoff::WEBHOOK), expected);
    }

    #[test]
    fn the_outbox_schedule_outlasts_a_long_outage() {
        let outcomes = schedule(Backoff::OUTBOX);
        assert_eq!(outcomes.len(), 25, "24 retries, then giving up");
        let Some(Outcome::RetryAt(last)) = outcomes.get(23).copied() else { panic!("the 24th outcome retries") };
        assert_eq!(last.millis_since(CREATED), (511 + 15 * 300) * SECOND, "about 85 minutes");
    }

    #[test]
    fn gives_up() {
        struct Case {
            name: &'static str,
            failed_attempts: u32,
            failed_at_secs: u64,
            expected: Outcome,
        }
        const DAY: u64 = 24 * 60 * 60;
        let at = |seconds: u64| UnixMillis(CREATED.0 + seconds * SECOND);
        let cases = [
            Case { name: "first failure", failed_attempts: 1, failed_at_secs: 0, expected: Outcome::RetryAt(at(10)) },
            Case {
                name: "fifteenth failure still retries",
                failed_attempts: 15,
                failed_at_secs: 100,
                expected: Outcome::RetryAt(at(3700)),
            },
            Case {
                name: "sixteenth failure gives up",
                failed_attempts: 16,
                failed_at_secs: 100,
                expected: Outcome::GaveUp,
            },
            Case {
                name: "a retry landing exactly at 24 h is still made",
                failed_attempts: 1,
                failed_at_secs: DAY - 10,
                expected: Outcome::RetryAt(at(DAY)),
            },
            Case {
                name: "a retry landing after 24 h is not",
                failed_attempts: 1,
                failed_at_secs: DAY - 9,
                expected: Outcome::GaveUp,
            },
            Case {
                name: "counting never overflows",
                failed_attempts: u32::MAX,
                failed_at_secs: 0,
                expected: Outcome::GaveUp,
            },
        ];
        for case in cases {
            let outcome = Backoff::WEBHOOK.after_failure(case.failed_attempts, CREATED, at(case.failed_at_secs));
            assert_eq!(outcome, case.expected, "{}", case.name);
        }
    }
}

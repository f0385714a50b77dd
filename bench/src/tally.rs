//! What a run delivered, checked as it arrives: every message exactly once and in its side's
//! order (a loss, a duplicate or an overtaking is a failure of the run, never a statistic),
//! and how long each took, summarised as percentiles.

use std::collections::HashMap;

use serde::Serialize;

use crate::payload::{Payload, Side};

/// Refusals and failures kept word for word; more are only counted.
const ERRORS_KEPT: usize = 10;

#[derive(Default)]
pub struct Tally {
    /// Per conversation and sending side: how many were sent, and the next number expected.
    sent: HashMap<(usize, Side), u64>,
    expected: HashMap<(usize, Side), u64>,
    shopper_to_agent: Vec<u64>,
    agent_to_shopper: Vec<u64>,
    /// Messages that arrived again, or after a later one of the same side had.
    duplicates: u64,
    /// Messages passed over by a later one of the same side.
    skipped: u64,
    errors: Vec<String>,
    error_count: u64,
    first_sent: Option<u64>,
    last_received: u64,
}

impl Tally {
    pub fn sent(&mut self, payload: &Payload) {
        *self.sent.entry((payload.conversation, payload.from)).or_default() += 1;
        self.first_sent.get_or_insert(payload.sent_nanos);
    }

    /// `payload` reached the other side at `at_nanos`.
    pub fn received(&mut self, payload: &Payload, at_nanos: u64) {
        let expected = self.expected.entry((payload.conversation, payload.from)).or_default();
        if payload.n < *expected {
            self.duplicates += 1;
            return;
        }
        self.skipped += payload.n - *expected;
        *expected = payload.n + 1;
        let latency = at_nanos.saturating_sub(payload.sent_nanos);
        match payload.from {
            Side::Shopper => self.shopper_to_agent.push(latency),
            Side::Agent => self.agent_to_shopper.push(latency),
        }
        self.last_received = self.last_received.max(at_nanos);
    }

    pub fn error(&mut self, error: String) {
        self.error_count += 1;
        if self.errors.len() < ERRORS_KEPT {
            self.errors.push(error);
        }
    }

    /// Sent messages that have not arrived (yet).
    pub fn outstanding(&self) -> u64 {
        let sent: u64 = self.sent.values().sum();
        sent.saturating_sub(self.delivered() + self.skipped)
    }

    fn delivered(&self) -> u64 {
        (self.shopper_to_agent.len() + self.agent_to_shopper.len()) as u64
    }

    pub fn finish(mut self) -> Outcome {
        let lost = self.outstanding() + self.skipped;
        let mut short: Vec<(usize, Side, u64, u64)> = self
            .sent
            .iter()
            .filter_map(|(&(conversation, from), &sent)| {
                let arrived = self.expected.get(&(conversation, from)).copied().unwrap_or_default();
                (arrived < sent).then_some((conversation, from, sent, arrived))
            })
            .collect();
        short.sort_by_key(|&(conversation, from, ..)| (conversation, from == Side::Agent));
        let first_losses = short
            .iter()
            .take(ERRORS_KEPT)
            .map(|(conversation, from, sent, arrived)| {
                format!("conversation {conversation}, {from:?}: stopped at {arrived} of {sent}")
            })
            .collect();
        let seconds = self.first_sent.map(|first| self.last_received.saturating_sub(first) as f64 / 1e9);
        let delivered = self.delivered();
        Outcome {
            shopper_to_agent: Latency::of(&mut self.shopper_to_agent),
            agent_to_shopper: Latency::of(&mut self.agent_to_shopper),
            sent: self.sent.values().sum(),
            delivered,
            messages_per_second: seconds.filter(|s| *s > 0.0).map_or(0.0, |s| delivered as f64 / s),
            lost,
            duplicates: self.duplicates,
            errors: self.error_count,
            first_errors: self.errors,
            first_losses,
        }
    }
}

/// A run's figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub shopper_to_agent: Latency,
    pub agent_to_shopper: Latency,
    pub sent: u64,
    pub delivered: u64,
    /// Delivered messages over the time from the first send to the last receipt.
    pub messages_per_second: f64,
    pub lost: u64,
    pub duplicates: u64,
    pub errors: u64,
    pub first_errors: Vec<String>,
    /// Where messages went missing: conversations and sides whose sequence stopped short.
    pub first_losses: Vec<String>,
}

impl Outcome {
    /// Everything arrived exactly once, in order, and nothing was refused.
    pub fn is_clean(&self) -> bool {
        self.lost == 0 && self.duplicates == 0 && self.errors == 0
    }
}

/// Latency percentiles (nearest rank) in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn of(nanos: &mut [u64]) -> Self {
        nanos.sort_unstable();
        let at = |fraction: f64| {
            let rank = (fraction * nanos.len() as f64).ceil() as usize;
            nanos.get(rank.saturating_sub(1)).map_or(0.0, |&n| n as f64 / 1e6)
        };
        Self { count: nanos.len(), p50_ms: at(0.5), p90_ms: at(0.9), p99_ms: at(0.99), max_ms: at(1.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(conversation: usize, from: Side, n: u64) -> Payload {
        Payload { conversation, from, n, sent_nanos: 1_000_000 * (n + 1) }
    }

    /// Sends `sent` messages from each side of conversation 0, receives `received` (side, n)
    /// each 2 ms after its send, and answers (lost, duplicates, clean).
    fn run(sent: u64, received: &[(Side, u64)]) -> (u64, u64, bool) {
        let mut tally = Tally::default();
        for n in 0..sent {
            tally.sent(&message(0, Side::Shopper, n));
            tally.sent(&message(0, Side::Agent, n));
        }
        for &(side, n) in received {
            let payload = message(0, side, n);
            tally.received(&payload, payload.sent_nanos + 2_000_000);
        }
        let outcome = tally.finish();
        (outcome.lost, outcome.duplicates, outcome.is_clean())
    }

    #[test]
    fn only_every_message_once_and_in_order_is_clean() {
        use Side::{Agent as A, Shopper as S};
        type Case<'a> = (&'a str, u64, &'a [(Side, u64)], (u64, u64, bool));
        let cases: [Case; 6] = [
            ("all, in order", 2, &[(S, 0), (A, 0), (S, 1), (A, 1)], (0, 0, true)),
            ("one never came", 2, &[(S, 0), (A, 0), (S, 1)], (1, 0, false)),
            ("one twice", 2, &[(S, 0), (S, 0), (A, 0), (S, 1), (A, 1)], (0, 1, false)),
            ("one overtaken", 2, &[(S, 1), (S, 0), (A, 0), (A, 1)], (1, 1, false)),
            ("one skipped for good", 3, &[(S, 0), (S, 2), (A, 0), (A, 1), (A, 2)], (1, 0, false)),
            ("nothing sent", 0, &[], (0, 0, true)),
        ];
        for (what, sent, received, expected) in cases {
            assert_eq!(run(sent, received), expected, "{what}");
        }
    }

    #[test]
    fn losses_name_the_conversations_and_sides_that_stopped_short() {
        let mut tally = Tally::default();
        for (conversation, from, sent, received) in
            [(0, Side::Shopper, 3, 3), (1, Side::Agent, 3, 1), (0, Side::Agent, 2, 0)]
        {
            for n in 0..sent {
                let payload = message(conversation, from, n);
                tally.sent(&payload);
                if n < received {
                    tally.received(&payload, payload.sent_nanos);
                }
            }
        }
        let outcome = tally.finish();
        assert_eq!(
            outcome.first_losses,
            ["conversation 0, Agent: stopped at 0 of 2", "conversation 1, Agent: stopped at 1 of 3"]
        );
        assert_eq!(outcome.lost, 4);
    }

    #[test]
    fn percentiles_are_nearest_rank_in_milliseconds() {
        let mut nanos: Vec<u64> = (1..=100).rev().map(|ms| ms * 1_000_000).collect();
        let latency = Latency::of(&mut nanos);
        assert_eq!((latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms), (50.0, 90.0, 99.0, 100.0));
        let empty = Latency::of(&mut []);
        assert_eq!(empty.max_ms, 0.0);
    }
}

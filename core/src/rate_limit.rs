//! Per-key rate limits (a client within a shop, or a whole shop) as a precise sliding window
//! whose state a Durable Object can store.
//!
//! Semantics, exactly: under `Limit { max, per_millis }` an event at `now` is allowed when fewer
//! than `max` allowed events of that key happened in the window `(now - per_millis, now]`; an
//! event at `t` stops counting at `t + per_millis`. So any window of `per_millis` holds at most
//! `max` allowed events, and a full burst of `max` is allowed at once. Refused events are not
//! recorded: a client that keeps knocking while limited is not locked out for longer, and
//! after waiting the `retry_after_millis` it was told, its next event passes.
//!
//! Each key keeps the instants of at most `max` recent events (a ring, oldest first), so a key
//! costs at most `max` numbers and [`RateLimiter::prune`] drops keys that are quiet again.
//!
//! ## What is limited
//!
//! Each [`Action`] has its own [`Limit`] and key, counted for one client in one shop unless its
//! [`Scope`] is the whole shop or the whole edge; the edge counts a shopper's messages and other
//! frames in their conversation's object instead, per conversation, so that they cost no call.
//! Per client, per minute: 30 new conversations, 60 messages, 120
//! `typing` and 120 `read` frames (sent as the shopper types and reads, so often but each only on
//! a change), 30 `context` frames (one per page opened or `Parley.setContext` call), 5
//! `leave_email` and 5 `rate` frames (given once, perhaps corrected), 60 `history` pages (a
//! client fetching a long conversation's earlier messages), 60 pages of the shop's history
//! listed or searched by an agent. Per shop, all its clients
//! together: 300 new conversations a minute, a ceiling well above a busy shop's traffic that keeps
//! someone sending from many addresses from flooding the shop's queue, 10 webhook test
//! events a minute (each is a request the edge sends to the shop's receiver), and 10 CSV
//! exports a minute (each reads up to 93 days of the shop's records). Per client on the
//! whole edge: 5 sign-ups an hour.
//!
//! A load benchmark's shop on a development edge is held to [`Limits::Benchmark`] instead: the
//! same windows, each [`BENCHMARK_FACTOR`] times larger.

use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use thiserror::Error;

/// At most `max` events in any window of `per_millis` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub max: u32,
    pub per_millis: u64,
}

const MINUTE: u64 = 60_000;

impl Limit {
    /// Conversations one client may start in one shop.
    pub const NEW_CONVERSATIONS: Limit = Limit { max: 30, per_millis: MINUTE };
    /// Messages one client may send in one shop.
    pub const MESSAGES: Limit = Limit { max: 60, per_millis: MINUTE };
    /// `typing` frames: one as typing starts and one as it stops.
    pub const TYPING: Limit = Limit { max: 120, per_millis: MINUTE };
    /// `read` frames: one as each new message is seen.
    pub const READ_MARKS: Limit = Limit { max: 120, per_millis: MINUTE };
    /// `context` frames: one per page the shopper opens or `Parley.setContext` call.
    pub const PAGE_CONTEXT: Limit = Limit { max: 30, per_millis: MINUTE };
    /// `leave_email` frames: an address is left once, perhaps corrected.
    pub const CONTACT_EMAILS: Limit = Limit { max: 5, per_millis: MINUTE };
    /// `rate` frames: a cycle is rated once.
    pub const RATINGS: Limit = Limit { max: 5, per_millis: MINUTE };
    /// `history` frames: pages of earlier messages.
    pub const HISTORY_PAGES: Limit = Limit { max: 60, per_millis: MINUTE };
    /// Shops one client may sign up on the whole edge.
    pub const SIGN_UPS: Limit = Limit { max: 5, per_millis: 60 * MINUTE };
    /// Conversations all clients together may start in one shop.
    pub const SHOP_NEW_CONVERSATIONS: Limit = Limit { max: 300, per_millis: MINUTE };
    /// Test events an owner may send to the shop's webhook.
    pub const WEBHOOK_TESTS: Limit = Limit { max: 10, per_millis: MINUTE };
    /// Pages of the shop's history (lists and searches) one agent's client may ask for.
    pub const SEARCHES: Limit = Limit { max: 60, per_millis: MINUTE };
    /// CSV exports an owner may download: each reads up to 93 days of records.
    pub const EXPORTS: Limit = Limit { max: 10, per_millis: MINUTE };
    /// A console asking for the whole queue again: it does so only when it missed a change,
    /// and the whole queue of a big shop is megabytes.
    pub const RESYNCS: Limit = Limit { max: 20, per_millis: MINUTE };
}

/// Whose actions one [`RateLimiter`] counts together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One client (its address) in one shop.
    Client,
    /// Every client of one shop.
    Shop,
    /// One client on the whole edge (what is not a shop's: signing up).
    Edge,
}

/// What a shopper's client does that is limited, each under its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NewConversation,
    Message,
    Typing,
    Read,
    Context,
    LeaveEmail,
    Rate,
    History,
    /// A new shop signed up for.
    SignUp,
    /// A new conversation, counted against the shop's ceiling.
    ShopNewConversation,
    /// A test event sent to the shop's webhook.
    WebhookTest,
    /// A page of the shop's history, listed or searched.
    Search,
    /// A CSV export of the shop's metrics or conversations.
    Export,
    /// A console's request for the whole queue again (`resync`).
    Resync,
}

impl Action {
    pub fn limit(self) -> Limit {
        match self {
            Action::NewConversation => Limit::NEW_CONVERSATIONS,
            Action::Message => Limit::MESSAGES,
            Action::Typing => Limit::TYPING,
            Action::Read => Limit::READ_MARKS,
            Action::Context => Limit::PAGE_CONTEXT,
            Action::LeaveEmail => Limit::CONTACT_EMAILS,
            Action::Rate => Limit::RATINGS,
            Action::History => Limit::HISTORY_PAGES,
            Action::SignUp => Limit::SIGN_UPS,
            Action::ShopNewConversation => Limit::SHOP_NEW_CONVERSATIONS,
            Action::WebhookTest => Limit::WEBHOOK_TESTS,
            Action::Search => Limit::SEARCHES,
            Action::Export => Limit::EXPORTS,
            Action::Resync => Limit::RESYNCS,
        }
    }

    /// The action's key in a [`RateLimiter`] of its [`Scope`].
    pub fn key(self) -> &'static str {
        match self {
            Action::NewConversation => "new_conversation",
            Action::Message => "message",
            Action::Typing => "typing",
            Action::Read => "read",
            Action::Context => "context",
            Action::LeaveEmail => "leave_email",
            Action::Rate => "rate",
            Action::History => "history",
            Action::SignUp => "sign_up",
            Action::ShopNewConversation => "shop_new_conversation",
            Action::WebhookTest => "webhook_test",
            Action::Search => "search",
            Action::Export => "export",
            Action::Resync => "resync",
        }
    }

    /// Whose actions are counted together: a new conversation counts once for its client
    /// ([`Action::NewConversation`]) and once for its shop ([`Action::ShopNewConversation`]).
    pub fn scope(self) -> Scope {
        match self {
            Action::NewConversation
            | Action::Message
            | Action::Typing
            | Action::Read
            | Action::Context
            | Action::LeaveEmail
            | Action::Rate
            | Action::History
            | Action::Search
            | Action::Resync => Scope::Client,
            Action::ShopNewConversation | Action::WebhookTest | Action::Export => Scope::Shop,
            Action::SignUp => Scope::Edge,
        }
    }
}

/// Which limits a shop is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limits {
    /// Every shop's, in production always.
    Standard,
    /// A load benchmark's shop on a development edge: one machine plays hundreds of shoppers
    /// sending several messages a second each, so every limit is [`BENCHMARK_FACTOR`] times the
    /// standard one. The edge grants it only in development, to the one shop the benchmark names.
    Benchmark,
}

/// How many times the standard limits a benchmark's shop gets.
pub const BENCHMARK_FACTOR: u32 = 1_000;

impl Limits {
    /// The limit of `action` under these limits.
    pub fn of(self, action: Action) -> Limit {
        let standard = action.limit();
        match self {
            Limits::Standard => standard,
            Limits::Benchmark => Limit { max: standard.max.saturating_mul(BENCHMARK_FACTOR), ..standard },
        }
    }
}

/// An event was refused; the same key may try again after `retry_after_millis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("too many requests; try again in {} s", seconds_rounded_up(*.retry_after_millis))]
pub struct RateLimited {
    pub retry_after_millis: u64,
}

impl RateLimited {
    /// Whole seconds to wait, rounded up and at least 1, for an HTTP `Retry-After` header
    /// (which cannot say "sooner than a second").
    pub fn retry_after_secs(&self) -> u64 {
        seconds_rounded_up(self.retry_after_millis)
    }
}

fn seconds_rounded_up(millis: u64) -> u64 {
    millis.div_ceil(1000).max(1)
}

/// What one key remembers: the window it was last checked with and its recent allowed events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Window {
    /// Kept so that [`RateLimiter::prune`] knows when the key is quiet without being told.
    per_millis: u64,
    /// Instants of the most recent allowed events, oldest first, never more than `max`.
    events: VecDeque<UnixMillis>,
}

impl Window {
    /// Forgets events that no longer count at `now`.
    fn forget_expired(&mut self, now: UnixMillis) {
        while self.events.front().is_some_and(|&at| now.millis_since(at) >= self.per_millis) {
            self.events.pop_front();
        }
    }
}

/// Sliding-window counters for many keys. One key's history belongs to one limit: keep one
/// limiter per [`Limit`] (or put the limit's name in the key), otherwise events of both
/// limits are counted together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimiter {
    /// A `BTreeMap` so that the stored form is the same for the same state.
    windows: BTreeMap<String, Window>,
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an event for `key` at `now` if `limit` allows it; otherwise says how long until
    /// it would. A `max` of 0 refuses everything (retrying after `per_millis` will not help).
    pub fn check(&mut self, key: &str, limit: Limit, now: UnixMillis) -> Result<(), RateLimited> {
        if limit.max == 0 {
            return Err(RateLimited { retry_after_millis: limit.per_millis });
        }
        let max = limit.max as usize;
        let window = self
            .windows
            .entry(key.to_owned())
            .or_insert_with(|| Window { per_millis: limit.per_millis, events: VecDeque::with_capacity(max) });
        window.per_millis = limit.per_millis;
        window.forget_expired(now);
        // Only if the limit shrank since this key was last checked.
        while window.events.len() > max {
            window.events.pop_front();
        }
        if window.events.len() == max {
            // Full: the oldest counted event is the first to stop counting.
            let oldest = window.events.front().copied().unwrap_or(now);
            return Err(RateLimited { retry_after_millis: limit.per_millis - now.millis_since(oldest) });
        }
        // Should the clock step back, record no earlier than the newest event, so the ring
        // stays oldest first (this errs towards limiting, never towards allowing more).
        let at = window.events.back().map_or(now, |&newest| newest.max(now));
        window.events.push_back(at);
        Ok(())
    }

    /// Drops every key none of whose events still count at `now`: its next event would pass
    /// anyway, so forgetting it changes no decision and keeps storage bounded by active keys.
    pub fn prune(&mut self, now: UnixMillis) {
        self.windows.retain(|_, window| {
            window.events.back().is_some_and(|&newest| now.millis_since(newest) < window.per_millis)
        });
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock: milliseconds since the scenario began.
    fn at(millis: u64) -> UnixMillis {
        UnixMillis(1_700_000_000_000 + millis)
    }

    const THREE_PER_SECOND: Limit = Limit { max: 3, per_millis: 1000 };

    /// Runs (millis, key) events against one limiter and returns each outcome.
    fn run(limit: Limit, events: &[(u64, &str)]) -> Vec<Result<(), RateLimited>> {
        let mut limiter = RateLimiter::new();
        events.iter().map(|&(millis, key)| limiter.check(key, limit, at(millis))).collect()
    }

    fn refused(retry_after_millis: u64) -> Result<(), RateLimited> {
        Err(RateLimited { retry_after_millis })
    }

    #[test]
    fn sliding_window() {
        struct Case {
            name: &'static str,
            events: Vec<(u64, &'static str)>,
            expected: Vec<Result<(), RateLimited>>,
        }
        let cases = vec![
            Case {
                name: "a burst up to the limit passes, the next waits for the oldest to expire",
                events: vec![(0, "a"), (0, "a"), (0, "a"), (0, "a")],
                expected: vec![Ok(()), Ok(()), Ok(()), refused(1000)],
            },
            Case {
                name: "retry_after counts from the oldest event in the window",
                events: vec![(0, "a"), (200, "a"), (500, "a"), (700, "a")],
                expected: vec![Ok(()), Ok(()), Ok(()), refused(300)],
            },
            Case {
                name: "waiting exactly retry_after passes, one millisecond less does not",
                events: vec![(0, "a"), (200, "a"), (500, "a"), (700, "a"), (999, "a"), (1000, "a"), (1000, "a")],
                expected: vec![Ok(()), Ok(()), Ok(()), refused(300), refused(1), Ok(()), refused(200)],
            },
            Case {
                name: "refused events do not extend the wait",
                events: vec![(0, "a"), (0, "a"), (0, "a"), (100, "a"), (500, "a"), (900, "a"), (1000, "a")],
                expected: vec![Ok(()), Ok(()), Ok(()), refused(900), refused(500), refused(100), Ok(())],
            },
            Case {
                name: "no window ever holds more than max",
                events: vec![(0, "a"), (400, "a"), (800, "a"), (1000, "a"), (1300, "a"), (1399, "a"), (1400, "a")],
                expected: vec![Ok(()), Ok(()), Ok(()), Ok(()), refused(100), refused(1), Ok(())],
            },
            Case {
                name: "keys are independent",
                events: vec![(0, "a"), (0, "a"), (0, "a"), (0, "b"), (0, "a"), (0, "b")],
                expected: vec![Ok(()), Ok(()), Ok(()), Ok(()), refused(1000), Ok(())],
            },
        ];
        for case in cases {
            assert_eq!(run(THREE_PER_SECOND, &case.events), case.expected, "{}", case.name);
        }
    }

    #[test]
    fn every_action_has_its_own_key_scope_and_limit_which_allows_its_burst_and_no_more_in_its_window() {
        let cases = [
            (Action::NewConversation, "new_conversation", Scope::Client, 30, 1),
            (Action::Message, "message", Scope::Client, 60, 1),
            (Action::Typing, "typing", Scope::Client, 120, 1),
            (Action::Read, "read", Scope::Client, 120, 1),
            (Action::Context, "context", Scope::Client, 30, 1),
            (Action::LeaveEmail, "leave_email", Scope::Client, 5, 1),
            (Action::Rate, "rate", Scope::Client, 5, 1),
            (Action::History, "history", Scope::Client, 60, 1),
            (Action::SignUp, "sign_up", Scope::Edge, 5, 60),
            (Action::ShopNewConversation, "shop_new_conversation", Scope::Shop, 300, 1),
            (Action::WebhookTest, "webhook_test", Scope::Shop, 10, 1),
            (Action::Search, "search", Scope::Client, 60, 1),
            (Action::Export, "export", Scope::Shop, 10, 1),
            (Action::Resync, "resync", Scope::Client, 20, 1),
        ];
        for (action, key, scope, most, minutes) in cases {
            let window = minutes * 60_000;
            let limit = Limit { max: most, per_millis: window };
            assert_eq!((action.key(), action.scope(), action.limit()), (key, scope, limit));
            let json = serde_json::to_string(&action).expect("serializes");
            assert_eq!(json, format!("\"{key}\""), "the edge's requests name an action by its key");
            let mut limiter = RateLimiter::new();
            let max = u64::from(most);
            for n in 0..max {
                assert_eq!(limiter.check(key, limit, at(n)), Ok(()), "{key}: event {n} of {max}");
            }
            assert_eq!(limiter.check(key, limit, at(max)), refused(window - max), "{key}");
            assert_eq!(limiter.check(key, limit, at(window)), Ok(()), "{key}");
        }
        let mut keys: Vec<&str> = cases.iter().map(|(action, ..)| action.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), cases.len(), "keys are distinct, so one limiter may count several actions");
    }

    #[test]
    fn a_benchmark_shop_gets_the_factor_on_every_limit_in_the_same_window() {
        let cases = [
            (Limits::Standard, Action::Message, Limit { max: 60, per_millis: 60_000 }),
            (Limits::Benchmark, Action::Message, Limit { max: 60_000, per_millis: 60_000 }),
            (Limits::Standard, Action::ShopNewConversation, Limit { max: 300, per_millis: 60_000 }),
            (Limits::Benchmark, Action::ShopNewConversation, Limit { max: 300_000, per_millis: 60_000 }),
            (Limits::Benchmark, Action::SignUp, Limit { max: 5_000, per_millis: 3_600_000 }),
        ];
        for (limits, action, expected) in cases {
            assert_eq!(limits.of(action), expected, "{limits:?} {action:?}");
        }
    }

    #[test]
    fn odd_limits() {
        let mut limiter = RateLimiter::new();
        assert_eq!(limiter.check("a", Limit { max: 0, per_millis: 1000 }, at(0)), refused(1000));
        for _ in 0..5 {
            assert_eq!(limiter.check("a", Limit { max: 1, per_millis: 0 }, at(0)), Ok(()), "no window, no limit");
        }
        for _ in 0..5 {
            limiter.check("b", Limit { max: 5, per_millis: 1000 }, at(0)).expect("within limit");
        }
        assert_eq!(limiter.check("b", Limit { max: 2, per_millis: 1000 }, at(10)), refused(990), "limit shrank");
    }

    #[test]
    fn a_clock_stepping_back_never_allows_more() {
        let mut limiter = RateLimiter::new();
        limiter.check("a", THREE_PER_SECOND, at(5000)).expect("first");
        limiter.check("a", THREE_PER_SECOND, at(4000)).expect("second");
        limiter.check("a", THREE_PER_SECOND, at(4000)).expect("third");
        assert_eq!(limiter.check("a", THREE_PER_SECOND, at(4000)), refused(1000));
        assert_eq!(limiter.check("a", THREE_PER_SECOND, at(6000)), Ok(()));
    }

    #[test]
    fn prune_drops_keys_that_are_quiet_again() {
        let mut limiter = RateLimiter::new();
        limiter.check("early", THREE_PER_SECOND, at(0)).expect("allowed");
        limiter.check("late", THREE_PER_SECOND, at(600)).expect("allowed");
        limiter.check("slow", Limit { max: 3, per_millis: 10_000 }, at(0)).expect("allowed");
        for (now, left) in [(999, vec!["early", "late", "slow"]), (1000, vec!["late", "slow"]), (1600, vec!["slow"])] {
            limiter.prune(at(now));
            assert_eq!(limiter.windows.keys().map(String::as_str).collect::<Vec<_>>(), left, "at {now}");
        }
        limiter.prune(at(10_000));
        assert!(limiter.is_empty());
    }

    #[test]
    fn state_survives_serialization_and_keeps_limiting() {
        let mut limiter = RateLimiter::new();
        for _ in 0..3 {
            limiter.check("a", THREE_PER_SECOND, at(0)).expect("allowed");
        }
        let json = serde_json::to_string(&limiter).expect("serializes");
        let mut restored: RateLimiter = serde_json::from_str(&json).expect("parses");
        assert_eq!(restored, limiter);
        assert_eq!(restored.check("a", THREE_PER_SECOND, at(10)), refused(990));
    }

    #[test]
    fn refusals_say_when_to_retry() {
        let cases = [(1, "1 s", 1), (999, "1 s", 1), (1000, "1 s", 1), (1001, "2 s", 2), (60_000, "60 s", 60)];
        for (millis, says, secs) in cases {
            let refusal = RateLimited { retry_after_millis: millis };
            assert_eq!(refusal.to_string(), format!("too many requests; try again in {says}"), "{millis}");
            assert_eq!(refusal.retry_after_secs(), secs, "{millis}");
        }
    }
}

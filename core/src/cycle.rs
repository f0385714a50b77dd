//! One service cycle of a conversation: from entering the human queue (the shopper's first
//! message, or a reopen) to resolution, and the times measured in it. docs/METRICS.md defines
//! them; in short:
//!
//! - first response: cycle start → the first public message by a human agent;
//! - next response: a shopper message written after the agent's last reply → the next public
//!   agent message;
//! - resolution: cycle start → resolved; handle: first assignment → resolved.
//!
//! The shopper's satisfaction rating of a resolved cycle is kept with it, once: a reopen starts
//! a new cycle, which the shopper may rate again when it is resolved.
//!
//! Only public agent messages stop a clock: system lines ("Ana joined"), automatic replies and
//! internal notes never reach this module.

use crate::ids::AgentId;
use crate::rating::Rating;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// A measured interval credited to an agent (the one whose message ended it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub agent: AgentId,
    pub from: UnixMillis,
    pub to: UnixMillis,
}

impl Span {
    pub fn millis(&self) -> u64 {
        self.to.millis_since(self.from)
    }
}

/// A finished cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The assignee when it was resolved, if any.
    pub agent: Option<AgentId>,
    pub started_at: UnixMillis,
    pub assigned_at: Option<UnixMillis>,
    pub resolved_at: UnixMillis,
}

impl Resolution {
    pub fn resolution_millis(&self) -> u64 {
        self.resolved_at.millis_since(self.started_at)
    }

    /// Time an agent had the conversation; 0 if nobody ever did.
    pub fn handle_millis(&self) -> u64 {
        self.assigned_at.map_or(0, |assigned_at| self.resolved_at.millis_since(assigned_at))
    }
}

/// What a cycle measured: a response or the resolution, and the shopper's rating of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measurement {
    FirstResponse { cycle: u32, span: Span },
    NextResponse { cycle: u32, span: Span },
    Resolution { cycle: u32, resolution: Resolution },
    Rating { cycle: u32, rating: Rating },
}

/// The running clocks of one cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    /// 1 for the conversation's first cycle, 2 after the first reopen, …
    pub number: u32,
    pub started_at: UnixMillis,
    assigned_at: Option<UnixMillis>,
    first_response: Option<Span>,
    /// Set while a shopper message written after the agent's last reply awaits an answer.
    awaiting_since: Option<UnixMillis>,
    /// The shopper's rating, once the resolved cycle is rated.
    #[serde(default)]
    rating: Option<Rating>,
}

impl Cycle {
    pub fn start(number: u32, now: UnixMillis) -> Self {
        Self { number, started_at: now, assigned_at: None, first_response: None, awaiting_since: None, rating: None }
    }

    pub fn rating(&self) -> Option<&Rating> {
        self.rating.as_ref()
    }

    /// Keeps the shopper's rating of this cycle. The conversation checks that the cycle is
    /// resolved and not rated yet.
    pub fn rate(&mut self, rating: Rating) -> Measurement {
        self.rating = Some(rating.clone());
        Measurement::Rating { cycle: self.number, rating }
    }

    pub fn first_response(&self) -> Option<&Span> {
        self.first_response.as_ref()
    }

    /// The shopper wrote. Before the first response the first-response clock already runs; after
    /// it, this starts the next-response clock unless it is running.
    pub fn on_shopper_message(&mut self, now: UnixMillis) {
        if self.first_response.is_some() {
            self.awaiting_since.get_or_insert(now);
        }
    }

    /// An agent got the conversation; handle time counts from the first assignment.
    pub fn on_assigned(&mut self, now: UnixMillis) {
        self.assigned_at.get_or_insert(now);
    }

    /// A human agent's public message: what it measured, if anything.
    pub fn on_agent_reply(&mut self, agent: &AgentId, now: UnixMillis) -> Option<Measurement> {
        let cycle = self.number;
        if self.first_response.is_none() {
            let span = Span { agent: agent.clone(), from: self.started_at, to: now };
            self.first_response = Some(span.clone());
            return Some(Measurement::FirstResponse { cycle, span });
        }
        let from = self.awaiting_since.take()?;
        Some(Measurement::NextResponse { cycle, span: Span { agent: agent.clone(), from, to: now } })
    }

    pub fn resolve(&self, agent: Option<AgentId>, now: UnixMillis) -> Measurement {
        let resolution =
            Resolution { agent, started_at: self.started_at, assigned_at: self.assigned_at, resolved_at: now };
        Measurement::Resolution { cycle: self.number, resolution }
    }
}

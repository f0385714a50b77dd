//! First-response time (FRT): how long a shopper waited for a human.
//!
//! The clock starts when the conversation enters the human queue (the shopper's first
//! message) and stops at the first public message by a human agent. System lines such as
//! "Ana joined" never stop it. See docs/METRICS.md.

use crate::ids::AgentId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// A measured first response, credited to the agent who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstResponse {
    pub agent: AgentId,
    pub millis: u64,
}

/// The running or stopped first-response clock of one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstResponseClock {
    started_at: Option<UnixMillis>,
    response: Option<FirstResponse>,
}

impl FirstResponseClock {
    /// Starts the clock if it has not started yet; later shopper messages do not move it.
    pub fn start(&mut self, now: UnixMillis) {
        self.started_at.get_or_insert(now);
    }

    pub fn started_at(&self) -> Option<UnixMillis> {
        self.started_at
    }

    /// Stops the clock at a human agent's public message. Returns the measurement the first
    /// time only; a clock that never started (an agent writing first) measures nothing.
    pub fn on_agent_message(&mut self, agent: &AgentId, now: UnixMillis) -> Option<FirstResponse> {
        let started_at = self.started_at?;
        if self.response.is_some() {
            return None;
        }
        let response = FirstResponse { agent: agent.clone(), millis: now.millis_since(started_at) };
        self.response = Some(response.clone());
        Some(response)
    }

    pub fn response(&self) -> Option<&FirstResponse> {
        self.response.as_ref()
    }
}

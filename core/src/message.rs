//! One stored message of a conversation, as every party sees it.

use crate::ids::ClientMessageId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// Who wrote a message. `System` lines ("Ana joined") are written by Parley itself and are
/// never a response to the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Shopper,
    Agent,
    System,
}

impl Author {
    /// The name used on the wire and in the `data-author` test hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Shopper => "shopper",
            Author::Agent => "agent",
            Author::System => "system",
        }
    }
}

/// A message once it is stored: `seq` orders it within its conversation (1, 2, 3, …, no gaps)
/// and is what a reconnecting client resumes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub seq: u64,
    pub client_id: ClientMessageId,
    pub author: Author,
    /// The agent's display name for agent messages; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    pub text: String,
    pub at: UnixMillis,
    /// An agents-only note: never sent to the shopper, never a response.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

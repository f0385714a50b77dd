//! One stored message of a conversation, as every party sees it.

use crate::error::WireError;
use crate::ids::ClientMessageId;
use crate::json::Json;
use crate::time::UnixMillis;
use crate::wire::{wire_names, Fields, Object, Wire};
use crate::wire_serde::serde_via_wire;

/// Who wrote a message. `System` lines ("Ana joined") are written by Parley itself and are
/// never a response to the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Shopper,
    Agent,
    System,
}

wire_names!(Author, "author", { Shopper => "shopper", Agent => "agent", System => "system" });

/// A message once it is stored: `seq` orders it within its conversation (1, 2, 3, …, no gaps)
/// and is what a reconnecting client resumes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub seq: u64,
    pub client_id: ClientMessageId,
    pub author: Author,
    /// The agent's display name for agent messages; absent otherwise.
    pub sender: Option<String>,
    pub text: String,
    pub at: UnixMillis,
    /// An agents-only note: never sent to the shopper, never a response.
    pub internal: bool,
}

impl Wire for Message {
    fn to_json(&self) -> Json {
        let Self { seq, client_id, author, sender, text, at, internal } = self;
        Object::new()
            .field("seq", seq)
            .field("client_id", client_id)
            .field("author", author)
            .field("sender", sender)
            .field("text", text)
            .field("at", at)
            .flag("internal", *internal)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(Message {
            seq: fields.required("seq")?,
            client_id: fields.required("client_id")?,
            author: fields.required("author")?,
            sender: fields.required("sender")?,
            text: fields.required("text")?,
            at: fields.required("at")?,
            internal: fields.or_default("internal")?,
        })
    }
}

serde_via_wire!(Author, Message);

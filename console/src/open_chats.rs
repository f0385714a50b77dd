//! The conversations this agent has opened, and which one is shown. Every opened chat stays
//! connected (and keeps its draft) while another is shown, so switching loses nothing.

use leptos::prelude::*;
use parley_client::LiveConversation;
use parley_core::ids::ConversationId;
use parley_core::message::Author;
use parley_core::transcript::Transcript;
use std::collections::HashMap;

/// One opened conversation; copies share it.
#[derive(Clone, Copy)]
pub struct OpenChat {
    pub live: LiveConversation,
    /// What the agent is typing in it.
    pub draft: RwSignal<String>,
    /// Whether what the agent sends next is an internal note, which only agents see.
    pub writing_note: RwSignal<bool>,
    /// The last `seq` the agent has had on screen.
    seen: RwSignal<u64>,
}

impl OpenChat {
    /// Records that everything received so far is on screen, and tells the shopper's side so
    /// (tracks the transcript, and the link so that a read mark that could not go out while
    /// offline goes out on reconnect).
    pub fn mark_seen(&self) {
        self.seen.set(self.live.with_transcript(Transcript::last_seq));
        self.live.link();
        self.live.mark_read();
    }

    /// Shopper messages that arrived since the agent last had this chat on screen (tracked).
    fn unread(&self) -> usize {
        let seen = self.seen.get();
        self.live.with_transcript(|transcript| {
            transcript
                .messages()
                .iter()
                .filter(|message| message.seq > seen && message.author == Author::Shopper)
                .count()
        })
    }
}

/// All opened conversations; copies share them.
#[derive(Clone, Copy)]
pub struct OpenChats {
    chats: RwSignal<HashMap<ConversationId, OpenChat>>,
    shown: RwSignal<Option<ConversationId>>,
    /// The workspace's owner: chats are opened from list rows and socket frames, but must live
    /// as long as the workspace, not as long as the row that opened them.
    owner: StoredValue<Owner>,
}

impl OpenChats {
    pub fn new() -> OpenChats {
        OpenChats {
            chats: RwSignal::new(HashMap::new()),
            shown: RwSignal::new(None),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Shows a conversation, connecting to it first if it is not open yet.
    pub fn show(&self, conversation_id: ConversationId) {
        self.open(&conversation_id);
        self.shown.set(Some(conversation_id));
    }

    /// Connects to a conversation without showing it, if it is not open yet: the agent's own
    /// chats stay connected, so their new messages are heard (counted unread, alerted).
    pub fn open(&self, conversation_id: &ConversationId) {
        if !self.chats.with_untracked(|chats| chats.contains_key(conversation_id)) {
            let chat = self.owner.get_value().with(|| OpenChat {
                live: LiveConversation::open(conversation_id, None),
                draft: RwSignal::new(String::new()),
                writing_note: RwSignal::new(false),
                seen: RwSignal::new(0),
            });
            self.chats.update(|chats| {
                chats.insert(conversation_id.clone(), chat);
            });
        }
    }

    /// The conversation shown (tracked).
    pub fn shown(&self) -> Option<ConversationId> {
        self.shown.get()
    }

    /// Whether this conversation is the one shown (tracked).
    pub fn is_shown(&self, conversation_id: &ConversationId) -> bool {
        self.shown.with(|shown| shown.as_ref() == Some(conversation_id))
    }

    /// An opened conversation (untracked: an opened chat never changes).
    pub fn get(&self, conversation_id: &ConversationId) -> Option<OpenChat> {
        self.chats.with_untracked(|chats| chats.get(conversation_id).copied())
    }

    /// Unread shopper messages in a conversation; none if it was never opened (tracked).
    pub fn unread(&self, conversation_id: &ConversationId) -> usize {
        self.chats.with(|chats| chats.get(conversation_id).copied()).map_or(0, |chat| chat.unread())
    }
}

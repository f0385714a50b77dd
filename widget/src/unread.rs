//! What the shop's page hears about the conversation, so it can show it while the panel is
//! closed: each new message from an agent (`Parley.on('message')`) and how many the shopper
//! has not read (the launcher's badge and `Parley.on('unread')`).
//!
//! Unread are the agents' public messages past the shopper's read mark, which the widget moves
//! only while the panel is open. Messages already there when the conversation first loads are
//! history, not news: they count as unread if they are, but are not announced again.

use crate::chat::Chat;
use crate::chime::Chime;
use crate::embedder::Embedder;
use crate::live::effect;
use leptos::prelude::*;
use parley_core::ids::ConversationId;
use parley_core::message::{Author, Message};
use parley_core::transcript::Transcript;
use std::cell::RefCell;

/// What the page has been told: the unread count, and the conversation and last `seq`
/// announced (or loaded as history).
#[derive(Default)]
struct Told {
    unread: Option<usize>,
    announced: Option<(ConversationId, u64)>,
}

/// Keeps the page told for as long as the app runs. One effect, with what it told kept inside
/// it rather than in a memo or a `StoredValue`: each memo or stored-value type costs the widget
/// its own copy of the arena's code.
pub fn tell_the_page(chat: Chat, embedder: Embedder, chime: Chime) {
    let told = RefCell::new(Told::default());
    effect(move || {
        let mut told = told.borrow_mut();
        let live = chat.live.get();
        // The count only when it changes.
        let unread = live.map_or(0, |live| live.with_transcript(unread_count));
        if told.unread != Some(unread) {
            told.unread = Some(unread);
            embedder.tell_unread(unread);
        }
        let Some(live) = live else { return };
        live.with_transcript(|transcript| {
            let Some(conversation) = transcript.conversation() else { return };
            let since = match &told.announced {
                Some((id, seq)) if id == &conversation.id => Some(*seq),
                _ => None,
            };
            if let Some(since) = since {
                let mut news = false;
                for message in transcript.messages().iter().filter(|m| m.seq > since && from_an_agent(m)) {
                    embedder.tell_message(&message.text);
                    news = true;
                }
                // One chime for what arrived at once; none while the shopper is looking.
                if news && (!embedder.is_open_untracked() || document().hidden()) {
                    chime.ring();
                }
            }
            told.announced = Some((conversation.id.clone(), transcript.last_seq()));
        });
    });
}

fn unread_count(transcript: &Transcript) -> usize {
    let read = transcript.conversation().map_or(0, |conversation| conversation.shopper_read);
    transcript.messages().iter().filter(|message| message.seq > read && from_an_agent(message)).count()
}

/// A public message by an agent (notes never reach the shopper anyway).
fn from_an_agent(message: &Message) -> bool {
    message.author == Author::Agent && !message.internal
}

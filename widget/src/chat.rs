//! The shopper's chat with one shop: the draft being typed, the shop's pre-chat fields and the
//! conversation it goes to.
//!
//! A conversation is created only when the shopper first sends something (most visitors never
//! do), with what they filled in the pre-chat fields, and its ticket is remembered so a reload
//! or the next page picks the same conversation up again. A remembered ticket the edge no
//! longer honours is forgotten, so the next message starts a new conversation.

use crate::live::effect;
use crate::pre_chat::PreChat;
use crate::text::{lang, refusal, t, t_with};
use crate::ticket_store;
use leptos::prelude::*;
use parley_client::{post, LiveConversation};
use parley_core::error::{PreChatError, TextError};
use parley_core::ids::ShopId;
use parley_core::locale::Locale;
use parley_core::protocol::{ApiError, ConversationTicket, ConversationView, ErrorCode, NewConversation, PageContext};
use parley_core::validation::message_text;
use parley_core::widget_text::Text;

/// The chat's state; copies share it.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The shop, for the page's life (the chat is made once): a plain reference, as every
    /// `StoredValue` type costs the widget its own copy of the arena's code.
    shop: &'static ShopId,
    pub draft: RwSignal<String>,
    /// The conversation, once there is one.
    pub live: RwSignal<Option<LiveConversation>>,
    /// The first message while its conversation is being created, else empty (a message is
    /// never empty). A `String` like the draft's rather than an `Option<String>`: each signal
    /// type costs the widget its own copy of the signal code.
    pub starting: RwSignal<String>,
    /// What went wrong outside any conversation (creating one, or losing it).
    pub error: RwSignal<Option<ApiError>>,
    /// What the shop asks before the first message.
    pub pre_chat: PreChat,
}

impl Chat {
    /// Resumes the shop's remembered conversation, if any.
    pub fn resume(shop: ShopId, pre_chat: PreChat) -> Chat {
        let live =
            ticket_store::load(&shop).map(|ticket| LiveConversation::open(&ticket.conversation_id, Some(ticket.token)));
        let chat = Chat {
            shop: Box::leak(Box::new(shop)),
            draft: RwSignal::new(String::new()),
            live: RwSignal::new(live),
            starting: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            pre_chat,
        };
        effect(move || chat.forget_if_refused());
        chat
    }

    /// Sends the draft, creating the conversation first if there is none yet (on `page`, and
    /// bound to the shop's user if it gave a signed `identity` token).
    pub fn send_draft(&self, page: PageContext, identity: Option<String>) {
        if untrack(|| self.is_starting()) {
            return;
        }
        let text = match message_text(&self.draft.get_untracked()) {
            Ok(text) => text,
            // Sending nothing does nothing.
            Err(TextError::Empty) => return,
            Err(refused) => return self.error.set(Some(refused.into())),
        };
        let live = self.live.get_untracked();
        // The pre-chat fields go with a new conversation only.
        let shopper = match live.is_none().then(|| self.pre_chat.details()).transpose() {
            Ok(shopper) => shopper.flatten(),
            Err(refused) => return self.error.set(Some(refusal(pre_chat_refusal(&refused)))),
        };
        self.error.set(None);
        self.draft.set(String::new());
        match live {
            Some(live) => live.send(text, false),
            None => {
                let locale = Some(Locale::negotiate(&lang()));
                let device = ticket_store::device();
                self.start(text, NewConversation { page, identity, shopper, locale, device })
            }
        }
    }

    fn start(self, text: String, new_conversation: NewConversation) {
        self.starting.set(text.clone());
        let path = format!("/api/shops/{}/conversations", self.shop);
        // The conversation's signals belong to the app, like the chat's.
        let owner = Owner::current();
        post(&path, &new_conversation, move |created: Result<ConversationTicket, ApiError>| {
            let created = || match created {
                Ok(ticket) => {
                    ticket_store::save(self.shop, &ticket);
                    let live = LiveConversation::open(&ticket.conversation_id, Some(ticket.token));
                    live.send(text, false);
                    self.live.set(Some(live));
                }
                Err(error) => {
                    // Give the text back rather than lose it; the shopper can simply send again.
                    self.draft.update(|draft| {
                        if draft.trim().is_empty() {
                            *draft = text;
                        }
                    });
                    self.error.set(Some(error));
                }
            };
            match owner {
                Some(owner) => owner.with(created),
                None => created(),
            }
            self.starting.set(String::new());
        });
    }

    /// The conversation's view, once there is one (tracked). One copy of this read for the
    /// views that follow the conversation's state.
    pub fn conversation(&self) -> Option<ConversationView> {
        self.live.get()?.with_transcript(|transcript| transcript.conversation().cloned())
    }

    /// Whether the first message's conversation is being created (tracked).
    pub fn is_starting(&self) -> bool {
        self.starting.with(|text| !text.is_empty())
    }

    /// Drops a conversation the edge refuses to serve us (unknown, or the token no longer valid).
    fn forget_if_refused(&self) {
        let Some(live) = self.live.get() else { return };
        let refused =
            live.error().is_some_and(|error| matches!(error.code, ErrorCode::Unauthorized | ErrorCode::NotFound));
        if refused {
            live.close();
            ticket_store::forget(self.shop);
            self.live.set(None);
            // Said in the shopper's words by its code (see `text::error_text`).
            self.error.set(Some(ApiError::new(ErrorCode::NotFound, "conversation gone")));
        }
    }
}

/// Why the pre-chat fields were refused, in the shopper's words.
fn pre_chat_refusal(refused: &PreChatError) -> String {
    match refused {
        PreChatError::Missing { field: "email" } => t(Text::EmailRequired).to_owned(),
        PreChatError::Missing { .. } => t(Text::NameRequired).to_owned(),
        PreChatError::Email => t(Text::NotAnEmail).to_owned(),
        PreChatError::NameTooLong { limit, .. } => t_with(Text::NameTooLong, &[&limit.to_string()]),
    }
}

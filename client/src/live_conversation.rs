//! One conversation kept live in the browser: a `LiveSocket` on the conversation's socket
//! feeding a `Transcript`, which makes reconnects resume where they stopped and resend our
//! unacknowledged messages (the edge stores each `client_id` once).

use crate::client_id::new_client_id;
use crate::live_socket::{Link, LiveSocket};
use leptos::prelude::*;
use parley_core::error::ConversationError;
use parley_core::ids::ConversationId;
use parley_core::protocol::{ApiError, ServerFrame};
use parley_core::transcript::Transcript;
use parley_core::validation::message_text;
use std::iter;

/// A handle to one live conversation; copies share it.
#[derive(Clone, Copy)]
pub struct LiveConversation {
    transcript: RwSignal<Transcript>,
    error: RwSignal<Option<ApiError>>,
    socket: LiveSocket,
}

impl LiveConversation {
    /// Connects to the conversation. Shoppers pass their conversation token; agents pass
    /// `None` (their session cookie authenticates them).
    pub fn open(conversation_id: &ConversationId, token: Option<String>) -> LiveConversation {
        let transcript = RwSignal::new(Transcript::default());
        let error = RwSignal::new(None);
        let socket = LiveSocket::open(
            &format!("/api/conversations/{conversation_id}/ws"),
            move || {
                transcript.with_untracked(|transcript| {
                    iter::once(transcript.hello(token.clone())).chain(transcript.unacknowledged()).collect()
                })
            },
            move |frame: ServerFrame| {
                if let Some(refusal) = transcript.try_update(|transcript| transcript.apply(frame)).flatten() {
                    error.set(Some(refusal));
                }
            },
        );
        LiveConversation { transcript, error, socket }
    }

    pub fn transcript(&self) -> Signal<Transcript> {
        self.transcript.into()
    }

    pub fn link(&self) -> Signal<Link> {
        self.socket.link()
    }

    /// The latest error not about one particular message (those sit in `Transcript::pending`).
    pub fn error(&self) -> Signal<Option<ApiError>> {
        self.error.into()
    }

    /// Sends a message: shown as pending at once, sent now if online, else on reconnect.
    /// Text the edge would refuse is refused here instead, through `error`.
    pub fn send(&self, text: String) {
        let text = match message_text(&text) {
            Ok(text) => text,
            Err(refused) => return self.error.set(Some(ConversationError::Text(refused).into())),
        };
        self.error.set(None);
        if let Some(frame) = self.transcript.try_update(|transcript| transcript.compose(new_client_id(), text)) {
            self.socket.send(&frame);
        }
    }

    /// Disconnects for good.
    pub fn close(&self) {
        self.socket.close();
    }
}

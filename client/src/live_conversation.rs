//! One conversation kept live in the browser: a `LiveSocket` on the conversation's socket
//! feeding a `Transcript`, which makes reconnects resume where they stopped and resend our
//! unacknowledged messages (the edge stores each `client_id` once).

use crate::client_id::new_client_id;
use crate::live_socket::{Link, LiveSocket};
use leptos::prelude::*;
use parley_core::error::ConversationError;
use parley_core::ids::ConversationId;
use parley_core::protocol::{ApiError, ClientFrame, PageContext, ServerFrame};
use parley_core::transcript::Transcript;
use parley_core::validation::message_text;
use std::iter;

/// A handle to one live conversation; copies share it.
#[derive(Clone, Copy)]
pub struct LiveConversation {
    transcript: RwSignal<Transcript>,
    error: RwSignal<Option<ApiError>>,
    socket: LiveSocket,
    /// What we last told the other side about our typing and reading, so each is said once.
    said_typing: StoredValue<bool>,
    said_read: StoredValue<u64>,
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
        LiveConversation {
            transcript,
            error,
            socket,
            said_typing: StoredValue::new(false),
            said_read: StoredValue::new(0),
        }
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

    /// Sends a message (agents may send an `internal` note): shown as pending at once, sent
    /// now if online, else on reconnect. Text the edge would refuse is refused here instead,
    /// through `error`.
    pub fn send(&self, text: String, internal: bool) {
        let text = match message_text(&text) {
            Ok(text) => text,
            Err(refused) => return self.error.set(Some(ConversationError::Text(refused).into())),
        };
        self.error.set(None);
        if let Some(frame) =
            self.transcript.try_update(|transcript| transcript.compose(new_client_id(), text, internal))
        {
            self.set_typing(false);
            self.socket.send(&frame);
        }
    }

    /// Tells the other side whether we are typing; only changes are sent.
    pub fn set_typing(&self, typing: bool) {
        if self.said_typing.get_value() != typing {
            self.said_typing.set_value(typing);
            self.socket.send(&ClientFrame::Typing { typing });
        }
    }

    /// Tells the other side we have read everything received so far.
    pub fn mark_read(&self) {
        let last = self.transcript.with_untracked(Transcript::last_seq);
        if last > self.said_read.get_value() && self.socket.link().get_untracked() == Link::Online {
            self.said_read.set_value(last);
            self.socket.send(&ClientFrame::Read { seq: last });
        }
    }

    /// Leaves an e-mail address to be answered at (shoppers only). A malformed address is
    /// refused here, through `error`, as the edge would.
    pub fn leave_email(&self, email: &str) {
        match parley_core::validation::email_address(email) {
            Ok(email) => {
                self.error.set(None);
                self.socket.send(&ClientFrame::LeaveEmail { email });
            }
            Err(refused) => self.error.set(Some(ConversationError::from(refused).into())),
        }
    }

    /// Tells the agent the shopper's page changed (shoppers only).
    pub fn set_page(&self, page: PageContext) {
        self.socket.send(&ClientFrame::Context { page });
    }

    /// Closes the conversation (agents only; the edge refuses anyone else).
    pub fn resolve(&self) {
        self.socket.send(&ClientFrame::Resolve);
    }

    /// Disconnects for good.
    pub fn close(&self) {
        self.socket.close();
    }
}

//! One conversation kept live in the browser: a `LiveSocket` on the conversation's socket
//! feeding a `Transcript`, which makes reconnects resume where they stopped and resend our
//! unacknowledged messages (the edge stores each `client_id` once), and asks for the earlier
//! pages of a long conversation's history until it holds them all.

use crate::client_id::new_client_id;
use crate::live_socket::{Link, LiveSocket};
use leptos::logging::warn;
use leptos::prelude::*;
use parley_core::error::EmailError;
use parley_core::ids::ConversationId;
use parley_core::protocol::{ApiError, ClientFrame, PageContext, ServerFrame};
use parley_core::transcript::Transcript;
use parley_core::validation::message_text;
use parley_core::wire::Wire;
use std::cell::Cell;

/// A handle to one live conversation; copies share it.
#[derive(Clone, Copy)]
pub struct LiveConversation {
    transcript: RwSignal<Transcript>,
    error: RwSignal<Option<ApiError>>,
    /// With what we last told the other side about our typing and reading, so each is said
    /// once.
    socket: LiveSocket<Said>,
}

/// Our typing state and read mark as last sent.
#[derive(Default)]
struct Said {
    typing: Cell<bool>,
    read: Cell<u64>,
}

impl LiveConversation {
    /// Connects to the conversation. Shoppers pass their conversation token; agents pass
    /// `None` (their session cookie authenticates them).
    pub fn open(conversation_id: &ConversationId, token: Option<String>) -> LiveConversation {
        let transcript = RwSignal::new(Transcript::default());
        let error = RwSignal::new(None);
        let socket = LiveSocket::open(
            &format!("/api/conversations/{conversation_id}/ws"),
            Said::default(),
            move || {
                transcript.with_untracked(|transcript| {
                    let mut frames = vec![transcript.hello(token.clone()).encode()];
                    frames.extend(transcript.unacknowledged().iter().map(Wire::encode));
                    frames
                })
            },
            move |text| match ServerFrame::decode(&text) {
                Ok(frame) => {
                    let applied =
                        transcript.try_update(|transcript| (transcript.apply(frame), transcript.take_request()));
                    let (refusal, request) = applied.unwrap_or_default();
                    if let Some(refusal) = refusal {
                        error.set(Some(refusal));
                    }
                    // The next page of earlier messages, while some are missing.
                    request.as_ref().map(Wire::encode)
                }
                Err(problem) => {
                    warn!("ignoring a frame that does not parse ({problem}): {text}");
                    None
                }
            },
        );
        LiveConversation { transcript, error, socket }
    }

    /// Reads the transcript (tracked). Reads go through the handle rather than a `ReadSignal`:
    /// each `read_only` call puts a new signal in the arena, and every `ReadSignal` type costs
    /// the widget its own copy of the signal code.
    pub fn with_transcript<R>(&self, read: impl FnOnce(&Transcript) -> R) -> R {
        self.transcript.with(read)
    }

    /// Whether the conversation's socket is connected (tracked).
    pub fn link(&self) -> Link {
        self.socket.link()
    }

    /// The latest error not about one particular message (those sit in `Transcript::pending`;
    /// tracked).
    pub fn error(&self) -> Option<ApiError> {
        self.error.get()
    }

    /// Sends a message (agents may send an `internal` note): shown as pending at once, sent
    /// now if online, else on reconnect. Text the edge would refuse is refused here instead,
    /// through `error`.
    pub fn send(&self, text: String, internal: bool) {
        let text = match message_text(&text) {
            Ok(text) => text,
            Err(refused) => return self.error.set(Some(refused.into())),
        };
        self.error.set(None);
        if let Some(frame) =
            self.transcript.try_update(|transcript| transcript.compose(new_client_id(), text, internal))
        {
            self.set_typing(false);
            self.socket.send(&frame.encode());
        }
    }

    /// Tells the other side whether we are typing; only changes are sent.
    pub fn set_typing(&self, typing: bool) {
        if self.socket.with_state(|said| said.typing.replace(typing) != typing) == Some(true) {
            self.socket.send(&ClientFrame::Typing { typing }.encode());
        }
    }

    /// Tells the other side we have read everything received so far.
    pub fn mark_read(&self) {
        let last = self.transcript.with_untracked(Transcript::last_seq);
        if untrack(|| self.socket.link()) != Link::Online {
            return;
        }
        // The mark only moves forward; it is unsaid if it was behind.
        let unsaid = self.socket.with_state(|said| said.read.replace(last.max(said.read.get())) < last);
        if unsaid == Some(true) {
            self.socket.send(&ClientFrame::Read { seq: last }.encode());
        }
    }

    /// Leaves an e-mail address to be answered at (shoppers only). A malformed address is
    /// refused here, as the edge would, for the caller to say why in its own words.
    pub fn leave_email(&self, email: &str) -> Result<(), EmailError> {
        let email = parley_core::validation::email_address(email)?;
        self.socket.send(&ClientFrame::LeaveEmail { email }.encode());
        Ok(())
    }

    /// Rates the resolved conversation from 1 to 5, with an optional comment (shoppers only; the
    /// edge checks the rating and answers a refusal through `error`).
    pub fn rate(&self, score: u8, comment: Option<String>) {
        self.error.set(None);
        self.socket.send(&ClientFrame::Rate { score, comment }.encode());
    }

    /// Tells the agent the shopper's page changed (shoppers only).
    pub fn set_page(&self, page: PageContext) {
        self.socket.send(&ClientFrame::Context { page }.encode());
    }

    /// Closes the conversation (agents only; the edge refuses anyone else).
    pub fn resolve(&self) {
        self.socket.send(&ClientFrame::Resolve.encode());
    }

    /// Disconnects for good.
    pub fn close(&self) {
        self.socket.close();
    }
}

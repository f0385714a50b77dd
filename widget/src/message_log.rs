//! The conversation as the shopper reads it: a greeting, the stored messages, and our own
//! messages still on their way (or refused). Stored messages carry the test hooks
//! `data-testid="message"` and `data-author`; messages on their way are `data-testid="pending"`.

use crate::chat::Chat;
use crate::embedder::Embedder;
use leptos::html::Div;
use leptos::prelude::*;
use parley_core::message::Message;
use parley_core::protocol::ApiError;
use parley_core::transcript::Transcript;

const GREETING: &str = "Hi! Ask us anything — we usually answer in a few minutes.";

#[component]
pub fn MessageLog(chat: Chat, embedder: Embedder) -> impl IntoView {
    let log = NodeRef::<Div>::new();
    let messages = move || read_transcript(chat, |transcript| transcript.messages().to_vec());
    let pending = move || read_transcript(chat, |transcript| transcript.pending().to_vec());
    // Keep the newest line in view whenever something is added.
    Effect::new(move || {
        read_transcript(chat, |_| ());
        chat.starting.track();
        // After this change has reached the DOM.
        request_animation_frame(move || {
            if let Some(log) = log.get_untracked() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    });
    // What arrives while the shopper has the chat in front of them (the panel is open and has
    // focus: the loader focuses the frame when it opens it) is read; so is what waited while
    // they were away. A panel loaded early and kept hidden reads nothing. Reading whether it is
    // open tracks it: the loader says so just after focusing the frame.
    let mark_read = move || {
        if embedder.is_open() && document().has_focus().unwrap_or(false) {
            if let Some(live) = chat.live.get_untracked() {
                live.mark_read();
            }
        }
    };
    Effect::new(move || {
        read_transcript(chat, |_| ());
        mark_read();
    });
    // Lives as long as the page: the handle is never removed.
    let _ = window_event_listener(leptos::ev::focus, move |_| mark_read());
    view! {
        <div class="parley-log" role="log" aria-live="polite" node_ref=log>
            <p class="parley-line">{GREETING}</p>
            <For each=messages key=|message| message.seq children=|message| view! { <StoredMessage message /> } />
            <For
                each=pending
                // A refusal arrives after the message is shown: it must redraw the item.
                key=|pending| (pending.client_id.clone(), pending.refused.is_some())
                children=|pending| view! { <OnItsWay text=pending.text refused=pending.refused /> }
            />
            {move || chat.starting.get().map(|text| view! { <OnItsWay text refused=None /> })}
        </div>
    }
}

/// Reads (and tracks) the conversation's transcript; nothing before there is a conversation.
fn read_transcript<T: Default>(chat: Chat, read: impl FnOnce(&Transcript) -> T) -> T {
    chat.live.get().map(|live| live.transcript().with(read)).unwrap_or_default()
}

#[component]
fn StoredMessage(message: Message) -> impl IntoView {
    let author = message.author.as_str();
    view! {
        <div class=format!("parley-message parley-{author}") data-testid="message" data-author=author>
            {message.sender.map(|sender| view! { <p class="parley-sender">{sender}</p> })}
            <p class="parley-text">{message.text}</p>
        </div>
    }
}

/// One of our messages not stored yet: "sending…", or why it was refused.
#[component]
fn OnItsWay(text: String, refused: Option<ApiError>) -> impl IntoView {
    let (class, state) = match refused {
        None => ("parley-message parley-shopper parley-pending", "sending…".to_owned()),
        Some(error) => ("parley-message parley-shopper parley-refused", format!("Not sent: {}", error.message)),
    };
    view! {
        <div class=class data-testid="pending">
            <p class="parley-text">{text}</p>
            <p class="parley-state">{state}</p>
        </div>
    }
}

//! A conversation's messages as the agent reads them: stored ones (`data-testid="message"`
//! with `data-author`, and `data-internal="true"` on agents-only notes), then the agent's own
//! still on their way (`data-testid="pending"`) or refused, with why. "Seen"
//! (`data-testid="seen"`) sits under the latest agent reply the shopper has read.

use crate::format;
use leptos::html::Div;
use leptos::prelude::*;
use parley_client::LiveConversation;
use parley_core::message::{Author, Message};
use parley_core::transcript::{Pending, Transcript};

#[component]
pub fn MessageLog(live: LiveConversation) -> impl IntoView {
    let log = NodeRef::<Div>::new();
    // Keep the newest line in view whenever something is added.
    Effect::new(move || {
        live.with_transcript(|_| ());
        // After this change has reached the DOM.
        request_animation_frame(move || {
            if let Some(log) = log.get_untracked() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    });
    let last_seen = Memo::new(move |_| live.with_transcript(last_reply_seen_by_shopper));
    view! {
        <div class="log" role="log" aria-live="polite" aria-label="Messages" node_ref=log>
            <For
                each=move || live.with_transcript(|transcript| transcript.messages().to_vec())
                key=|message| message.seq
                children=move |message| view! { <Stored message last_seen /> }
            />
            <For
                each=move || live.with_transcript(|transcript| transcript.pending().to_vec())
                // A refusal arrives after the message is shown: it must redraw the item.
                key=|pending| (pending.client_id.clone(), pending.refused.is_some())
                children=|pending| view! { <OnItsWay pending /> }
            />
        </div>
    }
}

/// The `seq` of the newest agent reply the shopper has read. Only that one says "Seen": the
/// shopper reads in order, so it covers every reply before it. Notes are never shown to them.
fn last_reply_seen_by_shopper(transcript: &Transcript) -> Option<u64> {
    let read = transcript.conversation()?.shopper_read;
    transcript
        .messages()
        .iter()
        .rev()
        .find(|message| message.author == Author::Agent && !message.internal && message.seq <= read)
        .map(|message| message.seq)
}

#[component]
fn Stored(message: Message, last_seen: Memo<Option<u64>>) -> impl IntoView {
    let author = message.author.as_str();
    let seq = message.seq;
    view! {
        <div
            class=bubble_class(author, message.internal)
            data-testid="message"
            data-author=author
            data-internal=message.internal.then_some("true")
        >
            <p class="byline">
                <NoteLabel internal=message.internal />
                {message.sender}
                <time class="at">{format::time_of_day(message.at)}</time>
            </p>
            <p class="text">{message.text}</p>
        </div>
        {move || (last_seen.get() == Some(seq)).then(|| view! { <p class="seen" data-testid="seen">"Seen"</p> })}
    }
}

/// One of the agent's messages not stored yet: "sending…", or why it was refused.
#[component]
fn OnItsWay(pending: Pending) -> impl IntoView {
    let (state, class) = match pending.refused {
        None => ("sending…".to_owned(), "pending"),
        Some(error) => (format!("Not sent: {}", error.message), "refused"),
    };
    view! {
        <div class=format!("{} {class}", bubble_class("agent", pending.internal)) data-testid="pending">
            {pending.internal.then(|| view! { <p class="byline"><NoteLabel internal=true /></p> })}
            <p class="text">{pending.text}</p>
            <p class="state">{state}</p>
        </div>
    }
}

/// Marks an agents-only note, so nobody mistakes it for something the shopper read.
#[component]
fn NoteLabel(internal: bool) -> impl IntoView {
    internal.then(|| view! { <span class="note-label">"Note"</span> })
}

fn bubble_class(author: &str, internal: bool) -> String {
    if internal {
        format!("message {author} note")
    } else {
        format!("message {author}")
    }
}

//! A conversation's messages as the agent reads them: stored ones (`data-testid="message"`
//! with `data-author`), then the agent's own still on their way (`data-testid="pending"`) or
//! refused, with why.

use crate::format;
use leptos::html::Div;
use leptos::prelude::*;
use parley_core::message::Message;
use parley_core::transcript::{Pending, Transcript};

#[component]
pub fn MessageLog(transcript: Signal<Transcript>) -> impl IntoView {
    let log = NodeRef::<Div>::new();
    // Keep the newest line in view whenever something is added.
    Effect::new(move || {
        transcript.track();
        // After this change has reached the DOM.
        request_animation_frame(move || {
            if let Some(log) = log.get_untracked() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    });
    view! {
        <div class="log" role="log" aria-live="polite" aria-label="Messages" node_ref=log>
            <For
                each=move || transcript.with(|transcript| transcript.messages().to_vec())
                key=|message| message.seq
                children=|message| view! { <Stored message /> }
            />
            <For
                each=move || transcript.with(|transcript| transcript.pending().to_vec())
                // A refusal arrives after the message is shown: it must redraw the item.
                key=|pending| (pending.client_id.clone(), pending.refused.is_some())
                children=|pending| view! { <OnItsWay pending /> }
            />
        </div>
    }
}

#[component]
fn Stored(message: Message) -> impl IntoView {
    let author = message.author.as_str();
    view! {
        <div class=format!("message {author}") data-testid="message" data-author=author>
            <p class="byline">
                {message.sender} <time class="at">{format::time_of_day(message.at)}</time>
            </p>
            <p class="text">{message.text}</p>
        </div>
    }
}

/// One of the agent's messages not stored yet: "sending…", or why it was refused.
#[component]
fn OnItsWay(pending: Pending) -> impl IntoView {
    let (class, state) = match pending.refused {
        None => ("message agent pending", "sending…".to_owned()),
        Some(error) => ("message agent refused", format!("Not sent: {}", error.message)),
    };
    view! {
        <div class=class data-testid="pending">
            <p class="text">{pending.text}</p>
            <p class="state">{state}</p>
        </div>
    }
}

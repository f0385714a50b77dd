//! The chat panel: the shop's name and where the shopper stands in its queue, the
//! conversation, connection and error notices, and the composer.

use crate::chat::Chat;
use crate::composer::Composer;
use crate::contact_form::ContactForm;
use crate::embedder::Embedder;
use crate::message_log::MessageLog;
use crate::shop::Shop;
use crate::{page_sync, unread};
use leptos::prelude::*;
use parley_client::Link;
use parley_core::protocol::{QueuePlace, Status};
use parley_core::wait_estimate::{display_minutes, Estimate};

#[component]
pub fn App() -> impl IntoView {
    let Some(shop) = Shop::from_page() else {
        return view! { <p class="parley-unavailable" role="alert">"This chat is not available."</p> }.into_any();
    };
    let embedder = Embedder::listen(shop.allowed_origins);
    let chat = Chat::resume(shop.id);
    page_sync::follow_the_page(chat, embedder);
    unread::tell_the_page(chat, embedder);
    // Escape closes the panel (the loader gives the keyboard back to the launcher). Lives as
    // long as the page: the handle is never removed.
    let _ = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" {
            embedder.close_panel();
        }
    });
    view! {
        <main class="parley">
            <header class="parley-header">
                <div class="parley-heading">
                    <h1 class="parley-title">{shop.name}</h1>
                    <p class="parley-status" role="status">{move || queue_status(chat)}</p>
                </div>
                <button type="button" class="parley-close" aria-label="Close chat" on:click=move |_| embedder.close_panel()>
                    "×"
                </button>
            </header>
            <MessageLog chat embedder />
            <ContactForm chat />
            <Notices chat />
            <Composer chat embedder />
        </main>
    }
    .into_any()
}

/// Where the conversation stands, once the shopper has written.
fn queue_status(chat: Chat) -> Option<String> {
    chat.live.get()?.transcript().with(|transcript| {
        let conversation = transcript.conversation()?;
        match conversation.status {
            Status::New => None,
            Status::Waiting => Some(waiting_status(conversation.place)),
            Status::Assigned => {
                Some(format!("{} is here to help", conversation.assignee_name.as_deref().unwrap_or("An agent")))
            }
            Status::Resolved => Some("This conversation is closed. Write to us again any time.".to_owned()),
        }
    })
}

/// The shopper's place in line and the honest expected wait.
fn waiting_status(place: Option<QueuePlace>) -> String {
    let Some(place) = place else { return "Waiting for an agent…".to_owned() };
    match (place.estimate, place.overdue, place.closed) {
        (_, _, true) => "We're closed right now. Leave your e-mail and we'll answer when we're back.".to_owned(),
        (Estimate::NoAgents, _, _) => "No one is available right now. Leave your e-mail and we'll answer.".to_owned(),
        (_, true, _) => format!("You're #{} in line. Sorry, this is taking longer than we said.", place.position),
        (Estimate::Wait { millis }, false, false) => {
            format!("You're #{} in line · about {} min", place.position, display_minutes(millis))
        }
    }
}

/// A lost connection and the latest error, if any.
#[component]
fn Notices(chat: Chat) -> impl IntoView {
    let offline = move || chat.live.get().is_some_and(|live| live.link().get() != Link::Online);
    let error = move || chat.error.get().or_else(|| chat.live.get().and_then(|live| live.error().get()));
    view! {
        <Show when=offline>
            <p class="parley-notice">"Reconnecting…"</p>
        </Show>
        {move || error().map(|error| view! { <p class="parley-error" role="alert">{error.message}</p> })}
    }
}

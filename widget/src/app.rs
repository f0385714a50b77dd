//! The chat panel: the shop's name and where the shopper stands in its queue, the
//! conversation, connection and error notices, and the composer.
//!
//! Views here are built once and shown, hidden or re-labelled through attributes and text,
//! never swapped: each view switch costs the widget kilobytes of generated code, and the
//! first open has a 90 KB budget.

use crate::attention;
use crate::chat::Chat;
use crate::chime::Chime;
use crate::composer::Composer;
use crate::contact_form::ContactForm;
use crate::embedder::Embedder;
use crate::live::{live, on};
use crate::message_log::MessageLog;
use crate::pre_chat::{PreChat, PreChatForm};
use crate::rating_form::RatingForm;
use crate::shop::Shop;
use crate::shop_view::ShopView;
use crate::text::{self, error_text, t, t_with};
use crate::{page_sync, unread, window_events};
use leptos::prelude::*;
use parley_client::Link;
use parley_core::protocol::{QueuePlace, Status};
use parley_core::wait_estimate::{display_minutes, Estimate};
use parley_core::widget_text::Text;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

#[component]
pub fn App(shop: Shop) -> impl IntoView {
    let embedder = Embedder::listen(shop.allowed_origins);
    let shop_view = ShopView::follow(&shop.id, shop.view, embedder);
    let chat = Chat::resume(shop.id, PreChat::new(shop_view, embedder));
    attention::follow(chat, embedder);
    page_sync::follow_the_page(chat, embedder);
    let chime = Chime::new();
    unread::tell_the_page(chat, embedder, chime);
    text::follow_the_page(embedder);
    // Escape closes the panel (the loader gives the keyboard back to the launcher).
    window_events::listen(
        "keydown",
        Box::new(move |event| {
            if event.unchecked_into::<KeyboardEvent>().key() == "Escape" {
                embedder.close_panel();
            }
        }),
    );
    let offline = move || chat.live.get().is_some_and(|live| live.link() != Link::Online);
    let error = move || chat.error.get().or_else(|| chat.live.get().and_then(|live| live.error()));
    view! {
        <main class="parley">
            <header class="parley-header">
                <div class="parley-heading">
                    <h1 class="parley-title">{shop.name}</h1>
                    <p class="parley-status" role="status">{live(move || queue_status(chat))}</p>
                </div>
                <button
                    type="button"
                    class="parley-sound"
                    data-testid="sound"
                    aria-label=t(Text::Sound)
                    aria-pressed=live(move || chime.is_on().to_string())
                    data-chimes=live(move || chime.played().to_string())
                    on:click=on(move |_| chime.toggle())
                >
                    {live(move || Some(if chime.is_on() { "🔔" } else { "🔕" }.to_owned()))}
                </button>
                <button type="button" class="parley-close" aria-label=t(Text::CloseChat) on:click=on(move |_| embedder.close_panel())>
                    "×"
                </button>
            </header>
            <MessageLog chat shop_view />
            <ContactForm chat />
            <RatingForm chat />
            <PreChatForm chat />
            <p class="parley-notice" role="status" hidden=live(move || !offline())>{t(Text::Reconnecting)}</p>
            <p class="parley-error" role="alert" hidden=live(move || error().is_none())>
                {live(move || error().map(|error| error_text(&error)))}
            </p>
            <Composer chat embedder />
        </main>
    }
}

/// Where the conversation stands, once the shopper has written.
fn queue_status(chat: Chat) -> Option<String> {
    let conversation = chat.conversation()?;
    match conversation.status {
        Status::New => None,
        Status::Waiting => Some(waiting_status(conversation.place)),
        Status::Assigned => {
            Some(t_with(Text::AgentHere, &[conversation.assignee_name.as_deref().unwrap_or(t(Text::AnAgent))]))
        }
        Status::Resolved => Some(t(Text::Resolved).to_owned()),
    }
}

/// The shopper's place in line and the honest expected wait.
fn waiting_status(place: Option<QueuePlace>) -> String {
    let Some(place) = place else { return t(Text::WaitingForAgent).to_owned() };
    let position = place.position.to_string();
    match (place.estimate, place.overdue, place.closed) {
        (_, _, true) => t(Text::ShopClosed).to_owned(),
        (Estimate::NoAgents, _, _) => t(Text::NoAgents).to_owned(),
        (_, true, _) => t_with(Text::Overdue, &[&position]),
        (Estimate::Wait { millis }, false, false) => {
            t_with(Text::Wait, &[&position, &display_minutes(millis).to_string()])
        }
    }
}

/// Shown instead of the chat when the page names no valid shop.
#[component]
pub fn Unavailable() -> impl IntoView {
    view! { <p class="parley-unavailable" role="alert">{t(Text::Unavailable)}</p> }
}

//! What follows from the shopper looking at the chat. The chat is in front of the shopper when
//! the loader says its panel is open and the frame has the keyboard (the loader focuses the
//! frame as it opens the panel): what arrived is then read, and the composer takes the
//! keyboard so they can type at once. A panel loaded early and kept hidden reads nothing.

use crate::chat::Chat;
use crate::embedder::Embedder;
use crate::live::effect;
use crate::window_events;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Marks messages read and hands the keyboard to the composer whenever the chat has the
/// shopper's attention: on focus, once the chat is drawn, and as messages arrive while it has
/// it.
pub fn follow(chat: Chat, embedder: Embedder) {
    let attend = move || {
        if !embedder.is_open_untracked() || !document().has_focus().unwrap_or(false) {
            return;
        }
        if let Some(live) = chat.live.get_untracked() {
            live.mark_read();
        }
        let nothing_focused =
            document().active_element().is_none_or(|active| document().body().is_some_and(|body| *body == active));
        if nothing_focused {
            focus_composer();
        }
    };
    effect(move || {
        // Runs first once the chat is drawn (effects run after the synchronous mount), and again
        // when the panel opens and the transcript changes.
        embedder.is_open();
        if let Some(live) = chat.live.get() {
            live.with_transcript(|_| ());
        }
        attend();
    });
    window_events::listen("focus", Box::new(move |_| attend()));
}

/// Hands the keyboard to the composer: when the shopper looks at the chat with nothing
/// focused, and when a form they were in (the e-mail, the rating) is done, before it goes and
/// takes the keyboard with it to the page's body.
pub fn focus_composer() {
    // Found by its class rather than a `NodeRef`: a node ref costs the widget its own signal
    // code.
    if let Ok(Some(input)) = document().query_selector(".parley-input") {
        // Our own `<textarea>`, an HTML element. Focusing is a convenience: if the browser
        // refuses, a click still works.
        let _ = input.unchecked_into::<HtmlElement>().focus();
    }
}

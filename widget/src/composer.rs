//! Where the shopper writes: a text box (Enter sends, Shift+Enter breaks the line) and a send
//! button, with the test hooks `data-testid="composer"` and `data-testid="send"`.

use crate::chat::Chat;
use crate::embedder::Embedder;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

#[component]
pub fn Composer(chat: Chat, embedder: Embedder) -> impl IntoView {
    let send = move || chat.send_draft(embedder.page());
    let on_keydown = move |event: KeyboardEvent| {
        // Not while an input method is composing: its Enter confirms a word, not the message.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    view! {
        <form
            class="parley-composer"
            on:submit=move |event: SubmitEvent| {
                event.prevent_default();
                send();
            }
        >
            <textarea
                class="parley-input"
                data-testid="composer"
                aria-label="Message"
                rows="2"
                placeholder="Write a message…"
                prop:value=move || chat.draft.get()
                on:input=move |event| chat.draft.set(event_target_value(&event))
                on:keydown=on_keydown
            ></textarea>
            <button
                type="submit"
                class="parley-send"
                data-testid="send"
                aria-label="Send message"
                disabled=move || chat.starting.with(Option::is_some)
            >
                "Send"
            </button>
        </form>
    }
}

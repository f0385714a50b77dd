//! Where the shopper writes: a text box (Enter sends, Shift+Enter breaks the line) and a send
//! button, with the test hooks `data-testid="composer"` and `data-testid="send"`. When the
//! chat gets the keyboard (the loader focuses the frame as the panel opens), the text box has
//! it, so a keyboard user can type at once.

use crate::chat::Chat;
use crate::embedder::Embedder;
use leptos::ev::SubmitEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use parley_client::enter_sends;

#[component]
pub fn Composer(chat: Chat, embedder: Embedder) -> impl IntoView {
    let send = move || chat.send_draft(embedder.page(), embedder.identity());
    let on_keydown = enter_sends(send);
    let input = NodeRef::<Textarea>::new();
    let take_the_keyboard = move || {
        let nothing_focused =
            document().active_element().is_none_or(|active| document().body().is_some_and(|body| *body == active));
        if document().has_focus().unwrap_or(false) && nothing_focused {
            if let Some(input) = input.get_untracked() {
                // A convenience: if the browser refuses, a click still works.
                let _ = input.focus();
            }
        }
    };
    // On mount (the frame may have had focus since before the app loaded) and on every return.
    Effect::new(move || {
        if input.get().is_some() {
            take_the_keyboard();
        }
    });
    // Lives as long as the page: the handle is never removed.
    let _ = window_event_listener(leptos::ev::focus, move |_| take_the_keyboard());
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
                node_ref=input
                aria-label="Message"
                rows="2"
                placeholder="Write a message…"
                prop:value=move || chat.draft.get()
                on:input=move |event| {
                    let draft = event_target_value(&event);
                    // The agent sees the shopper typing while there is something in the box.
                    if let Some(live) = chat.live.get_untracked() {
                        live.set_typing(!draft.trim().is_empty());
                    }
                    chat.draft.set(draft);
                }
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

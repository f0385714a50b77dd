//! Where the agent writes in the shown chat: a text box (Enter sends, Shift+Enter breaks the
//! line) and a send button, with the test hooks `data-testid="composer"` and `"send"`.

use crate::open_chats::OpenChat;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::Textarea;
use leptos::prelude::*;

#[component]
pub fn Composer(chat: OpenChat) -> impl IntoView {
    let input = NodeRef::<Textarea>::new();
    // The agent switched to this chat to write in it.
    Effect::new(move || {
        if let Some(input) = input.get() {
            // Focus is a convenience; if the browser refuses it, typing still works after a click.
            let _ = input.focus();
        }
    });
    let send = move || {
        let text = chat.draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        chat.live.send(text, false);
        // A refused text (too long) stays in the box, with the refusal shown above it.
        if chat.live.error().with_untracked(Option::is_none) {
            chat.draft.set(String::new());
        }
    };
    let on_keydown = move |event: KeyboardEvent| {
        // Not while an input method is composing: its Enter confirms a word, not the message.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    view! {
        <form
            class="composer"
            on:submit=move |event: SubmitEvent| {
                event.prevent_default();
                send();
            }
        >
            <textarea
                class="field composer-input"
                data-testid="composer"
                aria-label="Reply"
                rows="3"
                placeholder="Write a reply… (Enter sends, Shift+Enter for a new line)"
                node_ref=input
                bind:value=chat.draft
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="button primary" data-testid="send">
                "Send"
            </button>
        </form>
    }
}

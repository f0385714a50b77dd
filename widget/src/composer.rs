//! Where the shopper writes: a text box (Enter sends, Shift+Enter breaks the line) and a send
//! button, with the test hooks `data-testid="composer"` and `data-testid="send"`. The text
//! box takes the keyboard when the chat gets it (see `attention`).

use crate::chat::Chat;
use crate::embedder::Embedder;
use leptos::ev::SubmitEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use parley_client::enter_sends;

const MESSAGE_LABEL: &str = "Message";
const PLACEHOLDER: &str = "Write a message…";
const SEND: &str = "Send";
const SEND_LABEL: &str = "Send message";

#[component]
pub fn Composer(chat: Chat, embedder: Embedder, input: NodeRef<Textarea>) -> impl IntoView {
    let send = move || chat.send_draft(embedder.page(), embedder.identity());
    let on_keydown = enter_sends(send);
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
                aria-label=MESSAGE_LABEL
                rows="2"
                placeholder=PLACEHOLDER
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
                aria-label=SEND_LABEL
                disabled=move || chat.starting.with(Option::is_some)
            >
                {SEND}
            </button>
        </form>
    }
}

//! Where the shopper writes: a text box (Enter sends, Shift+Enter breaks the line) and a send
//! button, with the test hooks `data-testid="composer"` and `data-testid="send"`. The text
//! box takes the keyboard when the chat gets it (see `attention`).

use crate::chat::Chat;
use crate::embedder::Embedder;
use crate::live::{live, on, on_submit};
use crate::text::t;
use leptos::prelude::*;
use parley_client::enter_sends;
use parley_core::widget_text::Text;

#[component]
pub fn Composer(chat: Chat, embedder: Embedder) -> impl IntoView {
    let send = move || chat.send_draft(embedder.page(), embedder.identity());
    let on_keydown = enter_sends(send);
    view! {
        <form
            class="parley-composer"
            on:submit=on_submit(send)
        >
            <textarea
                class="parley-input"
                data-testid="composer"
                aria-label=t(Text::MessageLabel)
                rows="2"
                placeholder=t(Text::MessagePlaceholder)
                prop:value=move || chat.draft.get()
                on:input=on(move |event| {
                    let draft = event_target_value(&event);
                    // The agent sees the shopper typing while there is something in the box.
                    if let Some(live) = chat.live.get_untracked() {
                        live.set_typing(!draft.trim().is_empty());
                    }
                    chat.draft.set(draft);
                })
                on:keydown=on_keydown
            ></textarea>
            <button
                type="submit"
                class="parley-send"
                data-testid="send"
                aria-label=t(Text::SendLabel)
                disabled=live(move || chat.is_starting())
            >
                {t(Text::Send)}
            </button>
        </form>
    }
}

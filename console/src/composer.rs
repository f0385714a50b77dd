//! Where the agent writes in the shown chat: a text box (Enter sends, Shift+Enter breaks the
//! line, `/` and a few letters open the canned answers), an "Internal note" switch for
//! messages only agents see, and a send button, with the test hooks `data-testid="composer"`,
//! `"note-toggle"` and `"send"`. While a reply is being drafted the shopper is told the agent
//! is typing; never while a note is.

use crate::canned_answers::CannedAnswers;
use crate::canned_picker::{CannedList, CannedPicker, LIST_ID};
use crate::open_chats::OpenChat;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::Textarea;
use leptos::prelude::*;
use parley_client::enter_sends;

/// The text box's element id, where the "reply" shortcut puts the keyboard.
pub const COMPOSER_ID: &str = "composer";

/// `agent_name` fills canned answers' `{agent.name}`.
#[component]
pub fn Composer(chat: OpenChat, canned: CannedAnswers, agent_name: Signal<Option<String>>) -> impl IntoView {
    let input = NodeRef::<Textarea>::new();
    let picker = CannedPicker::new(canned, chat, agent_name, input);
    // The agent switched to this chat to write in it.
    Effect::new(move || {
        if let Some(input) = input.get() {
            // Focus is a convenience; if the browser refuses it, typing still works after a click.
            let _ = input.focus();
        }
    });
    let writing_note = chat.writing_note;
    Effect::new(move || {
        let typing = !writing_note.get() && chat.draft.with(|draft| !draft.trim().is_empty());
        chat.live.set_typing(typing);
    });
    // Switching to another chat or view leaves the draft, but the agent has stopped typing.
    on_cleanup(move || chat.live.set_typing(false));
    let send = move || {
        let text = chat.draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        chat.live.send(text, writing_note.get_untracked());
        // A refused text (too long) stays in the box, with the refusal shown above it.
        if untrack(|| chat.live.error()).is_none() {
            chat.draft.set(String::new());
        }
    };
    let enter = enter_sends(send);
    // The canned answers' list, while open, has the first say over the keys.
    let on_keydown = move |event: KeyboardEvent| {
        if !picker.handle_key(&event) {
            enter(event);
        }
    };
    let list_open = move || picker.is_open() && picker.has_options();
    view! {
        <form
            class="composer"
            class:note=writing_note
            on:submit=move |event: SubmitEvent| {
                event.prevent_default();
                send();
            }
        >
            <CannedList picker />
            <textarea
                class="field composer-input"
                id=COMPOSER_ID
                data-testid="composer"
                aria-label=move || if writing_note.get() { "Internal note" } else { "Reply" }
                rows="3"
                placeholder=move || {
                    if writing_note.get() {
                        "Write an internal note, only agents see it… (Enter adds it, Shift+Enter for a new line)"
                    } else {
                        "Write a reply… (Enter sends, Shift+Enter for a new line, / for canned answers)"
                    }
                }
                aria-autocomplete="list"
                aria-controls=move || list_open().then_some(LIST_ID)
                aria-activedescendant=move || list_open().then(|| picker.active_option_id()).flatten()
                node_ref=input
                bind:value=chat.draft
                on:keydown=on_keydown
                on:input=move |_| picker.follow_caret()
                on:keyup=move |_| picker.follow_caret()
                on:click=move |_| picker.follow_caret()
            ></textarea>
            <div class="composer-actions">
                <label class="note-toggle">
                    <input type="checkbox" data-testid="note-toggle" bind:checked=writing_note />
                    "Internal note"
                </label>
                <button type="submit" class="button primary" data-testid="send">
                    {move || if writing_note.get() { "Add note" } else { "Send" }}
                </button>
            </div>
        </form>
    }
}

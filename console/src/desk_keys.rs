//! The keyboard shortcuts at work (`shortcuts` says which keys mean what): one listener on the
//! window for the whole workspace, a "Shortcuts" button in the top bar, and the help overlay
//! that lists them (`data-testid="shortcuts-help"`, a modal dialog that Escape, its button or a
//! click beside it closes, giving the keyboard back where it was).

use crate::composer::COMPOSER_ID;
use crate::desk::Desk;
use crate::open_chats::OpenChats;
use crate::shortcuts::{shortcut_for, KeyPress, Shortcut, ALL};
use leptos::ev::{self, KeyboardEvent, MouseEvent};
use leptos::html::Button;
use leptos::prelude::*;
use parley_client::Link;
use parley_core::protocol::Status;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

#[component]
pub fn DeskKeys(desk: Desk, chats: OpenChats) -> impl IntoView {
    let help_open = RwSignal::new(false);
    let listener = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        // Something nearer the keyboard (the canned answers' list) already acted on it.
        if event.default_prevented() {
            return;
        }
        let key = event.key();
        let press = KeyPress {
            key: &key,
            modified: event.ctrl_key() || event.alt_key() || event.meta_key(),
            typing: typing_in_a_field(),
        };
        let Some(shortcut) = shortcut_for(press) else { return };
        // While the help is open, keys only close it.
        if help_open.get_untracked() && !matches!(shortcut, Shortcut::Help | Shortcut::Leave) {
            return;
        }
        let acted = match shortcut {
            Shortcut::NextWaiting => desk.pick_next(true).is_some(),
            Shortcut::PreviousWaiting => desk.pick_next(false).is_some(),
            Shortcut::Claim => {
                desk.claim_picked();
                true
            }
            Shortcut::Resolve => resolve_shown(chats),
            Shortcut::Reply => focus_composer(),
            Shortcut::Help => {
                help_open.update(|open| *open = !*open);
                true
            }
            Shortcut::Leave if help_open.get_untracked() => {
                help_open.set(false);
                true
            }
            Shortcut::Leave => leave_field(),
        };
        if acted {
            event.prevent_default();
        }
    });
    on_cleanup(move || listener.remove());
    view! {
        <button
            type="button"
            class="button small"
            data-testid="shortcuts-button"
            aria-haspopup="dialog"
            on:click=move |_| help_open.set(true)
        >
            "Shortcuts "
            <kbd>"?"</kbd>
        </button>
        <Show when=move || help_open.get()>
            <ShortcutsHelp open=help_open />
        </Show>
    }
}

/// The overlay listing every shortcut.
#[component]
fn ShortcutsHelp(open: RwSignal<bool>) -> impl IntoView {
    let close = NodeRef::<Button>::new();
    // Where the keyboard was, to give it back on closing.
    let before = StoredValue::new_local(document().active_element());
    Effect::new(move || {
        if let Some(close) = close.get() {
            // Focus is a convenience; Escape closes the overlay wherever the keyboard is.
            let _ = close.focus();
        }
    });
    on_cleanup(move || {
        if let Some(element) = before.get_value().and_then(|element| element.dyn_into::<HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    let beside = move |event: MouseEvent| {
        if event.target() == event.current_target() {
            open.set(false);
        }
    };
    view! {
        <div class="overlay" on:click=beside>
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-title"
                data-testid="shortcuts-help"
            >
                <h2 class="dialog-title" id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl class="shortcut-list">
                    {ALL
                        .iter()
                        .map(|(key, _, what)| {
                            view! {
                                <div class="shortcut" data-testid="shortcut">
                                    <dt><kbd>{*key}</kbd></dt>
                                    <dd>{*what}</dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
                <p class="hint">"Letters work while you are not typing in a field."</p>
                <button type="button" class="button" node_ref=close on:click=move |_| open.set(false)>
                    "Close"
                </button>
            </div>
        </div>
    }
}

/// Whether the keyboard is in something that takes letters: a text field, a text area, a
/// list box or editable content (a checkbox or a button takes none).
fn typing_in_a_field() -> bool {
    let Some(element) = document().active_element() else { return false };
    match element.tag_name().to_ascii_uppercase().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            element.get_attribute("type").unwrap_or_default().to_ascii_lowercase().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset"
        ),
        _ => element.dyn_ref::<HtmlElement>().is_some_and(HtmlElement::is_content_editable),
    }
}

/// Resolves the chat shown, as its button would; answers whether there was one to resolve.
fn resolve_shown(chats: OpenChats) -> bool {
    let Some(chat) = untrack(|| chats.shown()).and_then(|conversation_id| chats.get(&conversation_id)) else {
        return false;
    };
    let live = chat.live;
    let open = untrack(|| {
        live.with_transcript(|transcript| transcript.conversation().is_some_and(|view| view.status != Status::Resolved))
            && live.link() == Link::Online
    });
    if open {
        live.resolve();
    }
    open
}

/// Puts the keyboard in the shown chat's composer; answers whether there was one.
fn focus_composer() -> bool {
    document()
        .get_element_by_id(COMPOSER_ID)
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        .is_some_and(|composer| composer.focus().is_ok())
}

/// Takes the keyboard out of the field it is in, so that letters are shortcuts again;
/// answers whether it was in one.
fn leave_field() -> bool {
    if !typing_in_a_field() {
        return false;
    }
    document()
        .active_element()
        .and_then(|element: Element| element.dyn_into::<HtmlElement>().ok())
        .is_some_and(|element| element.blur().is_ok())
}

//! Copying a text to paste elsewhere (a link to hand on, the embed tag): through the browser's
//! clipboard or, where the page may not write it (an insecure origin, a refused permission), by
//! selecting the text on screen for the keyboard's copy. What happened is announced beside the
//! button.

use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

/// Copies `text`; `source` is the id of the element that shows it, selected when the clipboard
/// cannot be written.
#[component]
pub fn CopyButton(text: String, source: String, #[prop(into)] testid: String, label: &'static str) -> impl IntoView {
    let outcome = RwSignal::new(None::<&'static str>);
    let text = StoredValue::new(text);
    let source = StoredValue::new(source);
    let copy = move |_| {
        spawn_local_scoped(async move {
            let said = if write_to_clipboard(&text.get_value()).await {
                "Copied."
            } else {
                select_text_of(&source.get_value());
                "Selected: press Ctrl+C (⌘C on a Mac) to copy."
            };
            outcome.set(Some(said));
        });
    };
    view! {
        <button type="button" class="button small" data-testid=testid aria-label=label on:click=copy>
            "Copy"
        </button>
        <span class="copy-outcome" role="status">
            {move || outcome.get()}
        </span>
    }
}

/// Whether `text` is now on the clipboard.
async fn write_to_clipboard(text: &str) -> bool {
    let navigator = window().navigator();
    // Only secure pages have a clipboard; calling into a missing one would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|value| !value.is_undefined());
    has_clipboard && JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// Selects what the element `id` shows: an input's value, or any other element's text.
fn select_text_of(id: &str) {
    let Some(element) = document().get_element_by_id(id) else { return };
    match element.dyn_ref::<HtmlInputElement>() {
        Some(input) => {
            let _ = input.focus();
            input.select();
        }
        None => {
            if let Ok(Some(selection)) = window().get_selection() {
                // Selecting is a convenience: if the browser refuses, the text is still there.
                let _ = selection.select_all_children(&element);
            }
        }
    }
}

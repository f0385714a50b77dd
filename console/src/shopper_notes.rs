//! Notes agents keep on the shopper, not on one conversation: they follow the shopper to their
//! later conversations (same verified user, device or e-mail). Test hooks:
//! `data-testid="shopper-note"`, `"shopper-note-input"` and `"shopper-note-add"`.

use crate::api::{get_json, post_json};
use crate::format;
use crate::shop_history::ShopHistory;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::history::{NewShopperNote, ShopperNote};
use parley_core::ids::ConversationId;
use parley_core::protocol::ApiError;

#[component]
pub fn ShopperNotes(conversation_id: ConversationId) -> impl IntoView {
    let history = ShopHistory::expect();
    let notes = RwSignal::new(Vec::<ShopperNote>::new());
    let error = RwSignal::new(None::<ApiError>);
    let draft = RwSignal::new(String::new());
    let path = StoredValue::new(history.path(&format!("/conversations/{conversation_id}/shopper-notes")));
    spawn_local_scoped(async move {
        match get_json(&path.get_value()).await {
            Ok(listed) => notes.set(listed),
            Err(refused) => error.set(Some(refused)),
        }
    });
    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let note = NewShopperNote { text: draft.get_untracked() };
        spawn_local_scoped(async move {
            match post_json::<_, Vec<ShopperNote>>(&path.get_value(), &note).await {
                Ok(listed) => {
                    notes.set(listed);
                    draft.set(String::new());
                    error.set(None);
                }
                // The draft stays, with why it was refused.
                Err(refused) => error.set(Some(refused)),
            }
        });
    };
    view! {
        <section class="memory" aria-label="Notes on this shopper">
            <h3>"Notes on this shopper"</h3>
            <ul class="notes">
                <For
                    each=move || notes.get()
                    key=|note| note.id
                    children=|note| {
                        view! {
                            <li class="shopper-note" data-testid="shopper-note">
                                <p>{note.text}</p>
                                <p class="byline">{note.author_name} " · " {format::date_time(note.at)}</p>
                            </li>
                        }
                    }
                />
            </ul>
            <form class="note-form" on:submit=add>
                <label>
                    <span class="visually-hidden">"A note on this shopper"</span>
                    <input
                        type="text"
                        data-testid="shopper-note-input"
                        placeholder="A note that follows this shopper"
                        maxlength=NewShopperNote::MAX_CHARS
                        prop:value=move || draft.get()
                        on:input=move |event| draft.set(event_target_value(&event))
                    />
                </label>
                <button type="submit" class="button small" data-testid="shopper-note-add">"Add"</button>
            </form>
            {move || error.get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
        </section>
    }
}

//! The shopper's earlier conversations beside a chat (the same verified user, the same device
//! or the same e-mail), with their ratings; each opens in the History view. Test hook:
//! `data-testid="earlier-conversation"`.

use crate::api::get_json;
use crate::history_entry::HistoryEntryRow;
use crate::shop_history::ShopHistory;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::history::HistoryEntry;
use parley_core::ids::ConversationId;
use parley_core::protocol::ApiError;

#[component]
pub fn EarlierConversations(conversation_id: ConversationId) -> impl IntoView {
    let history = ShopHistory::expect();
    let earlier = RwSignal::new(None::<Result<Vec<HistoryEntry>, ApiError>>);
    let path = history.path(&format!("/conversations/{conversation_id}/earlier"));
    spawn_local_scoped(async move { earlier.set(Some(get_json(&path).await)) });
    view! {
        <section class="memory" aria-label="Earlier conversations">
            <h3>"Earlier conversations"</h3>
            {move || match earlier.get() {
                None => view! { <p class="quiet">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                Some(Ok(entries)) if entries.is_empty() => {
                    view! { <p class="quiet">"None: this is their first."</p> }.into_any()
                }
                Some(Ok(entries)) => {
                    view! {
                        <ul class="history-list">
                            {entries
                                .into_iter()
                                .map(|entry| view! { <HistoryEntryRow entry testid="earlier-conversation" /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

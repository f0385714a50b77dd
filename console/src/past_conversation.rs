//! A past conversation opened from the History view: its whole transcript, notes included,
//! read-only (no composer), fetched over the same socket protocol as a live chat, which pages
//! in earlier messages until it holds them all. Test hook: `data-testid="past-conversation"`.

use crate::message_log::MessageLog;
use crate::shop_history::ShopHistory;
use leptos::prelude::*;
use parley_client::LiveConversation;
use parley_core::ids::ConversationId;

#[component]
pub fn PastConversation(conversation_id: ConversationId) -> impl IntoView {
    let history = ShopHistory::expect();
    let live = LiveConversation::open(&conversation_id, None);
    view! {
        <article class="chat past" aria-label="Past conversation" data-testid="past-conversation">
            <header class="chat-header">
                <button type="button" class="button small" data-testid="history-back" on:click=move |_| history.close()>
                    "Back to the list"
                </button>
            </header>
            {move || live.error().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            <MessageLog live />
        </article>
    }
}

//! One conversation of the shop's history as a row: who the shopper was, when, its status,
//! agent and rating, and its latest words (or, for a search, the words that matched). The row
//! opens the conversation's transcript.

use crate::format;
use crate::shop_history::ShopHistory;
use leptos::prelude::*;
use parley_core::history::HistoryEntry;
use parley_core::protocol::Status;

#[component]
pub fn HistoryEntryRow(entry: HistoryEntry, testid: &'static str) -> impl IntoView {
    let history = ShopHistory::expect();
    let id = entry.conversation_id.clone();
    let shopper = entry.shopper_name.clone().or(entry.email.clone()).unwrap_or_else(|| "Anonymous shopper".to_owned());
    let words = entry.matched.clone().unwrap_or(entry.preview.clone());
    view! {
        <li class="history-entry" data-testid=testid>
            <button type="button" class="history-open" on:click=move |_| history.open(id.clone())>
                <span class="history-shopper">{shopper}</span>
                <span class="history-when">{format::date_time(entry.started_at)}</span>
                <span class="history-status">{status(entry.status)}</span>
                {entry.agent_name.map(|name| view! { <span class="history-agent">{name}</span> })}
                {entry.rating.map(|score| view! { <span class="history-rating">{format::score(score)}</span> })}
                <span class="history-words">{words}</span>
            </button>
        </li>
    }
}

fn status(status: Status) -> &'static str {
    match status {
        Status::New => "New",
        Status::Waiting => "Waiting",
        Status::Assigned => "Open",
        Status::Resolved => "Resolved",
    }
}

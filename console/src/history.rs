//! The History view: the shop's conversations, open, waiting and resolved, newest activity
//! first, filtered by status, agent, date and rating, and searched by the words of their
//! messages and notes and their shopper's name and e-mail (`GET /api/shops/{shop}/conversations`).
//! A row opens the conversation's transcript, read-only. Test hooks: `data-testid="search"`
//! (Enter searches), each row a `"search-result"`, `"history-status"`, `"history-agent"`,
//! `"history-rating"`, `"history-from"`, `"history-to"` and `"history-more"`.

use crate::api::get_json;
use crate::history_entry::HistoryEntryRow;
use crate::past_conversation::PastConversation;
use crate::shop_history::ShopHistory;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::history::{HistoryEntry, HistoryPage};
use parley_core::protocol::{ApiError, TeamMember};
use parley_core::time::UnixMillis;

/// What the filters say, as the form holds them.
#[derive(Clone, Default)]
struct Filters {
    status: RwSignal<String>,
    agent: RwSignal<String>,
    rating: RwSignal<String>,
    /// `YYYY-MM-DD`, the agent's own days.
    from: RwSignal<String>,
    to: RwSignal<String>,
    words: RwSignal<String>,
}

impl Filters {
    /// The listing's query string, a page `before` an instant if given.
    fn query(&self, before: Option<UnixMillis>) -> String {
        let day = |date: String, days_after: f64| {
            (!date.is_empty()).then(|| {
                let start = js_sys::Date::new(&format!("{date}T00:00:00").into()).get_time();
                format!("{}", (start + days_after * 86_400_000.0) as u64)
            })
        };
        let pairs = [
            ("status", Some(self.status.get_untracked())),
            ("agent", Some(self.agent.get_untracked())),
            ("rating", Some(self.rating.get_untracked())),
            ("from", day(self.from.get_untracked(), 0.0)),
            // The whole of the last day.
            ("to", day(self.to.get_untracked(), 1.0)),
            ("q", Some(self.words.get_untracked())),
            ("before", before.map(|before| before.0.to_string())),
        ];
        pairs
            .into_iter()
            .filter_map(|(name, value)| value.filter(|value| !value.is_empty()).map(|value| (name, value)))
            .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[component]
pub fn History() -> impl IntoView {
    let history = ShopHistory::expect();
    move || match history.opened() {
        Some(conversation_id) => view! { <PastConversation conversation_id /> }.into_any(),
        None => view! { <HistoryList /> }.into_any(),
    }
}

#[component]
fn HistoryList() -> impl IntoView {
    let history = ShopHistory::expect();
    let filters = Filters::default();
    let entries = RwSignal::new(Vec::<HistoryEntry>::new());
    let next_before = RwSignal::new(None::<UnixMillis>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(false);
    // Each listing asked for is numbered: an answer to one asked before the latest (the first
    // page still on its way when the agent searches) is dropped, not shown over the latest.
    let asked = StoredValue::new(0u64);
    let team = RwSignal::new(Vec::<TeamMember>::new());
    let team_path = history.path("/team");
    spawn_local_scoped(async move {
        // Without the team, the agent filter offers "anyone" only.
        if let Ok(members) = get_json(&team_path).await {
            team.set(members);
        }
    });
    let fetch = {
        let filters = filters.clone();
        move |before: Option<UnixMillis>| {
            let path = history.path(&format!("/conversations?{}", filters.query(before)));
            loading.set(true);
            asked.update_value(|asked| *asked += 1);
            let this = asked.get_value();
            spawn_local_scoped(async move {
                let answer = get_json::<HistoryPage>(&path).await;
                if asked.get_value() != this {
                    return;
                }
                match answer {
                    Ok(page) => {
                        entries.update(|entries| {
                            if before.is_none() {
                                entries.clear();
                            }
                            entries.extend(page.conversations);
                        });
                        next_before.set(page.next_before);
                        error.set(None);
                    }
                    Err(refused) => error.set(Some(refused)),
                }
                loading.set(false);
            });
        }
    };
    let search = {
        let fetch = fetch.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            fetch(None);
        }
    };
    fetch(None);
    let select = move |label: &'static str,
                       testid: &'static str,
                       value: RwSignal<String>,
                       options: Vec<(String, String)>| {
        view! {
            <label class="filter">
                <span>{label}</span>
                <select data-testid=testid prop:value=move || value.get() on:change=move |event| value.set(event_target_value(&event))>
                    {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let statuses = [("", "Any status"), ("waiting", "Waiting"), ("assigned", "Open"), ("resolved", "Resolved")]
        .map(|(value, text)| (value.to_owned(), text.to_owned()))
        .to_vec();
    let ratings = std::iter::once((String::new(), "Any rating".to_owned()))
        .chain((1..=5).rev().map(|score| (score.to_string(), format!("{score} / 5"))))
        .collect::<Vec<_>>();
    let date = move |label: &'static str, testid: &'static str, value: RwSignal<String>| {
        view! {
            <label class="filter">
                <span>{label}</span>
                <input type="date" data-testid=testid prop:value=move || value.get() on:change=move |event| value.set(event_target_value(&event)) />
            </label>
        }
    };
    let more = move |_| fetch(next_before.get_untracked());
    view! {
        <section class="history" aria-label="History">
            <form class="history-filters" role="search" on:submit=search>
                <label class="filter search">
                    <span>"Search"</span>
                    <input
                        type="search"
                        data-testid="search"
                        placeholder="Words of a message, a name, an e-mail"
                        prop:value=move || filters.words.get()
                        on:input=move |event| filters.words.set(event_target_value(&event))
                    />
                </label>
                {select("Status", "history-status", filters.status, statuses)}
                {move || {
                    let agents = std::iter::once((String::new(), "Any agent".to_owned()))
                        .chain(team.get().into_iter().map(|member| (member.email.to_string(), member.name)))
                        .collect();
                    select("Agent", "history-agent", filters.agent, agents)
                }}
                {select("Rating", "history-rating", filters.rating, ratings)}
                {date("From", "history-from", filters.from)}
                {date("To", "history-to", filters.to)}
                <button type="submit" class="button" data-testid="history-apply">"Show"</button>
            </form>
            {move || error.get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            <ul class="history-list" aria-busy=move || loading.get().to_string()>
                <For
                    each=move || entries.get()
                    // A row shows what matched and when it was last active: a new search or
                    // a later page of the same conversation must redraw it.
                    key=|entry| (entry.conversation_id.clone(), entry.matched.clone(), entry.last_activity_at)
                    children=|entry| view! { <HistoryEntryRow entry testid="search-result" /> }
                />
            </ul>
            {move || {
                (!loading.get() && entries.with(Vec::is_empty))
                    .then(|| view! { <p class="placeholder">"No conversation matches."</p> })
            }}
            {move || {
                next_before.get().is_some().then(|| view! {
                    <button type="button" class="button" data-testid="history-more" on:click=more.clone()>"Show more"</button>
                })
            }}
        </section>
    }
}

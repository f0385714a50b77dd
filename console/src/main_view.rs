//! What the workspace's main area shows: the open chat, the shop's history or its dashboard,
//! switched by buttons in the top bar (`data-testid="chats-tab"`, `"history-tab"` and
//! `"dashboard-tab"`).

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MainView {
    Chats,
    History,
    Dashboard,
}

/// The two switches; the pressed one names what is shown.
#[component]
pub fn MainViewSwitch(shown: RwSignal<MainView>) -> impl IntoView {
    let switch = move |view: MainView, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="tab"
                data-testid=testid
                aria-pressed=move || if shown.get() == view { "true" } else { "false" }
                on:click=move |_| shown.set(view)
            >
                {label}
            </button>
        }
    };
    view! {
        <nav class="views" aria-label="Views">
            {switch(MainView::Chats, "Chats", "chats-tab")}
            {switch(MainView::History, "History", "history-tab")}
            {switch(MainView::Dashboard, "Dashboard", "dashboard-tab")}
        </nav>
    }
}

//! What the workspace's main area shows, switched by buttons in the top bar: the open chat, the
//! shop's history, its dashboard and its team for everyone, and the shop's settings and
//! installation for its owners only (the edge refuses agents those routes anyway). Each
//! switch's test hook is `{view}-tab`: `chats-tab`, `history-tab`, `dashboard-tab`,
//! `team-tab`, `settings-tab`, `install-tab`.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MainView {
    Chats,
    History,
    Dashboard,
    Team,
    Settings,
    Install,
}

impl MainView {
    /// Every view, in the order of their switches.
    const ALL: [MainView; 6] = [
        MainView::Chats,
        MainView::History,
        MainView::Dashboard,
        MainView::Team,
        MainView::Settings,
        MainView::Install,
    ];

    fn label(self) -> &'static str {
        match self {
            MainView::Chats => "Chats",
            MainView::History => "History",
            MainView::Dashboard => "Dashboard",
            MainView::Team => "Team",
            MainView::Settings => "Settings",
            MainView::Install => "Install",
        }
    }

    fn testid(self) -> &'static str {
        match self {
            MainView::Chats => "chats-tab",
            MainView::History => "history-tab",
            MainView::Dashboard => "dashboard-tab",
            MainView::Team => "team-tab",
            MainView::Settings => "settings-tab",
            MainView::Install => "install-tab",
        }
    }

    /// Whether only the shop's owners may see it.
    fn for_owners_only(self) -> bool {
        matches!(self, MainView::Settings | MainView::Install)
    }
}

/// The switches `owner` may use; the pressed one names what is shown.
#[component]
pub fn MainViewSwitch(shown: RwSignal<MainView>, owner: bool) -> impl IntoView {
    let switch = move |view: MainView| {
        view! {
            <button
                type="button"
                class="tab"
                data-testid=view.testid()
                aria-pressed=move || if shown.get() == view { "true" } else { "false" }
                on:click=move |_| shown.set(view)
            >
                {view.label()}
            </button>
        }
    };
    view! {
        <nav class="views" aria-label="Views">
            {MainView::ALL.into_iter().filter(|view| owner || !view.for_owners_only()).map(switch).collect_view()}
        </nav>
    }
}

//! The signed-in agent's workspace: the switch between chats, the history, the dashboard, the
//! team and, for owners, the shop's settings and installation; the alerts switch, the
//! shortcuts' help, who is signed in and a sign-out button on top; for owners of a shop not yet
//! set up, the getting-started checklist under it; the queue and the agent's own chats on the
//! left; the chosen view in the main area.
//!
//! Everything live hangs off this component's owner, so signing out (which drops it) closes
//! the desk socket and every chat's socket.

use crate::alerts::Alerts;
use crate::chat::ChatPane;
use crate::checklist::Checklist;
use crate::clock;
use crate::dashboard::Dashboard;
use crate::desk::Desk;
use crate::desk_keys::DeskKeys;
use crate::history::History;
use crate::install::InstallTab;
use crate::link_notice::LinkNotice;
use crate::main_view::{MainView, MainViewSwitch};
use crate::my_chats::MyChats;
use crate::open_chats::OpenChats;
use crate::queue::Queue;
use crate::session::{sign_out_if_ended, Session};
use crate::settings_tab::SettingsTab;
use crate::shop_history::ShopHistory;
use crate::team::TeamTab;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_client::{request, Link};
use parley_core::protocol::{AgentProfile, Role};

#[component]
pub fn Workspace(agent: AgentProfile, session: RwSignal<Session>) -> impl IntoView {
    let now = clock::ticking();
    let chats = OpenChats::new();
    let desk = Desk::open(chats);
    sign_out_when_session_ends(desk, session);
    let main_view = RwSignal::new(MainView::Chats);
    ShopHistory::provide(agent.shop.clone(), main_view);
    // Picking or claiming a chat means the agent wants to see it.
    Effect::new(move || {
        if chats.shown().is_some() {
            main_view.set(MainView::Chats);
        }
    });
    // The shop changed here (its settings saved, an origin added, someone invited): what
    // depends on it looks again.
    let shop_changed = Trigger::new();
    let owner = agent.role == Role::Owner;
    let me = StoredValue::new(agent.clone());
    let sign_out = move |_| {
        spawn_local_scoped(async move {
            match request("POST", "/api/logout", None).await {
                Ok(_) => session.set(Session::SignedOut { notice: None }),
                Err(error) => desk.report(error),
            }
        });
    };
    let main = move || {
        let AgentProfile { email, shop, .. } = me.get_value();
        match main_view.get() {
            MainView::Chats => view! { <ChatPane chats desk me=email shop=shop now /> }.into_any(),
            MainView::History => view! { <History /> }.into_any(),
            MainView::Dashboard => view! { <Dashboard shop desk owner /> }.into_any(),
            MainView::Team => view! { <TeamTab me=me.get_value() desk session shop_changed /> }.into_any(),
            MainView::Settings => view! { <SettingsTab shop shop_changed /> }.into_any(),
            MainView::Install => view! { <InstallTab shop shop_changed now /> }.into_any(),
        }
    };
    view! {
        <div class="workspace">
            <header class="topbar">
                <h1 class="brand">"Parley"</h1>
                <MainViewSwitch shown=main_view owner />
                <Alerts desk chats me=agent.email.clone() />
                <DeskKeys desk chats />
                <span class="signed-in">
                    <span class="agent-name">{agent.name}</span>
                    <span class="shop">{agent.shop.to_string()}</span>
                </span>
                <button type="button" class="button" data-testid="sign-out" on:click=sign_out>
                    "Sign out"
                </button>
            </header>
            <div class="workspace-notices">
                <LinkNotice link=desk.link() meanwhile="The queue may be out of date." />
                {move || desk.error().get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
                {owner.then(|| view! { <Checklist shop=agent.shop.clone() desk main_view shop_changed /> })}
            </div>
            <nav class="sidebar" aria-label="Conversations">
                <Queue desk now />
                <MyChats desk chats me=agent.email />
            </nav>
            <main class="main">{main}</main>
        </div>
    }
}

/// A desk socket that closes may mean the session ended: the edge closes every socket of a
/// session that ends (sign-out elsewhere, removal from the team, expiry) with code 4401, and
/// refuses the upgrade once it has ended. Whenever the socket is offline, ask the edge, and show
/// the sign-in form if nobody is signed in any more; otherwise it keeps reconnecting.
fn sign_out_when_session_ends(desk: Desk, session: RwSignal<Session>) {
    Effect::new(move || {
        if desk.link().get() == Link::Offline {
            spawn_local_scoped(sign_out_if_ended(session));
        }
    });
}

//! The signed-in agent's workspace: the switch between chats and the dashboard, who is signed
//! in and a sign-out button on top, the queue and the agent's own chats on the left, the shown
//! chat or the dashboard in the main area.
//!
//! Everything live hangs off this component's owner, so signing out (which drops it) closes
//! the desk socket and every chat's socket.

use crate::chat::ChatPane;
use crate::clock;
use crate::dashboard::Dashboard;
use crate::desk::Desk;
use crate::history::History;
use crate::link_notice::LinkNotice;
use crate::main_view::{MainView, MainViewSwitch};
use crate::my_chats::MyChats;
use crate::open_chats::OpenChats;
use crate::queue::Queue;
use crate::session::{signed_in_agent, Session};
use crate::shop_history::ShopHistory;
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
    let me = agent.email.clone();
    let shop = agent.shop.clone();
    let owner = agent.role == Role::Owner;
    let sign_out = move |_| {
        spawn_local_scoped(async move {
            match request("POST", "/api/logout", None).await {
                Ok(_) => session.set(Session::SignedOut { notice: None }),
                Err(error) => desk.report(error),
            }
        });
    };
    view! {
        <div class="workspace">
            <header class="topbar">
                <h1 class="brand">"Parley"</h1>
                <MainViewSwitch shown=main_view />
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
            </div>
            <nav class="sidebar" aria-label="Conversations">
                <Queue desk now />
                <MyChats desk chats me=agent.email />
            </nav>
            <main class="main">
                {move || match main_view.get() {
                    MainView::Chats => view! { <ChatPane chats desk me=me.clone() now /> }.into_any(),
                    MainView::History => view! { <History /> }.into_any(),
                    MainView::Dashboard => view! { <Dashboard shop=shop.clone() desk owner /> }.into_any(),
                }}
            </main>
        </div>
    }
}

/// A desk socket that keeps failing may mean the session expired (the edge refuses the
/// upgrade): ask the edge, and show the sign-in form if nobody is signed in any more.
fn sign_out_when_session_ends(desk: Desk, session: RwSignal<Session>) {
    Effect::new(move || {
        if desk.link().get() != Link::Offline {
            return;
        }
        spawn_local_scoped(async move {
            // A network failure says nothing about the session: keep reconnecting.
            if let Ok(None) = signed_in_agent().await {
                session
                    .set(Session::SignedOut { notice: Some("Your session ended. Please sign in again.".to_owned()) });
            }
        });
    });
}

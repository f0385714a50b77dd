//! The console's top level: finds out whether an agent is signed in, then shows the sign-in
//! form or the agent's workspace. Signing out drops the workspace and with it every socket.

use crate::login::Login;
use crate::session::{signed_in_agent, Session};
use crate::workspace::Workspace;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(Session::Checking);
    spawn_local_scoped(async move {
        session.set(match signed_in_agent().await {
            Ok(Some(agent)) => Session::SignedIn(agent),
            Ok(None) => Session::SignedOut { notice: None },
            Err(error) => Session::SignedOut { notice: Some(format!("Cannot reach Parley: {}", error.message)) },
        });
    });
    move || match session.get() {
        Session::Checking => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Session::SignedOut { notice } => view! { <Login session notice /> }.into_any(),
        Session::SignedIn(agent) => view! { <Workspace agent session /> }.into_any(),
    }
}

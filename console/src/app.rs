//! The console's top level: the screen the address opens (sign-up, a single-use link), or else
//! whether an agent is signed in, which shows the sign-in form or the agent's workspace.
//! Signing out drops the workspace and with it every socket.

use crate::api::end_session_when_refused;
use crate::entry::{show_console_address, Entry};
use crate::link_page::LinkPage;
use crate::login::Login;
use crate::session::{signed_in_agent, Session};
use crate::signup::SignUp;
use crate::workspace::Workspace;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(match Entry::of_page() {
        Entry::Console => Session::Checking,
        Entry::SignUp => Session::SigningUp,
        Entry::Link(fragment) => Session::FollowingLink(fragment),
    });
    end_session_when_refused(session);
    if session.get_untracked() == Session::Checking {
        spawn_local_scoped(async move {
            session.set(match signed_in_agent().await {
                Ok(Some(agent)) => Session::SignedIn(agent),
                Ok(None) => Session::SignedOut { notice: None },
                Err(error) => Session::SignedOut { notice: Some(format!("Cannot reach Parley: {}", error.message)) },
            });
        });
    }
    // Signed in or at the sign-in form, the way in is behind: the address is the console's.
    Effect::new(move || {
        if matches!(session.get(), Session::SignedIn(_) | Session::SignedOut { .. }) {
            show_console_address();
        }
    });
    move || match session.get() {
        Session::Checking => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Session::SignedOut { notice } => view! { <Login session notice /> }.into_any(),
        Session::SigningUp => view! { <SignUp session /> }.into_any(),
        Session::FollowingLink(fragment) => view! { <LinkPage fragment session /> }.into_any(),
        Session::SignedIn(agent) => view! { <Workspace agent session /> }.into_any(),
    }
}

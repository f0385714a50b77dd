//! Who is signed in, as the edge sees the session cookie (HttpOnly, so only the edge can tell),
//! and what the console shows for it: a sign-in form, a screen of the way in (sign-up, a link),
//! or the workspace.

use crate::api::parse;
use crate::entry::LinkFragment;
use leptos::prelude::*;
use parley_client::request;
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode};

/// The console's sign-in state.
#[derive(Clone, Debug, PartialEq)]
pub enum Session {
    /// Asking the edge whether the cookie still signs someone in.
    Checking,
    /// Nobody is signed in; `notice` says why, or what just happened, when it is not simply a
    /// fresh visit.
    SignedOut {
        notice: Option<String>,
    },
    /// Someone is creating a shop (`/console/signup`).
    SigningUp,
    /// Someone opened a single-use link (`/console/join`, `/console/reset`): an invite to join,
    /// or a password reset.
    FollowingLink(LinkFragment),
    SignedIn(AgentProfile),
}

/// What the sign-in form says when the session ended under the agent.
const ENDED: &str = "Your session ended. Please sign in again.";

/// The agent the session cookie signs in, `None` if it signs in nobody.
pub async fn signed_in_agent() -> Result<Option<AgentProfile>, ApiError> {
    // Straight through the client: here a 401 is the answer, not a call to watch.
    match request("GET", "/api/me", None).await {
        Ok(text) => parse("/api/me", &text).map(Some),
        Err(error) if error.code == ErrorCode::Unauthorized => Ok(None),
        Err(error) => Err(error),
    }
}

/// While someone is signed in, asks the edge whether the session still signs them in, and
/// shows the sign-in form if it does not. A network failure says nothing about the session:
/// nothing changes then.
pub async fn sign_out_if_ended(session: RwSignal<Session>) {
    if !matches!(session.get_untracked(), Session::SignedIn(_)) {
        return;
    }
    if let Ok(None) = signed_in_agent().await {
        // Checked again: another call may have answered first.
        if matches!(session.get_untracked(), Session::SignedIn(_)) {
            session.set(Session::SignedOut { notice: Some(ENDED.to_owned()) });
        }
    }
}

//! Who is signed in, as the edge sees the session cookie (HttpOnly, so only the edge can tell).

use crate::api::get_json;
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode};

/// The console's sign-in state.
#[derive(Clone, Debug, PartialEq)]
pub enum Session {
    /// Asking the edge whether the cookie still signs someone in.
    Checking,
    /// Nobody is signed in; `notice` says why, when it is not simply a fresh visit.
    SignedOut {
        notice: Option<String>,
    },
    SignedIn(AgentProfile),
}

/// The agent the session cookie signs in, `None` if it signs in nobody.
pub async fn signed_in_agent() -> Result<Option<AgentProfile>, ApiError> {
    match get_json::<AgentProfile>("/api/me").await {
        Ok(agent) => Ok(Some(agent)),
        Err(error) if error.code == ErrorCode::Unauthorized => Ok(None),
        Err(error) => Err(error),
    }
}

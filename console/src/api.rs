//! The console's JSON calls to the edge: its serde types over the shared client's `request`
//! (the widget uses `Wire` types instead; the console has no byte budget to keep serde out).
//!
//! A call refused with `401` may mean the session ended meanwhile (the agent was removed,
//! signed out everywhere elsewhere, or the session expired): every call here then asks the edge
//! whether anyone is still signed in, and shows the sign-in form if not. A `401` can also be
//! about the request itself (a wrong current password), which the question tells apart.

use crate::session::{sign_out_if_ended, Session};
use leptos::prelude::*;
use parley_client::request;
use parley_core::protocol::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;

thread_local! {
    /// The console's one sign-in state, which a refused call may end (the app sets it).
    static SESSION: Cell<Option<RwSignal<Session>>> = const { Cell::new(None) };
}

/// Lets every call below end `session` when the edge no longer signs anyone in.
pub fn end_session_when_refused(session: RwSignal<Session>) {
    SESSION.with(|watched| watched.set(Some(session)));
}

/// `GET path` and parse the JSON answer.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(path, &call("GET", path, None).await?)
}

/// `POST path` with a JSON body and parse the JSON answer.
pub async fn post_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(path, &call("POST", path, Some(encode(body)?)).await?)
}

/// `PATCH path` with a JSON body and parse the JSON answer.
pub async fn patch_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(path, &call("PATCH", path, Some(encode(body)?)).await?)
}

/// `PUT path` with a JSON body and parse the JSON answer.
pub async fn put_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(path, &call("PUT", path, Some(encode(body)?)).await?)
}

/// `DELETE path`, for an answer without a body (`204`).
pub async fn delete(path: &str) -> Result<(), ApiError> {
    call("DELETE", path, None).await.map(drop)
}

/// `POST path` with a JSON body, for an answer without one (`204`).
pub async fn post_no_answer<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    call("POST", path, Some(encode(body)?)).await.map(drop)
}

/// `POST path` without a body, and parse the JSON answer.
pub async fn post_empty_for_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(path, &call("POST", path, None).await?)
}

/// `POST path` without a body, for an answer without one (`204`).
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    call("POST", path, None).await.map(drop)
}

async fn call(method: &str, path: &str, body: Option<String>) -> Result<String, ApiError> {
    let answer = request(method, path, body.as_deref()).await;
    if answer.as_ref().is_err_and(|refused| refused.code == ErrorCode::Unauthorized) {
        if let Some(session) = SESSION.with(Cell::get) {
            sign_out_if_ended(session).await;
        }
    }
    answer
}

fn encode<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body)
        .map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("cannot encode the request: {error}")))
}

/// The JSON answer of `path` as a `T`.
pub fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|error| {
        leptos::logging::warn!("unexpected answer from {path}: {error}");
        ApiError::new(ErrorCode::Internal, "unexpected answer from the server")
    })
}

//! The console's JSON calls to the edge: its serde types over the shared client's `request`
//! (the widget uses `Wire` types instead; the console has no byte budget to keep serde out).

use parley_client::request;
use parley_core::protocol::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `GET path` and parse the JSON answer.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(path, &request("GET", path, None).await?)
}

/// `POST path` with a JSON body and parse the JSON answer.
pub async fn post_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let body = serde_json::to_string(body)
        .map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("cannot encode the request: {error}")))?;
    parse(path, &request("POST", path, Some(&body)).await?)
}

fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|error| {
        leptos::logging::warn!("unexpected answer from {path}: {error}");
        ApiError::new(ErrorCode::Internal, "unexpected answer from the server")
    })
}

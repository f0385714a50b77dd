//! JSON calls to the edge's HTTP API on the page's own origin, with the session cookie.
//!
//! Every failure comes back as the wire's `ApiError`, so callers show one kind of error
//! whether the edge refused the call or the network failed.

use gloo_net::http::{Request, RequestBuilder, Response};
use parley_core::protocol::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::RequestCredentials;

/// `GET path` and parse the JSON answer.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = send(with_cookies(Request::get(path)).build()).await?;
    read_json(&response).await
}

/// `POST path` with a JSON body and parse the JSON answer.
pub async fn post_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let response = send(with_cookies(Request::post(path)).json(body)).await?;
    read_json(&response).await
}

/// `POST path` without a body, ignoring whatever a successful answer holds (e.g. logout).
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    send(with_cookies(Request::post(path)).build()).await.map(drop)
}

fn with_cookies(request: RequestBuilder) -> RequestBuilder {
    // Same-origin only, but say so explicitly: the console's session lives in a cookie.
    request.credentials(RequestCredentials::Include)
}

/// Sends the request; a non-2xx answer becomes the `ApiError` its body carries.
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request.map_err(network_error)?.send().await.map_err(network_error)?;
    if response.ok() {
        return Ok(response);
    }
    // Errors from the edge carry an `ApiError` body; a proxy or a crash may not.
    Err(response
        .json::<ApiError>()
        .await
        .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("network error (HTTP {})", response.status()))))
}

async fn read_json<T: DeserializeOwned>(response: &Response) -> Result<T, ApiError> {
    response.json().await.map_err(|error| {
        leptos::logging::warn!("unexpected answer from {}: {error}", response.url());
        ApiError::new(ErrorCode::Internal, "unexpected answer from the server")
    })
}

fn network_error(error: gloo_net::Error) -> ApiError {
    leptos::logging::warn!("request failed: {error}");
    ApiError::new(ErrorCode::Internal, "network error")
}

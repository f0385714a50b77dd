//! Calls to the edge's HTTP API on the page's own origin, with the session cookie, through the
//! browser's `fetch`.
//!
//! Every failure comes back as the wire's `ApiError`, so callers show one kind of error
//! whether the edge refused the call or the network failed. Bodies are JSON text: `post` reads
//! and writes `Wire` types (the widget's), and the console puts its serde types on top of
//! `request`.

use leptos::logging::warn;
use leptos::prelude::window;
use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::wire::Wire;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

/// `method path` with an optional JSON body; the answer's text, or the `ApiError` it carries.
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Result<String, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    // Same-origin only, but say so explicitly: the console's session lives in a cookie.
    init.set_credentials(RequestCredentials::Include);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
        let headers = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&headers, &"content-type".into(), &"application/json".into());
        init.set_headers(&headers);
    }
    let response: Response =
        JsFuture::from(window().fetch_with_str_and_init(path, &init)).await.map_err(network_error)?.unchecked_into();
    let text = match response.text() {
        Ok(text) => JsFuture::from(text).await.map_err(network_error)?.as_string().unwrap_or_default(),
        Err(error) => return Err(network_error(error)),
    };
    if response.ok() {
        return Ok(text);
    }
    // Errors from the edge carry an `ApiError` body; a proxy or a crash may not.
    Err(ApiError::decode(&text)
        .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("network error (HTTP {})", response.status()))))
}

/// `POST path` with a `Wire` body and read a `Wire` answer.
pub async fn post<T: Wire>(path: &str, body: &impl Wire) -> Result<T, ApiError> {
    let text = request("POST", path, Some(&body.encode())).await?;
    T::decode(&text).map_err(|problem| {
        warn!("unexpected answer from {path}: {problem}");
        ApiError::new(ErrorCode::Internal, "unexpected answer from the server")
    })
}

fn network_error(error: JsValue) -> ApiError {
    // The error itself, not its `Debug` text: the apps are built without `Debug` formatting.
    web_sys::console::warn_2(&JsValue::from_str("request failed:"), &error);
    ApiError::new(ErrorCode::Internal, "network error")
}

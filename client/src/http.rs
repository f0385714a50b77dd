//! Calls to the edge's HTTP API on the page's own origin, with the session cookie, through the
//! browser's `fetch`.
//!
//! Every failure comes back as the wire's `ApiError`, so callers show one kind of error
//! whether the edge refused the call or the network failed. Bodies are JSON text: `post` reads
//! and writes `Wire` types (the widget's), `get` answers the text, and the console puts its
//! serde types on top of `request`.
//!
//! `request` is async, for the console. `post` and `get` answer through a callback, driven by
//! the promises' own handlers: the widget makes few calls, and has no room for the future and
//! task code around them.

use js_sys::Promise;
use leptos::logging::warn;
use leptos::prelude::window;
use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::wire::Wire;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

/// `method path` with an optional JSON body; the answer's text, or the `ApiError` it carries.
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Result<String, ApiError> {
    let response: Response = JsFuture::from(fetch(method, path, body)).await.map_err(network_error)?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(network_error)?).await.map_err(network_error)?;
    answer(&response, text)
}

/// `POST path` with a `Wire` body; `done` is called once, with the `Wire` answer or the
/// `ApiError`.
pub fn post<T: Wire>(path: &str, body: &impl Wire, done: impl FnOnce(Result<T, ApiError>) + 'static) {
    answered(fetch("POST", path, Some(&body.encode())), decoded(path, done));
}

/// `GET path`; `done` is called once, with the answer's text or the `ApiError`. The text is the
/// caller's to read: a type it decodes anyway then costs the widget no second copy of a call's
/// decoding.
pub fn get(path: &str, done: Answered) {
    answered(fetch("GET", path, None), done);
}

/// `done`, taking the answer's text and reading it as a `T`. Only this part is generic: the
/// widget pays for the rest of a call once, whatever its calls answer.
fn decoded<T: Wire>(path: &str, done: impl FnOnce(Result<T, ApiError>) + 'static) -> Answered {
    let path = path.to_owned();
    Box::new(move |answer: Result<String, ApiError>| {
        done(answer.and_then(|text| {
            T::decode(&text).map_err(|problem| {
                warn!("unexpected answer from {path}: {problem}");
                ApiError::new(ErrorCode::Internal, "unexpected answer from the server")
            })
        }))
    })
}

/// What a call does with its answer's text, or the `ApiError` it carries.
pub type Answered = Box<dyn FnOnce(Result<String, ApiError>)>;

/// Calls `done` once, with the text `fetched` answers or why it failed.
fn answered(fetched: Promise, done: Answered) {
    // Called by whichever of the handlers below runs.
    let done = Rc::new(Cell::new(Some(done)));
    let finish = move |answer: Result<String, ApiError>| {
        let Some(done) = done.take() else { return };
        done(answer);
    };
    let fail = finish.clone();
    let read = Box::new(move |response: JsValue| {
        let response: Response = response.unchecked_into();
        match response.text() {
            Ok(text) => {
                let fail = finish.clone();
                let done = Box::new(move |text| finish(answer(&response, text)));
                then(&text, done, Box::new(move |error| fail(Err(network_error(error)))));
            }
            Err(error) => finish(Err(network_error(error))),
        }
    });
    then(&fetched, read, Box::new(move |error| fail(Err(network_error(error)))));
}

/// Runs `done` with what `promise` resolves to, or `failed` with why it was rejected.
fn then(promise: &Promise, done: Box<dyn FnOnce(JsValue)>, failed: Box<dyn FnOnce(JsValue)>) {
    let (done, failed) = (Closure::once(done), Closure::once(failed));
    let _ = promise.then2(&done, &failed);
    // The page keeps both handlers: only one of them ever runs, so freeing them would need
    // more code than the few bytes per call they take.
    done.forget();
    failed.forget();
}

/// Starts `method path` with an optional JSON body.
fn fetch(method: &str, path: &str, body: Option<&str>) -> Promise {
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
    window().fetch_with_str_and_init(path, &init)
}

/// The answer's text, or the `ApiError` it carries.
fn answer(response: &Response, text: JsValue) -> Result<String, ApiError> {
    let text = text.as_string().unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    // Errors from the edge carry an `ApiError` body; a proxy or a crash may not.
    Err(ApiError::decode(&text)
        .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("network error (HTTP {})", response.status()))))
}

fn network_error(error: JsValue) -> ApiError {
    // The error itself, not its `Debug` text: the apps are built without `Debug` formatting.
    web_sys::console::warn_2(&JsValue::from_str("request failed:"), &error);
    ApiError::new(ErrorCode::Internal, "network error")
}

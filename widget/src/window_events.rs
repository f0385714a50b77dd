//! Listening to the chat's own window (`message`, `focus`, `keydown`) for as long as the page
//! lives. Through web-sys directly rather than leptos' `window_event_listener`, which is
//! generic over the event and the handler and cost the widget its own copy for each of them.

use leptos::prelude::window;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// Calls `act` with every `event` the window receives; never removed. The event comes as a
/// plain `JsValue` for the caller to cast: the socket's handlers have that type already, so the
/// closure glue is shared.
pub fn listen(event: &str, act: Box<dyn Fn(JsValue)>) {
    let handler = Closure::wrap(act);
    // Adding a listener to the window fails only for a handler that is not a function.
    let _ = window().add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    // The page owns it from now on.
    handler.forget();
}

//! Listening to the chat's own window (`message`, `focus`, `keydown`, and a timer) for as long
//! as the page lives. Through web-sys directly rather than leptos' `window_event_listener`, which is
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

/// Calls `act` every `millis` milliseconds; never stopped. Same handler type as `listen`, so
/// they share the closure glue (`act` is given `undefined`).
pub fn every(millis: i32, act: Box<dyn Fn(JsValue)>) {
    let handler = Closure::wrap(act);
    // Setting a timer fails only for a handler that is not a function.
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(handler.as_ref().unchecked_ref(), millis);
    // The page owns it from now on.
    handler.forget();
}

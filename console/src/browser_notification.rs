//! The browser's own notifications, for when the console's tab is out of sight: asked for from
//! a click (browsers refuse to ask otherwise), shown only once permitted, one per conversation
//! at a time (a newer one replaces it), and a click on one brings the console's window forward.

use leptos::prelude::window;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Whether this browser has notifications at all (some embedded ones do not).
fn supported() -> bool {
    js_sys::Reflect::has(&window(), &JsValue::from_str("Notification")).unwrap_or(false)
}

/// Asks the agent's permission if it was never asked; call it from a click.
pub fn ask_permission() {
    if supported() && Notification::permission() == NotificationPermission::Default {
        // The answer is read again before each notification, so the promise needs no handler.
        let _ = Notification::request_permission();
    }
}

/// Shows a notification, if permitted; `tag` names its conversation.
pub fn show(title: &str, body: &str, tag: &str) {
    if !supported() || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    match Notification::new_with_options(title, &options) {
        Ok(notification) => {
            // Freed after its one call; a notification never clicked keeps its few bytes.
            let bring_forward = Closure::once_into_js(|| {
                let _ = window().focus();
            });
            notification.set_onclick(Some(bring_forward.unchecked_ref()));
        }
        Err(error) => web_sys::console::warn_2(&JsValue::from_str("a notification failed:"), &error),
    }
}

//! The composers' keyboard rule, shared by widget and console: Enter sends, Shift+Enter breaks
//! the line, and an input method's Enter confirms a word instead of sending.

use leptos::ev::KeyboardEvent;

/// A `keydown` handler that calls `send` on a plain Enter.
pub fn enter_sends(send: impl Fn() + 'static) -> impl Fn(KeyboardEvent) + 'static {
    move |event: KeyboardEvent| {
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    }
}

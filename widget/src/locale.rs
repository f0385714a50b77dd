//! The shopper's language, as a BCP 47 tag for the browser's `Intl` formatting.

use leptos::prelude::window;

/// The browser's preferred language, or English.
pub fn current() -> String {
    window().navigator().language().unwrap_or_else(|| "en".to_owned())
}

//! The widget's words in the shopper's language. The edge writes them into the page: the
//! strings as `data-text` on `<body>` (a JSON array in `widget_text::Text` order) and the
//! language as `<html lang>`, so the widget carries no dictionary of its own. When the shop's
//! page asks for another language (`Parley.setLocale`), the chat reloads in it.

use crate::embedder::Embedder;
use crate::live::effect;
use leptos::prelude::*;
use parley_core::locale::Locale;
use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::validation::MAX_MESSAGE_CHARS;
use parley_core::widget_text::{fill, Text};
use parley_core::wire::Wire;
use std::sync::OnceLock;

static WORDS: OnceLock<Vec<String>> = OnceLock::new();

/// The string for `text`; empty only if the page came without strings.
pub fn t(text: Text) -> &'static str {
    let words = WORDS.get_or_init(|| {
        let json = document().body().and_then(|body| body.get_attribute("data-text")).unwrap_or_default();
        Vec::<String>::decode(&json).unwrap_or_else(|problem| {
            leptos::logging::warn!("the page has no strings for the chat ({problem})");
            Vec::new()
        })
    });
    words.get(text as usize).map_or("", String::as_str)
}

/// The string for `text` with its `{}` filled by `values`, in order.
pub fn t_with(text: Text, values: &[&str]) -> String {
    fill(t(text), values)
}

/// The page's language tag (`<html lang>`), for the browser's date and time formatting.
pub fn lang() -> String {
    document().document_element().and_then(|html| html.get_attribute("lang")).unwrap_or_else(|| "en".to_owned())
}

/// How an error reads to the shopper. What the edge or the network refused is said by its
/// code in the shopper's language; refusals the widget makes itself carry their words already.
pub fn error_text(error: &ApiError) -> String {
    match error.code {
        ErrorCode::RateLimited => t_with(Text::RateLimited, &[&error.retry_after_seconds.unwrap_or(60).to_string()]),
        ErrorCode::TooLarge => t_with(Text::TooLong, &[&MAX_MESSAGE_CHARS.to_string()]),
        ErrorCode::NotFound | ErrorCode::Unauthorized => t(Text::Gone).to_owned(),
        ErrorCode::Internal => t(Text::Offline).to_owned(),
        ErrorCode::BadRequest => error.message.clone(),
        ErrorCode::Forbidden | ErrorCode::Conflict | ErrorCode::UnsupportedVersion => t(Text::Failed).to_owned(),
    }
}

/// A refusal of the widget's own, already in the shopper's words.
pub fn refusal(text: String) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, text)
}

/// Reloads the chat in the language the shop's page asks for, when it differs.
pub fn follow_the_page(embedder: Embedder) {
    effect(move || {
        let Some(asked) = embedder.locale() else { return };
        let wanted = Locale::negotiate(&asked).tag();
        if wanted != lang() && window().location().set_search(&format!("lang={wanted}")).is_err() {
            leptos::logging::warn!("cannot switch the chat to {wanted}");
        }
    });
}

//! Parley's shopper app: the chat that runs inside the iframe the loader (`loader/widget.js`)
//! opens on a shop's pages. The edge serves it at `/w/{shop}` in the shopper's language, with
//! the shop's settings and the widget's strings as data attributes on `<body>`.

mod app;
mod attention;
mod chat;
mod chime;
mod composer;
mod contact_form;
mod embedder;
mod live;
mod message_log;
mod page_product;
mod page_sync;
mod posted;
mod pre_chat;
mod rating_form;
mod shop;
mod shop_view;
mod text;
mod theme;
mod ticket_store;
mod unread;
mod window_events;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the page's module script calls `init()`.
#[wasm_bindgen(start)]
pub fn start() {
    theme::apply();
    match shop::Shop::from_page() {
        Some(shop) => leptos::mount::mount_to_body(move || view! { <app::App shop /> }),
        None => leptos::mount::mount_to_body(app::Unavailable),
    }
    // The chat is on screen and the shopper can type: `cargo xtask bench` measures the time from
    // the launcher's click to this mark.
    if let Some(performance) = window().performance() {
        let _ = performance.mark("parley-ready");
    }
}

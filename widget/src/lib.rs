//! Parley's shopper app: the chat that runs inside the iframe the loader (`loader/widget.js`)
//! opens on a shop's pages. The edge serves it at `/w/{shop}`, with the shop's id, name and
//! allowed embedding origins as data attributes on `<body>`.

mod app;
mod chat;
mod composer;
mod contact_form;
mod embedder;
mod message_log;
mod page_product;
mod page_sync;
mod posted;
mod shop;
mod theme;
mod ticket_store;
mod unread;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the page's module script calls `init()`.
#[wasm_bindgen(start)]
pub fn start() {
    theme::apply();
    leptos::mount::mount_to_body(app::App);
}

//! Parley's agent console: agents sign in, watch their shop's queue live, claim conversations,
//! answer shoppers in several chats at once (with internal notes, typing and read marks),
//! transfer and resolve them, see who the shopper is and how they rated the chat, and watch
//! the shop's first-response and satisfaction dashboard. The edge serves it
//! at `/console`.

mod api;
mod app;
mod chat;
mod clock;
mod composer;
mod contact_email;
mod dashboard;
mod date_range;
mod dead_letters;
mod desk;
mod exports;
mod format;
mod frt_chart;
mod frt_histogram;
mod link_notice;
mod login;
mod main_view;
mod message_log;
mod my_chats;
mod open_chats;
mod queue;
mod rating;
mod session;
mod shopper_details;
mod shopper_page;
mod transfer;
mod unanswered;
mod workspace;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the page's module script calls `init()`.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}

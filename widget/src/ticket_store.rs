//! Where the shopper's conversation ticket survives reloads and navigation: localStorage under
//! `parley.conversation.{shop}`, as the ticket's JSON (`{"conversation_id": …, "token": …}`).
//!
//! Storage may be unavailable (a partitioned or blocked third-party iframe); the chat then
//! still works, it just starts afresh on the next page.

use leptos::logging::warn;
use leptos::prelude::window;
use parley_core::ids::ShopId;
use parley_core::protocol::ConversationTicket;
use parley_core::wire::Wire;
use web_sys::Storage;

pub fn load(shop: &ShopId) -> Option<ConversationTicket> {
    let json = storage()?.get_item(&key(shop)).ok()??;
    ConversationTicket::decode(&json).ok()
}

pub fn save(shop: &ShopId, ticket: &ConversationTicket) {
    let saved = storage().is_some_and(|storage| storage.set_item(&key(shop), &ticket.encode()).is_ok());
    if !saved {
        warn!("cannot remember the conversation; it will not survive a reload");
    }
}

pub fn forget(shop: &ShopId) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(shop));
    }
}

fn key(shop: &ShopId) -> String {
    format!("parley.conversation.{shop}")
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

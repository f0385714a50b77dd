//! Where the shopper's conversation ticket survives reloads and navigation: localStorage under
//! `parley.conversation.{shop}`, as the ticket's JSON (`{"conversation_id": …, "token": …}`).
//!
//! The browser's device id lives beside it, under `parley.device`, for every shop: the id of
//! the first conversation this browser started, which the edge made the conversation's own
//! device id (128 bits from its CSPRNG, so the widget needs no random numbers of its own).
//!
//! Storage may be unavailable (a partitioned or blocked third-party iframe); the chat then
//! still works, it just starts afresh on the next page.

use leptos::logging::warn;
use leptos::prelude::window;
use parley_core::ids::{DeviceId, ShopId};
use parley_core::protocol::ConversationTicket;
use parley_core::wire::Wire;
use web_sys::Storage;

pub fn load(shop: &ShopId) -> Option<ConversationTicket> {
    let json = storage()?.get_item(&key(shop)).ok()??;
    ConversationTicket::decode(&json).ok()
}

pub fn save(shop: &ShopId, ticket: &ConversationTicket) {
    let saved = storage().is_some_and(|storage| {
        // The first conversation names the device for good.
        if device().is_none() {
            let _ = storage.set_item(DEVICE_KEY, ticket.conversation_id.as_str());
        }
        storage.set_item(&key(shop), &ticket.encode()).is_ok()
    });
    if !saved {
        warn!("cannot remember the conversation; it will not survive a reload");
    }
}

pub fn forget(shop: &ShopId) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(shop));
    }
}

/// This browser's device id, so the shop's agents know the shopper's later conversations;
/// none before its first conversation, or without storage.
pub fn device() -> Option<DeviceId> {
    DeviceId::parse(&storage()?.get_item(DEVICE_KEY).ok()??).ok()
}

const DEVICE_KEY: &str = "parley.device";

fn key(shop: &ShopId) -> String {
    format!("parley.conversation.{shop}")
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

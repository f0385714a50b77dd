//! Where the shopper's conversation ticket survives reloads and navigation: localStorage under
//! `parley.conversation.{shop}`, as the ticket's JSON (`{"conversation_id": …, "token": …}`).
//!
//! The browser's device id lives beside it, under `parley.device`, for every shop.
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

/// This browser's device id: made once from the browser's CSPRNG and remembered, so the shop's
/// agents know the shopper's later conversations. Without storage there is none: an id that
/// changed on every page would tie nothing together.
pub fn device() -> Option<DeviceId> {
    let storage = storage()?;
    if let Some(device) = storage.get_item(DEVICE_KEY).ok().flatten().and_then(|id| DeviceId::parse(&id).ok()) {
        return Some(device);
    }
    let mut bytes = [0u8; 16];
    window().crypto().ok()?.get_random_values_with_u8_array(&mut bytes).ok()?;
    let device = DeviceId::parse(&bytes.iter().map(|byte| format!("{byte:02x}")).collect::<String>()).ok()?;
    storage.set_item(DEVICE_KEY, device.as_str()).ok()?;
    Some(device)
}

const DEVICE_KEY: &str = "parley.device";

fn key(shop: &ShopId) -> String {
    format!("parley.conversation.{shop}")
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

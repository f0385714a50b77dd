//! The shop this widget chats for, as the edge writes it onto the page's `<body>`:
//! `data-shop`, `data-shop-name`, `data-allowed-origins` (a JSON list of origin patterns) and
//! `data-pre-chat-name` and `data-pre-chat-email` (`off`, `optional` or `required`).

use leptos::prelude::document;
use parley_core::ids::ShopId;
use parley_core::origin::OriginPattern;
use parley_core::pre_chat::{FieldRule, PreChatFields};
use parley_core::wire::Wire;

pub struct Shop {
    pub id: ShopId,
    pub name: String,
    /// The origins whose pages may embed the widget and tell it about themselves.
    pub allowed_origins: Vec<OriginPattern>,
    /// What the shop asks before the first message.
    pub pre_chat: PreChatFields,
}

impl Shop {
    /// `None` if the page does not name a valid shop.
    pub fn from_page() -> Option<Shop> {
        let body = document().body()?;
        let id = ShopId::parse(&body.get_attribute("data-shop")?).ok()?;
        let name = body.get_attribute("data-shop-name").filter(|name| !name.trim().is_empty());
        let listed = body.get_attribute("data-allowed-origins").and_then(|json| Vec::<String>::decode(&json).ok());
        // A plain loop: an iterator chain costs the widget more code.
        let mut allowed_origins = Vec::new();
        for raw in listed.unwrap_or_default() {
            allowed_origins.extend(OriginPattern::parse(&raw));
        }
        // A rule the page does not name clearly asks for nothing; the edge checks the details anyway.
        let rule = |attribute: &str| body.get_attribute(attribute).and_then(|name| FieldRule::parse(&name));
        let pre_chat = PreChatFields {
            name: rule("data-pre-chat-name").unwrap_or_default(),
            email: rule("data-pre-chat-email").unwrap_or_default(),
        };
        Some(Shop { name: name.unwrap_or_else(|| id.to_string()), id, allowed_origins, pre_chat })
    }
}

//! The shop this widget chats for, as the edge writes it onto the page's `<body>`:
//! `data-shop`, `data-shop-name` and `data-allowed-origins` (a JSON list of origin patterns).

use leptos::prelude::document;
use parley_core::ids::ShopId;
use parley_core::origin::OriginPattern;
use parley_core::wire::Wire;

pub struct Shop {
    pub id: ShopId,
    pub name: String,
    /// The origins whose pages may embed the widget and tell it about themselves.
    pub allowed_origins: Vec<OriginPattern>,
}

impl Shop {
    /// `None` if the page does not name a valid shop.
    pub fn from_page() -> Option<Shop> {
        let body = document().body()?;
        let id = ShopId::parse(&body.get_attribute("data-shop")?).ok()?;
        let name = body.get_attribute("data-shop-name").filter(|name| !name.trim().is_empty());
        let allowed_origins = body
            .get_attribute("data-allowed-origins")
            .and_then(|json| Vec::<String>::decode(&json).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|raw| OriginPattern::parse(raw))
            .collect();
        Some(Shop { name: name.unwrap_or_else(|| id.to_string()), id, allowed_origins })
    }
}

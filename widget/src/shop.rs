//! The shop this widget chats for, as the edge writes it onto the page's `<body>`:
//! `data-shop`, `data-shop-name`, `data-allowed-origins` (a JSON list of origin patterns) and
//! `data-view` (the shop's `WidgetView` as JSON: greeting, reply time, pre-chat fields, open now).

use leptos::prelude::document;
use parley_core::ids::ShopId;
use parley_core::origin::OriginPattern;
use parley_core::wire::Wire;

pub struct Shop {
    pub id: ShopId,
    pub name: String,
    /// The origins whose pages may embed the widget and tell it about themselves.
    pub allowed_origins: Vec<OriginPattern>,
    /// What the chat shows of the shop when the page is loaded (a `WidgetView` as JSON); the
    /// chat keeps it fresh.
    pub view: String,
}

impl Shop {
    /// `None` if the page does not name a valid shop with its view.
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
        // Read when shown: a view that does not read shows the widget's defaults, which promise
        // nothing.
        let view = body.get_attribute("data-view")?;
        Some(Shop { name: name.unwrap_or_else(|| id.to_string()), id, allowed_origins, view })
    }
}

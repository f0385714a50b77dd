//! The product a shop's page shows, picked out of what the loader read there: a schema.org
//! `Product` in the page's JSON-LD (the richer: it has the SKU), else Open Graph's product tags
//! (`og:type` `product…`, `og:title`, `og:image`, `product:price:amount` and `:currency`). Done
//! here rather than in the loader, whose every byte the shop's page pays for.

use crate::posted::{as_text, field, text};
use js_sys::{Array, JSON};
use parley_core::protocol::Product;
use wasm_bindgen::JsValue;

/// From the loader's `{og: [[property, content], …], ld: [JSON-LD text, …]}`.
pub fn product_on_page(described: &JsValue) -> Option<Product> {
    let scripts = field(described, "ld").map(|ld| each(&ld)).unwrap_or_default();
    let from_json_ld = scripts.iter().filter_map(|script| JSON::parse(&script.as_string()?).ok()).find_map(|json| {
        let graph = field(&json, "@graph").map(|graph| each(&graph)).unwrap_or_default();
        each(&json).into_iter().chain(graph).find(is_a_product).map(|item| schema_product(&item))
    });
    from_json_ld.or_else(|| open_graph_product(&field(described, "og")?))
}

/// The items of an array, or the one value that is not.
fn each(value: &JsValue) -> Vec<JsValue> {
    if Array::is_array(value) {
        Array::from(value).to_vec()
    } else {
        vec![value.clone()]
    }
}

/// `@type` is `Product`, or a list that has it.
fn is_a_product(item: &JsValue) -> bool {
    field(item, "@type")
        .is_some_and(|kind| each(&kind).iter().any(|kind| kind.as_string().as_deref() == Some("Product")))
}

fn schema_product(item: &JsValue) -> Product {
    let first = |name: &str| field(item, name).and_then(|value| each(&value).into_iter().next());
    let offer = first("offers").unwrap_or(JsValue::UNDEFINED);
    // An image is a URL, or an ImageObject with one.
    let image = first("image").map(|image| if image.is_object() { text(&image, "url") } else { as_text(&image) });
    Product {
        name: text(item, "name"),
        sku: text(item, "sku"),
        price: text(&offer, "price"),
        currency: text(&offer, "priceCurrency"),
        image: image.unwrap_or_default(),
    }
}

fn open_graph_product(tags: &JsValue) -> Option<Product> {
    let tags: Vec<(String, String)> = each(tags)
        .iter()
        .filter(|pair| Array::is_array(pair))
        .map(|pair| {
            let pair = Array::from(pair);
            (as_text(&pair.get(0)), as_text(&pair.get(1)))
        })
        .collect();
    let tag = |property: &str| tags.iter().find(|(name, _)| name == property).map(|(_, content)| content.clone());
    tag("og:type")?.starts_with("product").then(|| Product {
        name: tag("og:title").unwrap_or_default(),
        price: tag("product:price:amount").unwrap_or_default(),
        currency: tag("product:price:currency").unwrap_or_default(),
        image: tag("og:image").unwrap_or_default(),
        ..Product::default()
    })
}

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
    // Plain loops: iterator chains cost the widget more code.
    for script in scripts {
        let Some(json) = script.as_string().and_then(|script| JSON::parse(&script).ok()) else { continue };
        let mut items = each(&json);
        if let Some(graph) = field(&json, "@graph") {
            items.extend(each(&graph));
        }
        if let Some(item) = items.iter().find(|item| is_a_product(item)) {
            return Some(schema_product(item));
        }
    }
    open_graph_product(&field(described, "og")?)
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
    // The first of each tag counts.
    let [mut kind, mut name, mut price, mut currency, mut image] = [None, None, None, None, None];
    for pair in each(tags).iter().filter(|pair| Array::is_array(pair)) {
        let pair = Array::from(pair);
        let slot = match as_text(&pair.get(0)).as_str() {
            "og:type" => &mut kind,
            "og:title" => &mut name,
            "product:price:amount" => &mut price,
            "product:price:currency" => &mut currency,
            "og:image" => &mut image,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(as_text(&pair.get(1)));
        }
    }
    kind?.starts_with("product").then(|| Product {
        name: name.unwrap_or_default(),
        price: price.unwrap_or_default(),
        currency: currency.unwrap_or_default(),
        image: image.unwrap_or_default(),
        ..Product::default()
    })
}

//! The page a shopper is on: its title, linked to its URL, and what it tells about the visit:
//! the product shown (name, price, SKU) and the shop's own values (`Parley.setContext`). All of
//! it comes from the shopper's browser, so the URL becomes a link only if it is plain `http(s)`
//! (never `javascript:`). It follows the shopper as they move on. Test hooks: `page-title`,
//! `page-product`, `page-price`, `page-sku`, and `page-custom` for each value.

use leptos::prelude::*;
use parley_core::protocol::{PageContext, Product};

#[component]
pub fn ShopperPage(page: PageContext) -> impl IntoView {
    let title = if page.title.trim().is_empty() { "Untitled page".to_owned() } else { page.title };
    let url = linkable(&page.url).map(str::to_owned);
    let custom: Vec<(String, String)> = page.custom.into_iter().collect();
    view! {
        <div class="shopper-page">
            {match url.clone() {
                Some(href) => {
                    view! {
                        <a class="page-title" data-testid="page-title" href=href target="_blank" rel="noopener noreferrer">
                            {title}
                        </a>
                    }
                        .into_any()
                }
                None => view! { <span class="page-title" data-testid="page-title">{title}</span> }.into_any(),
            }}
            {url.map(|url| view! { <span class="page-url">{url}</span> })}
            {page.product.map(|product| view! { <ProductFacts product=*product /> })}
            {(!custom.is_empty())
                .then(|| {
                    view! {
                        <dl class="page-custom">
                            {custom
                                .into_iter()
                                .map(|(key, value)| {
                                    view! {
                                        <div data-testid="page-custom">
                                            <dt>{key}</dt>
                                            <dd>{value}</dd>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </dl>
                    }
                })}
        </div>
    }
}

/// The product's name, price and SKU, whichever the page gave.
#[component]
fn ProductFacts(product: Product) -> impl IntoView {
    let price = format!("{} {}", product.price, product.currency).trim().to_owned();
    let present = |text: String| (!text.is_empty()).then_some(text);
    view! {
        <p class="page-product">
            {present(product.name).map(|name| view! { <span data-testid="page-product">{name}</span> })}
            {present(price).map(|price| view! { <span class="page-price" data-testid="page-price">{price}</span> })}
            {present(product.sku)
                .map(|sku| view! { <span class="page-sku" data-testid="page-sku">"SKU " {sku}</span> })}
        </p>
    }
}

/// The URL if it is safe to link to.
fn linkable(url: &str) -> Option<&str> {
    let url = url.trim();
    (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
}

//! The page a shopper wrote from: its title, linked to its URL. Both come from the shopper's
//! browser, so the URL becomes a link only if it is plain `http(s)` (never `javascript:`).

use leptos::prelude::*;
use parley_core::protocol::PageContext;

#[component]
pub fn ShopperPage(page: PageContext) -> impl IntoView {
    let title = if page.title.trim().is_empty() { "Untitled page".to_owned() } else { page.title };
    let url = linkable(&page.url).map(str::to_owned);
    view! {
        <div class="shopper-page">
            {match url.clone() {
                Some(href) => {
                    view! {
                        <a class="page-title" href=href target="_blank" rel="noopener noreferrer">
                            {title}
                        </a>
                    }
                        .into_any()
                }
                None => view! { <span class="page-title">{title}</span> }.into_any(),
            }}
            {url.map(|url| view! { <span class="page-url">{url}</span> })}
        </div>
    }
}

/// The URL if it is safe to link to.
fn linkable(url: &str) -> Option<&str> {
    let url = url.trim();
    (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
}

//! The owner's downloads of the dashboard's window as CSV: the metrics, a row per day and the
//! total, and the conversations, a row per conversation cycle (`GET /api/shops/{shop}/exports/…`).
//! Plain links: the edge answers them as attachments, so the browser saves the file with the
//! session cookie it already has. Test hooks: `data-testid="export-metrics"` and
//! `"export-conversations"`.

use crate::date_range::Window;
use leptos::prelude::*;
use parley_core::ids::ShopId;

/// The path of `export` of `shop` over `window`.
fn export_path(shop: &ShopId, export: &str, (from, to): Window) -> String {
    format!("/api/shops/{shop}/exports/{export}?from={}&to={}", from.0, to.0)
}

#[component]
pub fn ExportLinks(shop: ShopId, window: Signal<Option<Window>>) -> impl IntoView {
    let link = move |export: &'static str, label: &'static str, testid: &'static str| {
        let shop = shop.clone();
        view! {
            <a
                class="button small"
                download
                data-testid=testid
                href=move || window.get().map(|window| export_path(&shop, export, window))
            >
                {label}
            </a>
        }
    };
    view! {
        <div class="exports" role="group" aria-label="Download as CSV">
            {link("metrics.csv", "Metrics CSV", "export-metrics")}
            {link("conversations.csv", "Conversations CSV", "export-conversations")}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::time::UnixMillis;

    #[test]
    fn a_link_asks_for_the_window_shown() {
        let shop = ShopId::parse("demo").expect("a shop id");
        assert_eq!(
            export_path(&shop, "metrics.csv", (UnixMillis(10), UnixMillis(20))),
            "/api/shops/demo/exports/metrics.csv?from=10&to=20"
        );
    }
}

//! The HTML shells of the two Leptos apps (shopper widget, agent console), each under
//! Parley's own strict Content-Security-Policy.
//!
//! The shells are tiny: a stylesheet, and one module script from `/assets/` that loads the
//! app's wasm (nothing inline, so the CSP allows scripts from Parley's origin only). The widget page may only be framed by the
//! shop's allowed origins; the console may not be framed at all.

use worker::{Headers, Response};

use crate::error::EdgeResult;
use crate::shop_widget::PublicShop;
use parley_core::locale::Locale;
use parley_core::widget_text::{catalog, fill, word, Text};

/// One of the apps xtask builds into `/assets/{name}-{hash}/{name}.js|_bg.wasm|.css`.
#[derive(Clone, Copy)]
pub enum App {
    Widget,
    Console,
}

impl App {
    fn name(self) -> &'static str {
        match self {
            App::Widget => "widget",
            App::Console => "console",
        }
    }

    /// The bundle's folder under `/assets/`, named by its content's hash, as `cargo xtask build`
    /// told the compiler; a build without it (native checks) points at the plain name.
    fn bundle(self) -> &'static str {
        let built = match self {
            App::Widget => option_env!("PARLEY_ASSETS_WIDGET"),
            App::Console => option_env!("PARLEY_ASSETS_CONSOLE"),
        };
        built.unwrap_or(self.name())
    }
}

/// Escapes text for an HTML attribute or text node.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The widget's page for a shop, in the shopper's language: framed only by the shop's allowed
/// origins. The shop's id, name, allowed origins and theme travel as attributes of `<body>`
/// (the theme colour and its readable text colour become the app's accent), and so do the
/// widget's view of the shop (`data-view`, the JSON `GET /api/shops/{shop}/widget` answers,
/// which the open chat asks again) and the widget's strings in `locale` (`data-text`, a JSON
/// array in `widget_text::Text` order).
pub fn widget_page(shop: &PublicShop, locale: Locale) -> EdgeResult<Response> {
    let origins: Vec<&str> = shop.allowed_origins.iter().map(|o| o.as_str()).collect();
    let frame_ancestors = if origins.is_empty() { "'none'".to_owned() } else { origins.join(" ") };
    let theme = shop.launcher.color;
    let words = catalog(locale);
    let body_attributes = format!(
        r#"data-shop="{}" data-shop-name="{}" data-allowed-origins="{}" data-view="{}" data-theme-color="{theme}" data-theme-text="{}" data-text="{}""#,
        escape(shop.shop.as_str()),
        escape(&shop.name),
        escape(&serde_json::to_string(&origins)?),
        escape(&serde_json::to_string(&shop.view)?),
        theme.readable_text(),
        escape(&serde_json::to_string(words.as_slice())?),
    );
    let title = fill(word(locale, Text::ChatTitle), &[&shop.name]);
    shell(App::Widget, locale.tag(), &title, &body_attributes, &frame_ancestors)
}

/// The agent console's page.
pub fn console_page() -> EdgeResult<Response> {
    shell(App::Console, "en", "Parley console", "", "'none'")
}

fn shell(app: App, lang: &str, title: &str, body_attributes: &str, frame_ancestors: &str) -> EdgeResult<Response> {
    let (name, bundle) = (app.name(), app.bundle());
    // The wasm is preloaded beside the script that fetches it, so both download at once; the
    // module script runs once the body is parsed.
    let html = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title><link rel="stylesheet" href="/assets/{bundle}/{name}.css"><script type="module" src="/assets/{bundle}/{name}.js"></script><link rel="preload" href="/assets/{bundle}/{name}_bg.wasm" as="fetch" type="application/wasm" crossorigin></head><body {body_attributes}></body></html>"#,
        title = escape(title),
    );
    let csp = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}"
    );
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("content-security-policy", &csp)?;
    headers.set("cache-control", "no-store")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "strict-origin-when-cross-origin")?;
    Ok(Response::ok(html)?.with_headers(headers))
}

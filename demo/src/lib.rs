//! Demo shop pages that embed the Parley widget exactly as a real shop would: one
//! `<script async>` tag pointing at the edge. The dev edge serves them under `/demo/`,
//! rendered with its own origin so they work on any port.
//!
//! Besides the product page there are the pages shops make hard for a widget: one under a
//! strict Content-Security-Policy (only Parley's origin for scripts, frames and connections,
//! nothing inline, no eval of any kind) and one whose global CSS tries to flatten everything.
//! And three that use more of Parley: a single-page shop that changes product through the
//! history API (`spa`), one that calls `window.Parley` through the stub before the loader
//! arrives and styles the launcher with the tag's data attributes (`api`), and a signed-in
//! customer's account page that tells the chat who the customer is (`account`). Their scripts
//! are files of their own under `/demo/` (see [`script`]), never inline, like a strict shop's.
//!
//! Every page embeds the demo shop unless asked for another (`?shop=`), so a shop can see its
//! own widget on them before embedding it.

/// The demo shop's id, as in its embed tag.
pub const SHOP: &str = "demo";

/// A demo page as the edge serves it: its HTML and its Content-Security-Policy header.
pub struct DemoPage {
    pub html: String,
    pub content_security_policy: String,
}

/// The page at `/demo/{path}` (the product page at `""`), embedding the widget of `shop` (an
/// id the caller has checked, so it needs no escaping) served by `edge_origin` (e.g.
/// `http://127.0.0.1:8787`); `None` for an unknown path.
pub fn page(path: &str, edge_origin: &str, shop: &str) -> Option<DemoPage> {
    // The page's own script (before the embed tag, so it runs first) and the tag's extra attributes.
    let (title, head, body, own_script, tag_attributes) = match path {
        "" => ("Trail Runner 2 — Demo Shop", PRODUCT_STYLE, PRODUCT_BODY, "", ""),
        "strict-csp" => ("Strict CSP — Demo Shop", "", STRICT_BODY, "", ""),
        "hostile-css" => ("Hostile CSS — Demo Shop", HOSTILE_STYLE, HOSTILE_BODY, "", ""),
        "spa" => ("Trail Runner 2 — Demo Shop", PRODUCT_STYLE, SPA_BODY, "spa.js", ""),
        "api" => ("Parley API — Demo Shop", PRODUCT_STYLE, API_BODY, "api.js", API_TAG_ATTRIBUTES),
        "account" => ("Your account — Demo Shop", PRODUCT_STYLE, ACCOUNT_BODY, "account.js", ""),
        _ => return None,
    };
    let own_script = match own_script {
        "" => String::new(),
        name => format!("<script src=\"/demo/{name}\"></script>\n"),
    };
    // Every page has a policy, as a careful shop's would: the strict page allows nothing but
    // Parley's origin; the others also their own inline styles. None may be framed.
    let content_security_policy = match path {
        "strict-csp" => format!(
            "default-src 'none'; script-src {edge_origin}; frame-src {edge_origin}; connect-src {edge_origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        _ => format!(
            "default-src 'self'; script-src 'self' {edge_origin}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src {edge_origin}; connect-src {edge_origin}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
    };
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<meta property="og:type" content="product">
<meta property="og:title" content="Trail Runner 2">
<meta property="product:price:amount" content="129.00">
<meta property="product:price:currency" content="EUR">
{head}</head>
<body>
{body}{own_script}<script async src="{edge_origin}/widget.js" data-shop="{shop}"{tag_attributes}></script>
</body>
</html>
"#
    );
    Some(DemoPage { html, content_security_policy })
}

/// The script at `/demo/{name}` that a demo page loads, if there is one.
pub fn script(name: &str) -> Option<&'static str> {
    match name {
        "spa.js" => Some(include_str!("spa.js")),
        "api.js" => Some(include_str!("api.js")),
        "account.js" => Some(include_str!("account.js")),
        _ => None,
    }
}

const PRODUCT_STYLE: &str = r#"<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f5f2; }
  header { background: #1d2330; color: #fff; padding: 14px 24px; font-weight: 600; }
  header a { color: #fff; margin-left: 16px; font-weight: 400; }
  main { max-width: 880px; margin: 32px auto; padding: 0 24px; display: grid; grid-template-columns: 1fr 1fr; gap: 32px; }
  .photo { aspect-ratio: 1; border-radius: 12px; background: linear-gradient(135deg, #e07a5f, #3d405b); }
  .price { font-size: 28px; font-weight: 700; }
  button.buy { font: inherit; padding: 12px 28px; border: 0; border-radius: 8px; background: #2a9d8f; color: #fff; }
  @media (max-width: 640px) { main { grid-template-columns: 1fr; } }
</style>
"#;

const PRODUCT_BODY: &str = r#"<header>Demo Shop <a href="/demo/strict-csp">strict CSP</a> <a href="/demo/hostile-css">hostile CSS</a> <a href="/demo/account">your account</a></header>
<main>
  <div class="photo" role="img" aria-label="Trail Runner 2 shoe"></div>
  <div>
    <h1>Trail Runner 2</h1>
    <p class="price">€129.00</p>
    <p>A light trail shoe with a grippy sole. Questions about sizing or delivery? Ask us in the chat.</p>
    <button class="buy" type="button">Add to cart</button>
  </div>
</main>
"#;

const STRICT_BODY: &str = r#"<h1>Trail Runner 2</h1>
<p>This page allows scripts, frames and connections only from Parley's origin, and nothing
inline: no inline script or style, no eval, no wasm on this page. The chat still works.</p>
"#;

const SPA_BODY: &str = r#"<header>Demo Shop <a href="/demo/spa?product=trail-runner" data-product="trail-runner" data-testid="spa-trail-runner">Trail Runner 2</a> <a href="/demo/spa?product=alpine-shell" data-product="alpine-shell" data-testid="spa-alpine-shell">Alpine Shell</a></header>
<main>
  <div class="photo" role="img" aria-label="The product"></div>
  <div>
    <h1 id="product-name">Trail Runner 2</h1>
    <p class="price" id="product-price">€129.00</p>
    <p>A single-page shop: the links above change the product without loading a page. The chat
    follows, and the agent sees which product you are looking at.</p>
  </div>
</main>
"#;

const API_BODY: &str = r#"<header>Demo Shop</header>
<main>
  <div>
    <h1>Trail Runner 2</h1>
    <p>This page calls <code>window.Parley</code> before the loader arrives: it adds a cart value
    to the context the agent sees, opens the chat, and lists the chat's events below. Its
    launcher takes the colour, corner and text of the embed tag's data attributes.</p>
    <ul id="events" data-testid="events"></ul>
  </div>
</main>
"#;

const ACCOUNT_BODY: &str = r#"<header>Demo Shop</header>
<main>
  <div>
    <h1>Your account</h1>
    <p>Signed in as <strong>Kim Tester</strong> (kim@example.com). This page tells the chat who
    you are with <code>Parley.identify</code>, so a shop that asks for a name and an e-mail
    address before the first message does not ask you again, and its agents see them.</p>
  </div>
</main>
"#;

const API_TAG_ATTRIBUTES: &str = r##" data-color="#f2b705" data-position="left" data-launcher-text="Ask us""##;

const HOSTILE_STYLE: &str = r#"<style>
  * { all: unset !important; }
  button { display: none !important; }
  iframe { display: none !important; }
  div { position: static !important; z-index: 0 !important; }
</style>
"#;

const HOSTILE_BODY: &str = r#"<h1>Trail Runner 2</h1>
<p>This page's CSS unsets every property of every element and hides all buttons and frames.
The chat still works.</p>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_embeds_the_widget_with_one_async_script_tag_and_nothing_else() {
        for path in ["", "strict-csp", "hostile-css"] {
            let page = page(path, "http://127.0.0.1:8787", SHOP).expect("a demo page");
            let tag = r#"<script async src="http://127.0.0.1:8787/widget.js" data-shop="demo"></script>"#;
            assert!(page.html.contains(tag), "{path:?}");
            assert_eq!(page.html.matches("<script").count(), 1, "{path:?}: nothing but the embed tag");
        }
        assert!(page("nope", "http://x", SHOP).is_none());
        let other = page("", "http://x", "boutique").expect("a demo page");
        assert!(other.html.contains(r#"data-shop="boutique""#), "another shop's widget");
    }

    #[test]
    fn pages_with_scripts_of_their_own_load_them_as_files_before_the_embed_tag() {
        for (path, name) in [("spa", "spa.js"), ("api", "api.js"), ("account", "account.js")] {
            let page = page(path, "http://127.0.0.1:8787", SHOP).expect("a demo page");
            let own = format!(r#"<script src="/demo/{name}"></script>"#);
            let own_at = page.html.find(&own).expect("the page's script");
            let tag_at = page.html.find(r#"<script async src="http://127.0.0.1:8787/widget.js""#).expect("the tag");
            assert!(own_at < tag_at, "{path:?}: the page's script runs first");
            assert_eq!(page.html.matches("<script").count(), 2, "{path:?}: nothing inline");
            assert!(script(name).is_some_and(|js| !js.is_empty()), "{name}");
        }
        assert!(script("nope.js").is_none());
    }

    #[test]
    fn the_strict_page_allows_only_the_edge_and_nothing_inline() {
        let page = page("strict-csp", "http://127.0.0.1:8787", SHOP).expect("a demo page");
        let csp = page.content_security_policy;
        assert!(!csp.contains("unsafe") && csp.contains("script-src http://127.0.0.1:8787;"), "{csp}");
        assert!(!page.html.contains("<style"), "nothing inline");
    }

    #[test]
    fn every_page_has_a_policy_and_may_not_be_framed() {
        for path in ["", "strict-csp", "hostile-css", "spa", "api", "account"] {
            let page = page(path, "http://127.0.0.1:8787", SHOP).expect("a demo page");
            let csp = page.content_security_policy;
            assert!(csp.contains("default-src") && csp.contains("frame-ancestors 'none'"), "{path:?}: {csp}");
            assert!(csp.contains("frame-src http://127.0.0.1:8787"), "{path:?}: the widget's frame is allowed");
        }
    }
}

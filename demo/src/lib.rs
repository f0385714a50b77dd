//! Demo shop pages that embed the Parley widget exactly as a real shop would: one
//! `<script async>` tag pointing at the edge. The dev edge serves them under `/demo/`,
//! rendered with its own origin so they work on any port.

/// The demo shop's id, as in its embed tag.
pub const SHOP: &str = "demo";

/// A product page of the demo shop, embedding the widget served by `edge_origin`
/// (e.g. `http://127.0.0.1:8787`).
pub fn product_page(edge_origin: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Trail Runner 2 — Demo Shop</title>
<meta property="og:type" content="product">
<meta property="og:title" content="Trail Runner 2">
<style>
  body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f5f2; }}
  header {{ background: #1d2330; color: #fff; padding: 14px 24px; font-weight: 600; }}
  main {{ max-width: 880px; margin: 32px auto; padding: 0 24px; display: grid; grid-template-columns: 1fr 1fr; gap: 32px; }}
  .photo {{ aspect-ratio: 1; border-radius: 12px; background: linear-gradient(135deg, #e07a5f, #3d405b); }}
  .price {{ font-size: 28px; font-weight: 700; }}
  button.buy {{ font: inherit; padding: 12px 28px; border: 0; border-radius: 8px; background: #2a9d8f; color: #fff; }}
  @media (max-width: 640px) {{ main {{ grid-template-columns: 1fr; }} }}
</style>
</head>
<body>
<header>Demo Shop</header>
<main>
  <div class="photo" role="img" aria-label="Trail Runner 2 shoe"></div>
  <div>
    <h1>Trail Runner 2</h1>
    <p class="price">€129.00</p>
    <p>A light trail shoe with a grippy sole. Questions about sizing or delivery? Ask us in the chat.</p>
    <button class="buy" type="button">Add to cart</button>
  </div>
</main>
<script async src="{edge_origin}/widget.js" data-shop="{SHOP}"></script>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_the_widget_with_one_async_script_tag() {
        let page = product_page("http://127.0.0.1:8787");
        assert!(page.contains(r#"<script async src="http://127.0.0.1:8787/widget.js" data-shop="demo"></script>"#));
        assert_eq!(page.matches("<script").count(), 1, "the shop page carries nothing but the embed tag");
    }
}

//! Limits on what shoppers and agents may send, checked once here for every party.

use crate::custom_values::CustomValues;
use crate::error::{ContextError, EmailError, TextError};
use crate::protocol::{PageContext, Product};

/// The longest message, in characters (Unicode scalar values), that a conversation accepts.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// The largest WebSocket frame, in bytes, the edge reads. A full-length message of 4-byte
/// characters plus its JSON envelope fits; anything larger is refused before parsing.
pub const MAX_FRAME_BYTES: usize = 4 * MAX_MESSAGE_CHARS + 1024;

/// Trims the text and checks it is neither empty nor longer than [`MAX_MESSAGE_CHARS`].
pub fn message_text(raw: &str) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(TextError::TooLong { chars, limit: MAX_MESSAGE_CHARS });
    }
    Ok(text.to_owned())
}

/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Lowercases an e-mail address and checks its rough shape `local@domain.tld`. Only the shape:
/// whether mail arrives is for the mail system to tell. Only ASCII letters are lowercased:
/// Unicode case tables would cost the widget 8 KB, and mail systems fold no other letters.
pub fn email_address(raw: &str) -> Result<String, EmailError> {
    let email = raw.trim().to_ascii_lowercase();
    let well_formed = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        // Bytes, not `str::contains`: both marks are ASCII, and a char search costs the widget 2 KB.
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.bytes().any(|b| b == b'.') && !domain.bytes().any(|b| b == b'@')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    well_formed.then_some(email).ok_or(EmailError)
}

/// The longest page URL and title kept with a conversation, in characters.
pub const MAX_PAGE_URL_CHARS: usize = 2048;
pub const MAX_PAGE_TITLE_CHARS: usize = 300;
/// The longest product SKU, price and currency kept (the name is a title, the image a URL).
pub const MAX_PRODUCT_SKU_CHARS: usize = 100;
pub const MAX_PRODUCT_PRICE_CHARS: usize = 32;
pub const MAX_PRODUCT_CURRENCY_CHARS: usize = 8;
/// How many custom values (`Parley.setContext`) a page may give, and their longest key and value.
pub const MAX_CUSTOM_VALUES: usize = 20;
pub const MAX_CUSTOM_KEY_CHARS: usize = 40;
pub const MAX_CUSTOM_VALUE_CHARS: usize = 300;

/// Bounds shopper-supplied page context. What the page shows (URL, title, product) is
/// informational, so it is trimmed and shortened rather than refused; only `http(s)` URLs are
/// kept, as agents may click them. The shop's own custom values are refused when over their
/// limits, so a shop's mistake shows up as an error rather than as silently missing data.
pub fn page_context(page: PageContext) -> Result<PageContext, ContextError> {
    if page.custom.len() > MAX_CUSTOM_VALUES {
        return Err(ContextError::TooManyValues { count: page.custom.len(), max: MAX_CUSTOM_VALUES });
    }
    let mut custom = CustomValues::default();
    for (key, value) in page.custom {
        let key_chars = key.trim().chars().count();
        if key_chars == 0 || key_chars > MAX_CUSTOM_KEY_CHARS || key.chars().any(char::is_control) {
            return Err(ContextError::Key { max: MAX_CUSTOM_KEY_CHARS });
        }
        let value = value.trim();
        if value.chars().count() > MAX_CUSTOM_VALUE_CHARS {
            return Err(ContextError::Value { key, max: MAX_CUSTOM_VALUE_CHARS });
        }
        custom.insert(key.trim().to_owned(), value.to_owned());
    }
    let product = page.product.map(|product| Product {
        name: shortened(&product.name, MAX_PAGE_TITLE_CHARS),
        sku: shortened(&product.sku, MAX_PRODUCT_SKU_CHARS),
        price: shortened(&product.price, MAX_PRODUCT_PRICE_CHARS),
        currency: shortened(&product.currency, MAX_PRODUCT_CURRENCY_CHARS),
        image: linkable(&product.image),
    });
    Ok(PageContext {
        url: linkable(&page.url),
        title: shortened(&page.title, MAX_PAGE_TITLE_CHARS),
        product: product.filter(|product| product != &Product::default()).map(Box::new),
        custom,
    })
}

/// Trimmed and at most `max` characters.
fn shortened(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

/// An `http(s)` URL shortened to [`MAX_PAGE_URL_CHARS`]; empty for anything else.
fn linkable(url: &str) -> String {
    let url = url.trim();
    let http = url.starts_with("https://") || url.starts_with("http://");
    if http {
        shortened(url, MAX_PAGE_URL_CHARS)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_context_is_trimmed_and_only_http_urls_kept() {
        let page =
            |url: &str, title: &str| PageContext { url: url.into(), title: title.into(), ..PageContext::default() };
        let cases = [
            (page("https://shop.test/p/1", " Shoes "), page("https://shop.test/p/1", "Shoes")),
            (page("javascript:alert(1)", "x"), page("", "x")),
            (
                page(&format!("http://a.test/{}", "x".repeat(3000)), &"t".repeat(400)),
                page(
                    &format!("http://a.test/{}", "x".repeat(MAX_PAGE_URL_CHARS - 14)),
                    &"t".repeat(MAX_PAGE_TITLE_CHARS),
                ),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(page_context(input.clone()), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn products_are_shortened_and_dropped_when_empty() {
        let with_product = |product: Product| {
            page_context(PageContext { product: Some(Box::new(product)), ..PageContext::default() })
                .map(|page| page.product.map(|product| *product))
        };
        let cases = [
            (Product::default(), None),
            (Product { name: "  ".into(), image: "data:image/png;base64,AAAA".into(), ..Product::default() }, None),
            (
                Product {
                    name: " Trail Runner 2 ".into(),
                    sku: "TR2".into(),
                    price: "129.00".into(),
                    currency: "EUR".into(),
                    image: "https://s.test/tr2.jpg".into(),
                },
                Some(Product {
                    name: "Trail Runner 2".into(),
                    sku: "TR2".into(),
                    price: "129.00".into(),
                    currency: "EUR".into(),
                    image: "https://s.test/tr2.jpg".into(),
                }),
            ),
            (
                Product { name: "n".repeat(400), sku: "s".repeat(200), price: "1".repeat(40), ..Product::default() },
                Some(Product {
                    name: "n".repeat(MAX_PAGE_TITLE_CHARS),
                    sku: "s".repeat(MAX_PRODUCT_SKU_CHARS),
                    price: "1".repeat(MAX_PRODUCT_PRICE_CHARS),
                    ..Product::default()
                }),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(with_product(input.clone()), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn custom_values_within_bounds_are_kept_and_others_refused() {
        let with_custom = |pairs: Vec<(String, String)>| {
            page_context(PageContext { custom: pairs.into_iter().collect(), ..PageContext::default() })
                .map(|page| page.custom.into_iter().collect::<Vec<_>>())
        };
        let pair = |key: &str, value: &str| (key.to_owned(), value.to_owned());
        let many: Vec<_> = (0..=MAX_CUSTOM_VALUES).map(|n| pair(&format!("k{n}"), "v")).collect();
        type Pairs = Vec<(String, String)>;
        let cases: Vec<(Pairs, Result<Pairs, ContextError>)> = vec![
            (vec![pair(" cart_value ", " 129.5 ")], Ok(vec![pair("cart_value", "129.5")])),
            (
                many[..MAX_CUSTOM_VALUES].to_vec(),
                Ok(many[..MAX_CUSTOM_VALUES]
                    .iter()
                    .cloned()
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_iter()
                    .collect()),
            ),
            (many, Err(ContextError::TooManyValues { count: MAX_CUSTOM_VALUES + 1, max: MAX_CUSTOM_VALUES })),
            (vec![pair(" ", "v")], Err(ContextError::Key { max: MAX_CUSTOM_KEY_CHARS })),
            (
                vec![pair(&"k".repeat(MAX_CUSTOM_KEY_CHARS + 1), "v")],
                Err(ContextError::Key { max: MAX_CUSTOM_KEY_CHARS }),
            ),
            (vec![pair("a\nb", "v")], Err(ContextError::Key { max: MAX_CUSTOM_KEY_CHARS })),
            (
                vec![pair("k", &"v".repeat(MAX_CUSTOM_VALUE_CHARS))],
                Ok(vec![pair("k", &"v".repeat(MAX_CUSTOM_VALUE_CHARS))]),
            ),
            (
                vec![pair("k", &"v".repeat(MAX_CUSTOM_VALUE_CHARS + 1))],
                Err(ContextError::Value { key: "k".into(), max: MAX_CUSTOM_VALUE_CHARS }),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(with_custom(input.clone()), expected, "{input:?}");
        }
    }

    #[test]
    fn email_addresses() {
        for (raw, expected) in [
            (" Ana@Shop.Example ", Some("ana@shop.example")),
            ("no-at.example", None),
            ("@shop.example", None),
            ("a@nodot", None),
            ("a@.example", None),
            ("a b@c.de", None),
            ("a@b@c.de", None),
        ] {
            assert_eq!(email_address(raw).ok().as_deref(), expected, "{raw:?}");
        }
    }

    #[test]
    fn message_text_rules() {
        let long = "é".repeat(MAX_MESSAGE_CHARS);
        let too_long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        let cases: &[(&str, Result<&str, TextError>)] = &[
            ("hello", Ok("hello")),
            ("  padded \n", Ok("padded")),
            ("", Err(TextError::Empty)),
            (" \n\t ", Err(TextError::Empty)),
            (&long, Ok(&long)),
            (&too_long, Err(TextError::TooLong { chars: MAX_MESSAGE_CHARS + 1, limit: MAX_MESSAGE_CHARS })),
        ];
        for (input, expected) in cases {
            let got = message_text(input);
            assert_eq!(got.as_deref(), expected.as_deref(), "input {input:?}");
        }
    }
}

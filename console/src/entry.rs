//! The way into the console, read from its URL: the edge serves the same app at `/console`,
//! `/console/signup`, `/console/join` and `/console/reset`, and a single-use link carries its
//! shop and token in the fragment (`#shop=…&token=…`), which browsers never send to a server.
//! Once an agent is signed in, or at the sign-in form, the address is `/console` again, so a
//! reload neither shows a used link nor leaves the token in view.

use leptos::prelude::window;
use parley_core::ids::ShopId;
use parley_core::protocol::LinkToken;

/// The console's own address.
const CONSOLE_PATH: &str = "/console";

/// A single-use link as its fragment names it, or what was wrong with the fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkFragment {
    Complete(LinkToken),
    /// The fragment lacks the shop or the token, or names no valid shop: the link was cut short
    /// when it was copied.
    Incomplete,
}

/// Which screen the page's address opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The sign-in form or, with a session, the workspace.
    Console,
    SignUp,
    Link(LinkFragment),
}

impl Entry {
    /// The entry the page was opened at.
    pub fn of_page() -> Entry {
        let location = window().location();
        let path = location.pathname().unwrap_or_default();
        match path.trim_end_matches('/') {
            "/console/signup" => Entry::SignUp,
            "/console/join" | "/console/reset" => Entry::Link(link_fragment(&location.hash().unwrap_or_default())),
            _ => Entry::Console,
        }
    }
}

/// The shop and token of a fragment `#shop=…&token=…`.
fn link_fragment(hash: &str) -> LinkFragment {
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    let value = |name: &str| {
        fragment.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
    };
    match (value("shop").map(ShopId::parse), value("token")) {
        (Some(Ok(shop)), Some(token)) if !token.is_empty() => {
            LinkFragment::Complete(LinkToken { shop, token: token.to_owned() })
        }
        _ => LinkFragment::Incomplete,
    }
}

/// Puts the console's own address in the address bar, without a reload and without a new
/// history entry (the link's page is not one to go back to).
pub fn show_console_address() {
    let location = window().location();
    let here = (location.pathname().unwrap_or_default(), location.hash().unwrap_or_default());
    if here.0 == CONSOLE_PATH && here.1.is_empty() {
        return;
    }
    if let Ok(history) = window().history() {
        // Without it the old address stays in the bar, which only matters on a reload.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(CONSOLE_PATH));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_links_fragment_names_its_shop_and_token() {
        let complete = |shop: &str, token: &str| {
            LinkFragment::Complete(LinkToken { shop: ShopId::parse(shop).expect("a shop id"), token: token.to_owned() })
        };
        for (hash, expected) in [
            ("#shop=trail-shoes&token=3f9c", complete("trail-shoes", "3f9c")),
            ("#token=3f9c&shop=trail-shoes", complete("trail-shoes", "3f9c")),
            ("shop=trail-shoes&token=3f9c", complete("trail-shoes", "3f9c")),
            ("#shop=trail-shoes", LinkFragment::Incomplete),
            ("#shop=trail-shoes&token=", LinkFragment::Incomplete),
            ("#shop=Not A Shop&token=3f9c", LinkFragment::Incomplete),
            ("#shops=trail-shoes&token=3f9c", LinkFragment::Incomplete),
            ("", LinkFragment::Incomplete),
        ] {
            assert_eq!(link_fragment(hash), expected, "{hash}");
        }
    }
}

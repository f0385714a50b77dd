//! The shop page that embeds the widget, reached only by `postMessage` with the loader
//! (`loader/widget.js`).
//!
//! Messages are objects with `parley: 1` and a `type`. The loader sends `state`: the page (URL,
//! title, its Open Graph tags and JSON-LD, from which we pick the product, the shop's
//! `Parley.setContext` values), whether the panel is open, and what `Parley.identify` and
//! `Parley.setLocale` said. It counts only when it comes
//! from our parent window and from an origin the shop allows. We say `ready` once listening
//! (the wasm loads late), and the loader answers with the state, and again on every change.
//!
//! We tell the loader to `close` the panel, each new agent `message` (with its text) and the
//! `unread` count, addressed to the origin its `state` came from.

use crate::page_product::product_on_page;
use crate::posted::{as_text, field, text};
use crate::window_events;
use js_sys::{Array, Object, Reflect};
use leptos::prelude::*;
use parley_core::custom_values::CustomValues;
use parley_core::origin::OriginPattern;
use parley_core::protocol::{PageContext, ShopperDetails};
use parley_core::validation;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

/// What we know of the embedding page; copies share it.
#[derive(Clone, Copy)]
pub struct Embedder {
    /// What the loader's last `state` message said. One signal for all of it: each signal type
    /// costs the widget its own copy of the signal code, and readers that follow one part act
    /// only when what they look at changed.
    state: RwSignal<PageState>,
}

/// What the loader says of the page.
#[derive(Clone, Default, PartialEq)]
struct PageState {
    /// The shopper's page, or an empty one if the embedder never said.
    page: PageContext,
    /// Whether the panel is open on the page.
    open: bool,
    /// The shop-signed identity token (`NewConversation::identity`), if the shop gave one.
    identity: Option<String>,
    /// Who the shop says the shopper is (`Parley.identify`), unverified: for not asking it
    /// again. Only the signed identity token proves anything, and it travels separately.
    visitor: ShopperDetails,
    /// The language the shop asked for (`data-locale`, `Parley.setLocale`).
    locale: Option<String>,
    /// The parent's origin as seen on its state message: where our messages may go.
    origin: Option<String>,
}

impl Embedder {
    /// Starts listening for the loader's messages.
    pub fn listen(allowed_origins: Vec<OriginPattern>) -> Embedder {
        let embedder = Embedder { state: RwSignal::new(PageState::default()) };
        window_events::listen(
            "message",
            Box::new(move |event| {
                let event = event.unchecked_into::<MessageEvent>();
                let origin = event.origin();
                let from_parent =
                    event.source().zip(parent()).is_some_and(|(source, parent)| Object::is(&source, &parent));
                if !from_parent || !allowed_origins.iter().any(|allowed| allowed.matches(&origin)) {
                    return;
                }
                let data = event.data();
                if field(&data, "parley").and_then(|v| v.as_f64()) == Some(1.0) && text(&data, "type") == "state" {
                    let state = page_state(&data, origin);
                    // Readers run again only when something changed.
                    if embedder.state.with_untracked(|current| current != &state) {
                        embedder.state.set(state);
                    }
                }
            }),
        );
        if let Some(parent) = parent() {
            // Carries nothing, so any origin may see it; the answer is what gets checked.
            let _ = parent.post_message(&parley_message("ready", None), "*");
        }
        embedder
    }

    /// The shopper's page, or an empty one if the embedder never said (tracked).
    pub fn page(&self) -> PageContext {
        self.state.with(|state| state.page.clone())
    }

    /// Whether the panel is open on the page (tracked).
    pub fn is_open(&self) -> bool {
        self.state.with(|state| state.open)
    }

    /// Whether the panel is open on the page, untracked.
    pub fn is_open_untracked(&self) -> bool {
        untrack(|| self.is_open())
    }

    /// The shop-signed identity token to create the conversation with, if any.
    pub fn identity(&self) -> Option<String> {
        self.state.with_untracked(|state| state.identity.clone())
    }

    /// Who the shop says the shopper is, blank values left out (tracked).
    pub fn visitor(&self) -> ShopperDetails {
        self.state.with(|state| state.visitor.clone())
    }

    /// The language the shop asked for (tracked).
    pub fn locale(&self) -> Option<String> {
        self.state.with(|state| state.locale.clone())
    }

    /// Asks the loader to hide the panel.
    pub fn close_panel(&self) {
        self.tell("close", None);
    }

    /// Tells the page how many agent messages the shopper has not read.
    pub fn tell_unread(&self, count: usize) {
        self.tell("unread", Some(("count", JsValue::from_f64(count as f64))));
    }

    /// Tells the page an agent wrote `text`.
    pub fn tell_message(&self, text: &str) {
        self.tell("message", Some(("text", JsValue::from_str(text))));
    }

    /// Posts to the loader. Nothing happens before the parent has introduced itself, because
    /// there is no origin to address safely.
    fn tell(&self, kind: &str, detail: Option<(&str, JsValue)>) {
        let (Some(origin), Some(parent)) = (self.state.with_untracked(|state| state.origin.clone()), parent()) else {
            return;
        };
        if parent.post_message(&parley_message(kind, detail), &origin).is_err() {
            leptos::logging::warn!("cannot tell the page {kind}");
        }
    }
}

/// What a `state` message from `origin` says.
fn page_state(data: &JsValue, origin: String) -> PageState {
    let page = bounded_page(PageContext {
        url: text(data, "url"),
        title: text(data, "title"),
        product: field(data, "page").and_then(|described| product_on_page(&described)).map(Box::new),
        custom: field(data, "custom").map(|custom| custom_values(&custom)).unwrap_or_default(),
    });
    let user = field(data, "user");
    let user_text = |name: &str| user.as_ref().map(|user| text(user, name)).unwrap_or_default();
    let given = |name: &str| Some(user_text(name)).filter(|value| !value.trim().is_empty());
    PageState {
        page,
        open: field(data, "open").and_then(|open| open.as_bool()).unwrap_or(false),
        identity: Some(user_text("token")).filter(|token| !token.is_empty()),
        visitor: ShopperDetails { name: given("name"), email: given("email") },
        locale: Some(text(data, "locale")).filter(|locale| !locale.is_empty()),
        origin: Some(origin),
    }
}

/// The page within core's bounds. Custom values over them are the shop's mistake: they are
/// left out (with a warning for the shop's developers) so the chat still works.
fn bounded_page(page: PageContext) -> PageContext {
    validation::page_context(page.clone())
        .or_else(|refused| {
            leptos::logging::warn!("Parley.setContext: {refused}; the custom values are left out");
            validation::page_context(PageContext { custom: CustomValues::default(), ..page })
        })
        .unwrap_or_default()
}

/// The `setContext` values: strings, and numbers written as text.
fn custom_values(custom: &JsValue) -> CustomValues {
    let Some(custom) = custom.dyn_ref::<Object>() else { return CustomValues::default() };
    let mut values = CustomValues::default();
    for entry in Object::entries(custom) {
        let entry = Array::from(&entry);
        if let Some(key) = entry.get(0).as_string() {
            values.insert(key, as_text(&entry.get(1)));
        }
    }
    values
}

/// The window embedding ours; `None` when the widget is opened on its own.
fn parent() -> Option<Window> {
    window().parent().ok().flatten().filter(|parent| !Object::is(parent, &window()))
}

/// `{parley: 1, type: kind}`, with one more field if given.
fn parley_message(kind: &str, detail: Option<(&str, JsValue)>) -> JsValue {
    let message = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&message, &JsValue::from_str("parley"), &JsValue::from_f64(1.0));
    let _ = Reflect::set(&message, &JsValue::from_str("type"), &JsValue::from_str(kind));
    if let Some((name, value)) = detail {
        let _ = Reflect::set(&message, &JsValue::from_str(name), &value);
    }
    message.into()
}

//! The shop page that embeds the widget, reached only by `postMessage` with the loader
//! (`loader/widget.js`): it tells us which page the shopper is on, we ask it to close the panel.
//!
//! Messages are objects with `parley: 1` and a `type`. A context message counts only when it
//! comes from our parent window and from an origin the shop allows. The loader sends context
//! when the iframe loads, which may be before this app listens (the wasm is still loading), so
//! once listening we say `ready` and the loader sends it again.

use js_sys::{Object, Reflect};
use leptos::ev;
use leptos::prelude::*;
use parley_core::origin::OriginPattern;
use parley_core::protocol::PageContext;
use wasm_bindgen::JsValue;
use web_sys::{MessageEvent, Window};

/// What we know of the embedding page; copies share it.
#[derive(Clone, Copy)]
pub struct Embedder {
    page: StoredValue<PageContext>,
    /// The parent's origin as seen on its context message: where our messages may go.
    origin: StoredValue<Option<String>>,
}

impl Embedder {
    /// Starts listening for the loader's messages.
    pub fn listen(allowed_origins: Vec<OriginPattern>) -> Embedder {
        let embedder = Embedder { page: StoredValue::new(PageContext::default()), origin: StoredValue::new(None) };
        // Lives as long as the page: the handle is never removed.
        let _ = window_event_listener(ev::message, move |event: MessageEvent| {
            let origin = event.origin();
            let from_parent = event.source().zip(parent()).is_some_and(|(source, parent)| Object::is(&source, &parent));
            if !from_parent || !allowed_origins.iter().any(|allowed| allowed.matches(&origin)) {
                return;
            }
            if let Some(page) = page_context(&event.data()) {
                embedder.page.set_value(page);
                embedder.origin.set_value(Some(origin));
            }
        });
        if let Some(parent) = parent() {
            // Carries nothing, so any origin may see it; the answer is what gets checked.
            let _ = parent.post_message(&parley_message("ready"), "*");
        }
        embedder
    }

    /// The shopper's page, or an empty one if the embedder never said.
    pub fn page(&self) -> PageContext {
        self.page.get_value()
    }

    /// Asks the loader to hide the panel. Nothing happens before the parent has introduced
    /// itself, because there is no origin to address safely.
    pub fn close_panel(&self) {
        let (Some(origin), Some(parent)) = (self.origin.get_value(), parent()) else {
            return;
        };
        if parent.post_message(&parley_message("close"), &origin).is_err() {
            leptos::logging::warn!("cannot ask the page to close the chat");
        }
    }
}

/// `{parley: 1, type: "context", url, title}` as a `PageContext`; `None` for anything else.
fn page_context(data: &JsValue) -> Option<PageContext> {
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    let ours = field("parley")?.as_f64() == Some(1.0) && field("type")?.as_string().as_deref() == Some("context");
    ours.then(|| PageContext {
        url: field("url").and_then(|url| url.as_string()).unwrap_or_default(),
        title: field("title").and_then(|title| title.as_string()).unwrap_or_default(),
    })
}

/// The window embedding ours; `None` when the widget is opened on its own.
fn parent() -> Option<Window> {
    window().parent().ok().flatten().filter(|parent| !Object::is(parent, &window()))
}

/// `{parley: 1, type: kind}`.
fn parley_message(kind: &str) -> JsValue {
    let message = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&message, &JsValue::from_str("parley"), &JsValue::from_f64(1.0));
    let _ = Reflect::set(&message, &JsValue::from_str("type"), &JsValue::from_str(kind));
    message.into()
}

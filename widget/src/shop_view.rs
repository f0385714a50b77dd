//! The widget's view of its shop: the greeting, the typical reply time, the pre-chat fields
//! and whether it is open now. The page brings it (`data-view`), and while the shopper has the
//! panel open and the page visible the chat asks the edge for it again every
//! [`REFRESH_MILLIS`] (`GET /api/shops/{shop}/widget`), so an owner's change reaches a chat that
//! is already open within seconds, without a reload.

use crate::embedder::Embedder;
use crate::window_events;
use leptos::prelude::*;
use parley_client::get;
use parley_core::ids::ShopId;
use parley_core::widget_view::WidgetView;
use parley_core::wire::Wire;

/// How often an open chat asks for the shop's view again.
const REFRESH_MILLIS: i32 = 10_000;

/// The shop's view as the chat shows it now; copies share it.
#[derive(Clone, Copy)]
pub struct ShopView {
    /// The view's JSON, as the edge wrote it. Text rather than a `WidgetView`: each signal type
    /// costs the widget its own copy of the signal code, and a `String` signal it has already.
    json: RwSignal<String>,
}

impl ShopView {
    /// The view the page brought (`json`), refreshed for as long as the app runs while
    /// `embedder` says the panel is open and the page is visible: a closed or hidden chat costs
    /// the shop's edge nothing.
    pub fn follow(shop: &ShopId, json: String, embedder: Embedder) -> ShopView {
        let shop_view = ShopView { json: RwSignal::new(json) };
        let path = format!("/api/shops/{shop}/widget");
        window_events::every(
            REFRESH_MILLIS,
            Box::new(move |_| {
                if !embedder.is_open_untracked() || document().hidden() {
                    return;
                }
                get(
                    &path,
                    Box::new(move |answer| {
                        // A failed refresh, or one this widget cannot read, leaves what the chat
                        // shows; the next one may do better.
                        let Ok(fresh) = answer else { return };
                        // Readers run again only when something changed.
                        if WidgetView::decode(&fresh).is_ok() && shop_view.json.get_untracked() != fresh {
                            shop_view.json.set(fresh);
                        }
                    }),
                );
            }),
        );
        shop_view
    }

    /// The view now (tracked); the widget's defaults if the page's does not read (a refresh is
    /// kept only if it reads).
    pub fn view(&self) -> WidgetView {
        // `get` rather than `with`: each reading closure costs the widget its own copy of the
        // signal's code, and `get` of a `String` it has already.
        WidgetView::decode(&self.json.get()).unwrap_or_default()
    }
}

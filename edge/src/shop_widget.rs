//! `GET /api/shops/{shop}/widget`: the widget's view of its shop (greeting, measured reply
//! time, pre-chat fields, open now), which every open chat asks for every few seconds so that
//! an owner's change reaches shoppers already chatting. Public, like the widget's page.
//!
//! Every open widget of a shop polls, so the answer comes from the edge's cache, kept per shop
//! for a few seconds: the shop's desk is asked at most once per shop and interval in each
//! location, however many shoppers have the chat open. A settings change clears it.

use serde::{Deserialize, Serialize};
use worker::{Cache, Env, Response};

use crate::error::EdgeResult;
use crate::http::json;
use crate::rpc;
use crate::shop_desk::{desk_stub, open_to_shoppers, DeskRequest, ShopProfile};
use parley_core::ids::ShopId;
use parley_core::widget_view::WidgetView;

/// How long browsers and the edge's cache keep a view: a change reaches open chats within this
/// and the widget's own polling interval.
const MAX_AGE_SECONDS: u32 = 5;

/// A shop and its widget's view of it now, as its desk answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShopWidget {
    pub profile: ShopProfile,
    pub view: WidgetView,
}

/// The shop's profile and view from its desk; a disabled shop is refused.
pub async fn shop_widget(env: &Env, shop: &ShopId) -> EdgeResult<ShopWidget> {
    let widget: ShopWidget = rpc::call(&desk_stub(env, shop)?, &DeskRequest::Widget).await?;
    open_to_shoppers(widget.profile.clone())?;
    Ok(widget)
}

/// The view of `shop`, from the cache of the edge at `origin` when it has a fresh one.
pub async fn serve(env: &Env, origin: &str, shop: &ShopId) -> EdgeResult<Response> {
    let key = cache_key(origin, shop);
    let cache = Cache::default();
    // The cache only spares the desk: if it fails, the desk answers.
    if let Ok(Some(cached)) = cache.get(key.as_str(), false).await {
        return Ok(cached);
    }
    let widget = shop_widget(env, shop).await?;
    let mut response = json(&widget.view, 200)?;
    response.headers().set("cache-control", &format!("public, max-age={MAX_AGE_SECONDS}"))?;
    if let Ok(copy) = response.cloned() {
        let _ = cache.put(key.as_str(), copy).await;
    }
    Ok(response)
}

/// Drops the cached view of `shop` at this edge, once its settings changed: the next poll asks
/// the desk.
pub async fn forget(origin: &str, shop: &ShopId) {
    // A view left behind expires within `MAX_AGE_SECONDS` anyway.
    let _ = Cache::default().delete(cache_key(origin, shop).as_str(), false).await;
}

/// The view's key in the cache: its URL without any query, so no query string makes a second
/// copy (or reaches the desk).
fn cache_key(origin: &str, shop: &ShopId) -> String {
    format!("{origin}/api/shops/{shop}/widget")
}

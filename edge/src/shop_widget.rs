//! What shoppers' pages need of a shop, answered from the edge's cache: the launcher
//! (`GET /api/shops/{shop}/launcher`, on every page view of the shop's site), the widget's page
//! (`GET /w/{shop}`) and the widget's view of its shop (`GET /api/shops/{shop}/widget`:
//! greeting, measured reply time, pre-chat fields, open now), which every open chat asks for
//! every few seconds so that an owner's change reaches shoppers already chatting.
//!
//! A shop's single desk object cannot take a request per page view of a busy shop, so the
//! Worker keeps the shop's public face ([`PublicShop`]: nothing secret) in the Cache API for a
//! few seconds: the desk is asked at most once per shop and interval in each location. A
//! settings change, or the operator disabling the shop, drops it here at once; other locations
//! follow within the interval. The installation check still learns of every site the launcher
//! loads on: the desk is told of an origin at most once per `RECORD_EVERY_MILLIS` (as often as
//! it would write it down) and whenever the shop's allowing it changed.

use serde::{Deserialize, Serialize};
use worker::{Cache, Env, Response};

use crate::crypto::hex;
use crate::error::EdgeResult;
use crate::http::json;
use crate::rpc;
use crate::shop_desk::{desk_stub, open_to_shoppers, DeskRequest, ShopProfile};
use parley_core::ids::ShopId;
use parley_core::install_check::{self, RECORD_EVERY_MILLIS};
use parley_core::launcher::LauncherSettings;
use parley_core::origin::OriginPattern;
use parley_core::widget_view::WidgetView;

/// How long browsers and the edge's cache keep a shop's public face: a change reaches other
/// locations, and open chats, within this and the widget's own polling interval.
const MAX_AGE_SECONDS: u32 = 5;

/// A shop and its widget's view of it now, as its desk answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShopWidget {
    pub profile: ShopProfile,
    pub view: WidgetView,
}

/// What shoppers' pages may know of an open shop: what the cache keeps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicShop {
    pub shop: ShopId,
    pub name: String,
    pub launcher: LauncherSettings,
    /// The sites whose pages may show the widget.
    pub allowed_origins: Vec<OriginPattern>,
    pub view: WidgetView,
}

impl PublicShop {
    /// Whether a page of `origin` (its `Origin` header) may show the widget.
    pub fn allows(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|pattern| pattern.matches(origin))
    }
}

/// The public face of `shop`, from the cache of the edge at `edge_origin` when it has a fresh
/// one, else from the shop's desk; a disabled shop is refused.
pub async fn public_shop(env: &Env, edge_origin: &str, shop: &ShopId) -> EdgeResult<PublicShop> {
    let key = cache_key(edge_origin, shop);
    let cache = Cache::default();
    // The cache only spares the desk: if it fails, or holds something unreadable, the desk answers.
    if let Ok(Some(mut cached)) = cache.get(key.as_str(), false).await {
        if let Ok(public) = cached.json::<PublicShop>().await {
            return Ok(public);
        }
    }
    let widget: ShopWidget = rpc::call(&desk_stub(env, shop)?, &DeskRequest::Widget).await?;
    let ShopProfile { shop, name, settings, .. } = open_to_shoppers(widget.profile)?;
    let public = PublicShop {
        shop,
        name,
        launcher: settings.launcher,
        allowed_origins: settings.allowed_origins,
        view: widget.view,
    };
    if let Ok(response) = kept_for(json(&public, 200)?, MAX_AGE_SECONDS) {
        let _ = cache.put(key.as_str(), response).await;
    }
    Ok(public)
}

/// `GET /api/shops/{shop}/widget`: the widget's view of its shop.
pub async fn serve_view(env: &Env, edge_origin: &str, shop: &ShopId) -> EdgeResult<Response> {
    let public = public_shop(env, edge_origin, shop).await?;
    kept_for(json(&public.view, 200)?, MAX_AGE_SECONDS)
}

/// Tells the shop's desk that a page of `page_origin` loaded the launcher, for the
/// installation check, unless this location told it recently with the same verdict.
pub async fn sighted(env: &Env, edge_origin: &str, public: &PublicShop, page_origin: &str) -> EdgeResult<()> {
    let Some(page_origin) = install_check::page_origin(page_origin) else { return Ok(()) };
    let allowed = public.allows(page_origin);
    // The origin in hexadecimal, so its `:` and `/` stay out of the key's path.
    let key = format!("{edge_origin}/api/shops/{}/sightings/{}/{allowed}", public.shop, hex(page_origin.as_bytes()));
    let cache = Cache::default();
    if let Ok(Some(_)) = cache.get(key.as_str(), false).await {
        return Ok(());
    }
    let told = DeskRequest::Sighting { origin: page_origin.to_owned() };
    rpc::call::<_, serde_json::Value>(&desk_stub(env, &public.shop)?, &told).await?;
    if let Ok(marker) = kept_for(Response::ok("")?, (RECORD_EVERY_MILLIS / 1000) as u32) {
        let _ = cache.put(key.as_str(), marker).await;
    }
    Ok(())
}

/// Drops the cached public face of `shop` at this edge, once its settings changed or the
/// operator disabled it: the next page view asks the desk.
pub async fn forget(edge_origin: &str, shop: &ShopId) {
    // A copy left behind expires within `MAX_AGE_SECONDS` anyway.
    let _ = Cache::default().delete(cache_key(edge_origin, shop).as_str(), false).await;
}

/// `response`, marked to be kept by browsers and the cache for `seconds`.
fn kept_for(response: Response, seconds: u32) -> EdgeResult<Response> {
    response.headers().set("cache-control", &format!("public, max-age={seconds}"))?;
    Ok(response)
}

/// The public face's key in the cache: a URL of the edge's own that no request is answered
/// from, so no query string makes a second copy (or reaches the desk).
fn cache_key(edge_origin: &str, shop: &ShopId) -> String {
    format!("{edge_origin}/api/shops/{shop}/public")
}

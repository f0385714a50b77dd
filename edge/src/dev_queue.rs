//! Development-only filling of a shop's queue with made-up waiting conversations
//! (`POST /api/dev/queue`, behind `PARLEY_DEV` like the rest of development), so that the
//! big-shop benchmark can time the desk with 10,000 waiting without creating them one by one
//! through the shoppers' path and its rate limits. No room stands behind them: the desk places
//! them without telling anyone.

use serde::Deserialize;

use crate::error::EdgeResult;
use parley_core::ids::{ConversationId, ShopId};
use parley_core::protocol::{PageContext, QueueItem};
use parley_core::time::UnixMillis;

/// `POST /api/dev/queue` body: made-up conversations `first` to `first + count - 1` of `shop`
/// start waiting.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FillQueue {
    pub shop: ShopId,
    pub first: u32,
    pub count: u32,
}

/// `POST /api/dev/desk/timings` body: whose desk's timings to read (and start again).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadTimings {
    pub shop: ShopId,
}

/// At most this many conversations per request, so one request stays short.
pub const MAX_PER_REQUEST: u32 = 2_000;

/// Made-up conversation `i`, waiting since a minute apart from the others, in order.
pub fn waiting_item(i: u32) -> EdgeResult<QueueItem> {
    let page = PageContext { url: format!("https://shop.example/p/{i}"), ..PageContext::default() };
    let id = ConversationId::parse(&format!("d0{i:030x}"))?;
    let since = UnixMillis(1_700_000_000_000 + u64::from(i) * 60_000);
    let item = QueueItem::waiting(id, since, format!("Where is my parcel {i}?"), page);
    Ok(QueueItem { shopper_name: Some(format!("Shopper {i}")), ..item })
}

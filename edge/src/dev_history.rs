//! Development-only filling of a shop's history with made-up conversations
//! (`POST /api/dev/history`, behind `PARLEY_DEV` like the rest of development), so that
//! `cargo xtask bench` can time searches over a shop with 10,000 conversations without
//! creating them one by one through the shoppers' path and its rate limits.
//!
//! Conversation `i` has `messages` messages drawn from a small vocabulary, plus the word
//! `parcel{i}` that only it has: a search for it finds one conversation among many, a search for
//! a common word finds thousands.

use serde::Deserialize;
use worker::Env;

use crate::error::EdgeResult;
use crate::shop_history::{self, HistoryRequest};
use parley_core::history_record::HistoryRecord;
use parley_core::ids::{ClientMessageId, ConversationId, ShopId};
use parley_core::message::{Author, Message};
use parley_core::protocol::{ConversationView, PageContext, ShopperDetails, Status};
use parley_core::time::UnixMillis;

/// `POST /api/dev/history` body: conversations `first` to `first + count - 1` of `shop`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FillHistory {
    pub shop: ShopId,
    pub first: u32,
    pub count: u32,
    pub messages: u32,
}

/// At most this many conversations per request, so one request stays short.
pub const MAX_PER_REQUEST: u32 = 500;

const WORDS: [&str; 16] = [
    "order", "delivery", "size", "refund", "jacket", "shoes", "colour", "stock", "warranty", "invoice", "address",
    "discount", "return", "exchange", "tracking", "payment",
];

/// Fills the history; answers how many conversations were recorded.
pub async fn fill(env: &Env, request: FillHistory) -> EdgeResult<u32> {
    let count = request.count.min(MAX_PER_REQUEST);
    for i in request.first..request.first + count {
        let record = HistoryRequest::Record(HistoryRecord {
            view: Box::new(view(i)?),
            assignee: None,
            device: None,
            at: UnixMillis(1_700_000_000_000 + u64::from(i) * 60_000),
            since: None,
            messages: (1..=request.messages).map(|seq| message(i, seq)).collect::<EdgeResult<_>>()?,
        });
        shop_history::ask::<serde_json::Value>(env, &request.shop, &record).await?;
    }
    Ok(count)
}

fn view(i: u32) -> EdgeResult<ConversationView> {
    Ok(ConversationView {
        page: PageContext { url: format!("https://shop.example/p/{i}"), ..PageContext::default() },
        shopper: Some(ShopperDetails {
            name: Some(format!("Shopper {i}")),
            email: Some(format!("shopper{i}@example.com")),
        }),
        ..ConversationView::bare(ConversationId::parse(&format!("{i:032x}"))?, Status::Resolved)
    })
}

fn message(i: u32, seq: u32) -> EdgeResult<Message> {
    let word = |n: u32| WORDS[(n as usize) % WORDS.len()];
    let text =
        format!("About my {} and the {} of parcel{i}, {} please", word(i + seq), word(i * 7 + seq), word(seq * 3));
    Ok(Message {
        seq: u64::from(seq),
        client_id: ClientMessageId::parse(&format!("fill-{seq}"))?,
        author: if seq % 2 == 1 { Author::Shopper } else { Author::Agent },
        sender: None,
        text,
        at: UnixMillis(1_700_000_000_000 + u64::from(i) * 60_000 + u64::from(seq) * 1000),
        internal: false,
    })
}

//! Development-only time travel (`POST /api/dev/clock`, enabled by `PARLEY_DEV` like seeding):
//! moves the edge's clock ahead, then wakes the objects named so they do at once what has
//! become due (a re-route, a retry, an expiry), as their alarms would have. Tests use it
//! instead of waiting minutes or hours.

use serde::{Deserialize, Serialize};
use worker::Env;

use crate::clock;
use crate::conversation_room::{room_stub, RoomRequest};
use crate::error::EdgeResult;
use crate::rpc;
use crate::shop_desk::{desk_stub, DeskRequest};
use parley_core::ids::{ConversationId, ShopId};
use parley_core::time::UnixMillis;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    pub advance_millis: u64,
    /// The shop whose desk is woken, if any.
    #[serde(default)]
    pub shop: Option<ShopId>,
    /// Conversations woken (before the desk, which they may owe requests).
    #[serde(default)]
    pub conversations: Vec<ConversationId>,
}

#[derive(Debug, Serialize)]
pub struct Advanced {
    pub now: UnixMillis,
}

pub async fn advance(env: &Env, request: Advance) -> EdgeResult<Advanced> {
    let now = clock::advance(request.advance_millis);
    for conversation in &request.conversations {
        rpc::call::<_, serde_json::Value>(&room_stub(env, conversation)?, &RoomRequest::Wake).await?;
    }
    if let Some(shop) = &request.shop {
        rpc::call::<_, serde_json::Value>(&desk_stub(env, shop)?, &DeskRequest::Wake).await?;
    }
    Ok(Advanced { now })
}

//! `RateLimiter`: one Durable Object per shop and client IP (`limit:{shop}:{ip}`), counting
//! that client's new conversations and messages with core's sliding window. Its state lives in
//! memory: a limit's window is a minute, and an object evicted after a quiet minute has
//! nothing worth keeping.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::clock::now;
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::{self, answer, Object};
use parley_core::ids::ShopId;
use parley_core::protocol::ApiError;
use parley_core::rate_limit::{Action, RateLimiter as Windows};

/// Asks whether the client may do `action` now; answers `{}` or a `rate_limited` error.
#[derive(Debug, Serialize, Deserialize)]
pub struct Check {
    pub action: Action,
}

#[durable_object]
pub struct RateLimiter {
    windows: RefCell<Windows>,
}

impl DurableObject for RateLimiter {
    fn new(_state: State, _env: Env) -> Self {
        Self { windows: RefCell::new(Windows::new()) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match read_json::<Check>(&mut req).await {
            Ok(Check { action }) => {
                let at = now();
                let mut windows = self.windows.borrow_mut();
                windows.prune(at);
                windows
                    .check(action.key(), action.limit(), at)
                    .map_err(|limited| EdgeError::Api(ApiError::from(limited)))
            }
            Err(error) => Err(error),
        };
        answer(result.map(|()| serde_json::json!({})))
    }
}

/// Counts `action` for the client at `ip` in `shop`; a `rate_limited` error if over the limit.
pub async fn check(env: &Env, shop: &ShopId, ip: &str, action: Action) -> EdgeResult<()> {
    let limiter = Object::RateLimiter.stub(env, &format!("limit:{shop}:{ip}"))?;
    rpc::call::<_, serde_json::Value>(&limiter, &Check { action }).await.map(drop)
}

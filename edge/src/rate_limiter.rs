//! `RateLimiter`: one Durable Object per counted party, named by what it counts:
//! `limit:{shop}:{client}` for one client's actions in a shop, `limit:{shop}` for the shop's
//! ceiling over all its clients, `edge:{client}` for one client's actions on the whole edge
//! (signing up), and `login:{client}` for one client's failed sign-ins.
//!
//! Action counts use core's sliding windows and live in memory: a window is a minute, and an
//! object evicted after a quiet minute has nothing worth keeping. Sign-in failures use core's
//! growing delays, which outlast eviction, so they are stored, and deleted by the alarm once
//! they are forgotten; a client that never fails to sign in leaves no storage.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::clock::{alarm_failed, now, wake_at};
use crate::dev_counters::{self, Wake};
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::{self, answer, Object};
use crate::shop_limits;
use crate::store::{Migrations, Store};
use parley_core::ids::ShopId;
use parley_core::login_throttle::LoginThrottle;
use parley_core::protocol::ApiError;
use parley_core::rate_limit::{Action, Limit, RateLimiter as Windows, Scope};

/// What a limiter is asked.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum LimiterRequest {
    /// Counts `action` now under `limit` (the action's own, or a benchmark shop's: see
    /// `shop_limits`); answers `{}` or a `rate_limited` error.
    Count { action: Action, limit: Limit },
    /// Whether the client may try to sign in now; `rate_limited` while it must wait.
    MaySignIn,
    /// The client failed to sign in.
    SignInFailed,
}

#[durable_object]
pub struct RateLimiter {
    state: State,
    store: Store,
    windows: RefCell<Windows>,
}

/// The limiter's schema, version by version (see `store`): only sign-in failures are stored.
const MIGRATIONS: Migrations =
    &[&["CREATE TABLE IF NOT EXISTS login_throttle (id INTEGER PRIMARY KEY CHECK (id = 1), throttle TEXT NOT NULL)"]];

impl DurableObject for RateLimiter {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        let store = Store::new(&state, MIGRATIONS);
        Self { state, store, windows: RefCell::new(Windows::new()) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::RateLimiter, &self.state, Wake::Request);
        let result = match read_json::<LimiterRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result.map(|()| serde_json::json!({})))
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::RateLimiter, &self.state, Wake::Alarm);
        self.forget_if_quiet().await.map_err(|error| alarm_failed("rate limiter", error))?;
        Response::empty()
    }
}

impl RateLimiter {
    async fn handle(&self, request: LimiterRequest) -> EdgeResult<()> {
        let at = now();
        match request {
            LimiterRequest::Count { action, limit } => {
                let mut windows = self.windows.borrow_mut();
                windows.prune(at);
                windows.check(action.key(), limit, at).map_err(|limited| EdgeError::Api(limited.into()))
            }
            LimiterRequest::MaySignIn => {
                self.throttle()?.check(at).map_err(|limited| EdgeError::Api(ApiError::from(limited)))
            }
            LimiterRequest::SignInFailed => {
                let mut throttle = self.throttle()?;
                throttle.failed(at);
                self.store.exec(
                    "INSERT OR REPLACE INTO login_throttle (id, throttle) VALUES (1, ?)",
                    vec![serde_json::to_string(&throttle)?.into()],
                )?;
                wake_at(&self.state, throttle.forgotten_at()).await
            }
        }
    }

    fn throttle(&self) -> EdgeResult<LoginThrottle> {
        Ok(self
            .store
            .json_value("SELECT throttle AS value FROM login_throttle WHERE id = 1", vec![])?
            .unwrap_or_default())
    }

    /// Deletes the stored failures once they are forgotten, leaving no storage behind.
    async fn forget_if_quiet(&self) -> EdgeResult<()> {
        let throttle = self.throttle()?;
        if throttle.is_forgotten(now()) {
            self.state.storage().delete_all().await?;
            self.store.emptied();
            Ok(())
        } else {
            wake_at(&self.state, throttle.forgotten_at()).await
        }
    }
}

/// Counts `action` for the client keyed `client` in `shop` (or for the whole shop, by the
/// action's scope); a `rate_limited` error if over the limit.
pub async fn count(env: &Env, shop: &ShopId, client: &str, action: Action) -> EdgeResult<()> {
    let name = match action.scope() {
        Scope::Client => format!("limit:{shop}:{client}"),
        Scope::Shop => format!("limit:{shop}"),
        Scope::Edge => edge_counter(client),
    };
    let limit = shop_limits::limit(env, action, || Ok(shop.clone()))?;
    ask(env, &name, &LimiterRequest::Count { action, limit }).await
}

/// Counts `action`, one of the edge's rather than a shop's (signing up), for the client keyed
/// `client`; a `rate_limited` error if over the limit.
pub async fn count_for_edge(env: &Env, client: &str, action: Action) -> EdgeResult<()> {
    ask(env, &edge_counter(client), &LimiterRequest::Count { action, limit: action.limit() }).await
}

/// The limiter of a client's actions on the whole edge.
fn edge_counter(client: &str) -> String {
    format!("edge:{client}")
}

/// `rate_limited` while the client keyed `client` must wait before trying to sign in again.
pub async fn may_sign_in(env: &Env, client: &str) -> EdgeResult<()> {
    ask(env, &login_key(client), &LimiterRequest::MaySignIn).await
}

/// Records a failed sign-in of the client keyed `client`.
pub async fn sign_in_failed(env: &Env, client: &str) -> EdgeResult<()> {
    ask(env, &login_key(client), &LimiterRequest::SignInFailed).await
}

fn login_key(client: &str) -> String {
    format!("login:{client}")
}

async fn ask(env: &Env, name: &str, request: &LimiterRequest) -> EdgeResult<()> {
    rpc::call::<_, serde_json::Value>(&Object::RateLimiter.stub(env, name)?, request).await.map(drop)
}

//! Parley's edge: a Cloudflare Worker (Rust, `worker` crate) and its Durable Objects.
//!
//! Requests enter through [`router`], which authenticates and forwards to one of three object
//! classes: [`conversation_room::ConversationRoom`] (one per conversation),
//! [`shop_desk::ShopDesk`] (one per shop) and [`agent_account::AgentAccount`] (one per agent
//! e-mail). The objects decode, call `parley_core`, persist to their SQLite storage and carry
//! out core's effects. Static assets (loader, app bundles) are served by Workers Static Assets
//! before this code runs.

mod agent_account;
mod clock;
mod conversation_room;
mod crypto;
mod dev_seed;
mod error;
mod frames;
mod http;
mod outbox;
mod pages;
mod rate_limiter;
mod router;
mod rpc;
mod samples;
mod session;
mod shop_desk;
mod static_files;
mod store;
mod time_zone;
mod webhooks;

pub use agent_account::AgentAccount;
pub use conversation_room::ConversationRoom;
pub use rate_limiter::RateLimiter;
pub use shop_desk::ShopDesk;

use worker::{event, Context, Env, Request, Response};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    match router::route(req, &env).await {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

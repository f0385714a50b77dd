//! Parley's edge: a Cloudflare Worker (Rust, `worker` crate) and its Durable Objects.
//!
//! Requests enter through [`router`], which refuses other sites' pages, authenticates and
//! forwards to one of four object classes: [`conversation_room::ConversationRoom`] (one per
//! conversation), [`shop_desk::ShopDesk`] (one per shop), [`agent_account::AgentAccount`] (one
//! per agent e-mail) and [`rate_limiter::RateLimiter`] (one per counted client or shop). The
//! objects decode, call `parley_core`, persist to their SQLite storage and carry out core's
//! effects. Static assets (loader, app bundles) are read through the `ASSETS` binding and served
//! by [`static_files`], pre-compressed; every answer leaves through [`http::harden`].

mod accounts;
mod agent_account;
mod bench_echo;
mod canned_answers;
mod clock;
mod conversation_index;
mod conversation_room;
mod crypto;
mod dead_letters;
mod desk_memory;
mod desk_timings;
mod dev_activity;
mod dev_clock;
mod dev_counters;
mod dev_history;
mod dev_queue;
mod dev_seed;
mod development;
mod directory;
mod error;
mod failpoints;
mod frames;
mod http;
mod operator;
mod outbox;
mod pages;
mod rate_limiter;
mod router;
mod rpc;
mod samples;
mod session;
mod sessions;
mod shop_desk;
mod shop_history;
mod shop_limits;
mod shop_widget;
mod sightings;
mod signup;
mod static_files;
mod store;
mod team;
mod team_links;
mod time_zone;
mod webhooks;

pub use agent_account::AgentAccount;
pub use bench_echo::BenchEcho;
pub use conversation_room::ConversationRoom;
pub use directory::Directory;
pub use rate_limiter::RateLimiter;
pub use shop_desk::ShopDesk;

use worker::{event, Context, Env, Request, Response};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    dev_counters::count_if_development(&env);
    dev_counters::worker_request();
    let https = req.url().is_ok_and(|url| url.scheme() == "https");
    let response = match router::route(req, &env).await {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    http::harden(response, https)
}

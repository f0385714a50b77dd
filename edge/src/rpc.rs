//! Calls between the Worker and its Durable Objects: one JSON request enum per object class,
//! posted to the object's stub, answered with JSON or an `ApiError` status.
//!
//! Only the Worker and other objects can reach a Durable Object, so these requests are trusted
//! (the Worker authenticates people before it forwards anything).

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub};

use crate::clock::within;
use crate::dev_counters;
use crate::error::{EdgeError, EdgeResult};
use parley_core::protocol::ApiError;

/// The longest one call to an object may take. Calls nest (a conversation tells its desk, which
/// tells the conversation), and a healthy call takes milliseconds: this only stops a hung
/// object from holding its caller for good.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The header that carries the authenticated agent (JSON `AgentProfile`) on requests the Worker
/// forwards to an object, e.g. a WebSocket upgrade.
pub const AGENT_HEADER: &str = "x-parley-agent";

/// A Durable Object class and how an instance is named.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Object {
    /// One per shop: queue, agents, sessions, metrics.
    ShopDesk,
    /// One per conversation: messages and sockets.
    ConversationRoom,
    /// One per agent e-mail: credentials and which shop the agent belongs to.
    AgentAccount,
    /// One per counted client or shop: rate limits and sign-in throttles.
    RateLimiter,
    /// One for the edge: every shop and account, and sign-up codes.
    Directory,
    /// One per shop: its conversations' history, search index and notes on shoppers.
    ShopHistory,
    /// Development only: one per benchmarked room, the load benchmark's echo baseline.
    BenchEcho,
}

impl Object {
    fn binding(self) -> &'static str {
        match self {
            Object::ShopDesk => "SHOP_DESK",
            Object::ConversationRoom => "CONVERSATION_ROOM",
            Object::AgentAccount => "AGENT_ACCOUNT",
            Object::RateLimiter => "RATE_LIMITER",
            Object::Directory => "DIRECTORY",
            Object::ShopHistory => "SHOP_HISTORY",
            Object::BenchEcho => "BENCH_ECHO",
        }
    }

    /// The kind's name, as serialized (`shop_desk`, `conversation_room`, …).
    pub fn kind(self) -> &'static str {
        match self {
            Object::ShopDesk => "shop_desk",
            Object::ConversationRoom => "conversation_room",
            Object::AgentAccount => "agent_account",
            Object::RateLimiter => "rate_limiter",
            Object::Directory => "directory",
            Object::ShopHistory => "shop_history",
            Object::BenchEcho => "bench_echo",
        }
    }

    /// The stub of the instance for `key` (shop id, conversation id or e-mail).
    pub fn stub(self, env: &Env, key: &str) -> EdgeResult<ObjectStub> {
        let stub = env.durable_object(self.binding())?.get_by_name(key)?;
        Ok(ObjectStub { stub, object: self, key: key.to_owned() })
    }
}

/// An object's stub, with what it is and its name, so that every call to it is counted
/// (development's [`dev_counters`]).
pub struct ObjectStub {
    stub: Stub,
    object: Object,
    key: String,
}

impl ObjectStub {
    /// Sends `req` to the object as it is (a WebSocket upgrade, say).
    pub async fn fetch(&self, req: Request) -> EdgeResult<Response> {
        dev_counters::request_made(self.object, &self.key);
        Ok(self.stub.fetch_with_request(req).await?)
    }
}

/// Posts `request` to the object and decodes its answer.
pub async fn call<Req: Serialize, Resp: DeserializeOwned>(stub: &ObjectStub, request: &Req) -> EdgeResult<Resp> {
    Ok(serde_json::from_str(&call_json(stub, serde_json::to_string(request)?).await?)?)
}

/// Posts an already encoded request; answers the JSON body of a success. Fails with
/// [`EdgeError::TimedOut`] after [`CALL_TIMEOUT`].
pub async fn call_json(stub: &ObjectStub, request: String) -> EdgeResult<String> {
    within(CALL_TIMEOUT, "a call to another object", post(stub, request)).await
}

async fn post(stub: &ObjectStub, request: String) -> EdgeResult<String> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(request.into()));
    let mut response = stub.fetch(Request::new_with_init("https://object/rpc", &init)?).await?;
    let status = response.status_code();
    let body = response.text().await?;
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        // A 4xx is the object refusing the request, for the caller to pass on; anything else is
        // a failure (the outbox retries those).
        match serde_json::from_str::<ApiError>(&body) {
            Ok(error) if (400..500).contains(&status) => Err(EdgeError::Api(error)),
            _ => Err(EdgeError::internal(format!("object answered {status}: {body}"))),
        }
    }
}

/// The object side: the JSON answer to a call, or the error's status and body.
pub fn answer<T: Serialize>(result: EdgeResult<T>) -> worker::Result<Response> {
    match result {
        Ok(value) => crate::http::json(&value, 200),
        Err(error) => error.into_response(),
    }
}

//! `ShopDesk`: one Durable Object per shop. It holds the shop's settings, its agents and their
//! sessions, the queue of open conversations and first-response samples, and the consoles'
//! hibernating WebSockets, to which it pushes the queue whenever it changes.

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::clock::now;
use crate::conversation_room::{room_key, RoomRequest};
use crate::crypto;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{is_websocket_upgrade, read_json};
use crate::rpc::{self, answer, Object, AGENT_HEADER};
use crate::store::Store;
use parley_core::conversation::Assignee;
use parley_core::first_response::FirstResponse;
use parley_core::ids::{ConversationId, ShopId};
use parley_core::origin::OriginPattern;
use parley_core::protocol::{AgentProfile, ApiError, DeskClientFrame, DeskServerFrame, ErrorCode, QueueItem};
use parley_core::queue::ShopQueue;
use parley_core::time::UnixMillis;
use parley_core::validation::MAX_FRAME_BYTES;

/// How long a console session lasts without signing in again.
const SESSION_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;

/// A shop's public settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShopProfile {
    pub shop: ShopId,
    pub name: String,
    /// Origins allowed to embed the widget (CSP `frame-ancestors`).
    pub allowed_origins: Vec<OriginPattern>,
}

/// Requests the Worker and conversation rooms send to a shop's desk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DeskRequest {
    /// Creates or updates the shop (dev seeding).
    Setup {
        profile: ShopProfile,
    },
    /// Adds an agent to the shop (dev seeding).
    AddAgent {
        profile: AgentProfile,
    },
    /// The shop's settings, or `not_found` for a shop that does not exist.
    Profile,
    /// Opens a console session for an agent whose password was verified; answers the token.
    OpenSession {
        agent: AgentProfile,
    },
    /// The agent behind a session token, or `unauthorized`.
    CheckSession {
        token: String,
    },
    CloseSession {
        token: String,
    },
    /// A conversation started waiting for an agent.
    Enter {
        item: QueueItem,
    },
    /// A conversation measured its first response.
    RecordFirstResponse {
        conversation_id: ConversationId,
        response: FirstResponse,
        at: UnixMillis,
    },
}

/// What the desk answers; callers decode the one shape their request gets.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum DeskAnswer {
    Profile(ShopProfile),
    Agent(AgentProfile),
    Token { token: String },
    Done {},
}

#[derive(Deserialize)]
struct SessionRow {
    email: String,
    expires_at: f64,
}

#[durable_object]
pub struct ShopDesk {
    state: State,
    env: Env,
    store: Store,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS shop (id INTEGER PRIMARY KEY CHECK (id = 1), profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (email TEXT PRIMARY KEY, profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS queue (conversation_id TEXT PRIMARY KEY, item TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS first_responses (conversation_id TEXT PRIMARY KEY, agent TEXT NOT NULL, millis INTEGER NOT NULL, at INTEGER NOT NULL)
";

impl DurableObject for ShopDesk {
    fn new(state: State, env: Env) -> Self {
        let store = Store::open(state.storage().sql(), SCHEMA);
        Self { state, env, store }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if is_websocket_upgrade(&req) {
            return match self.accept_console(&req) {
                Ok(response) => Ok(response),
                Err(error) => error.into_response(),
            };
        }
        let result = match read_json::<DeskRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let frame = match decode_frame::<DeskClientFrame>(message) {
            Ok(frame) => frame,
            Err(error) => return ws.send(&DeskServerFrame::Error { error }),
        };
        let Some(agent) = ws.deserialize_attachment::<AgentProfile>()? else {
            return ws.close(Some(4401), Some("not signed in"));
        };
        match frame {
            DeskClientFrame::Claim { conversation_id } => match self.claim(&conversation_id, &agent).await {
                Ok(()) => ws.send(&DeskServerFrame::Claimed { conversation_id }),
                Err(error) => ws.send(&DeskServerFrame::Error { error: error.to_api() }),
            },
        }
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        // Completes the closing handshake; hibernation forgets the socket afterwards.
        ws.close(Some(1000), Some("bye")).or(Ok(()))
    }
}

/// Decodes a text frame within the size limit, or says what is wrong with it.
pub fn decode_frame<T: serde::de::DeserializeOwned>(message: WebSocketIncomingMessage) -> Result<T, ApiError> {
    let WebSocketIncomingMessage::String(text) = message else {
        return Err(ApiError::new(ErrorCode::BadRequest, "frames must be JSON text"));
    };
    if text.len() > MAX_FRAME_BYTES {
        return Err(ApiError::new(ErrorCode::TooLarge, format!("frames are limited to {MAX_FRAME_BYTES} bytes")));
    }
    serde_json::from_str(&text).map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("malformed frame: {e}")))
}

impl ShopDesk {
    async fn handle(&self, request: DeskRequest) -> EdgeResult<DeskAnswer> {
        match request {
            DeskRequest::Setup { profile } => {
                self.store.exec(
                    "INSERT OR REPLACE INTO shop (id, profile) VALUES (1, ?)",
                    vec![serde_json::to_string(&profile)?.into()],
                )?;
                Ok(DeskAnswer::Profile(profile))
            }
            DeskRequest::AddAgent { profile } => {
                self.profile()?;
                self.store.exec(
                    "INSERT OR REPLACE INTO agents (email, profile) VALUES (?, ?)",
                    vec![profile.email.as_str().into(), serde_json::to_string(&profile)?.into()],
                )?;
                Ok(DeskAnswer::Agent(profile))
            }
            DeskRequest::Profile => Ok(DeskAnswer::Profile(self.profile()?)),
            DeskRequest::OpenSession { agent } => {
                self.agent(agent.email.as_str())?;
                let token = crypto::random_hex(32)?;
                let expires_at = now().0 + SESSION_MILLIS;
                self.store.exec(
                    "INSERT INTO sessions (token_hash, email, expires_at) VALUES (?, ?, ?)",
                    vec![
                        crypto::sha256_hex(&token).await?.into(),
                        agent.email.as_str().into(),
                        (expires_at as i64).into(),
                    ],
                )?;
                Ok(DeskAnswer::Token { token })
            }
            DeskRequest::CheckSession { token } => {
                let hash = crypto::sha256_hex(&token).await?;
                let rows: Vec<SessionRow> = self
                    .store
                    .rows("SELECT email, expires_at FROM sessions WHERE token_hash = ?", vec![hash.clone().into()])?;
                match rows.first() {
                    Some(row) if row.expires_at as u64 > now().0 => Ok(DeskAnswer::Agent(self.agent(&row.email)?)),
                    Some(_) => {
                        self.store.exec("DELETE FROM sessions WHERE token_hash = ?", vec![hash.into()])?;
                        Err(EdgeError::unauthorized())
                    }
                    None => Err(EdgeError::unauthorized()),
                }
            }
            DeskRequest::CloseSession { token } => {
                self.store.exec(
                    "DELETE FROM sessions WHERE token_hash = ?",
                    vec![crypto::sha256_hex(&token).await?.into()],
                )?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::Enter { item } => {
                let mut queue = self.queue()?;
                if let Some(item) = queue.enter(item) {
                    self.save_item(item)?;
                    self.broadcast_queue(&queue);
                }
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::RecordFirstResponse { conversation_id, response, at } => {
                self.store.exec(
                    "INSERT OR IGNORE INTO first_responses (conversation_id, agent, millis, at) VALUES (?, ?, ?, ?)",
                    vec![
                        conversation_id.as_str().into(),
                        response.agent.as_str().into(),
                        (response.millis as i64).into(),
                        (at.0 as i64).into(),
                    ],
                )?;
                Ok(DeskAnswer::Done {})
            }
        }
    }

    fn profile(&self) -> EdgeResult<ShopProfile> {
        self.store
            .json_value("SELECT profile AS value FROM shop WHERE id = 1", vec![])?
            .ok_or_else(|| EdgeError::api(ErrorCode::NotFound, "no such shop"))
    }

    fn agent(&self, email: &str) -> EdgeResult<AgentProfile> {
        self.store
            .json_value("SELECT profile AS value FROM agents WHERE email = ?", vec![email.into()])?
            .ok_or_else(EdgeError::unauthorized)
    }

    fn queue(&self) -> EdgeResult<ShopQueue> {
        Ok(ShopQueue::from_items(self.store.json_values("SELECT item AS value FROM queue", vec![])?))
    }

    fn save_item(&self, item: &QueueItem) -> EdgeResult<()> {
        self.store.exec(
            "INSERT OR REPLACE INTO queue (conversation_id, item) VALUES (?, ?)",
            vec![item.conversation_id.as_str().into(), serde_json::to_string(item)?.into()],
        )
    }

    /// Accepts a console's socket; the Worker has verified the agent and passes them along.
    fn accept_console(&self, req: &Request) -> EdgeResult<Response> {
        let header = req.headers().get(AGENT_HEADER)?.ok_or_else(EdgeError::unauthorized)?;
        let agent: AgentProfile = serde_json::from_str(&header)?;
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&agent)?;
        pair.server.send(&DeskServerFrame::Queue { items: self.queue()?.items().to_vec() })?;
        Ok(Response::from_websocket(pair.client)?)
    }

    async fn claim(&self, conversation_id: &ConversationId, agent: &AgentProfile) -> EdgeResult<()> {
        let mut queue = self.queue()?;
        let item = queue.claim(conversation_id, &agent.email).map_err(ApiError::from)?;
        self.save_item(item)?;
        self.broadcast_queue(&queue);
        let room = Object::ConversationRoom.stub(&self.env, &room_key(conversation_id))?;
        let assignee = Assignee { agent: agent.email.clone(), name: agent.name.clone() };
        rpc::call::<_, serde_json::Value>(&room, &RoomRequest::Assign { assignee }).await?;
        Ok(())
    }

    fn broadcast_queue(&self, queue: &ShopQueue) {
        let frame = DeskServerFrame::Queue { items: queue.items().to_vec() };
        for socket in self.state.get_websockets() {
            // A socket that is closing cannot take the frame; it will get a fresh queue when it
            // reconnects.
            let _ = socket.send(&frame);
        }
    }
}

/// The desk object of a shop.
pub fn desk_key(shop: &ShopId) -> String {
    format!("shop:{shop}")
}

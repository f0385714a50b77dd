//! `ConversationRoom`: one Durable Object per conversation. It stores the conversation's state
//! and every message in SQLite, holds the shopper's and agents' hibernating WebSockets, runs
//! each input through core's state machine and carries out the effects: store, broadcast,
//! tell the shop's desk.

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::clock::now;
use crate::crypto;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{is_websocket_upgrade, read_json};
use crate::rpc::{self, answer, Object, AGENT_HEADER};
use crate::shop_desk::{decode_frame, desk_key, DeskRequest};
use crate::store::Store;
use parley_core::conversation::{Assignee, Conversation, Effect, Input};
use parley_core::ids::{ClientMessageId, ConversationId};
use parley_core::message::{Author, Message};
use parley_core::protocol::{
    AgentProfile, ApiError, ClientFrame, ConversationView, ErrorCode, QueueItem, ServerFrame, Status, PROTOCOL_VERSION,
};

/// Requests the Worker and the shop's desk send to a conversation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RoomRequest {
    /// Creates the conversation with the hash of its shopper token.
    Open { conversation: Conversation, token_hash: String },
    /// The desk gave the conversation to an agent.
    Assign { assignee: Assignee },
}

/// Who is on the other end of a socket, kept as its hibernation attachment.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Peer {
    /// The agent signed in on this browser, as verified by the Worker, if any.
    agent: Option<AgentProfile>,
    /// Set once `hello` is accepted: a `hello` with the conversation's token speaks as the
    /// shopper (even in a browser where an agent is signed in, as in a demo), one without a
    /// token speaks as the signed-in agent.
    speaking_as: Option<Author>,
}

#[derive(Deserialize)]
struct StoredSeq {
    seq: f64,
    author: String,
}

#[durable_object]
pub struct ConversationRoom {
    state: State,
    env: Env,
    store: Store,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS conversation (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, token_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, author TEXT NOT NULL, body TEXT NOT NULL)
";

/// What one accepted input changed, once it is durably stored.
struct Committed {
    stored: Vec<Message>,
    desk: Vec<DeskRequest>,
}

impl DurableObject for ConversationRoom {
    fn new(state: State, env: Env) -> Self {
        let store = Store::open(state.storage().sql(), SCHEMA);
        Self { state, env, store }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if is_websocket_upgrade(&req) {
            return match self.accept(&req) {
                Ok(response) => Ok(response),
                Err(error) => error.into_response(),
            };
        }
        let result = match read_json::<RoomRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let Some(mut peer) = ws.deserialize_attachment::<Peer>()? else {
            return ws.close(Some(4400), Some("unknown peer"));
        };
        let frame = match decode_frame::<ClientFrame>(message) {
            Ok(frame) => frame,
            Err(error) => return ws.send(&ServerFrame::Error { error, client_id: None }),
        };
        match frame {
            ClientFrame::Hello { v, token, last_seq } => match self.hello(&peer, v, token, last_seq).await {
                Ok((author, welcome)) => {
                    peer.speaking_as = Some(author);
                    ws.serialize_attachment(&peer)?;
                    ws.send(&welcome)
                }
                Err(error) => {
                    ws.send(&ServerFrame::Error { error: error.to_api(), client_id: None })?;
                    ws.close(Some(4401), Some("hello refused"))
                }
            },
            ClientFrame::Send { .. } if peer.speaking_as.is_none() => ws.send(&ServerFrame::Error {
                error: ApiError::new(ErrorCode::BadRequest, "send hello first"),
                client_id: None,
            }),
            ClientFrame::Send { client_id, text } => {
                let reply = match self.send(&peer, client_id.clone(), text).await {
                    Ok(seq) => ServerFrame::Ack { client_id, seq },
                    Err(error) => ServerFrame::Error { error: error.to_api(), client_id: Some(client_id) },
                };
                ws.send(&reply)
            }
        }
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        ws.close(Some(1000), Some("bye")).or(Ok(()))
    }
}

impl ConversationRoom {
    async fn handle(&self, request: RoomRequest) -> EdgeResult<ConversationView> {
        match request {
            RoomRequest::Open { conversation, token_hash } => {
                if self.load()?.is_some() {
                    return Err(EdgeError::api(ErrorCode::Conflict, "conversation exists"));
                }
                self.store.exec(
                    "INSERT INTO conversation (id, state, token_hash) VALUES (1, ?, ?)",
                    vec![serde_json::to_string(&conversation)?.into(), token_hash.into()],
                )?;
                Ok(conversation.view())
            }
            RoomRequest::Assign { assignee } => {
                let committed = self.commit(Input::Assigned(assignee))?;
                self.notify_desk(committed.desk).await;
                self.existing().map(|(conversation, _)| conversation.view())
            }
        }
    }

    fn load(&self) -> EdgeResult<Option<(Conversation, String)>> {
        #[derive(Deserialize)]
        struct Row {
            state: String,
            token_hash: String,
        }
        let rows: Vec<Row> = self.store.rows("SELECT state, token_hash FROM conversation WHERE id = 1", vec![])?;
        rows.into_iter().next().map(|row| Ok((serde_json::from_str(&row.state)?, row.token_hash))).transpose()
    }

    fn existing(&self) -> EdgeResult<(Conversation, String)> {
        self.load()?.ok_or_else(|| EdgeError::api(ErrorCode::NotFound, "no such conversation"))
    }

    /// Accepts a socket. Agents come authenticated by the Worker and must belong to this
    /// conversation's shop; the shopper proves access with the token in `hello`.
    fn accept(&self, req: &Request) -> EdgeResult<Response> {
        let (conversation, _) = self.existing()?;
        let agent = match req.headers().get(AGENT_HEADER)? {
            Some(header) => Some(serde_json::from_str::<AgentProfile>(&header)?),
            None => None,
        };
        if agent.as_ref().is_some_and(|a| &a.shop != conversation.shop()) {
            return Err(EdgeError::api(ErrorCode::Forbidden, "this conversation belongs to another shop"));
        }
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&Peer { agent, speaking_as: None })?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Checks `hello` and builds the `welcome`: the conversation and every message after
    /// `last_seq`, however old.
    async fn hello(
        &self,
        peer: &Peer,
        v: u32,
        token: Option<String>,
        last_seq: u64,
    ) -> EdgeResult<(Author, ServerFrame)> {
        if v != PROTOCOL_VERSION {
            return Err(EdgeError::api(
                ErrorCode::UnsupportedVersion,
                format!("this edge speaks protocol version {PROTOCOL_VERSION}; reload to update"),
            ));
        }
        let (conversation, token_hash) = self.existing()?;
        let author = match (token, &peer.agent) {
            (Some(token), _) => {
                if !crypto::same_secret(&crypto::sha256_hex(&token).await?, &token_hash) {
                    return Err(EdgeError::api(ErrorCode::Unauthorized, "this conversation's token is not valid"));
                }
                Author::Shopper
            }
            (None, Some(_)) => Author::Agent,
            (None, None) => return Err(EdgeError::unauthorized()),
        };
        let missed = self.store.json_values(
            "SELECT body AS value FROM messages WHERE seq > ? ORDER BY seq",
            vec![(last_seq.min(i64::MAX as u64) as i64).into()],
        )?;
        Ok((author, ServerFrame::Welcome { conversation: conversation.view(), missed }))
    }

    /// Stores a message from a ready peer and returns its `seq`. A `client_id` already stored
    /// by the same author is acknowledged again without storing anything.
    async fn send(&self, peer: &Peer, client_id: ClientMessageId, text: String) -> EdgeResult<u64> {
        let author = peer.speaking_as.ok_or_else(EdgeError::unauthorized)?;
        let stored: Vec<StoredSeq> =
            self.store.rows("SELECT seq, author FROM messages WHERE client_id = ?", vec![client_id.as_str().into()])?;
        if let Some(row) = stored.first() {
            return match row.author == author.as_str() {
                true => Ok(row.seq as u64),
                false => Err(EdgeError::api(ErrorCode::Conflict, "that client_id is taken")),
            };
        }
        let input = match (author, &peer.agent) {
            (Author::Agent, Some(agent)) => {
                Input::AgentWrote { agent: agent.email.clone(), client_id: client_id.clone(), text }
            }
            (Author::Shopper, _) => Input::ShopperWrote { client_id: client_id.clone(), text },
            _ => return Err(EdgeError::unauthorized()),
        };
        let committed = self.commit(input)?;
        let seq = committed
            .stored
            .iter()
            .find(|m| m.client_id == client_id)
            .map(|m| m.seq)
            .ok_or_else(|| EdgeError::internal("accepted message was not stored"))?;
        self.notify_desk(committed.desk).await;
        Ok(seq)
    }

    /// Runs one input through core, stores the new state and messages, and delivers the
    /// frames to every ready socket. Storage writes of this event are committed before any of
    /// its output leaves the object, so nobody hears of a message that could still be lost.
    fn commit(&self, input: Input) -> EdgeResult<Committed> {
        let (mut conversation, _) = self.existing()?;
        let at = now();
        let effects = conversation.handle(at, input).map_err(ApiError::from)?;
        let mut frames = Vec::new();
        let mut committed = Committed { stored: Vec::new(), desk: Vec::new() };
        for effect in effects {
            match effect {
                Effect::Store(message) => {
                    self.store.exec(
                        "INSERT INTO messages (seq, client_id, author, body) VALUES (?, ?, ?, ?)",
                        vec![
                            (message.seq as i64).into(),
                            message.client_id.as_str().into(),
                            message.author.as_str().into(),
                            serde_json::to_string(&message)?.into(),
                        ],
                    )?;
                    frames.push(ServerFrame::Message { message: message.clone() });
                    committed.stored.push(message);
                }
                Effect::EnterQueue { waiting_since, preview } => {
                    let view = conversation.view();
                    committed.desk.push(DeskRequest::Enter {
                        item: QueueItem {
                            conversation_id: view.id,
                            status: Status::Waiting,
                            waiting_since,
                            preview,
                            page: view.page,
                            assignee: None,
                        },
                    });
                }
                Effect::RecordFirstResponse(response) => committed.desk.push(DeskRequest::RecordFirstResponse {
                    conversation_id: conversation.view().id,
                    response,
                    at,
                }),
                Effect::Changed => frames.push(ServerFrame::Conversation { conversation: conversation.view() }),
            }
        }
        self.store.exec(
            "UPDATE conversation SET state = ? WHERE id = 1",
            vec![serde_json::to_string(&conversation)?.into()],
        )?;
        self.broadcast(&frames);
        Ok(committed)
    }

    fn broadcast(&self, frames: &[ServerFrame]) {
        for socket in self.state.get_websockets() {
            let ready = matches!(socket.deserialize_attachment::<Peer>(), Ok(Some(Peer { speaking_as: Some(_), .. })));
            if ready {
                for frame in frames {
                    // A socket that is closing misses the frame and gets it on resume.
                    let _ = socket.send(frame);
                }
            }
        }
    }

    /// Tells the shop's desk what changed. The conversation is already stored; a failed
    /// notification is logged (redelivery through alarms comes with the engine issue).
    async fn notify_desk(&self, requests: Vec<DeskRequest>) {
        if requests.is_empty() {
            return;
        }
        let Ok((conversation, _)) = self.existing() else { return };
        let desk = match Object::ShopDesk.stub(&self.env, &desk_key(conversation.shop())) {
            Ok(desk) => desk,
            Err(error) => return worker::console_error!("desk unreachable: {error}"),
        };
        for request in requests {
            if let Err(error) = rpc::call::<_, serde_json::Value>(&desk, &request).await {
                worker::console_error!("desk notification failed: {error}");
            }
        }
    }
}

/// The room object of a conversation.
pub fn room_key(conversation: &ConversationId) -> String {
    format!("conversation:{conversation}")
}

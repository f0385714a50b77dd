//! `ConversationRoom`: one Durable Object per conversation. It stores the conversation's state
//! and every message in SQLite, holds the shopper's and agents' hibernating WebSockets, runs
//! each input through core's state machine and carries out the effects: store, broadcast,
//! tell the shop's desk.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::clock::{alarm_failed, now, Alarm};
use crate::crypto;
use crate::dev_counters::{self, Wake};
use crate::error::{EdgeError, EdgeResult};
use crate::failpoints;
use crate::frames::{decode_frame, reply};
use crate::http::{is_websocket_upgrade, read_json};
use crate::outbox::{self, Outbox};
use crate::rpc::{answer, Object, ObjectStub, AGENT_HEADER};
use crate::sessions::SignedIn;
use crate::shop_desk::{desk_key, DeskRequest, SIGNED_OUT};
use crate::shop_history::{history_key, HistoryRequest};
use crate::shop_limits;
use crate::store::{Migrations, Store};
use parley_core::conversation::{Assignee, Conversation, Effect, Input};
use parley_core::history_record::HistoryRecord;
use parley_core::ids::{ClientMessageId, ConversationId};
use parley_core::message::{Author, Message};
use parley_core::protocol::{
    AgentProfile, ApiError, ClientFrame, ConversationView, DeadLetter, ErrorCode, QueueItem, QueuePlace, ServerFrame,
    Status, HISTORY_PAGE, PROTOCOL_VERSION,
};
use parley_core::rate_limit::{Action, Limit, RateLimiter as FrameWindows};
use parley_core::time::UnixMillis;

/// Requests the Worker and the shop's desk send to a conversation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RoomRequest {
    /// Creates the conversation with the hash of its shopper token.
    Open { conversation: Box<Conversation>, token_hash: String },
    /// Grants another device of the same verified user access, by the hash of its token.
    AddToken { token_hash: String },
    /// The desk gave the conversation to an agent.
    Assign { assignee: Assignee },
    /// The desk took it back from an assignee who did not answer in time.
    Unassign,
    /// The desk's latest word on the shopper's place in the queue.
    Place { place: Option<QueuePlace> },
    /// The desk's latest word on whether the shop has a webhook, which decides whether the
    /// desk hears of each message.
    Webhook { set: bool },
    /// Forgets a conversation nobody has written in: the one a verified user's second first
    /// visit created while their first made theirs.
    Discard,
    /// The conversation is erased (an owner's erasure, or the shop's retention): everything
    /// goes, and every socket closes.
    Erase,
    /// A console session ended: its sockets here close.
    Revoke { session: String },
    /// Does now what the alarm does when it rings. Alarm handlers only do what is due, so this
    /// is harmless at any time; development's clock uses it after moving time on.
    Wake,
}

/// Who is on the other end of a socket, kept as its hibernation attachment.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Peer {
    /// The agent signed in on this browser, as verified by the Worker, if any.
    agent: Option<AgentProfile>,
    /// The agent's session (its token's hash): the socket closes when it ends.
    #[serde(default)]
    session: Option<String>,
    /// Set once `hello` is accepted: a `hello` with the conversation's token speaks as the
    /// shopper (even in a browser where an agent is signed in, as in a demo), one without a
    /// token speaks as the signed-in agent.
    speaking_as: Option<Author>,
    /// Whether this socket last said its side is typing: one that goes while typing tells the
    /// other side it stopped.
    #[serde(default)]
    typing: bool,
}

impl Peer {
    /// Whether this peer may receive `frame`: nothing before `hello`, and agents' internal
    /// notes only to agents.
    fn may_see(&self, frame: &ServerFrame) -> bool {
        match (self.speaking_as, frame) {
            (None, _) => false,
            (Some(Author::Shopper), ServerFrame::Message { message }) => !message.internal,
            (Some(_), _) => true,
        }
    }

    /// The agent speaking on this socket, as the conversation's assignee record names them.
    fn speaking_agent(&self) -> Option<Assignee> {
        match (self.speaking_as, &self.agent) {
            (Some(Author::Agent), Some(agent)) => {
                Some(Assignee { agent: agent.email.clone(), name: agent.name.clone() })
            }
            _ => None,
        }
    }
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
    outbox: Outbox,
    /// Messages being stored, by `client_id`, with the copies that arrived meanwhile (their
    /// sockets and who sent them): each copy gets the original's answer when it is stored, and
    /// is neither stored nor counted against a rate limit again.
    sending: RefCell<BTreeMap<String, Vec<(WebSocket, Author)>>>,
    /// The shopper's frames, messages included, counted against their limits here rather than
    /// by a `RateLimiter` object, so that a message costs no call. In memory: the limits are per
    /// minute, and frames that write (messages, read marks, context, an address, a rating) are
    /// bounded in storage besides (core caps a conversation's system lines). A shopper with
    /// many conversations is held back where they start: conversations are counted per client
    /// and per shop by the Worker.
    shopper_frames: RefCell<FrameWindows>,
    alarm: Alarm,
}

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS conversation (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shopper_tokens (hash TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, author TEXT NOT NULL, body TEXT NOT NULL)
";

/// The most devices of one shopper that hold a token to the conversation at once: a verified
/// user's phone, laptop and the like. Opening it on one more forgets the oldest device's token;
/// that device opens it again (with the shop's identity token) when it next needs to.
const MAX_SHOPPER_TOKENS: usize = 10;

/// The room's schema, version by version (see `store`).
const MIGRATIONS: Migrations = &[&[SCHEMA_V1, outbox::SCHEMA_V1], &[outbox::RETRIES_V2, PAGES_V2]];

/// Which messages are agents' notes, as a column, so a page of what a shopper may see is one
/// query.
const PAGES_V2: &str = "
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET internal = 1 WHERE json_extract(body, '$.internal') = 1
";

impl DurableObject for ConversationRoom {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        let store = Store::new(&state, MIGRATIONS);
        Self {
            state,
            env,
            store,
            outbox: Outbox::default(),
            sending: RefCell::default(),
            shopper_frames: RefCell::default(),
            alarm: Alarm::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::ConversationRoom, &self.state, Wake::Request);
        if is_websocket_upgrade(&req) {
            return match self.accept(&req) {
                Ok(response) => Ok(response),
                Err(error) => error.into_response(),
            };
        }
        let result = match read_json::<RoomRequest>(&mut req).await {
            Ok(request) => self.receive(request).await,
            Err(error) => Err(error),
        };
        answer(result.map(|()| serde_json::json!({})))
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let _handling = dev_counters::woke(Object::ConversationRoom, &self.state, Wake::WebSocketMessage);
        let Some(mut peer) = ws.deserialize_attachment::<Peer>()? else {
            return ws.close(Some(4400), Some("unknown peer"));
        };
        let frame = match decode_frame::<ClientFrame>(message) {
            Ok(frame) => frame,
            Err(error) => return reply(&ws, &ServerFrame::Error { error, client_id: None }),
        };
        let author = match (&frame, peer.speaking_as) {
            (ClientFrame::Hello { .. }, _) => None,
            (_, Some(author)) => Some(author),
            (_, None) => {
                let error = ApiError::new(ErrorCode::BadRequest, "send hello first");
                return reply(&ws, &ServerFrame::Error { error, client_id: None });
            }
        };
        if let Err(error) = self.count_shopper_frame(author, &frame) {
            return reply(&ws, &ServerFrame::Error { error, client_id: None });
        }
        match (frame, author) {
            (ClientFrame::Hello { v, token, last_seq }, _) => match self.hello(&peer, v, token, last_seq).await {
                Ok((author, welcome)) => {
                    peer.speaking_as = Some(author);
                    ws.serialize_attachment(&peer)?;
                    reply(&ws, &welcome)
                }
                Err(error) => {
                    reply(&ws, &ServerFrame::Error { error: error.to_api(), client_id: None })?;
                    ws.close(Some(4401), Some("hello refused"))
                }
            },
            (ClientFrame::Send { client_id, text, internal }, Some(author)) => {
                self.send_once(ws, &peer, author, client_id, text, internal).await
            }
            (ClientFrame::Typing { typing }, Some(author)) => {
                if peer.typing != typing {
                    peer.typing = typing;
                    ws.serialize_attachment(&peer)?;
                }
                self.relay_typing(&ws, author, typing);
                Ok(())
            }
            (ClientFrame::Read { seq }, Some(by)) => self.answer_errors(&ws, self.act(Input::Read { by, seq }).await),
            (ClientFrame::LeaveEmail { email }, Some(Author::Shopper)) => {
                self.answer_errors(&ws, self.act(Input::ContactLeft { email }).await)
            }
            (ClientFrame::LeaveEmail { .. }, _) => {
                let error = ApiError::new(ErrorCode::Forbidden, "only the shopper leaves an e-mail address");
                reply(&ws, &ServerFrame::Error { error, client_id: None })
            }
            (ClientFrame::Rate { score, comment }, Some(Author::Shopper)) => {
                self.answer_errors(&ws, self.act(Input::Rated { score, comment }).await)
            }
            (ClientFrame::Rate { .. }, _) => {
                let error = ApiError::new(ErrorCode::Forbidden, "only the shopper rates the conversation");
                reply(&ws, &ServerFrame::Error { error, client_id: None })
            }
            (ClientFrame::Context { page }, Some(Author::Shopper)) => {
                self.answer_errors(&ws, self.act(Input::PageChanged(page)).await)
            }
            (ClientFrame::Context { .. }, _) => {
                let error = ApiError::new(ErrorCode::Forbidden, "only the shopper's page gives context");
                reply(&ws, &ServerFrame::Error { error, client_id: None })
            }
            (ClientFrame::History { after, before }, Some(author)) => {
                match self.existing().and_then(|conversation| self.welcome(conversation, author, after, before)) {
                    Ok(page) => reply(&ws, &page),
                    Err(error) => reply(&ws, &ServerFrame::Error { error: error.to_api(), client_id: None }),
                }
            }
            (ClientFrame::Resolve, _) => {
                let resolved = match peer.speaking_agent() {
                    Some(by) => self.act(Input::Resolved { by }).await,
                    None => Err(EdgeError::api(ErrorCode::Forbidden, "only agents resolve conversations")),
                };
                self.answer_errors(&ws, resolved)
            }
            (_, None) => Ok(()),
        }
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        let _handling = dev_counters::woke(Object::ConversationRoom, &self.state, Wake::WebSocketClosed);
        self.stop_typing(&ws);
        ws.close(Some(1000), Some("bye")).or(Ok(()))
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _handling = dev_counters::woke(Object::ConversationRoom, &self.state, Wake::WebSocketClosed);
        self.stop_typing(&ws);
        Ok(())
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::ConversationRoom, &self.state, Wake::Alarm);
        self.alarm.rang();
        // Only requests due to other objects (the desk, the history) set this alarm. A failure
        // is the runtime's to retry; delivering leaves the next alarm set either way.
        self.deliver().await.map_err(|error| alarm_failed("conversation", error))?;
        Response::empty()
    }
}

impl ConversationRoom {
    /// A request from the Worker or the desk, past the fault suite's failpoints.
    async fn receive(&self, request: RoomRequest) -> EdgeResult<()> {
        // Matched against the conversation as stored (its page, say): a test picks which
        // conversation fails.
        let describe = || self.load().ok().flatten().and_then(|c| serde_json::to_string(&c).ok()).unwrap_or_default();
        failpoints::receiving(&self.env, "room", describe).await?;
        self.handle(request).await
    }

    /// Carries out a request; callers need only to know it succeeded.
    async fn handle(&self, request: RoomRequest) -> EdgeResult<()> {
        match request {
            RoomRequest::Open { conversation, token_hash } => {
                if self.load()?.is_some() {
                    return Err(EdgeError::api(ErrorCode::Conflict, "conversation exists"));
                }
                self.store.transaction(|| {
                    self.store.exec(
                        "INSERT INTO conversation (id, state) VALUES (1, ?)",
                        vec![serde_json::to_string(&conversation)?.into()],
                    )?;
                    self.store.exec("INSERT INTO shopper_tokens (hash) VALUES (?)", vec![token_hash.into()])
                })
            }
            RoomRequest::AddToken { token_hash } => {
                // Only for a conversation that exists: a token for nothing must not be stored.
                self.existing()?;
                self.store.transaction(|| {
                    self.store
                        .exec("INSERT OR IGNORE INTO shopper_tokens (hash) VALUES (?)", vec![token_hash.into()])?;
                    // The oldest devices' tokens go (rows are numbered as they are added).
                    self.store.exec(
                        "DELETE FROM shopper_tokens WHERE rowid NOT IN \
                         (SELECT rowid FROM shopper_tokens ORDER BY rowid DESC LIMIT ?)",
                        vec![(MAX_SHOPPER_TOKENS as i64).into()],
                    )
                })
            }
            RoomRequest::Assign { assignee } => self.act(Input::Assigned(assignee)).await,
            RoomRequest::Unassign => self.act(Input::Unassigned).await,
            RoomRequest::Place { place } => self.act(Input::Placed(place)).await,
            RoomRequest::Webhook { set } => self.act(Input::WebhookSet(set)).await,
            RoomRequest::Discard => {
                if self.existing()?.view().status != Status::New {
                    return Err(EdgeError::api(ErrorCode::Conflict, "someone has written in this conversation"));
                }
                self.forget_everything().await
            }
            RoomRequest::Erase => {
                for socket in self.state.get_websockets() {
                    // Already closing is as good.
                    let _ = socket.close(Some(ERASED), Some("erased"));
                }
                self.forget_everything().await
            }
            RoomRequest::Revoke { session } => {
                for socket in self.state.get_websockets() {
                    let Ok(Some(peer)) = socket.deserialize_attachment::<Peer>() else { continue };
                    if peer.session.as_deref() == Some(session.as_str()) {
                        // Already closing is as good.
                        let _ = socket.close(Some(SIGNED_OUT), Some("signed out"));
                    }
                }
                Ok(())
            }
            RoomRequest::Wake => self.deliver().await,
        }
    }

    /// Deletes all the conversation's storage, and its alarm.
    async fn forget_everything(&self) -> EdgeResult<()> {
        let storage = self.state.storage();
        storage.delete_alarm().await?;
        storage.delete_all().await?;
        self.store.emptied();
        Ok(())
    }

    fn load(&self) -> EdgeResult<Option<Conversation>> {
        self.store.json_value("SELECT state AS value FROM conversation WHERE id = 1", vec![])
    }

    fn existing(&self) -> EdgeResult<Conversation> {
        self.load()?.ok_or_else(|| EdgeError::api(ErrorCode::NotFound, "no such conversation"))
    }

    /// Whether `token` opens this conversation (one token per device of the shopper).
    async fn shopper_token_valid(&self, token: &str) -> EdgeResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            hash: String,
        }
        let hash = crypto::sha256_hex(token).await?;
        let rows: Vec<Row> = self.store.rows("SELECT hash FROM shopper_tokens", vec![])?;
        // Compared without an early exit, so timing tells nothing about the stored hashes.
        Ok(rows.iter().fold(false, |valid, row| crypto::same_secret(&hash, &row.hash) | valid))
    }

    /// Accepts a socket. Agents come authenticated by the Worker and must belong to this
    /// conversation's shop; the shopper proves access with the token in `hello`.
    fn accept(&self, req: &Request) -> EdgeResult<Response> {
        let conversation = self.existing()?;
        let (agent, session) = match req.headers().get(AGENT_HEADER)? {
            Some(header) => {
                let SignedIn { agent, session, .. } = serde_json::from_str(&header)?;
                (Some(agent), Some(session))
            }
            None => (None, None),
        };
        if agent.as_ref().is_some_and(|a| &a.shop != conversation.shop()) {
            return Err(EdgeError::api(ErrorCode::Forbidden, "this conversation belongs to another shop"));
        }
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&Peer { agent, session, speaking_as: None, typing: false })?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Checks `hello` and builds the `welcome`: the conversation and every message after
    /// `last_seq` this peer may see, however old.
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
        let conversation = self.existing()?;
        let author = match (token, &peer.agent) {
            (Some(token), _) => {
                if !self.shopper_token_valid(&token).await? {
                    return Err(EdgeError::api(ErrorCode::Unauthorized, "this conversation's token is not valid"));
                }
                Author::Shopper
            }
            (None, Some(_)) => Author::Agent,
            (None, None) => return Err(EdgeError::unauthorized()),
        };
        Ok((author, self.welcome(conversation, author, last_seq, u64::MAX)?))
    }

    /// A `welcome` with the latest page of the messages `author` may see after `after` and
    /// before `before`, saying whether there are earlier ones.
    fn welcome(&self, conversation: Conversation, author: Author, after: u64, before: u64) -> EdgeResult<ServerFrame> {
        let bound = |seq: u64| seq.min(i64::MAX as u64) as i64;
        let mut missed: Vec<Message> = self.store.json_values(
            "SELECT body AS value FROM messages WHERE seq > ? AND seq < ? AND (internal = 0 OR ?) \
             ORDER BY seq DESC LIMIT ?",
            vec![
                bound(after).into(),
                bound(before).into(),
                i64::from(author == Author::Agent).into(),
                (HISTORY_PAGE as i64 + 1).into(),
            ],
        )?;
        let earlier = missed.len() > HISTORY_PAGE;
        missed.truncate(HISTORY_PAGE);
        missed.reverse();
        Ok(ServerFrame::Welcome { conversation: conversation.view(), missed, earlier })
    }

    /// Answers a `send` with its `ack` (or its refusal), once however many copies of it arrive
    /// together: a copy of a message still being stored waits for it and gets the same answer.
    async fn send_once(
        &self,
        ws: WebSocket,
        peer: &Peer,
        author: Author,
        client_id: ClientMessageId,
        text: String,
        internal: bool,
    ) -> worker::Result<()> {
        let key = client_id.as_str().to_owned();
        {
            let mut sending = self.sending.borrow_mut();
            if let Some(copies) = sending.get_mut(&key) {
                copies.push((ws, author));
                return Ok(());
            }
            sending.insert(key.clone(), Vec::new());
        }
        let outcome = self.send(peer, author, client_id.clone(), text, internal).map_err(|error| error.to_api());
        let copies = self.sending.borrow_mut().remove(&key).unwrap_or_default();
        let answer = |to: Author| match &outcome {
            Ok(seq) if to == author => ServerFrame::Ack { client_id: client_id.clone(), seq: *seq },
            Ok(_) => ServerFrame::Error { error: client_id_taken(), client_id: Some(client_id.clone()) },
            Err(error) => ServerFrame::Error { error: error.clone(), client_id: Some(client_id.clone()) },
        };
        for (copy, copy_author) in copies {
            // A copy's socket that is gone gets the ack when its client resends.
            let _ = copy.send(&answer(copy_author));
        }
        reply(&ws, &answer(author))?;
        // Stored is acknowledged, before anything the message owes other objects is delivered:
        // that is the outbox's to retry, and the sender waits for none of it.
        if outcome.is_ok() {
            if let Err(error) = self.deliver().await {
                worker::console_error!("delivering after a message failed: {error}");
            }
        }
        Ok(())
    }

    /// Stores a message from a ready peer and returns its `seq`, making no call to another
    /// object. A `client_id` already stored by the same author is acknowledged again without
    /// storing or counting anything.
    fn send(
        &self,
        peer: &Peer,
        author: Author,
        client_id: ClientMessageId,
        text: String,
        internal: bool,
    ) -> EdgeResult<u64> {
        if let Some(seq) = self.stored_seq(author, &client_id)? {
            return Ok(seq);
        }
        let input = match (author, peer.speaking_agent()) {
            (Author::Agent, Some(agent)) => {
                Input::AgentWrote { agent: agent.agent, name: agent.name, client_id: client_id.clone(), text, internal }
            }
            (Author::Shopper, _) if internal => {
                return Err(EdgeError::api(ErrorCode::BadRequest, "only agents write internal notes"))
            }
            (Author::Shopper, _) => {
                // The benchmark's shop, on a development edge, has limits of its own.
                let limit = shop_limits::limit(&self.env, Action::Message, || Ok(self.existing()?.shop().clone()))?;
                self.count_shopper(Action::Message, limit)?;
                Input::ShopperWrote { client_id: client_id.clone(), text }
            }
            _ => return Err(EdgeError::unauthorized()),
        };
        let stored = self.commit(input)?;
        let seq = stored
            .iter()
            .find(|m| m.client_id == client_id)
            .map(|m| m.seq)
            .ok_or_else(|| EdgeError::internal("accepted message was not stored"))?;
        Ok(seq)
    }

    /// The `seq` of the message `author` sent as `client_id`, if it is stored; `conflict` if
    /// someone else's message has that id.
    fn stored_seq(&self, author: Author, client_id: &ClientMessageId) -> EdgeResult<Option<u64>> {
        let stored: Vec<StoredSeq> =
            self.store.rows("SELECT seq, author FROM messages WHERE client_id = ?", vec![client_id.as_str().into()])?;
        match stored.first() {
            Some(row) if row.author == author.as_str() => Ok(Some(row.seq as u64)),
            Some(_) => Err(EdgeError::Api(client_id_taken())),
            None => Ok(None),
        }
    }

    /// Commits an input and delivers what it owes the desk; answers the conversation's view.
    async fn act(&self, input: Input) -> EdgeResult<()> {
        self.commit(input)?;
        self.deliver().await
    }

    /// Counts a shopper's frame against its limit (core's `rate_limit`); messages are counted
    /// as they are sent, once their copies and resends are told apart.
    fn count_shopper_frame(&self, author: Option<Author>, frame: &ClientFrame) -> Result<(), ApiError> {
        let action = match frame {
            ClientFrame::Typing { .. } => Action::Typing,
            ClientFrame::Read { .. } => Action::Read,
            ClientFrame::Context { .. } => Action::Context,
            ClientFrame::LeaveEmail { .. } => Action::LeaveEmail,
            ClientFrame::Rate { .. } => Action::Rate,
            ClientFrame::History { .. } => Action::History,
            ClientFrame::Hello { .. } | ClientFrame::Send { .. } | ClientFrame::Resolve => return Ok(()),
        };
        if author != Some(Author::Shopper) {
            return Ok(());
        }
        self.count_shopper(action, action.limit())
    }

    /// Counts one of the shopper's `action`s against `limit`; `rate_limited` when over it.
    fn count_shopper(&self, action: Action, limit: Limit) -> Result<(), ApiError> {
        let at = now();
        let mut windows = self.shopper_frames.borrow_mut();
        windows.prune(at);
        windows.check(action.key(), limit, at).map_err(ApiError::from)
    }

    /// Sends a refusal as an error frame; the socket stays usable.
    fn answer_errors<T>(&self, ws: &WebSocket, result: EdgeResult<T>) -> worker::Result<()> {
        match result {
            Ok(_) => Ok(()),
            Err(error) => reply(ws, &ServerFrame::Error { error: error.to_api(), client_id: None }),
        }
    }

    /// Runs one input through core, stores the new state, the new messages and what the desk
    /// must hear, and then delivers the frames to every socket allowed to see them. Storage
    /// writes of this event are committed before any of its output leaves the object, so
    /// nobody hears of a message that could still be lost. Returns the stored messages.
    fn commit(&self, input: Input) -> EdgeResult<Vec<Message>> {
        let (frames, stored) = self.store.transaction(|| self.write(input))?;
        self.broadcast(&frames);
        Ok(stored)
    }

    /// The writes of [`ConversationRoom::commit`], in its transaction: the frames to send once
    /// they are committed, and the stored messages.
    fn write(&self, input: Input) -> EdgeResult<(Vec<ServerFrame>, Vec<Message>)> {
        let mut conversation = self.existing()?;
        let effects = conversation.handle(now(), input).map_err(ApiError::from)?;
        let desk = desk_key(conversation.shop());
        let conversation_id = conversation.id().clone();
        let tell_desk = |request: DeskRequest| self.outbox.push(&self.store, Object::ShopDesk, &desk, &request);
        let mut frames = Vec::new();
        let mut stored = Vec::new();
        let mut changed = false;
        for effect in effects {
            match effect {
                Effect::Store(message) => {
                    self.store.exec(
                        "INSERT INTO messages (seq, client_id, author, body, internal) VALUES (?, ?, ?, ?, ?)",
                        vec![
                            (message.seq as i64).into(),
                            message.client_id.as_str().into(),
                            message.author.as_str().into(),
                            serde_json::to_string(&message)?.into(),
                            i64::from(message.internal).into(),
                        ],
                    )?;
                    failpoints::after_storing_message(&self.env, &message.text)?;
                    frames.push(ServerFrame::Message { message: message.clone() });
                    stored.push(message);
                }
                Effect::EnterQueue { waiting_since, preview } => {
                    let item = queue_item(conversation.view(), waiting_since, preview);
                    tell_desk(DeskRequest::Enter { item, shop_has_webhook: Some(conversation.shop_has_webhook()) })?
                }
                Effect::Replied { agent } => {
                    tell_desk(DeskRequest::Replied { conversation_id: conversation_id.clone(), agent })?
                }
                Effect::Record(measurement) => {
                    tell_desk(DeskRequest::Record { conversation_id: conversation_id.clone(), measurement })?
                }
                Effect::LeaveQueue => tell_desk(DeskRequest::Resolved { conversation_id: conversation_id.clone() })?,
                Effect::Changed => {
                    changed = true;
                    frames.push(ServerFrame::Conversation { conversation: conversation.view() })
                }
                Effect::ReadUpTo { author, seq } => frames.push(ServerFrame::Read { author, seq }),
                Effect::Placed(place) => frames.push(ServerFrame::Place { place }),
                Effect::Announce(announcement) => {
                    tell_desk(DeskRequest::Announce { announcement, conversation: Box::new(conversation.view()) })?
                }
                Effect::ContactLeft { email } => {
                    tell_desk(DeskRequest::ContactLeft { conversation_id: conversation_id.clone(), email })?
                }
            }
        }
        self.store.exec(
            "UPDATE conversation SET state = ? WHERE id = 1",
            vec![serde_json::to_string(&conversation)?.into()],
        )?;
        self.tell_history(&conversation, changed, &stored)?;
        Ok((frames, stored))
    }

    /// Tells the shop's history what changed, once the shopper has written (a conversation
    /// nobody wrote in has no history, and may still be discarded): at once if the conversation
    /// changed, else a moment later, merged with the changes made meanwhile (core's
    /// `history_record`).
    fn tell_history(&self, conversation: &Conversation, changed: bool, stored: &[Message]) -> EdgeResult<()> {
        let view = conversation.view();
        if view.status == Status::New || (!changed && stored.is_empty()) {
            return Ok(());
        }
        let at = now();
        let record = HistoryRecord {
            view: Box::new(view),
            assignee: conversation.assignee().map(|assignee| (assignee.agent.clone(), assignee.name.clone())),
            device: conversation.device().cloned(),
            at,
            since: None,
            messages: stored.to_vec(),
        };
        let merge = |earlier: HistoryRequest, later: HistoryRequest| match (earlier, later) {
            (HistoryRequest::Record(earlier), HistoryRequest::Record(later)) => {
                earlier.merged(later).map(HistoryRequest::Record)
            }
            _ => None,
        };
        let key = history_key(conversation.shop());
        let due = HistoryRecord::due_at(at, changed);
        self.outbox.push_merged(&self.store, Object::ShopHistory, &key, HistoryRequest::Record(record), due, merge)
    }

    /// Delivers what this conversation owes its shop's desk and history now, and leaves the
    /// alarm set for what is left to retry or is due later (the history's merged records). A
    /// request given up is reported to the desk, which keeps it for the shop's owners.
    async fn deliver(&self) -> EdgeResult<()> {
        // The alarm first, in the same turn as the commit that queued the requests, so it is
        // stored with them: a request never waits in the outbox without an alarm to deliver
        // it, should the object die (a crash, a deploy) before the flush below ends.
        let next = Outbox::next_attempt_at(&self.store)?;
        self.alarm.ring_by(&self.state, next).await?;
        // Most messages only add a history record due a second later: the alarm is all they need.
        if next.is_none_or(|at| at > now()) {
            return Ok(());
        }
        let flushed = match self.load()? {
            Some(conversation) => {
                let desk = desk_key(conversation.shop());
                let report = |letter: DeadLetter| {
                    // A report that could not be delivered is not reported again, or a desk
                    // that stays away would get reports of reports for good.
                    if letter.what == DEAD_LETTER_REPORT {
                        worker::console_error!("a dead letter's report to {desk} was given up");
                        return Ok(());
                    }
                    let letter = DeadLetter { conversation_id: Some(conversation.id().clone()), ..letter };
                    self.outbox.push(&self.store, Object::ShopDesk, &desk, &DeskRequest::DeadLetter { letter })
                };
                self.outbox.flush(&self.store, &self.env, &report).await
            }
            None => Ok(()),
        };
        let woken = self.wake().await;
        flushed.and(woken)
    }

    /// Sets the alarm for the next request due in the outbox, or clears it.
    async fn wake(&self) -> EdgeResult<()> {
        self.alarm.ring_by(&self.state, Outbox::next_attempt_at(&self.store)?).await
    }

    fn broadcast(&self, frames: &[ServerFrame]) {
        for socket in self.state.get_websockets() {
            let Ok(Some(peer)) = socket.deserialize_attachment::<Peer>() else { continue };
            for frame in frames.iter().filter(|frame| peer.may_see(frame)) {
                // A socket that is closing misses the frame and gets it on resume.
                let _ = socket.send(frame);
            }
        }
    }

    /// A socket that goes (a closed tab, a lost connection) while its side was typing: the
    /// other side is told it stopped, or it would see "typing…" until it reloads.
    fn stop_typing(&self, ws: &WebSocket) {
        if let Ok(Some(Peer { speaking_as: Some(author), typing: true, .. })) = ws.deserialize_attachment::<Peer>() {
            self.relay_typing(ws, author, false);
        }
    }

    /// Tells the other side (never the typist's own side) that `author` is typing.
    fn relay_typing(&self, from: &WebSocket, author: Author, typing: bool) {
        let frame = ServerFrame::Typing { author, typing };
        for socket in self.state.get_websockets() {
            let Ok(Some(peer)) = socket.deserialize_attachment::<Peer>() else { continue };
            if peer.speaking_as.is_some_and(|side| side != author) && !socket_is(&socket, from) {
                let _ = socket.send(&frame);
            }
        }
    }
}

/// The close code of sockets to a conversation that was erased.
const ERASED: u16 = 4404;

/// The name of the request that reports a dead letter to the desk (`DeskRequest::DeadLetter`).
const DEAD_LETTER_REPORT: &str = "dead_letter";

fn client_id_taken() -> ApiError {
    ApiError::new(ErrorCode::Conflict, "that client_id is taken")
}

/// Whether two handles are the same socket.
fn socket_is(a: &WebSocket, b: &WebSocket) -> bool {
    js_sys::Object::is(a.as_ref(), b.as_ref())
}

/// The queue's entry for a conversation that started waiting.
fn queue_item(view: ConversationView, waiting_since: UnixMillis, preview: String) -> QueueItem {
    let shopper_name = view.shopper_name().map(str::to_owned);
    let contact_email = view.contact_email;
    QueueItem { shopper_name, contact_email, ..QueueItem::waiting(view.id, waiting_since, preview, view.page) }
}

/// The room object of a conversation.
pub fn room_key(conversation: &ConversationId) -> String {
    format!("conversation:{conversation}")
}

/// The room object of a conversation, to call.
pub fn room_stub(env: &Env, conversation: &ConversationId) -> EdgeResult<ObjectStub> {
    Object::ConversationRoom.stub(env, &room_key(conversation))
}

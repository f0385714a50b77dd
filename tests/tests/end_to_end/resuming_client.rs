//! A client of one conversation that resumes as the widget and the console do, without a
//! browser: whenever its connection drops it reconnects, says `hello` with the last `seq` it
//! holds, takes what it missed (page by page when the welcome says there is more), and resends
//! every message not yet acknowledged with its original `client_id`. It keeps what it is sent
//! by `seq`, and fails on what resuming must never do: one `seq` delivered as two different
//! messages, a note delivered to a shopper, a message acknowledged as two different `seq`s, a
//! message refused.
//!
//! Every message goes out at least twice: two copies back to back, or one copy and another
//! once the first is acknowledged (at the next reconnect, or when the script asks).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context, Result};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite;

use crate::api::{cid, history_after};
use crate::client::{Api, Disconnected, Socket};
use parley_core::ids::ConversationId;
use parley_core::message::Message;
use parley_core::protocol::{ClientFrame, ServerFrame, PROTOCOL_VERSION};

/// Who speaks on the socket.
pub enum Side {
    /// A shopper's device, with its token.
    Shopper { token: String },
    /// A signed-in agent, with their session cookie.
    Agent { cookie: String },
}

/// How a message's second copy goes.
#[derive(Clone, Copy)]
pub enum Copies {
    /// Right behind the first, before any answer: the edge gets both while storing the first.
    Together,
    /// Once the first is acknowledged: at the next reconnect, or when the script asks.
    Later,
}

/// How long a client keeps trying to come back: an edge restarting after a crash takes a
/// quarter of a minute on a loaded machine.
const RESUME_LIMIT: Duration = Duration::from_secs(60);
/// The pause between attempts to reconnect.
const RETRY_PAUSE: Duration = Duration::from_millis(150);

/// A message this client sent.
struct Sent {
    text: String,
    internal: bool,
    /// How many copies of it went out.
    copies: u32,
    /// The `seq` it was acknowledged as, once it was.
    seq: Option<u64>,
    /// A copy went out that no acknowledgement has answered yet.
    awaiting: bool,
}

impl Sent {
    /// The frame that sends a copy of it.
    fn frame(&self, client_id: &str) -> ClientFrame {
        ClientFrame::Send { client_id: cid(client_id), text: self.text.clone(), internal: self.internal }
    }
}

/// A message as this client sent it, and what became of it.
pub struct Outcome<'a> {
    pub client_id: &'a str,
    pub text: &'a str,
    pub internal: bool,
    /// The `seq` it was acknowledged as; `None` if it never was.
    pub seq: Option<u64>,
    pub copies: u32,
}

pub struct ResumingClient {
    /// Reaches the edge (through the proxy), as this client's address.
    api: Api,
    conversation: ConversationId,
    side: Side,
    /// `None` until connected.
    socket: Option<Socket>,
    /// Every message received, by `seq`.
    held: BTreeMap<u64, Message>,
    /// Every message sent, by `client_id`, and the order they were sent in.
    sent: BTreeMap<String, Sent>,
    order: Vec<String>,
    /// How many connections it has made.
    connections: u32,
    /// Counts the messages first acknowledged to any client of the exchange.
    acknowledged: Arc<AtomicU64>,
}

impl ResumingClient {
    /// Connects to conversation `conversation` as `side`; `acknowledged` counts each message it
    /// sends once, when first acknowledged.
    pub async fn connect(
        api: Api,
        conversation: ConversationId,
        side: Side,
        acknowledged: Arc<AtomicU64>,
    ) -> Result<Self> {
        let mut client = Self {
            api,
            conversation,
            side,
            socket: None,
            held: BTreeMap::new(),
            sent: BTreeMap::new(),
            order: Vec::new(),
            connections: 0,
            acknowledged,
        };
        client.resume().await?;
        Ok(client)
    }

    /// Sends a message as `client_id` and waits until it is acknowledged, resuming as often as
    /// the connection drops; returns its `seq`.
    pub async fn send(&mut self, client_id: &str, text: &str, internal: bool, copies: Copies) -> Result<u64> {
        ensure!(!self.sent.contains_key(client_id), "{client_id} is sent once by the script");
        let sent = Sent { text: text.to_owned(), internal, copies: 0, seq: None, awaiting: true };
        self.sent.insert(client_id.to_owned(), sent);
        self.order.push(client_id.to_owned());
        let together = match copies {
            Copies::Together => 2,
            Copies::Later => 1,
        };
        for _ in 0..together {
            self.send_copy(client_id).await?;
        }
        self.acknowledgement(client_id).await.with_context(|| format!("sending {client_id}"))
    }

    /// Sends another copy of each message that went out once only, and waits until every copy
    /// sent is answered.
    pub async fn repeat_single_copies(&mut self) -> Result<()> {
        for client_id in self.matching(|sent| sent.copies < 2) {
            self.send_copy(&client_id).await?;
        }
        for client_id in self.matching(|sent| sent.awaiting) {
            self.acknowledgement(&client_id).await.with_context(|| format!("sending {client_id} again"))?;
        }
        Ok(())
    }

    /// Reads frames until it holds the message someone sent as `client_id`; answers its `seq`.
    pub async fn receive(&mut self, client_id: &str) -> Result<u64> {
        loop {
            if let Some(message) = self.held.values().find(|message| message.client_id.as_str() == client_id) {
                return Ok(message.seq);
            }
            self.next_frame().await.with_context(|| format!("waiting for {client_id}"))?;
        }
    }

    /// Reconnects and takes whatever it missed, as after a dropped connection.
    pub async fn catch_up(&mut self) -> Result<()> {
        self.socket = None;
        self.resume().await
    }

    /// Every message received, by `seq`.
    pub fn held(&self) -> &BTreeMap<u64, Message> {
        &self.held
    }

    /// Every message sent, in the order sent.
    pub fn outcomes(&self) -> impl Iterator<Item = Outcome<'_>> {
        self.order.iter().filter_map(|client_id| {
            let sent = self.sent.get(client_id)?;
            let Sent { text, internal, copies, seq, .. } = sent;
            Some(Outcome { client_id, text, internal: *internal, seq: *seq, copies: *copies })
        })
    }

    /// How many times it connected again after its first connection.
    pub fn reconnects(&self) -> u32 {
        self.connections.saturating_sub(1)
    }

    /// The `client_id`s of the messages sent for which `wanted` holds, in the order sent.
    fn matching(&self, wanted: impl Fn(&Sent) -> bool) -> Vec<String> {
        self.order.iter().filter(|id| self.sent.get(*id).is_some_and(&wanted)).cloned().collect()
    }

    /// Sends one copy of a message; if the connection has dropped, resuming sends it instead.
    async fn send_copy(&mut self, client_id: &str) -> Result<()> {
        let Some(sent) = self.sent.get_mut(client_id) else { bail!("{client_id} was never sent") };
        sent.awaiting = true;
        let frame = sent.frame(client_id);
        let Some(socket) = self.socket.as_mut() else { return self.resume().await };
        match socket.send(&frame).await {
            Ok(()) => {
                sent.copies += 1;
                Ok(())
            }
            Err(error) if error.is::<Disconnected>() => self.resume().await,
            Err(error) => Err(error),
        }
    }

    /// Reads frames until every copy of `client_id` sent so far may have been answered (an
    /// acknowledgement came after the last).
    async fn acknowledgement(&mut self, client_id: &str) -> Result<u64> {
        loop {
            match self.sent.get(client_id) {
                Some(Sent { seq: Some(seq), awaiting: false, .. }) => return Ok(*seq),
                Some(_) => {}
                None => bail!("{client_id} was never sent"),
            }
            self.next_frame().await.with_context(|| format!("waiting for the acknowledgement of {client_id}"))?;
        }
    }

    /// Takes the next frame, resuming if the connection has dropped.
    async fn next_frame(&mut self) -> Result<()> {
        let Some(socket) = self.socket.as_mut() else { return self.resume().await };
        match socket.next::<ServerFrame>().await {
            Ok(frame) => self.take(frame),
            Err(error) if error.is::<Disconnected>() => self.resume().await,
            Err(error) => Err(error),
        }
    }

    /// Reconnects until it is back: `hello` with the last `seq` held and what was missed, then
    /// every message whose copy is unanswered, and a second copy of every message sent once.
    async fn resume(&mut self) -> Result<()> {
        let deadline = Instant::now() + RESUME_LIMIT;
        let socket = loop {
            match self.reconnect().await {
                Ok(socket) => break socket,
                Err(Attempt::Failed(error)) => return Err(error.context("resuming")),
                Err(Attempt::Dropped(error)) if Instant::now() > deadline => {
                    return Err(error.context(format!("could not resume within {RESUME_LIMIT:?}")))
                }
                Err(Attempt::Dropped(_)) => tokio::time::sleep(RETRY_PAUSE).await,
            }
        };
        self.connections += 1;
        let socket = self.socket.insert(socket);
        for client_id in &self.order {
            let Some(sent) = self.sent.get_mut(client_id) else { continue };
            if !sent.awaiting && sent.copies >= 2 {
                continue;
            }
            if socket.send(&sent.frame(client_id)).await.is_err() {
                // Dropped again: the next read notices and resumes once more.
                break;
            }
            sent.copies += 1;
            sent.awaiting = true;
        }
        Ok(())
    }

    /// One attempt to reconnect: the socket after its welcome and the pages before it, whose
    /// messages are held.
    async fn reconnect(&mut self) -> Result<Socket, Attempt> {
        let path = format!("/api/conversations/{}/ws", self.conversation);
        let last_seq = self.held.keys().next_back().copied().unwrap_or(0);
        let (socket, token) = match &self.side {
            Side::Shopper { token } => (self.api.socket(&path, None).await, Some(token.clone())),
            Side::Agent { cookie } => (self.api.socket(&path, Some(cookie)).await, None),
        };
        let mut socket = socket.map_err(Attempt::connecting)?;
        socket.send(&ClientFrame::Hello { v: PROTOCOL_VERSION, token, last_seq }).await.map_err(Attempt::from)?;
        let welcome = socket
            .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Welcome { .. } | ServerFrame::Error { .. }))
            .await
            .map_err(Attempt::from)?;
        if let ServerFrame::Error { error, .. } = welcome {
            return Err(Attempt::Failed(anyhow!("hello refused: {error:?}")));
        }
        let (missed, _) = history_after(&mut socket, welcome, last_seq).await.map_err(Attempt::from)?;
        for message in missed {
            self.hold(message).map_err(Attempt::Failed)?;
        }
        Ok(socket)
    }

    /// Takes one frame that came unasked.
    fn take(&mut self, frame: ServerFrame) -> Result<()> {
        match frame {
            ServerFrame::Message { message } => self.hold(message),
            ServerFrame::Ack { client_id, seq } => {
                let sent = self.sent.get_mut(client_id.as_str());
                let sent = sent.with_context(|| format!("an acknowledgement of {client_id}, never sent here"))?;
                sent.awaiting = false;
                match sent.seq.replace(seq) {
                    Some(first) => ensure!(first == seq, "{client_id} was acknowledged as {first}, then as {seq}"),
                    None => {
                        self.acknowledged.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(())
            }
            ServerFrame::Error { error, client_id } => bail!("the edge refused {client_id:?}: {error:?}"),
            ServerFrame::Welcome { .. } => bail!("a welcome nobody asked for"),
            _ => Ok(()),
        }
    }

    /// Keeps a message received: a `seq` is one message however often it comes, and a shopper
    /// is never sent a note.
    fn hold(&mut self, message: Message) -> Result<()> {
        let shopper = matches!(self.side, Side::Shopper { .. });
        ensure!(!(message.internal && shopper), "a shopper was sent a note: {message:?}");
        match self.held.get(&message.seq) {
            Some(held) => ensure!(held == &message, "seq {} came as {held:?} and as {message:?}", message.seq),
            None => {
                self.held.insert(message.seq, message);
            }
        }
        Ok(())
    }
}

/// Why an attempt to reconnect failed.
enum Attempt {
    /// The connection could not be made, or dropped: try again.
    Dropped(anyhow::Error),
    /// The edge said no, or did not answer: trying again cannot help.
    Failed(anyhow::Error),
}

impl Attempt {
    /// A socket that could not be opened: refused for good by a 4xx answer to the upgrade, or
    /// not reached (the edge is down or restarting).
    fn connecting(error: anyhow::Error) -> Self {
        match error.downcast_ref::<tungstenite::Error>() {
            Some(tungstenite::Error::Http(response)) if response.status().is_client_error() => Self::Failed(error),
            _ => Self::Dropped(error),
        }
    }
}

impl From<anyhow::Error> for Attempt {
    fn from(error: anyhow::Error) -> Self {
        match error.is::<Disconnected>() {
            true => Self::Dropped(error),
            false => Self::Failed(error),
        }
    }
}

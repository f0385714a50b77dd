//! Parley itself, driven as its clients drive it: each shopper starts a conversation over
//! HTTP, opens the conversation socket with its token and writes; agents sign in, keep a desk
//! socket open (the console's), claim each conversation there and answer it on its own
//! conversation socket. Only then does the run's load start, on these sockets. The cost
//! benchmark holds whole conversations the same way, from the first message to the agent's
//! resolve.
//!
//! The shop is seeded on the benchmark's own development edge, which holds it to core's
//! benchmark limits (`PARLEY_BENCH_SHOP`, edge/src/shop_limits.rs): each shopper here writes
//! several messages a second, far over a real shopper's limit.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context, Result};
use parley_core::ids::{ClientMessageId, ConversationId};
use parley_core::protocol::{
    ClientFrame, ConversationTicket, DeskClientFrame, DeskServerFrame, ServerFrame, Status, PROTOCOL_VERSION,
};
use serde_json::json;
use tokio::sync::{mpsc, Mutex};
use tokio_tungstenite::tungstenite::Message;

use crate::drive::{Conversation, Dialect, Heard};
use crate::http::post_json;
use crate::link::{next_text, Link, Writer};
use crate::payload::Payload;
use crate::targets::open_all;

/// The benchmark's shop, the one its edge gives benchmark limits (`PARLEY_BENCH_SHOP`).
pub const SHOP: &str = "bench";

/// Where a development edge reads a client's address (edge/src/router.rs): every shopper is a
/// client of its own, as they would be on the Internet.
const DEV_CLIENT_HEADER: &str = "x-parley-dev-client";

/// How long an agent waits for the desk's answer to a claim.
const CLAIM_WAIT: Duration = Duration::from_secs(60);

/// Conversations set up at once.
pub const SETTING_UP_AT_ONCE: usize = 8;

/// Messages said while a conversation opens: the shopper's first, and the agent's answer.
const OPENING_MESSAGES: usize = 2;

/// The seeded shop's agents, signed in with their desk sockets open.
pub struct Parley {
    port: u16,
    agents: Vec<Arc<Agent>>,
}

struct Agent {
    cookie: String,
    address: String,
    /// The desk socket's writer and its answers to claims, one claim at a time.
    desk: Mutex<(Writer, mpsc::UnboundedReceiver<Result<ConversationId, String>>)>,
}

impl Parley {
    /// Seeds the shop with `agents` agents on the edge at `port`, signs them in and opens their
    /// desks.
    pub async fn seed(port: u16, agents: usize) -> Result<Self> {
        let accounts: Vec<_> = (0..agents)
            .map(|k| {
                let role = if k == 0 { "owner" } else { "agent" };
                json!({"email": email(k), "name": format!("Agent {k}"), "password": password(k), "role": role})
            })
            .collect();
        let seed = json!({"shop": SHOP, "name": "Benchmark shop", "agents": accounts});
        let seeded = post_json(port, "/api/dev/seed", &seed.to_string(), &[]).await?;
        ensure!(seeded.status == 200, "seeding answered {}: {}", seeded.status, seeded.body);
        let mut signed_in = Vec::with_capacity(agents);
        for k in 0..agents {
            signed_in.push(Arc::new(Agent::sign_in(port, k).await?));
        }
        Ok(Self { port, agents: signed_in })
    }

    /// Opens `count` conversations, each claimed and answered once by an agent.
    pub async fn open(&self, count: usize) -> Result<Vec<Conversation>> {
        self.open_range(0..count).await
    }

    /// Opens the conversations of shoppers `numbers` (each shopper a client of its own), each
    /// claimed and answered once by an agent.
    pub async fn open_range(&self, numbers: Range<usize>) -> Result<Vec<Conversation>> {
        let first = numbers.start;
        open_all(numbers.len(), SETTING_UP_AT_ONCE, |index| self.open_one(first + index)).await
    }

    /// Holds conversation `index` from start to end: opened as [`Parley::open`] opens it, then
    /// `messages` in all (the opening's two included), the shopper's and the agent's in turn,
    /// each sent once the one before is acknowledged; then the agent resolves it.
    pub async fn hold_whole(&self, index: usize, messages: usize) -> Result<()> {
        let Conversation { mut shopper, agent: mut answering } = self.open_one(index).await?;
        for n in OPENING_MESSAGES..messages {
            let link = if n % 2 == 0 { &mut shopper } else { &mut answering };
            say(link, &format!("m-{n}"), &format!("message {n} of conversation {index}")).await?;
        }
        resolve(&mut answering).await.with_context(|| format!("resolving conversation {index}"))
    }

    async fn open_one(&self, number: usize) -> Result<Conversation> {
        let (mut shopper, ticket) = self.shopper(number).await?;
        say(&mut shopper, "opening", "Hello, is anyone there?").await?;

        let agent = &self.agents[number % self.agents.len()];
        agent.claim(&ticket.conversation_id).await.with_context(|| format!("claiming conversation {number}"))?;
        let cookie = [("cookie", agent.cookie.as_str()), (DEV_CLIENT_HEADER, agent.address.as_str())];
        let mut answering = Link::connect(&self.socket_url(&ticket), &cookie).await?;
        hello(&mut answering, None).await?;
        // Answered once, the conversation is never handed back to the queue for want of an answer.
        say(&mut answering, "answer", "Hi! How can I help?").await?;
        Ok(Conversation { shopper, agent: answering })
    }

    /// Shopper `number` (a client of its own, as shoppers are on the Internet) starts a
    /// conversation over HTTP, opens its socket at `port` and says hello, as the widget does
    /// when a shopper opens it: the socket, and the conversation's ticket.
    pub async fn shopper(&self, number: usize) -> Result<(Link, ConversationTicket)> {
        let address = format!("10.{}.{}.{}", (number >> 16) & 255, (number >> 8) & 255, number & 255);
        let client = [(DEV_CLIENT_HEADER, address.as_str())];
        let body = json!({"page": {"url": "http://127.0.0.1/p/trail-runner", "title": "Trail Runner 2"}});
        let created =
            post_json(self.port, &format!("/api/shops/{SHOP}/conversations"), &body.to_string(), &client).await?;
        ensure!(created.status == 201, "starting conversation {number} answered {}: {}", created.status, created.body);
        let ticket: ConversationTicket = serde_json::from_str(&created.body)?;
        let mut shopper = Link::connect(&self.socket_url(&ticket), &client).await?;
        hello(&mut shopper, Some(ticket.token.clone())).await?;
        Ok((shopper, ticket))
    }

    /// The edge's port this shop is reached at.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn socket_url(&self, ticket: &ConversationTicket) -> String {
        format!("ws://127.0.0.1:{}/api/conversations/{}/ws", self.port, ticket.conversation_id)
    }
}

impl Agent {
    async fn sign_in(port: u16, k: usize) -> Result<Self> {
        let address = format!("10.255.{}.{}", (k >> 8) & 255, k & 255);
        let client = [(DEV_CLIENT_HEADER, address.as_str())];
        let body = json!({"email": email(k), "password": password(k)});
        let response = post_json(port, "/api/login", &body.to_string(), &client).await?;
        ensure!(response.status == 200, "signing in {} answered {}: {}", email(k), response.status, response.body);
        let cookie = response.header("set-cookie").and_then(|c| c.split(';').next()).context("no session cookie")?;
        let headers = [("cookie", cookie), (DEV_CLIENT_HEADER, address.as_str())];
        let Link { writer, mut reader } =
            Link::connect(&format!("ws://127.0.0.1:{port}/api/desk/ws"), &headers).await?;
        let (answers, answered) = mpsc::unbounded_channel();
        // Reads the desk for as long as it is open: the queue it sends on every change is read
        // and dropped unparsed (it is most of what the desk sends, and large), claims answered.
        tokio::spawn(async move {
            while let Ok(Some(text)) = next_text(&mut reader).await {
                if text.starts_with(r#"{"type":"queue""#) {
                    continue;
                }
                let answer = match serde_json::from_str::<DeskServerFrame>(&text) {
                    Ok(DeskServerFrame::Claimed { conversation_id }) => Ok(conversation_id),
                    Ok(DeskServerFrame::Error { error }) => Err(error.message),
                    _ => continue,
                };
                if answers.send(answer).is_err() {
                    return;
                }
            }
        });
        Ok(Self { cookie: cookie.to_owned(), address, desk: Mutex::new((writer, answered)) })
    }

    async fn claim(&self, id: &ConversationId) -> Result<()> {
        let mut desk = self.desk.lock().await;
        let (writer, answers) = &mut *desk;
        let claim = serde_json::to_string(&DeskClientFrame::Claim { conversation_id: id.clone() })?;
        writer.send(Message::text(claim)).map_err(|_| anyhow!("the desk socket's writer has stopped"))?;
        match tokio::time::timeout(CLAIM_WAIT, answers.recv()).await {
            Ok(Some(Ok(claimed))) if &claimed == id => Ok(()),
            Ok(Some(Ok(other))) => bail!("the desk answered a claim of {other}"),
            Ok(Some(Err(refusal))) => bail!("the desk refused the claim: {refusal}"),
            Ok(None) => bail!("the desk socket closed"),
            Err(_) => bail!("no answer to the claim within {CLAIM_WAIT:?}"),
        }
    }
}

fn email(k: usize) -> String {
    format!("agent{k}@bench.test")
}

fn password(k: usize) -> String {
    format!("bench-password-{k}")
}

/// Says hello (with the shopper's token, or as the signed-in agent) and waits for the welcome.
async fn hello(link: &mut Link, token: Option<String>) -> Result<()> {
    link.send(serde_json::to_string(&ClientFrame::Hello { v: PROTOCOL_VERSION, token, last_seq: 0 })?)?;
    link.expect("the welcome", |text| matches!(serde_json::from_str(text), Ok(ServerFrame::Welcome { .. }))).await?;
    Ok(())
}

/// Sends a message of the conversation's setup and waits until it is stored.
async fn say(link: &mut Link, client_id: &str, text: &str) -> Result<()> {
    let client_id = ClientMessageId::parse(client_id).map_err(|error| anyhow!("{error}"))?;
    link.send(serde_json::to_string(&ClientFrame::Send {
        client_id: client_id.clone(),
        text: text.to_owned(),
        internal: false,
    })?)?;
    let answer = link
        .expect("the acknowledgement", |text| {
            matches!(serde_json::from_str(text), Ok(ServerFrame::Ack { client_id: ref acked, .. } | ServerFrame::Error { client_id: Some(ref acked), .. }) if *acked == client_id)
        })
        .await?;
    match serde_json::from_str(&answer)? {
        ServerFrame::Error { error, .. } => bail!("{client_id} was refused: {}", error.message),
        _ => Ok(()),
    }
}

/// Resolves the conversation as its agent and waits until the room says it is resolved.
async fn resolve(link: &mut Link) -> Result<()> {
    link.send(serde_json::to_string(&ClientFrame::Resolve)?)?;
    let answer = link
        .expect("the resolved conversation", |text| {
            matches!(serde_json::from_str(text), Ok(ServerFrame::Conversation { ref conversation }) if conversation.status == Status::Resolved)
                || matches!(serde_json::from_str(text), Ok(ServerFrame::Error { client_id: None, .. }))
        })
        .await?;
    match serde_json::from_str(&answer)? {
        ServerFrame::Error { error, .. } => bail!("resolving was refused: {}", error.message),
        _ => Ok(()),
    }
}

/// Parley's conversation socket protocol (docs/PROTOCOL.md).
pub struct ParleyProtocol;

impl Dialect for ParleyProtocol {
    fn frame(&self, payload: &Payload) -> String {
        json!({"type": "send", "client_id": payload.client_id(), "text": payload.text()}).to_string()
    }

    fn heard(&self, text: &str) -> Heard {
        match serde_json::from_str::<ServerFrame>(text) {
            Ok(ServerFrame::Message { message }) => Heard::Message(message.text),
            Ok(ServerFrame::Error { error, client_id }) => {
                let about = client_id.map(|id| format!(" {}", id.as_str())).unwrap_or_default();
                Heard::Refused(format!("refused{about}: {:?} {}", error.code, error.message))
            }
            Ok(_) => Heard::Nothing,
            Err(error) => Heard::Refused(format!("a frame that does not decode ({error}): {text}")),
        }
    }
}

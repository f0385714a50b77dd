//! A small client of the edge's API for the tests: JSON calls, sign-in, and WebSockets that
//! speak the protocol's frames, each wait bounded so a broken edge fails a case instead of
//! hanging it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use parley_core::protocol::{AgentProfile, ApiError, ConversationTicket, LoginRequest, NewConversation, PageContext};

/// How long any single expected frame may take: longer than the shortest re-route time a case
/// sets (10 s), during which a desk may send nothing.
const FRAME_WAIT: Duration = Duration::from_secs(20);

pub struct Api {
    pub origin: String,
    /// The client address a development edge counts this client's requests under.
    pub client: String,
    http: reqwest::Client,
}

/// Where a development edge reads a client's address (edge/src/router.rs).
pub const DEV_CLIENT_HEADER: &str = "x-parley-dev-client";

/// Numbers the clients of one test run.
static CLIENTS: AtomicU32 = AtomicU32::new(1);

/// A signed-in agent: their profile and session cookie (`name=value`).
pub struct Agent {
    pub profile: AgentProfile,
    pub cookie: String,
}

impl Api {
    /// A client of its own: its failed sign-ins and new conversations never count against
    /// another case's.
    pub fn new(origin: &str) -> Self {
        let n = CLIENTS.fetch_add(1, Ordering::Relaxed);
        Self::at_address(origin, &format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255))
    }

    /// A client at `address`, as a development edge is told it.
    pub fn at_address(origin: &str, address: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(value) = reqwest::header::HeaderValue::from_str(address) {
            headers.insert(DEV_CLIENT_HEADER, value);
        }
        let http = reqwest::Client::builder().default_headers(headers).build().unwrap_or_default();
        Self { origin: origin.to_owned(), client: address.to_owned(), http }
    }

    /// POSTs JSON; returns the status and the body text.
    pub async fn post<B: Serialize>(&self, path: &str, body: &B, cookie: Option<&str>) -> Result<(u16, String)> {
        self.send_json(self.http.post(format!("{}{path}", self.origin)), body, cookie).await
    }

    /// PUTs JSON; returns the status and the body text.
    pub async fn put<B: Serialize>(&self, path: &str, body: &B, cookie: Option<&str>) -> Result<(u16, String)> {
        self.send_json(self.http.put(format!("{}{path}", self.origin)), body, cookie).await
    }

    /// PATCHes JSON; returns the status and the body text.
    pub async fn patch<B: Serialize>(&self, path: &str, body: &B, cookie: Option<&str>) -> Result<(u16, String)> {
        self.send_json(self.http.patch(format!("{}{path}", self.origin)), body, cookie).await
    }

    async fn send_json<B: Serialize>(
        &self,
        request: reqwest::RequestBuilder,
        body: &B,
        cookie: Option<&str>,
    ) -> Result<(u16, String)> {
        let mut request = request.json(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await?;
        Ok((response.status().as_u16(), response.text().await?))
    }

    /// Sends `body` as it is, with `content_type` and extra request headers; returns the
    /// status and the body text. For what a browser page of any origin could send.
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Result<(u16, String)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.origin))
            .header("content-type", content_type)
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await?;
        Ok((response.status().as_u16(), response.text().await?))
    }

    /// GETs; returns the status, the headers and the body text.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Result<(u16, reqwest::header::HeaderMap, String)> {
        match cookie {
            Some(cookie) => self.get_with(path, &[("cookie", cookie)]).await,
            None => self.get_with(path, &[]).await,
        }
    }

    /// GETs with extra request headers; returns the status, the headers and the body text.
    pub async fn get_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<(u16, reqwest::header::HeaderMap, String)> {
        let (status, headers, body) = self.get_bytes(path, headers).await?;
        Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
    }

    /// GETs with extra request headers; returns the status, the headers and the body's bytes
    /// exactly as they came (nothing is decompressed).
    pub async fn get_bytes(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
        let mut request = self.http.get(format!("{}{path}", self.origin));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        Ok((status, headers, response.bytes().await?.to_vec()))
    }

    pub async fn new_conversation(&self, shop: &str) -> Result<ConversationTicket> {
        self.new_conversation_on(shop, "Trail Runner 2").await
    }

    /// A new conversation from a page with the title `page_title`.
    pub async fn new_conversation_on(&self, shop: &str, page_title: &str) -> Result<ConversationTicket> {
        let body = NewConversation {
            page: PageContext {
                url: "http://127.0.0.1/p/trail-runner".into(),
                title: page_title.into(),
                ..PageContext::default()
            },
            identity: None,
            shopper: None,
            locale: None,
            device: None,
        };
        let (status, text) = self.post(&format!("/api/shops/{shop}/conversations"), &body, None).await?;
        if status != 201 {
            bail!("creating a conversation answered {status}: {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Agent> {
        let body = LoginRequest { email: email.into(), password: password.into() };
        let response = self.http.post(format!("{}/api/login", self.origin)).json(&body).send().await?;
        let set_cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let status = response.status().as_u16();
        let text = response.text().await?;
        if status != 200 {
            bail!("login answered {status}: {text}");
        }
        let cookie = set_cookie.and_then(|c| c.split(';').next().map(str::to_owned)).context("login set no cookie")?;
        Ok(Agent { profile: serde_json::from_str(&text)?, cookie })
    }

    /// Opens a WebSocket on `path`, with the agent's cookie if given.
    pub async fn socket(&self, path: &str, cookie: Option<&str>) -> Result<Socket> {
        match cookie {
            Some(cookie) => self.socket_with(path, &[("cookie", cookie)]).await,
            None => self.socket_with(path, &[]).await,
        }
    }

    /// Opens a WebSocket on `path` with extra request headers.
    pub async fn socket_with(&self, path: &str, headers: &[(&str, &str)]) -> Result<Socket> {
        let url = format!("{}{path}", self.origin.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request.headers_mut().insert(DEV_CLIENT_HEADER, HeaderValue::from_str(&self.client)?);
        for (name, value) in headers {
            let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())?;
            request.headers_mut().insert(name, HeaderValue::from_str(value)?);
        }
        let (stream, _) =
            tokio_tungstenite::connect_async(request).await.with_context(|| format!("connecting {path}"))?;
        Ok(Socket { stream, backlog: VecDeque::new() })
    }
}

/// Parses an `ApiError` body.
pub fn api_error(body: &str) -> Result<ApiError> {
    serde_json::from_str(body).with_context(|| format!("not an ApiError body: {body}"))
}

/// A protocol socket. Frames skipped while waiting for a particular one are kept, in order,
/// for the next wait: the edge may interleave frames (a queue place can arrive before an
/// acknowledgement), and a test must not lose one by looking for another.
pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    backlog: VecDeque<String>,
}

impl Socket {
    pub async fn send<T: Serialize>(&mut self, frame: &T) -> Result<()> {
        self.send_raw(serde_json::to_string(frame)?).await
    }

    pub async fn send_raw(&mut self, text: String) -> Result<()> {
        self.stream
            .send(WsMessage::text(text))
            .await
            .map_err(|error| Disconnected(format!("sending failed: {error}")))?;
        Ok(())
    }

    /// The next text frame, decoded; fails if the socket closes or nothing comes in time.
    pub async fn next<T: DeserializeOwned>(&mut self) -> Result<T> {
        let text = match self.backlog.pop_front() {
            Some(text) => text,
            None => self.receive().await?,
        };
        serde_json::from_str(&text).with_context(|| format!("unexpected frame {text}"))
    }

    /// The first frame, kept or new, that decodes as `T` and satisfies `wanted`; the frames
    /// passed over stay for later.
    pub async fn next_matching<T: DeserializeOwned + std::fmt::Debug>(
        &mut self,
        wanted: impl Fn(&T) -> bool,
    ) -> Result<T> {
        let matches = |text: &str| serde_json::from_str::<T>(text).ok().filter(|frame| wanted(frame));
        if let Some(at) = self.backlog.iter().position(|text| matches(text).is_some()) {
            if let Some(frame) = self.backlog.remove(at).and_then(|text| matches(&text)) {
                return Ok(frame);
            }
        }
        loop {
            let text = self.receive().await?;
            match matches(&text) {
                Some(frame) => return Ok(frame),
                None => self.backlog.push_back(text),
            }
        }
    }

    /// Expects the edge to close the socket (after any frames).
    pub async fn expect_closed(&mut self) -> Result<()> {
        loop {
            match tokio::time::timeout(FRAME_WAIT, self.stream.next()).await {
                Err(_) => bail!("the socket stayed open"),
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(WsMessage::Close(_)))) => return Ok(()),
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// The next text frame off the wire, if one comes within `FRAME_WAIT`.
    async fn receive(&mut self) -> Result<String> {
        loop {
            let message = match tokio::time::timeout(FRAME_WAIT, self.stream.next())
                .await
                .map_err(|_| anyhow!("no frame within {FRAME_WAIT:?}"))?
            {
                Some(Ok(message)) => message,
                Some(Err(error)) => return Err(Disconnected(format!("the socket failed: {error}")).into()),
                None => return Err(Disconnected("the socket closed".to_owned()).into()),
            };
            match message {
                WsMessage::Text(text) => return Ok(text.as_str().to_owned()),
                WsMessage::Close(frame) => return Err(Disconnected(format!("the socket closed: {frame:?}")).into()),
                _ => continue,
            }
        }
    }
}

/// A socket's connection ended (closed, reset or cut), as opposed to a frame not coming in
/// time: what a resuming client reconnects on, and nothing else.
#[derive(Debug)]
pub struct Disconnected(String);

impl std::fmt::Display for Disconnected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Disconnected {}

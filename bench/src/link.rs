//! One WebSocket of the benchmark: its writing half behind a channel (so the scheduler and the
//! reader, which answers pings, can both send), its reading half as a stream of text frames.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a setup step may wait for the frame it expects.
const FRAME_WAIT: Duration = Duration::from_secs(60);

pub type Reader = SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>;

/// Frames to send on a socket; dropping every sender closes it.
pub type Writer = mpsc::UnboundedSender<Message>;

pub struct Link {
    pub writer: Writer,
    pub reader: Reader,
}

impl Link {
    /// Opens `url` (`ws://…`) with extra request headers, Nagle's delay off as browsers have it.
    pub async fn connect(url: &str, headers: &[(&str, &str)]) -> Result<Self> {
        let mut request = url.into_client_request()?;
        for (name, value) in headers {
            request.headers_mut().insert(HeaderName::from_bytes(name.as_bytes())?, HeaderValue::from_str(value)?);
        }
        let (stream, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .with_context(|| format!("connecting {url}"))?;
        let (mut sink, reader) = stream.split();
        let (writer, mut outgoing) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                if sink.send(message).await.is_err() {
                    return;
                }
            }
            let _ = sink.close().await;
        });
        Ok(Self { writer, reader })
    }

    pub fn send(&self, text: String) -> Result<()> {
        self.writer.send(Message::text(text)).map_err(|_| anyhow!("the socket's writer has stopped"))
    }

    /// Reads text frames until one satisfies `wanted` (those passed over are dropped); fails
    /// if the socket ends or nothing fits within [`FRAME_WAIT`].
    pub async fn expect(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> Result<String> {
        let found = tokio::time::timeout(FRAME_WAIT, async {
            loop {
                match next_text(&mut self.reader).await? {
                    Some(text) if wanted(&text) => return Ok(text),
                    Some(_) => continue,
                    None => bail!("the socket closed"),
                }
            }
        });
        found
            .await
            .map_err(|_| anyhow!("no {what} within {FRAME_WAIT:?}"))?
            .with_context(|| format!("waiting for {what}"))
    }
}

/// The next text frame, or `None` once the socket has closed.
pub async fn next_text(reader: &mut Reader) -> Result<Option<String>> {
    while let Some(message) = reader.next().await {
        match message? {
            Message::Text(text) => return Ok(Some(text.as_str().to_owned())),
            Message::Close(_) => return Ok(None),
            _ => continue,
        }
    }
    Ok(None)
}

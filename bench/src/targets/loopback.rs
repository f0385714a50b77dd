//! Baseline (a), the machine's limit: a bare WebSocket relay over loopback in this same
//! process (tokio-tungstenite). Each conversation is a room of two sockets; every text frame
//! goes to both, the sender's copy being its acknowledgement. No storage, no runtime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

use crate::drive::Conversation;
use crate::link::Link;
use crate::targets::open_all;

/// Every room's sockets, by the path they connected to.
type Rooms = Arc<Mutex<HashMap<String, Vec<mpsc::UnboundedSender<Message>>>>>;

/// The relay, listening until dropped.
pub struct Relay {
    port: u16,
    server: JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Relay {
    pub async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let rooms: Rooms = Arc::default();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&rooms)));
            }
        });
        Ok(Self { port, server })
    }

    /// Opens `count` conversations: two sockets in each room.
    pub async fn open(&self, count: usize) -> Result<Vec<Conversation>> {
        open_all(count, 32, |index| async move {
            let url = format!("ws://127.0.0.1:{}/room/{index}", self.port);
            Ok(Conversation { shopper: Link::connect(&url, &[]).await?, agent: Link::connect(&url, &[]).await? })
        })
        .await
    }
}

/// One socket of the relay: joins the room its path names, and relays what it sends.
// The handshake's callback returns tungstenite's own (large) error type: its signature.
#[allow(clippy::result_large_err)]
async fn serve(stream: TcpStream, rooms: Rooms) {
    let _ = stream.set_nodelay(true);
    let mut path = String::new();
    let read_path = |request: &Request, response: Response| {
        path = request.uri().path().to_owned();
        Ok(response)
    };
    let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, read_path).await else { return };
    let (mut sink, mut incoming) = socket.split();
    let (own, mut outgoing) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(message) = outgoing.recv().await {
            if sink.send(message).await.is_err() {
                return;
            }
        }
    });
    if let Ok(mut rooms) = rooms.lock() {
        rooms.entry(path.clone()).or_default().push(own);
    }
    while let Some(Ok(message)) = incoming.next().await {
        if let Message::Text(text) = message {
            let members = rooms.lock().map(|rooms| rooms.get(&path).cloned().unwrap_or_default()).unwrap_or_default();
            for member in members {
                let _ = member.send(Message::Text(text.clone()));
            }
        }
    }
    if let Ok(mut rooms) = rooms.lock() {
        rooms.remove(&path);
    }
}

//! `BenchEcho`: the load benchmark's baseline on the same runtime (development only, reached
//! through `GET /api/dev/echo/{room}`): the least a Durable Object can do for a chat message.
//! One object per conversation; each text frame is stored in SQLite, then sent to every socket
//! of the room, the sender's copy being its acknowledgement. Its sockets hibernate like the real
//! room's. `cargo xtask bench load` drives it the way it drives Parley's rooms, so Parley's
//! latency can be read as a multiple of what the platform itself costs.

use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::store::{Migrations, Store};

#[durable_object]
pub struct BenchEcho {
    state: State,
    store: Store,
}

/// The echo's schema: the messages, as the real room keeps them, minus everything else.
const MIGRATIONS: Migrations =
    &[&["CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)"]];

impl DurableObject for BenchEcho {
    fn new(state: State, _env: Env) -> Self {
        let store = Store::new(&state, MIGRATIONS);
        Self { state, store }
    }

    /// Accepts a socket (the router forwards only WebSocket upgrades here).
    async fn fetch(&self, _req: Request) -> worker::Result<Response> {
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        Response::from_websocket(pair.client)
    }

    async fn websocket_message(&self, _ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let WebSocketIncomingMessage::String(text) = message else { return Ok(()) };
        self.store
            .exec("INSERT INTO messages (text) VALUES (?)", vec![text.as_str().into()])
            .map_err(|error| worker::Error::RustError(error.to_string()))?;
        for socket in self.state.get_websockets() {
            // A socket that is closing misses the frame: the benchmark counts it as lost.
            let _ = socket.send_with_str(&text);
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        ws.close(Some(1000), Some("bye")).or(Ok(()))
    }
}

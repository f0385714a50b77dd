//! Baseline (c), the do-it-yourself alternative: a Socket.IO room relay on Node
//! (bench/socketio-relay.mjs, npm `socket.io`), started and stopped by the benchmark. The
//! client speaks Engine.IO v4 and Socket.IO over a plain WebSocket: the server's open packet
//! `0{…}`, our connect `40` answered by `40{…}`, events as `42["msg","…"]`, and the server's
//! ping `2` answered with pong `3`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use parley_tests::{free_port, wait_for_port, Spawned};

use crate::drive::{Conversation, Dialect, Heard};
use crate::link::Link;
use crate::payload::Payload;
use crate::targets::open_all;

/// The event every message travels as.
const EVENT: &str = "msg";

/// The Node relay, stopped (its whole process group) when dropped.
pub struct Relay {
    _process: Spawned,
    port: u16,
}

impl Relay {
    /// Starts `node bench/socketio-relay.mjs {port}` from the workspace `root`.
    pub fn start(root: &Path) -> Result<Self> {
        let port = free_port()?;
        let mut command = Command::new("node");
        command.arg(root.join("bench/socketio-relay.mjs")).arg(port.to_string()).current_dir(root);
        let process = Spawned::start(command).context("starting node (is it installed?)")?;
        wait_for_port(port, Duration::from_secs(30)).context("the Socket.IO relay did not start")?;
        Ok(Self { _process: process, port })
    }

    /// Opens `count` conversations: two sockets joined to each room, both connected.
    pub async fn open(&self, count: usize) -> Result<Vec<Conversation>> {
        let port = self.port;
        open_all(count, 32, |index| async move {
            let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket&room={index}");
            Ok(Conversation { shopper: connect(&url).await?, agent: connect(&url).await? })
        })
        .await
    }
}

/// Opens one socket and goes through Engine.IO's and Socket.IO's handshakes: once `40{…}`
/// has come, the server has put the socket in its room.
async fn connect(url: &str) -> Result<Link> {
    let mut link = Link::connect(url, &[]).await?;
    link.expect("Engine.IO's open packet", |text| text.starts_with("0{")).await?;
    link.send("40".to_owned())?;
    link.expect("Socket.IO's connect", |text| text.starts_with("40")).await?;
    Ok(link)
}

pub struct SocketIo;

impl Dialect for SocketIo {
    fn frame(&self, payload: &Payload) -> String {
        format!("42{}", serde_json::json!([EVENT, payload.text()]))
    }

    fn heard(&self, text: &str) -> Heard {
        if text == "2" {
            return Heard::Answer("3".to_owned());
        }
        let Some(event) = text.strip_prefix("42") else { return Heard::Nothing };
        match serde_json::from_str::<(String, String)>(event) {
            Ok((name, text)) if name == EVENT => Heard::Message(text),
            _ => Heard::Refused(format!("an unexpected event: {text}")),
        }
    }
}

//! A TCP proxy between the tests' clients and an edge that cuts connections on demand, as a
//! flaky network or a phone changing cells does: every connection at once, now, or once some
//! number of bytes more has gone through in either direction, so that a cut can fall inside a
//! frame, or between a message and its acknowledgement. New connections go through after a cut
//! as before; while the edge is down they are accepted and closed at once, as a load balancer
//! in front of a crashed server would.

use std::sync::{Arc, Mutex};

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct TcpProxy {
    /// `http://127.0.0.1:{port}` of the proxy: what clients connect to instead of the edge.
    origin: String,
    control: Arc<Control>,
    server: JoinHandle<()>,
}

/// What the proxy's connections share: when to end.
struct Control {
    /// Counts the cuts: every connection open at a cut ends.
    cuts: watch::Sender<u64>,
    /// Bytes that may still go through before the next cut, while one is armed.
    budget: Mutex<Option<u64>>,
}

impl Control {
    fn cut(&self) {
        self.cuts.send_modify(|cuts| *cuts += 1);
    }

    /// How many of `wanted` bytes may pass before an armed cut, and whether the cut falls
    /// right after them.
    fn pass(&self, wanted: usize) -> (usize, bool) {
        let Ok(mut budget) = self.budget.lock() else { return (wanted, false) };
        match *budget {
            None => (wanted, false),
            Some(left) => {
                let passing = usize::try_from(left).map_or(wanted, |left| left.min(wanted));
                let left = left - passing as u64;
                *budget = (left > 0).then_some(left);
                (passing, left == 0)
            }
        }
    }
}

impl TcpProxy {
    /// Listens on a free local port and relays every connection to 127.0.0.1:`edge_port`.
    pub async fn start(edge_port: u16) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        let control = Arc::new(Control { cuts: watch::channel(0).0, budget: Mutex::new(None) });
        let relaying = control.clone();
        let server = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, edge_port, relaying.clone()));
            }
        });
        Ok(Self { origin, control, server })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many times it has cut every connection so far.
    pub fn cuts(&self) -> u64 {
        *self.control.cuts.borrow()
    }

    /// Drops every connection through the proxy now.
    pub fn cut_all(&self) {
        self.control.cut();
    }

    /// Drops every connection through the proxy once `bytes` more bytes (at least one) have
    /// gone through it, whichever way and on whichever connection; the last of them still
    /// arrive.
    pub fn cut_after(&self, bytes: u64) {
        if let Ok(mut budget) = self.control.budget.lock() {
            *budget = Some(bytes.max(1));
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.server.abort();
        self.control.cut();
    }
}

/// Relays one client's connection to the edge until either side closes it or a cut ends it.
async fn relay(client: TcpStream, edge_port: u16, control: Arc<Control>) {
    // Watching before connecting: a cut meanwhile ends this connection too.
    let mut cut = control.cuts.subscribe();
    let Ok(edge) = TcpStream::connect(("127.0.0.1", edge_port)).await else { return };
    let (from_client, to_client) = client.into_split();
    let (from_edge, to_edge) = edge.into_split();
    tokio::select! {
        () = pump(from_client, to_edge, &control) => {}
        () = pump(from_edge, to_client, &control) => {}
        _ = cut.changed() => {}
    }
}

/// Copies one direction of a connection, within the armed cut's budget.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, control: &Control) {
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        let (passing, cut_now) = control.pass(read);
        if to.write_all(&buffer[..passing]).await.is_err() {
            return;
        }
        if cut_now {
            control.cut();
            return;
        }
    }
}

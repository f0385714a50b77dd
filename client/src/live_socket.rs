//! A WebSocket to a path on the page's own origin that speaks JSON frames and reconnects
//! forever, so widget and console only ever deal with typed frames and a link state.
//!
//! Nothing sent while offline is kept here: callers own their outbox (a conversation's
//! `Transcript` keeps unacknowledged messages) and hand it back through `on_connect`, which runs
//! on every (re)connect before anything else is sent.

use futures::channel::mpsc::{self, UnboundedSender};
use futures::future::{self, AbortHandle, Abortable, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State};
use gloo_timers::future::TimeoutFuture;
use leptos::logging::warn;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The first wait before reconnecting; it doubles with every failed attempt.
const FIRST_RETRY_MILLIS: u32 = 500;
/// The longest wait between attempts, so a client comes back soon after an outage ends.
const MAX_RETRY_MILLIS: u32 = 10_000;
/// How long a connection must last for the next outage to start again from the first wait.
const HEALTHY_CONNECTION_MILLIS: u32 = 10_000;

/// Whether a `LiveSocket` can send right now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Link {
    /// A connection is being opened.
    Connecting,
    /// Connected; frames sent now go out.
    Online,
    /// Disconnected: waiting before the next attempt, or closed for good.
    Offline,
}

/// A handle to one reconnecting socket; copies share it.
#[derive(Clone, Copy)]
pub struct LiveSocket {
    link: RwSignal<Link>,
    /// The current connection's queue of outgoing text frames; `Some` exactly while online.
    outbox: StoredValue<Option<UnboundedSender<String>>>,
    stop: StoredValue<AbortHandle>,
}

impl LiveSocket {
    /// Connects to `path` (e.g. `/api/desk/ws`) on the page's origin. On every
    /// (re)connect the frames `on_connect` returns are sent first, in order; every text frame
    /// received is parsed as `In` and handed to `on_frame`. Closed when the current reactive
    /// owner is cleaned up, or by `close`.
    pub fn open<In, Out>(
        path: &str,
        on_connect: impl Fn() -> Vec<Out> + 'static,
        on_frame: impl Fn(In) + 'static,
    ) -> LiveSocket
    where
        In: DeserializeOwned + 'static,
        Out: Serialize + 'static,
    {
        let (stop, stopped) = AbortHandle::new_pair();
        let socket = LiveSocket {
            link: RwSignal::new(Link::Connecting),
            outbox: StoredValue::new(None),
            stop: StoredValue::new(stop.clone()),
        };
        on_cleanup(move || stop.abort());
        let Some(url) = same_origin_url(path) else {
            warn!("no page location to open {path} on");
            socket.link.set(Link::Offline);
            return socket;
        };
        let session = Abortable::new(socket.run(url, on_connect, on_frame), stopped);
        wasm_bindgen_futures::spawn_local(async move {
            // Reconnects forever; ends only when aborted, by `close` or by the owner's cleanup.
            let _ = session.await;
        });
        socket
    }

    /// Sends one frame if online; otherwise drops it (see the module docs).
    pub fn send<Out: Serialize>(&self, frame: &Out) {
        let text = match serde_json::to_string(frame) {
            Ok(text) => text,
            Err(error) => return warn!("cannot encode a frame: {error}"),
        };
        self.outbox.try_with_value(|outbox| {
            if let Some(outbox) = outbox {
                // Fails only if the connection just ended; the reconnect resends what matters.
                let _ = outbox.unbounded_send(text);
            }
        });
    }

    pub fn link(&self) -> Signal<Link> {
        self.link.into()
    }

    /// Disconnects and stops reconnecting.
    pub fn close(&self) {
        self.stop.try_with_value(AbortHandle::abort);
        self.outbox.try_set_value(None);
        self.link.try_set(Link::Offline);
    }

    /// Connects, serves the connection until it ends, waits, and again, forever.
    async fn run<In, Out>(self, url: String, on_connect: impl Fn() -> Vec<Out>, on_frame: impl Fn(In))
    where
        In: DeserializeOwned,
        Out: Serialize,
    {
        let mut retry_millis = FIRST_RETRY_MILLIS;
        loop {
            self.link.set(Link::Connecting);
            if let Some(connection) = connect(&url).await {
                let opened_at = js_sys::Date::now();
                self.serve(connection, &on_connect, &on_frame).await;
                // Only a connection that held counts as success: one the edge ends at once (a
                // refused `hello`, say) must not turn into a tight reconnect loop.
                if js_sys::Date::now() - opened_at >= f64::from(HEALTHY_CONNECTION_MILLIS) {
                    retry_millis = FIRST_RETRY_MILLIS;
                }
            }
            self.link.set(Link::Offline);
            TimeoutFuture::new(with_jitter(retry_millis)).await;
            retry_millis = (retry_millis * 2).min(MAX_RETRY_MILLIS);
        }
    }

    /// Relays frames both ways on one open connection until it closes.
    async fn serve<In, Out>(
        &self,
        mut connection: WebSocket,
        on_connect: &impl Fn() -> Vec<Out>,
        on_frame: &impl Fn(In),
    ) where
        In: DeserializeOwned,
        Out: Serialize,
    {
        let (outbox, mut outgoing) = mpsc::unbounded::<String>();
        self.outbox.set_value(Some(outbox));
        // Queued before the link turns online, so these go out before anything a caller sends.
        on_connect().iter().for_each(|frame| self.send(frame));
        self.link.set(Link::Online);
        loop {
            let next = match future::select(connection.next(), outgoing.next()).await {
                Either::Left((received, _)) => Either::Left(received),
                Either::Right((to_send, _)) => Either::Right(to_send),
            };
            match next {
                Either::Left(Some(Ok(Message::Text(text)))) => match serde_json::from_str::<In>(&text) {
                    Ok(frame) => on_frame(frame),
                    Err(error) => warn!("ignoring a frame that does not parse ({error}): {text}"),
                },
                Either::Left(Some(Ok(Message::Bytes(_)))) => warn!("ignoring a binary frame"),
                Either::Right(Some(text)) => {
                    if connection.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                // The connection failed or closed (the outbox never ends while we hold its sender).
                Either::Left(Some(Err(_)) | None) | Either::Right(None) => break,
            }
        }
        self.outbox.set_value(None);
    }
}

/// Opens a socket and waits until it is open; `None` if it could not be.
async fn connect(url: &str) -> Option<WebSocket> {
    let mut connection = WebSocket::open(url).map_err(|error| warn!("cannot open {url}: {error}")).ok()?;
    // Ready means the socket has left the CONNECTING state: open, or already failed.
    future::poll_fn(|cx| connection.poll_ready_unpin(cx)).await.ok()?;
    matches!(connection.state(), State::Open).then_some(connection)
}

/// `ws://` or `wss://` (as the page is served) to `path` on the page's host.
fn same_origin_url(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss:" } else { "ws:" };
    Some(format!("{scheme}//{}{path}", location.host().ok()?))
}

/// Up to half as much again, so clients dropped together do not all come back at once.
fn with_jitter(millis: u32) -> u32 {
    millis + (js_sys::Math::random() * f64::from(millis / 2)) as u32
}

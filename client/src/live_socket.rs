//! A WebSocket to a path on the page's own origin that reconnects forever, so widget and
//! console only ever deal with text frames and a link state.
//!
//! Nothing sent while offline is kept here: callers own their outbox (a conversation's
//! `Transcript` keeps unacknowledged messages) and hand it back through `on_connect`, which runs
//! on every (re)connect before anything else is sent. A frame received may call for an answer
//! (a conversation asking for the next page of its history), which `on_text` returns.
//!
//! It drives the browser's `WebSocket` through its event handlers rather than through futures:
//! the widget's byte budget has no room for an async socket and channel stack. Handlers hold
//! only a weak reference to the session, and each is left to the JS garbage collector with its
//! socket, so a dropped connection leaks nothing and can never call into a stopped session.

use gloo_timers::callback::Timeout;
use leptos::logging::warn;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, WebSocket};

/// The first wait before reconnecting; it doubles with every failed attempt.
const FIRST_RETRY_MILLIS: u32 = 500;
/// The longest wait between attempts, so a client comes back soon after an outage ends.
const MAX_RETRY_MILLIS: u32 = 10_000;
/// How long a connection must last for the next outage to start again from the first wait.
const HEALTHY_CONNECTION_MILLIS: f64 = 10_000.0;

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

/// A handle to one reconnecting socket, with `S`, whatever its owner keeps beside it for as long
/// as the socket lives (kept here rather than in a `StoredValue` of the owner's own: each
/// stored-value type costs the widget its own copy of the arena's code); copies share it.
pub struct LiveSocket<S: 'static = ()> {
    link: RwSignal<Link>,
    session: StoredValue<Rc<Session<S>>, LocalStorage>,
}

// By hand: deriving would ask `S: Copy`, though copies share the one state.
impl<S> Clone for LiveSocket<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for LiveSocket<S> {}

struct Session<S> {
    /// The owner's state.
    state: S,
    url: String,
    link: RwSignal<Link>,
    on_connect: Box<dyn Fn() -> Vec<String>>,
    on_text: Box<dyn Fn(String) -> Option<String>>,
    socket: RefCell<Option<WebSocket>>,
    opened_at: Cell<f64>,
    retry_millis: Cell<u32>,
    /// The next reconnect, while one is pending; dropping it cancels it.
    timer: RefCell<Option<Timeout>>,
    stopped: Cell<bool>,
}

impl<S: 'static> LiveSocket<S> {
    /// Connects to `path` (e.g. `/api/desk/ws`) on the page's origin, with the owner's `state`.
    /// On every (re)connect the frames `on_connect` returns are sent first, in order; every
    /// text frame received goes to `on_text`, and what it answers, if anything, is sent at once.
    /// Closed when the current reactive owner is cleaned up, or by `close`.
    pub fn open(
        path: &str,
        state: S,
        on_connect: impl Fn() -> Vec<String> + 'static,
        on_text: impl Fn(String) -> Option<String> + 'static,
    ) -> LiveSocket<S> {
        let link = RwSignal::new(Link::Connecting);
        let url = same_origin_url(path).unwrap_or_default();
        let session = Rc::new(Session {
            state,
            url,
            link,
            on_connect: Box::new(on_connect),
            on_text: Box::new(on_text),
            socket: RefCell::new(None),
            opened_at: Cell::new(0.0),
            retry_millis: Cell::new(FIRST_RETRY_MILLIS),
            timer: RefCell::new(None),
            stopped: Cell::new(false),
        });
        Session::connect(&session);
        let socket = LiveSocket { link, session: StoredValue::new_local(session) };
        on_cleanup(move || socket.close());
        socket
    }

    /// Sends one frame if online; otherwise drops it (see the module docs).
    pub fn send(&self, text: &str) {
        self.session.try_with_value(|session| session.send(text));
    }

    /// Reads the owner's state; `None` once the socket is gone.
    pub fn with_state<R>(&self, read: impl FnOnce(&S) -> R) -> Option<R> {
        self.session.try_with_value(|session| read(&session.state))
    }

    /// Whether the socket is connected (tracked).
    pub fn link(&self) -> Link {
        self.link.get()
    }

    /// Disconnects and stops reconnecting.
    pub fn close(&self) {
        self.session.try_with_value(|session| session.stop());
    }
}

impl<S: 'static> Session<S> {
    fn connect(session: &Rc<Session<S>>) {
        if session.stopped.get() {
            return;
        }
        session.link.try_set(Link::Connecting);
        // Fails only for a URL the page may never open (malformed, or blocked by its CSP):
        // retrying cannot help.
        let socket = match WebSocket::new(&session.url) {
            Ok(socket) => socket,
            Err(_) => {
                warn!("cannot open a socket to {}", session.url);
                session.link.try_set(Link::Offline);
                return;
            }
        };
        let weak = Rc::downgrade(session);
        socket.set_onopen(Some(&handler(&weak, |session, _| session.opened())));
        socket.set_onmessage(Some(&handler(&weak, |session, event| {
            if let Some(answer) = event.unchecked_into::<MessageEvent>().data().as_string().and_then(&session.on_text) {
                session.send(&answer);
            }
        })));
        // An `error` event is always followed by `close`, so `close` alone decides what's next.
        socket.set_onclose(Some(&handler(&weak, |session, _| Session::closed(&session))));
        *session.socket.borrow_mut() = Some(socket);
    }

    fn opened(&self) {
        self.opened_at.set(js_sys::Date::now());
        // Sent before the link turns online, so these go out before anything a caller sends.
        if let Some(socket) = self.socket.borrow().as_ref() {
            for text in (self.on_connect)() {
                let _ = socket.send_with_str(&text);
            }
        }
        self.link.try_set(Link::Online);
    }

    fn closed(session: &Rc<Session<S>>) {
        session.socket.borrow_mut().take();
        session.link.try_set(Link::Offline);
        if session.stopped.get() {
            return;
        }
        // Only a connection that held counts as success: one the edge ends at once (a refused
        // `hello`, say) must not turn into a tight reconnect loop.
        if session.opened_at.get() > 0.0 && js_sys::Date::now() - session.opened_at.get() >= HEALTHY_CONNECTION_MILLIS {
            session.retry_millis.set(FIRST_RETRY_MILLIS);
        }
        session.opened_at.set(0.0);
        let wait = with_jitter(session.retry_millis.get());
        session.retry_millis.set((session.retry_millis.get() * 2).min(MAX_RETRY_MILLIS));
        let weak = Rc::downgrade(session);
        // Replacing the previous timer (long fired) drops it; a timer is never dropped from
        // inside its own callback.
        *session.timer.borrow_mut() = Some(Timeout::new(wait, move || {
            if let Some(session) = weak.upgrade() {
                Session::connect(&session);
            }
        }));
    }

    fn send(&self, text: &str) {
        if self.link.get_untracked() != Link::Online {
            return;
        }
        if let Some(socket) = self.socket.borrow().as_ref() {
            // Fails only if the connection just ended; the reconnect resends what matters.
            let _ = socket.send_with_str(text);
        }
    }

    fn stop(&self) {
        self.stopped.set(true);
        self.timer.borrow_mut().take();
        if let Some(socket) = self.socket.borrow_mut().take() {
            let _ = socket.close();
        }
        self.link.try_set(Link::Offline);
    }
}

/// An event handler calling `act` while the session lives. The handler belongs to the JS
/// garbage collector (with its socket), not to us.
fn handler<S: 'static>(
    session: &Weak<Session<S>>,
    act: impl Fn(Rc<Session<S>>, JsValue) + 'static,
) -> js_sys::Function {
    let session = session.clone();
    let closure = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        if let Some(session) = session.upgrade() {
            act(session, event);
        }
    });
    closure.into_js_value().unchecked_into()
}

/// `ws://` or `wss://` (as the page is served) to `path` on the page's host.
fn same_origin_url(path: &str) -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" { "wss:" } else { "ws:" };
    Some(format!("{scheme}//{}{path}", location.host().ok()?))
}

/// Up to half as much again, so clients dropped together do not all come back at once.
fn with_jitter(millis: u32) -> u32 {
    millis + (js_sys::Math::random() * f64::from(millis / 2)) as u32
}

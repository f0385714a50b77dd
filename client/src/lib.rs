//! The browser side of Parley's protocol, shared by the widget and the console: a reconnecting
//! WebSocket, a live conversation built on it, fresh message ids, and JSON calls to the
//! edge's HTTP API. Everything talks to the page's own origin.

mod client_id;
mod enter_sends;
mod http;
mod live_conversation;
mod live_socket;

pub use client_id::new_client_id;
pub use enter_sends::enter_sends;
pub use http::{get, post, request};
pub use live_conversation::LiveConversation;
pub use live_socket::{Link, LiveSocket};

//! Parley's pure domain: the wire protocol, the conversation lifecycle, the shop's queue,
//! first-response time and input validation.
//!
//! Nothing here does I/O, reads a clock or awaits: time (`UnixMillis`) and ids come in as
//! arguments and decisions come out as values (`Effect`s, errors). The edge's Durable Objects
//! decode input, call into this crate, persist what it returns and send it on. The same crate
//! compiles natively (unit tests, integration tests) and to wasm (edge, widget, console), so
//! every party speaks exactly the same types.

pub mod business_hours;
pub mod canned;
pub mod client_address;
pub mod color;
pub mod conversation;
pub mod conversation_export;
pub mod csv;
pub mod custom_values;
pub mod cycle;
pub mod desk;
pub mod desk_feed;
pub mod duration_sketch;
pub mod erasure;
pub mod error;
pub mod greeting;
pub mod history;
pub mod history_record;
pub mod ids;
pub mod industry;
pub mod install_check;
pub mod json;
pub mod launcher;
pub mod locale;
pub mod login_throttle;
pub mod message;
pub mod metrics;
pub mod metrics_aggregate;
pub mod metrics_daily;
pub mod metrics_export;
pub mod metrics_window;
pub mod origin;
pub mod pre_chat;
pub mod protocol;
pub mod protocol_json;
pub mod public_host;
pub mod rate_limit;
pub mod rating;
pub mod retry;
pub mod settings;
pub mod signature;
pub mod signup;
pub mod team;
pub mod time;
pub mod transcript;
pub mod utc_date;
pub mod validation;
pub mod wait_estimate;
pub mod webhook;
pub mod widget_text;
pub mod widget_view;
pub mod wire;
pub mod wire_serde;

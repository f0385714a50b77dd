//! What the load runs against: Parley itself, and the three baselines it is read against.

pub mod echo_object;
pub mod loopback;
pub mod parley;
pub mod socket_io;

use std::future::Future;

use anyhow::Result;
use futures_util::{StreamExt, TryStreamExt};

use crate::drive::Conversation;

/// Opens conversations `0..count`, `at_once` at a time, in order.
pub async fn open_all<F, Fut>(count: usize, at_once: usize, open: F) -> Result<Vec<Conversation>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<Conversation>>,
{
    futures_util::stream::iter((0..count).map(open)).buffered(at_once).try_collect().await
}

/// A relay that sends every text as it is: the baselines' dialect.
pub struct Verbatim;

impl crate::drive::Dialect for Verbatim {
    fn frame(&self, payload: &crate::payload::Payload) -> String {
        payload.text()
    }

    fn heard(&self, text: &str) -> crate::drive::Heard {
        crate::drive::Heard::Message(text.to_owned())
    }
}

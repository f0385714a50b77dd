//! Drives a load over conversations that are already open, the same way for Parley and every
//! baseline: messages sent on a fixed schedule (open loop, so a slow target falls behind rather
//! than slowing the load down), from each conversation's shopper and agent in turn, every
//! receipt timed and checked by the [`Tally`].

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::clock::now_nanos;
use crate::link::{next_text, Link, Reader, Writer};
use crate::payload::{Payload, Side};
use crate::tally::{Outcome, Tally};

/// A writer that does not keep its socket open.
type WeakWriter = mpsc::WeakUnboundedSender<Message>;

/// What a target's frame meant to the side that received it.
pub enum Heard {
    /// A message, by its text (the receiver's own included, as a relay sends it back).
    Message(String),
    /// A frame to answer on the same socket (a ping's pong).
    Answer(String),
    /// The target refused something.
    Refused(String),
    /// Anything else (acknowledgements, status changes).
    Nothing,
}

/// How a target's sockets carry a benchmark message.
pub trait Dialect: Send + Sync + 'static {
    /// The frame that sends `payload`.
    fn frame(&self, payload: &Payload) -> String;
    /// What a received text frame means.
    fn heard(&self, text: &str) -> Heard;
}

/// An open conversation: the shopper's socket and the answering agent's.
pub struct Conversation {
    pub shopper: Link,
    pub agent: Link,
}

/// The load to drive.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Messages a second, both directions together.
    pub rate: f64,
    pub seconds: f64,
}

/// How long the run waits, after its last send, for what is still on its way: as long as
/// messages keep arriving (a target that has fallen behind is measured, not failed), until
/// nothing has come for [`STALLED`] or [`DRAIN_LIMIT`] has passed; what is missing then is lost.
const STALLED: Duration = Duration::from_secs(15);
const DRAIN_LIMIT: Duration = Duration::from_secs(600);

enum Event {
    Delivered(Payload, u64),
    Failed(String),
}

/// Drives `load` over `conversations` and answers what arrived.
pub async fn drive(dialect: Arc<dyn Dialect>, conversations: Vec<Conversation>, load: Load) -> Outcome {
    let (events, mut heard) = mpsc::unbounded_channel();
    let mut writers: Vec<[Writer; 2]> = Vec::with_capacity(conversations.len());
    for (index, conversation) in conversations.into_iter().enumerate() {
        let Conversation { shopper, agent } = conversation;
        let listen_to = |side, link: Link| {
            let answers = link.writer.downgrade();
            tokio::spawn(listen(Arc::clone(&dialect), index, side, link.reader, answers, events.clone()));
            link.writer
        };
        writers.push([listen_to(Side::Shopper, shopper), listen_to(Side::Agent, agent)]);
    }
    drop(events);
    let mut tally = Tally::default();
    let count = writers.len();
    let total = if count == 0 { 0 } else { (load.rate * load.seconds).round() as u64 };
    let mut numbers = vec![[0u64; 2]; count];
    let start = Instant::now();
    for k in 0..total {
        let due = start + Duration::from_secs_f64(k as f64 / load.rate);
        if due > Instant::now() {
            tokio::time::sleep_until(due).await;
        }
        while let Ok(event) = heard.try_recv() {
            record(&mut tally, event);
        }
        // Every conversation in turn; its side flips from one turn to the next, and neighbours
        // start on opposite sides, so both directions carry half the load however few turns.
        let conversation = (k as usize) % count;
        let side = (k as usize / count + conversation) % 2;
        let from = if side == 0 { Side::Shopper } else { Side::Agent };
        let n = &mut numbers[conversation][side];
        let payload = Payload { conversation, from, n: *n, sent_nanos: now_nanos() };
        *n += 1;
        tally.sent(&payload);
        let frame = Message::text(dialect.frame(&payload));
        if writers[conversation][side].send(frame).is_err() {
            tally.error(format!("conversation {conversation}: the {from:?} socket is closed"));
        }
    }
    let deadline = Instant::now() + DRAIN_LIMIT;
    while tally.outstanding() > 0 {
        let patience = (Instant::now() + STALLED).min(deadline);
        match tokio::time::timeout_at(patience, heard.recv()).await {
            Ok(Some(event)) => record(&mut tally, event),
            Ok(None) | Err(_) => break,
        }
    }
    while let Ok(event) = heard.try_recv() {
        record(&mut tally, event);
    }
    // Dropping the writers closes every socket; what the listeners hear after is not counted.
    drop(writers);
    tally.finish()
}

fn record(tally: &mut Tally, event: Event) {
    match event {
        Event::Delivered(payload, at) => tally.received(&payload, at),
        Event::Failed(error) => tally.error(error),
    }
}

/// Reads one socket for the run: times the other side's messages as they arrive, answers
/// what asks for an answer (on `answers`, which does not keep the socket open once the run
/// drops its writer), and reports refusals and a socket that ends.
async fn listen(
    dialect: Arc<dyn Dialect>,
    conversation: usize,
    side: Side,
    mut reader: Reader,
    answers: WeakWriter,
    events: mpsc::UnboundedSender<Event>,
) {
    let failure = loop {
        match next_text(&mut reader).await {
            Ok(Some(text)) => {
                let at = now_nanos();
                match dialect.heard(&text) {
                    Heard::Message(text) => {
                        // The sender's own copy, and texts that are not the run's, are not deliveries.
                        let Some(payload) = Payload::read(&text).filter(|payload| payload.from != side) else {
                            continue;
                        };
                        if events.send(Event::Delivered(payload, at)).is_err() {
                            return;
                        }
                    }
                    Heard::Answer(answer) => {
                        if let Some(writer) = answers.upgrade() {
                            let _ = writer.send(Message::text(answer));
                        }
                    }
                    Heard::Refused(error) => {
                        if events
                            .send(Event::Failed(format!("conversation {conversation}, {side:?}: {error}")))
                            .is_err()
                        {
                            return;
                        }
                    }
                    Heard::Nothing => {}
                }
            }
            Ok(None) => break "the socket closed".to_owned(),
            Err(error) => break format!("the socket failed: {error}"),
        }
    };
    let _ = events.send(Event::Failed(format!("conversation {conversation}, {side:?}: {failure}")));
}

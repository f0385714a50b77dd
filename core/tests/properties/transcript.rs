//! A client's `Transcript` never loses or doubles a message, whatever the edge sends and in
//! whatever order:
//!
//! - fed a conversation's stored messages in any order, each any number of times, alone or in
//!   `welcome` batches, between frames that carry no message, it holds after every frame each
//!   message delivered so far exactly once, in `seq` order, and in the end the whole
//!   conversation; a message of ours stays pending until it is acknowledged or its stored copy
//!   arrives;
//! - across lost connections, each followed by a `hello` with its resume point and a `welcome`
//!   with what it missed, with messages repeated on the way, it holds the conversation from 1
//!   without a gap after every frame, and after the last reconnect every message stored.

use crate::arbitrary::{client_message_id, conversation_view, message, server_notice};
use crate::config::config;
use parley_core::ids::ClientMessageId;
use parley_core::message::Message;
use parley_core::protocol::{ClientFrame, ConversationView, ServerFrame};
use parley_core::transcript::Transcript;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{subsequence, Index};
use proptest::test_runner::TestCaseError;
use std::collections::BTreeSet;

/// A conversation's stored messages: `seq` 1, 2, 3, … without gaps.
fn conversation() -> BoxedStrategy<Vec<Message>> {
    vec(message(), 0..12)
        .prop_map(|messages| messages.into_iter().zip(1..).map(|(message, seq)| Message { seq, ..message }).collect())
        .boxed()
}

/// The frames that deliver a conversation out of order and with repeats, with frames that carry
/// no message among them, and the messages we composed before any of it arrived.
#[derive(Debug, Clone)]
struct Delivery {
    messages: Vec<Message>,
    frames: Vec<ServerFrame>,
    composed: Vec<ClientMessageId>,
}

fn delivery() -> BoxedStrategy<Delivery> {
    (conversation(), vec(any::<Index>(), 0..8))
        .prop_flat_map(|(messages, repeats)| {
            let len = messages.len();
            let mut order: Vec<usize> = (0..len).collect();
            order.extend(repeats.iter().filter(|_| len > 0).map(|repeat| repeat.index(len)));
            let deliveries = order.len();
            let stored_ids: Vec<ClientMessageId> = messages.iter().map(|m| m.client_id.clone()).collect();
            (
                Just(messages),
                Just(order).prop_shuffle(),
                // Whether each delivery joins the next one in a `welcome` batch.
                vec(any::<bool>(), deliveries),
                conversation_view(),
                vec((any::<Index>(), server_notice()), 0..6),
                // Ours: some the edge stored (their copies are among the messages), some not.
                (subsequence(stored_ids, 0..=len), vec(client_message_id(), 0..3)),
            )
        })
        .prop_map(|(messages, order, batched, view, notices, (stored_ours, other_ours))| {
            let mut frames = Vec::new();
            let mut batch = Vec::new();
            for (at, joins_next) in order.into_iter().zip(batched) {
                batch.push(messages[at].clone());
                if !joins_next {
                    frames.push(delivered(&view, std::mem::take(&mut batch)));
                }
            }
            if !batch.is_empty() {
                frames.push(delivered(&view, batch));
            }
            for (at, notice) in notices {
                frames.insert(at.index(frames.len() + 1), notice);
            }
            Delivery { messages, frames, composed: stored_ours.into_iter().chain(other_ours).collect() }
        })
        .boxed()
}

/// One message in a `message` frame, more in a `welcome`.
fn delivered(view: &ConversationView, mut batch: Vec<Message>) -> ServerFrame {
    match batch.pop() {
        Some(message) if batch.is_empty() => ServerFrame::Message { message },
        last => ServerFrame::Welcome {
            conversation: view.clone(),
            missed: batch.into_iter().chain(last).collect(),
            earlier: false,
        },
    }
}

fn seqs(transcript: &Transcript) -> Vec<u64> {
    transcript.messages().iter().map(|message| message.seq).collect()
}

/// What happens on the way between the edge and one client.
#[derive(Debug, Clone)]
enum Event {
    /// The edge stores the next message and sends it if the client is connected.
    Store,
    /// The connection is lost.
    Drop,
    /// The client connects again: `hello` with its resume point, `welcome` with the rest.
    Reconnect,
    /// A stored message arrives again (an echo, a replay).
    Repeat(Index),
}

fn events() -> BoxedStrategy<Vec<Event>> {
    let event = prop_oneof![
        4 => Just(Event::Store),
        1 => Just(Event::Drop),
        1 => Just(Event::Reconnect),
        1 => any::<Index>().prop_map(Event::Repeat),
    ];
    vec(event, 0..40).boxed()
}

/// A page as small as this makes every reconnect page through the history.
const PAGE: usize = 3;

/// The latest `PAGE` stored messages after `after` and before `before`, as the edge answers
/// `hello` and `history`.
fn page(view: &ConversationView, stored: &[Message], after: u64, before: u64) -> ServerFrame {
    let range: Vec<Message> =
        stored.iter().filter(|message| message.seq > after && message.seq < before).cloned().collect();
    let earlier = range.len() > PAGE;
    let missed = range[range.len().saturating_sub(PAGE)..].to_vec();
    ServerFrame::Welcome { conversation: view.clone(), missed, earlier }
}

/// `hello`, the `welcome` the edge answers it with, given what it has stored, and the pages of
/// history the transcript then asks for, each answered.
fn reconnect(transcript: &mut Transcript, view: &ConversationView, stored: &[Message]) -> Result<(), TestCaseError> {
    let ClientFrame::Hello { last_seq, .. } = transcript.hello(None) else {
        return Err(TestCaseError::fail("hello is not a hello"));
    };
    prop_assert!(last_seq <= stored.len() as u64, "resumes after {} of {} messages", last_seq, stored.len());
    transcript.apply(page(view, stored, last_seq, u64::MAX));
    while let Some(request) = transcript.take_request() {
        let ClientFrame::History { after, before } = request else {
            return Err(TestCaseError::fail("a request that is not for history"));
        };
        prop_assert!(after < before, "asks for an empty range {}..{}", after, before);
        transcript.apply(page(view, stored, after, before));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_transcript_holds_each_message_once_in_order_whatever_the_delivery(delivery in delivery()) {
        let mut transcript = Transcript::default();
        for client_id in &delivery.composed {
            transcript.compose(client_id.clone(), "ours".into(), false);
        }
        let mut delivered = BTreeSet::new();
        let mut arrived_ids = BTreeSet::new();
        for frame in delivery.frames {
            match &frame {
                ServerFrame::Message { message } => {
                    delivered.insert(message.seq);
                    arrived_ids.insert(message.client_id.clone());
                }
                ServerFrame::Welcome { missed, .. } => {
                    delivered.extend(missed.iter().map(|message| message.seq));
                    arrived_ids.extend(missed.iter().map(|message| message.client_id.clone()));
                }
                ServerFrame::Ack { client_id, .. } => {
                    arrived_ids.insert(client_id.clone());
                }
                _ => {}
            }
            transcript.apply(frame);
            let held = seqs(&transcript);
            prop_assert!(held.windows(2).all(|pair| pair[0] < pair[1]), "out of order or doubled: {:?}", held);
            prop_assert_eq!(held.into_iter().collect::<BTreeSet<_>>(), delivered.clone());
            let pending: Vec<&ClientMessageId> = transcript.pending().iter().map(|pending| &pending.client_id).collect();
            let expected: Vec<&ClientMessageId> = delivery.composed.iter().filter(|id| !arrived_ids.contains(*id)).collect();
            prop_assert_eq!(pending, expected, "pending until acknowledged or stored");
        }
        prop_assert_eq!(transcript.messages(), &delivery.messages[..]);
    }

    #[test]
    fn a_transcript_resumes_without_a_gap_after_any_reconnects(
        messages in conversation(),
        view in conversation_view(),
        events in events(),
    ) {
        let mut transcript = Transcript::default();
        let mut stored = 0;
        let mut connected = false;
        for event in events {
            match event {
                Event::Store if stored < messages.len() => {
                    stored += 1;
                    if connected {
                        transcript.apply(ServerFrame::Message { message: messages[stored - 1].clone() });
                    }
                }
                Event::Store => {}
                Event::Drop => connected = false,
                Event::Reconnect => {
                    reconnect(&mut transcript, &view, &messages[..stored])?;
                    connected = true;
                }
                Event::Repeat(which) if connected && stored > 0 => {
                    transcript.apply(ServerFrame::Message { message: messages[which.index(stored)].clone() });
                }
                Event::Repeat(_) => {}
            }
            let held = seqs(&transcript);
            let from_one: Vec<u64> = (1..=held.len() as u64).collect();
            prop_assert_eq!(&held, &from_one, "a gap or a double");
            prop_assert!(held.len() <= stored, "holds a message never stored");
        }
        reconnect(&mut transcript, &view, &messages[..stored])?;
        prop_assert_eq!(transcript.messages(), &messages[..stored]);
    }
}

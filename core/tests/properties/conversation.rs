//! `Conversation::handle` fed any sequence of inputs, valid or not, at a clock that never goes
//! back. After every step:
//!
//! - no message is lost: an accepted message is stored once, each `Store` effect carries the
//!   next `seq` (1, 2, 3, … without gaps), stamped now, and `last_seq` counts exactly the stored
//!   messages;
//! - a refused input changes nothing;
//! - the clocks never run backwards: every response span ends now and at or after its start,
//!   a resolution comes after its cycle's start and its first assignment, so first-response,
//!   resolution and handle times never underflow, and the view shows exactly the measured
//!   first response; each cycle measures its first response, resolution and rating once;
//! - one assignee at most, and only when it should be: an assigned conversation names its
//!   assignee, a new or waiting one nobody; a place in line only while waiting; read marks
//!   never pass the last message.

use crate::arbitrary::{author, page_context, queue_place};
use crate::clock::timed;
use crate::config::config;
use parley_core::conversation::{Assignee, Conversation, Effect, Input};
use parley_core::cycle::Measurement;
use parley_core::ids::{AgentId, ClientMessageId, ConversationId, ShopId};
use parley_core::message::Message;
use parley_core::protocol::{PageContext, Status};
use parley_core::time::UnixMillis;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeSet;

fn assignee() -> BoxedStrategy<Assignee> {
    let agent =
        |email: &str, name: &str| Assignee { agent: AgentId::parse(email).expect("an address"), name: name.to_owned() };
    select(vec![agent("ana@demo.test", "Ana"), agent("bo@demo.test", "Bo")]).boxed()
}

/// A few ids, so some repeat, and one a client may not use.
fn client_id() -> BoxedStrategy<ClientMessageId> {
    select(&["s1", "s2", "a1", "a2", "system-4"][..])
        .prop_map(|raw| ClientMessageId::parse(raw).expect("an id"))
        .boxed()
}

/// Text to keep, to trim, and to refuse (blank, or too long).
fn text() -> BoxedStrategy<String> {
    let kept = select(&["hi", "  where is my order?  "][..]).prop_map(str::to_owned);
    let refused = select(vec![" \n ".to_owned(), "x".repeat(4001)]);
    prop_oneof![3 => kept, 1 => refused].boxed()
}

fn input() -> BoxedStrategy<Input> {
    let email = select(&["kata@mail.test", " Kata@Mail.Test ", "not an address"][..]).prop_map(str::to_owned);
    let comment = option::of(select(&["Quick and kind", "  ", "slow"][..]).prop_map(str::to_owned));
    prop_oneof![
        4 => (client_id(), text()).prop_map(|(client_id, text)| Input::ShopperWrote { client_id, text }),
        6 => (assignee(), client_id(), text(), any::<bool>()).prop_map(|(by, client_id, text, internal)| {
            Input::AgentWrote { agent: by.agent, name: by.name, client_id, text, internal }
        }),
        3 => assignee().prop_map(Input::Assigned),
        1 => Just(Input::Unassigned),
        1 => assignee().prop_map(|by| Input::Resolved { by }),
        1 => (author(), 0..30u64).prop_map(|(by, seq)| Input::Read { by, seq }),
        1 => option::of(queue_place()).prop_map(Input::Placed),
        1 => email.prop_map(|email| Input::ContactLeft { email }),
        2 => (0..=6u8, comment).prop_map(|(score, comment)| Input::Rated { score, comment }),
        1 => page_context().prop_map(Input::PageChanged),
    ]
    .boxed()
}

/// What the steps so far stored and measured.
#[derive(Default)]
struct Record {
    stored: Vec<Message>,
    /// (kind, cycle) of every first response, resolution and rating: each cycle takes one.
    measured: BTreeSet<(&'static str, u32)>,
}

impl Record {
    fn effects(
        &mut self,
        now: UnixMillis,
        effects: &[Effect],
        conversation: &Conversation,
    ) -> Result<(), TestCaseError> {
        for effect in effects {
            match effect {
                Effect::Store(message) => {
                    prop_assert_eq!(message.seq, self.stored.len() as u64 + 1, "the next seq, no gap");
                    prop_assert_eq!(message.at, now);
                    self.stored.push(message.clone());
                }
                Effect::Record(measurement) => self.measurement(now, measurement, conversation)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn measurement(
        &mut self,
        now: UnixMillis,
        measurement: &Measurement,
        conversation: &Conversation,
    ) -> Result<(), TestCaseError> {
        let (kind, cycle) = match measurement {
            Measurement::FirstResponse { cycle, span } => {
                prop_assert!(span.from <= span.to && span.to == now, "{:?}", span);
                let shown = conversation.view().first_response_millis;
                prop_assert_eq!(shown, span.to.0.checked_sub(span.from.0), "the view shows the measured time");
                ("first response", *cycle)
            }
            Measurement::NextResponse { span, .. } => {
                prop_assert!(span.from <= span.to && span.to == now, "{:?}", span);
                return Ok(());
            }
            Measurement::Resolution { cycle, resolution } => {
                let assigned = resolution.assigned_at.unwrap_or(resolution.started_at);
                prop_assert!(resolution.started_at <= assigned, "{:?}", resolution);
                prop_assert!(assigned <= resolution.resolved_at && resolution.resolved_at == now, "{:?}", resolution);
                ("resolution", *cycle)
            }
            Measurement::Rating { cycle, rating } => {
                prop_assert_eq!(rating.at, now);
                ("rating", *cycle)
            }
        };
        prop_assert!(self.measured.insert((kind, cycle)), "cycle {} measured its {} twice", cycle, kind);
        Ok(())
    }
}

fn consistent(now: UnixMillis, conversation: &Conversation, record: &Record) -> Result<(), TestCaseError> {
    let view = conversation.view();
    prop_assert_eq!(conversation.last_seq(), record.stored.len() as u64, "every stored message counted");
    match view.status {
        Status::Assigned => prop_assert!(view.assignee_name.is_some(), "assigned to nobody"),
        Status::New | Status::Waiting => prop_assert_eq!(view.assignee_name, None, "an assignee while waiting"),
        Status::Resolved => {}
    }
    prop_assert!(view.place.is_none() || view.status == Status::Waiting, "a place in line while {:?}", view.status);
    prop_assert!(view.shopper_read.max(view.agent_read) <= conversation.last_seq(), "read past the last message");
    prop_assert!(view.waiting_since.is_none_or(|since| since <= now), "waiting since a time to come");
    prop_assert!(view.first_response_millis.is_none() || view.waiting_since.is_some());
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_conversation_loses_no_message_and_measures_forward(steps in timed(input(), 60)) {
        let mut conversation = Conversation::new(
            ConversationId::parse("0123456789abcdef0123456789abcdef").expect("an id"),
            ShopId::parse("demo").expect("a shop"),
            PageContext::default(),
        );
        let mut record = Record::default();
        for (now, input) in steps {
            let written = match &input {
                Input::ShopperWrote { client_id, .. } | Input::AgentWrote { client_id, .. } => Some(client_id.clone()),
                _ => None,
            };
            let before = conversation.clone();
            match conversation.handle(now, input) {
                Ok(effects) => {
                    record.effects(now, &effects, &conversation)?;
                    if let Some(client_id) = written {
                        let ours = |effect: &&Effect| matches!(effect, Effect::Store(m) if m.client_id == client_id);
                        prop_assert_eq!(effects.iter().filter(ours).count(), 1, "an accepted message stored once");
                    }
                }
                Err(_) => prop_assert_eq!(&conversation, &before, "a refused input changed something"),
            }
            consistent(now, &conversation, &record)?;
        }
    }
}

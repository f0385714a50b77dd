//! `Desk::handle` fed any sequence of desk events, valid or not, at a clock that never goes
//! back, each followed by `place_waiting` as the edge's `ShopDesk` does. After every step:
//!
//! - a refused input changes nothing;
//! - one assignee at most: each conversation has one queue item, an assigned item names its
//!   assignee and a waiting one nobody; a step tells each conversation of one assignment at
//!   most; only an assigned item has a reply due, and after a tick none is overdue;
//! - capacity is respected as the rules state it: automatic assignment gives conversations only
//!   to online agents who have not let that one go, and never takes an agent past capacity; only
//!   a manual claim or transfer (the agent's own choice) may;
//! - queue places are a permutation: the waiting items, in queue order, stand at 1, 2, …, n,
//!   each once, and the queue is ordered by when each shopper started waiting;
//! - nothing is lost between the desk and its storage: a desk rebuilt from the items its
//!   `Save` and `Remove` effects (and `place_waiting`'s changes) stored is the same desk.

use crate::clock::{timed, START};
use crate::config::config;
use parley_core::desk::{Agent, AssignmentRules, Desk, Effect, Input};
use parley_core::ids::{AgentId, ConversationId};
use parley_core::protocol::{PageContext, QueueItem, Status};
use parley_core::time::UnixMillis;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeMap;

/// The shop's agents; `zed` is not one of them.
const AGENTS: [&str; 3] = ["ana", "bo", "cy"];

fn agent_id(name: &str) -> AgentId {
    AgentId::parse(&format!("{name}@demo.test")).expect("an address")
}

fn agent() -> BoxedStrategy<AgentId> {
    select(&["ana", "bo", "cy", "zed"][..]).prop_map(agent_id).boxed()
}

fn conversation() -> BoxedStrategy<ConversationId> {
    (1..=5u8).prop_map(|n| ConversationId::parse(&format!("{n:032x}")).expect("an id")).boxed()
}

/// What happens at the desk. A conversation enters the queue some time after its shopper wrote,
/// so its `waiting_since` is set against the clock when it arrives.
#[derive(Debug, Clone)]
enum Event {
    Enter { conversation_id: ConversationId, written_ago: u64 },
    Input(Input),
}

impl Event {
    fn at(self, now: UnixMillis) -> Input {
        match self {
            Event::Enter { conversation_id, written_ago } => Input::Enter(Box::new(QueueItem::waiting(
                conversation_id,
                UnixMillis(now.0.saturating_sub(written_ago).max(START.0)),
                "where is my order?".into(),
                PageContext::default(),
            ))),
            Event::Input(input) => input,
        }
    }
}

fn input() -> BoxedStrategy<Input> {
    let email = select(&["kata@mail.test", "lu@mail.test"][..]).prop_map(str::to_owned);
    prop_oneof![
        3 => (conversation(), agent()).prop_map(|(conversation_id, agent)| Input::Claim { conversation_id, agent }),
        1 => (conversation(), agent(), agent())
            .prop_map(|(conversation_id, by, to)| Input::Transfer { conversation_id, by, to }),
        2 => (conversation(), agent()).prop_map(|(conversation_id, agent)| Input::Replied { conversation_id, agent }),
        1 => conversation().prop_map(|conversation_id| Input::Resolved { conversation_id }),
        2 => (agent(), any::<bool>()).prop_map(|(agent, online)| Input::Presence { agent, online }),
        1 => (agent(), any::<bool>()).prop_map(|(agent, away)| Input::Away { agent, away }),
        1 => agent().prop_map(|agent| Input::Removed { agent }),
        1 => (conversation(), email).prop_map(|(conversation_id, email)| Input::ContactLeft { conversation_id, email }),
        2 => Just(Input::Tick),
    ]
    .boxed()
}

fn event() -> BoxedStrategy<Event> {
    let enter = (conversation(), prop_oneof![Just(0u64), 0..10_000u64])
        .prop_map(|(conversation_id, written_ago)| Event::Enter { conversation_id, written_ago });
    prop_oneof![1 => enter, 4 => input().prop_map(Event::Input)].boxed()
}

/// What `place_waiting` is told after a step: whether the shop is open, and the recent median
/// first response over how many samples.
#[derive(Debug, Clone, Copy)]
struct Facts {
    open: bool,
    median_millis: Option<u64>,
    samples: u32,
}

fn facts() -> BoxedStrategy<Facts> {
    (prop::bool::weighted(0.8), option::of(0..600_000u64), 0..20u32)
        .prop_map(|(open, median_millis, samples)| Facts { open, median_millis, samples })
        .boxed()
}

fn rules() -> BoxedStrategy<AssignmentRules> {
    (any::<bool>(), 1..=3u32, 10_000..=300_000u64)
        .prop_map(|(auto_assign, capacity, reroute_after_millis)| AssignmentRules {
            auto_assign,
            capacity,
            reroute_after_millis,
        })
        .boxed()
}

/// The agents and whether each is online.
fn roster(online: &[bool]) -> BTreeMap<AgentId, Agent> {
    AGENTS
        .iter()
        .zip(online)
        .map(|(name, &online)| (agent_id(name), Agent { name: name.to_string(), online, away: false }))
        .collect()
}

fn loads(desk: &Desk) -> BTreeMap<AgentId, u32> {
    desk.seats().into_iter().map(|seat| (seat.agent, seat.load)).collect()
}

/// The conversation and agent of an assignment the input itself asks for.
fn asked_for(input: &Input) -> Option<(&ConversationId, &AgentId)> {
    match input {
        Input::Claim { conversation_id, agent } => Some((conversation_id, agent)),
        Input::Transfer { conversation_id, to, .. } => Some((conversation_id, to)),
        _ => None,
    }
}

fn item<'a>(desk: &'a Desk, conversation_id: &ConversationId) -> Result<&'a QueueItem, TestCaseError> {
    let found = desk.items().iter().find(|item| &item.conversation_id == conversation_id);
    found.ok_or_else(|| TestCaseError::fail(format!("{conversation_id} assigned but not queued")))
}

/// Automatic assignments went to online agents who had not let the conversation go, within
/// capacity; each conversation heard of one assignment at most.
fn assignments_follow_the_rules(
    desk: &Desk,
    rules: &AssignmentRules,
    roster: &BTreeMap<AgentId, Agent>,
    input: &Input,
    effects: &[Effect],
) -> Result<(), TestCaseError> {
    let mut told = Vec::new();
    for effect in effects {
        let Effect::Assign { conversation_id, assignee } = effect else { continue };
        prop_assert!(!told.contains(&conversation_id), "{} assigned twice in one step", conversation_id);
        told.push(conversation_id);
        if asked_for(input) == Some((conversation_id, &assignee.agent)) {
            continue;
        }
        let item = item(desk, conversation_id)?;
        prop_assert!(roster.get(&assignee.agent).is_some_and(Agent::available), "given to someone offline or away");
        prop_assert!(!item.passed_by.contains(&assignee.agent), "given back to an agent who let it go");
        prop_assert!(loads(desk).get(&assignee.agent).is_some_and(|&load| load <= rules.capacity), "past capacity");
    }
    Ok(())
}

/// An agent's load rises past capacity only by their own claim or transfer, one at a time.
fn capacity_kept(
    before: &BTreeMap<AgentId, u32>,
    after: &BTreeMap<AgentId, u32>,
    rules: &AssignmentRules,
    input: &Input,
) -> Result<(), TestCaseError> {
    for (agent, &load) in after {
        let was = before.get(agent).copied().unwrap_or(0);
        let own_choice = u32::from(asked_for(input).is_some_and(|(_, to)| to == agent));
        prop_assert!(load <= was.max(rules.capacity) + own_choice, "{} went from {} to {}", agent, was, load);
    }
    Ok(())
}

fn items_consistent(desk: &Desk, now: UnixMillis, ticked: bool) -> Result<(), TestCaseError> {
    let items = desk.items();
    for (at, item) in items.iter().enumerate() {
        let id = &item.conversation_id;
        prop_assert!(items[..at].iter().all(|earlier| &earlier.conversation_id != id), "{} queued twice", id);
        match item.status {
            Status::Assigned => prop_assert!(item.assignee.is_some(), "{} assigned to nobody", id),
            Status::Waiting => prop_assert!(item.assignee.is_none(), "{} waits with an assignee", id),
            other => prop_assert!(false, "{} is {:?} in the queue", id, other),
        }
        prop_assert!(item.reply_due.is_none() || item.status == Status::Assigned, "{} due a reply while waiting", id);
        prop_assert!(!(ticked && item.reply_due.is_some_and(|due| due <= now)), "{} overdue after a tick", id);
    }
    let since: Vec<UnixMillis> = items.iter().map(|item| item.waiting_since).collect();
    prop_assert!(since.windows(2).all(|pair| pair[0] <= pair[1]), "queue out of order: {:?}", since);
    Ok(())
}

/// The waiting items, in queue order, stand at 1, 2, …, n.
fn places_are_a_permutation(desk: &Desk, facts: Facts) -> Result<(), TestCaseError> {
    let waiting = desk.items().iter().filter(|item| item.status == Status::Waiting);
    let places: Vec<Option<(u32, bool)>> = waiting.map(|item| item.place.map(|p| (p.position, p.closed))).collect();
    let expected: Vec<Option<(u32, bool)>> = (1..=places.len() as u32).map(|n| Some((n, !facts.open))).collect();
    prop_assert_eq!(places, expected);
    let placed_but_not_waiting = desk.items().iter().any(|item| item.place.is_some() && item.status != Status::Waiting);
    prop_assert!(!placed_but_not_waiting, "a place in line while assigned");
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_desk_keeps_one_assignee_capacity_and_places(
        rules in rules(),
        online in vec(any::<bool>(), AGENTS.len()),
        steps in timed((event(), facts()).boxed(), 60),
    ) {
        let mut roster = roster(&online);
        let mut desk = Desk::new(rules, Vec::new(), roster.clone());
        let mut stored: BTreeMap<ConversationId, QueueItem> = BTreeMap::new();
        for (now, (event, facts)) in steps {
            let input = event.at(now);
            let before = desk.clone();
            match desk.handle(now, input.clone()) {
                Err(_) => prop_assert_eq!(&desk, &before, "a refused input changed something"),
                Ok(effects) => {
                    match &input {
                        Input::Presence { agent, online } => {
                            if let Some(known) = roster.get_mut(agent) {
                                known.online = *online;
                            }
                        }
                        Input::Away { agent, away } => {
                            if let Some(known) = roster.get_mut(agent) {
                                known.away = *away;
                            }
                        }
                        Input::Removed { agent } => {
                            roster.remove(agent);
                        }
                        _ => {}
                    }
                    assignments_follow_the_rules(&desk, &rules, &roster, &input, &effects)?;
                    capacity_kept(&loads(&before), &loads(&desk), &rules, &input)?;
                    for effect in effects {
                        match effect {
                            Effect::Save(item) => {
                                stored.insert(item.conversation_id.clone(), *item);
                            }
                            Effect::Remove(conversation_id) => {
                                stored.remove(&conversation_id);
                            }
                            Effect::Assign { .. } | Effect::Unassign { .. } => {}
                        }
                    }
                }
            }
            items_consistent(&desk, now, input == Input::Tick)?;
            for item in desk.place_waiting(now, facts.open, facts.median_millis, facts.samples) {
                stored.insert(item.conversation_id.clone(), item);
            }
            places_are_a_permutation(&desk, facts)?;
            let rebuilt = Desk::new(rules, stored.values().cloned().collect(), roster.clone());
            prop_assert_eq!(&rebuilt, &desk, "the desk rebuilt from storage differs");
        }
    }
}

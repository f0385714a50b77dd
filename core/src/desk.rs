//! A shop's desk as a state machine: the queue of open conversations, the agents with their
//! presence and capacity, and the assignment rules. `handle(now, input) -> effects`.
//!
//! - A conversation enters waiting; it is assigned by a manual claim (first claim wins; a
//!   manual claim may exceed the agent's capacity, it is their choice) or, when the shop turns
//!   automatic assignment on, to the least-loaded online agent with a free slot (ties go by
//!   e-mail, so the choice is deterministic).
//! - A transfer hands an assigned conversation to another agent of the shop; history and the
//!   cycle's clocks are the conversation's and do not change.
//! - Every assignment sets `reply_due = now + reroute_after`. If the assignee has not answered
//!   by then, the conversation goes back to the queue (keeping its place: the queue is ordered
//!   by when the shopper started waiting) and automatic assignment skips that agent.
//!
//! - Waiting shoppers are told their place and an expected wait ([`Desk::place_waiting`]). The
//!   first [`EXACT_PLACES`] in line are told their exact place and any change of their
//!   estimate. Those behind are told a rounded place ([`told_position`]: up to the next 10 to
//!   100, the next 100 to 1,000, the next 1,000 beyond), and a new estimate only once it is
//!   more than a quarter away from the one they were told ([`worth_retelling`]). So when the
//!   shopper ahead leaves, about twenty places plus one per band change, not every place
//!   behind: a desk with 10,000 waiting tells some forty rooms, not 10,000.
//!
//! The edge's `ShopDesk` object builds this from its storage and sockets once and keeps it in
//! memory (it is the only writer of its storage), persists the items returned in
//! `Save`/`Remove`, tells conversations about `Assign` and `Unassign`, and sets its alarm to
//! [`Desk::next_deadline`].

use crate::conversation::Assignee;
use crate::error::DeskError;
use crate::ids::{AgentId, ConversationId};
use crate::protocol::{AgentSeat, QueueItem, QueuePlace, Status};
use crate::time::UnixMillis;
use crate::wait_estimate::{self, Estimate, QueueFacts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A shop's assignment rules. Unknown fields are refused, like everywhere in the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRules {
    /// Give waiting conversations to online agents without waiting for a claim.
    pub auto_assign: bool,
    /// How many conversations automatic assignment gives one agent at most.
    pub capacity: u32,
    /// How long an assignee has to answer before the conversation goes back to the queue.
    pub reroute_after_millis: u64,
}

impl Default for AssignmentRules {
    fn default() -> Self {
        Self { auto_assign: false, capacity: 3, reroute_after_millis: 3 * 60_000 }
    }
}

/// An agent of the shop as the desk needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub online: bool,
    /// Set away by the agent: online, but taking no new chats.
    pub away: bool,
}

impl Agent {
    /// Takes chats now: a console open, and not away. Automatic assignment and waiting
    /// shoppers' estimates count only these.
    pub fn available(&self) -> bool {
        self.online && !self.away
    }
}

/// What happened at the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A conversation started waiting (its first message, or a reopen).
    Enter(Box<QueueItem>),
    Claim {
        conversation_id: ConversationId,
        agent: AgentId,
    },
    Transfer {
        conversation_id: ConversationId,
        by: AgentId,
        to: AgentId,
    },
    /// The assignee answered.
    Replied {
        conversation_id: ConversationId,
        agent: AgentId,
    },
    Resolved {
        conversation_id: ConversationId,
    },
    /// An agent opened or closed their last console.
    Presence {
        agent: AgentId,
        online: bool,
    },
    /// An agent set themselves away (taking no new chats), or back.
    Away {
        agent: AgentId,
        away: bool,
    },
    /// An agent left the team: their chats go back to the queue, each keeping its place, and
    /// nobody can give them chats any more.
    Removed {
        agent: AgentId,
    },
    /// The shopper left an e-mail address to be answered at.
    ContactLeft {
        conversation_id: ConversationId,
        email: String,
    },
    /// Time passed (the alarm rang): re-route overdue assignments.
    Tick,
}

/// What the edge must do after an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store this item (new or changed).
    Save(Box<QueueItem>),
    Remove(ConversationId),
    /// Tell the conversation it has an assignee.
    Assign {
        conversation_id: ConversationId,
        assignee: Assignee,
    },
    /// Tell the conversation it is back in the queue.
    Unassign {
        conversation_id: ConversationId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    rules: AssignmentRules,
    /// Open conversations, oldest first.
    items: Vec<QueueItem>,
    agents: BTreeMap<AgentId, Agent>,
}

impl Desk {
    /// Builds the desk from stored items (any order) and the shop's agents.
    pub fn new(rules: AssignmentRules, mut items: Vec<QueueItem>, agents: BTreeMap<AgentId, Agent>) -> Self {
        items.sort_by(|a, b| queue_order(a).cmp(&queue_order(b)));
        Self { rules, items, agents }
    }

    pub fn items(&self) -> &[QueueItem] {
        &self.items
    }

    /// Follows the shop's rules as they are now (its settings changed).
    pub fn set_rules(&mut self, rules: AssignmentRules) {
        self.rules = rules;
    }

    /// The agents with their current load, by e-mail.
    pub fn seats(&self) -> Vec<AgentSeat> {
        let loads = self.loads();
        self.agents
            .iter()
            .map(|(agent, state)| AgentSeat {
                agent: agent.clone(),
                name: state.name.clone(),
                online: state.online,
                away: state.away,
                load: loads.get(agent).copied().unwrap_or(0),
                capacity: self.rules.capacity,
            })
            .collect()
    }

    /// The earliest moment something must happen without any input: an assignee's reply is
    /// due, or a waiting shopper's estimate runs out.
    pub fn next_deadline(&self) -> Option<UnixMillis> {
        let reply_due = self.items.iter().filter_map(|item| item.reply_due);
        let estimate_due = self.items.iter().filter_map(|item| item.place.and_then(expected_at));
        reply_due.chain(estimate_due).min()
    }

    /// Applies one input. On error nothing changed.
    pub fn handle(&mut self, now: UnixMillis, input: Input) -> Result<Vec<Effect>, DeskError> {
        let mut effects = Vec::new();
        match input {
            Input::Enter(item) => {
                let item = *item;
                if self.position_of(&item.conversation_id).is_none() {
                    let at = self.items.partition_point(|queued| queue_order(queued) < queue_order(&item));
                    effects.push(Effect::Save(Box::new(item.clone())));
                    self.items.insert(at, item);
                }
            }
            Input::Claim { conversation_id, agent } => {
                let name = self.agent_name(&agent)?;
                let item = self.item_mut(&conversation_id)?;
                match &item.assignee {
                    Some(owner) if owner == &agent => return Ok(effects),
                    Some(owner) => return Err(DeskError::AlreadyClaimed { by: owner.clone() }),
                    None => self.assign(now, &conversation_id, agent, name, &mut effects),
                }
            }
            Input::Transfer { conversation_id, by, to } => {
                let name = self.agent_name(&to)?;
                let item = self.item_mut(&conversation_id)?;
                if item.assignee.as_ref() != Some(&by) {
                    return Err(DeskError::NotYours);
                }
                if by == to {
                    return Ok(effects);
                }
                self.assign(now, &conversation_id, to, name, &mut effects);
            }
            Input::Replied { conversation_id, agent } => {
                if let Ok(item) = self.item_mut(&conversation_id) {
                    let was_due = item.assignee.as_ref() == Some(&agent) && item.reply_due.is_some();
                    if was_due || !item.answered {
                        item.reply_due = if was_due { None } else { item.reply_due };
                        item.answered = true;
                        effects.push(Effect::Save(Box::new(item.clone())));
                    }
                }
            }
            Input::Resolved { conversation_id } => {
                if let Some(at) = self.position_of(&conversation_id) {
                    self.items.remove(at);
                    effects.push(Effect::Remove(conversation_id));
                }
            }
            Input::Presence { agent, online } => {
                if let Some(state) = self.agents.get_mut(&agent) {
                    state.online = online;
                }
            }
            Input::Away { agent, away } => {
                if let Some(state) = self.agents.get_mut(&agent) {
                    state.away = away;
                }
            }
            Input::Removed { agent } => {
                self.agents.remove(&agent);
                // Back to the queue with the place they had: the shopper did nothing wrong.
                for item in self.items.iter_mut().filter(|item| item.assignee.as_ref() == Some(&agent)) {
                    item.assignee = None;
                    item.status = Status::Waiting;
                    item.reply_due = None;
                    effects.push(Effect::Save(Box::new(item.clone())));
                    effects.push(Effect::Unassign { conversation_id: item.conversation_id.clone() });
                }
            }
            Input::ContactLeft { conversation_id, email } => {
                if let Ok(item) = self.item_mut(&conversation_id) {
                    item.contact_email = Some(email);
                    effects.push(Effect::Save(Box::new(item.clone())));
                }
            }
            Input::Tick => self.reroute_overdue(now, &mut effects),
        }
        self.auto_assign(now, &mut effects);
        Ok(effects)
    }

    /// Where each waiting conversation stands and how long it should expect to wait, given this
    /// shop's recent median first response over `recent_samples` samples and whether the shop
    /// is open now. Items whose told place changed are updated and returned (to be saved and
    /// told to their shoppers): by the module's rule, the first [`EXACT_PLACES`] on any change,
    /// those behind on a new rounded place or an estimate worth retelling. A place becomes
    /// `overdue` once its estimate has run out, and stays so until an agent has it.
    pub fn place_waiting(
        &mut self,
        now: UnixMillis,
        open: bool,
        recent_median_frt_millis: Option<u64>,
        recent_samples: u32,
    ) -> Vec<QueueItem> {
        let loads = self.loads();
        let available: Vec<&AgentId> = self.agents.iter().filter(|(_, a)| a.available()).map(|(id, _)| id).collect();
        let free_slots = available
            .iter()
            .map(|agent| self.rules.capacity.saturating_sub(loads.get(agent).copied().unwrap_or(0)))
            .sum();
        let mut facts = QueueFacts {
            position: 0,
            online_agents: available.len() as u32,
            total_capacity: self.rules.capacity * available.len() as u32,
            free_slots,
            recent_median_frt_millis,
            recent_samples,
        };
        let mut changed = Vec::new();
        let mut position = 0;
        for item in self.items.iter_mut() {
            if item.status != Status::Waiting {
                continue;
            }
            position += 1;
            facts.position = told_position(position);
            let estimate = wait_estimate::estimate(&facts);
            let was_overdue = item.place.is_some_and(|place| place.overdue || past_estimate(place, now));
            let same = item.place.is_some_and(|place| {
                place.position == facts.position
                    && !worth_retelling(position, place.estimate, estimate)
                    && place.overdue == was_overdue
                    && place.closed != open
            });
            if same {
                continue;
            }
            // A new estimate restarts the promise, unless it was already broken.
            let (estimate, estimated_at) = match item.place {
                Some(place) if was_overdue => (estimate, place.estimated_at),
                Some(place) if !worth_retelling(position, place.estimate, estimate) => {
                    (place.estimate, place.estimated_at)
                }
                _ => (estimate, now),
            };
            item.place = Some(QueuePlace {
                position: facts.position,
                estimate,
                estimated_at,
                overdue: was_overdue,
                closed: !open,
            });
            changed.push(item.clone());
        }
        changed
    }

    fn assign(
        &mut self,
        now: UnixMillis,
        conversation_id: &ConversationId,
        agent: AgentId,
        name: String,
        effects: &mut Vec<Effect>,
    ) {
        let reply_due = UnixMillis(now.0.saturating_add(self.rules.reroute_after_millis));
        if let Ok(item) = self.item_mut(conversation_id) {
            item.status = Status::Assigned;
            item.assignee = Some(agent.clone());
            item.reply_due = Some(reply_due);
            item.place = None;
            effects.push(Effect::Save(Box::new(item.clone())));
            effects
                .push(Effect::Assign { conversation_id: conversation_id.clone(), assignee: Assignee { agent, name } });
        }
    }

    fn reroute_overdue(&mut self, now: UnixMillis, effects: &mut Vec<Effect>) {
        for item in self.items.iter_mut() {
            if item.reply_due.is_some_and(|due| due <= now) {
                if let Some(agent) = item.assignee.take() {
                    if !item.passed_by.contains(&agent) {
                        item.passed_by.push(agent);
                    }
                }
                item.status = Status::Waiting;
                item.reply_due = None;
                effects.push(Effect::Save(Box::new(item.clone())));
                effects.push(Effect::Unassign { conversation_id: item.conversation_id.clone() });
            }
        }
    }

    /// Gives waiting conversations, oldest first, to online agents with free slots. The loads
    /// are counted once and kept up to date here, and the walk stops once no slot is free: a
    /// long queue costs one pass.
    fn auto_assign(&mut self, now: UnixMillis, effects: &mut Vec<Effect>) {
        if !self.rules.auto_assign {
            return;
        }
        let loads = self.loads();
        let mut free: BTreeMap<AgentId, (u32, String)> = self
            .agents
            .iter()
            .filter(|(_, state)| state.available())
            .map(|(agent, state)| (agent.clone(), (loads.get(agent).copied().unwrap_or(0), state.name.clone())))
            .filter(|(_, (load, _))| *load < self.rules.capacity)
            .collect();
        let waiting: Vec<(ConversationId, Vec<AgentId>)> = self
            .items
            .iter()
            .filter(|item| item.status == Status::Waiting)
            .map(|item| (item.conversation_id.clone(), item.passed_by.clone()))
            .collect();
        for (conversation_id, passed_by) in waiting {
            if free.is_empty() {
                break;
            }
            // The fewest conversations first; ties go by e-mail, the map's order.
            let Some((agent, (_, name))) = free
                .iter()
                .filter(|(agent, _)| !passed_by.contains(agent))
                .min_by_key(|(agent, (load, _))| (*load, *agent))
                .map(|(agent, seat)| (agent.clone(), seat.clone()))
            else {
                continue;
            };
            self.assign(now, &conversation_id, agent.clone(), name, effects);
            if let Some((load, _)) = free.get_mut(&agent) {
                *load += 1;
                if *load >= self.rules.capacity {
                    free.remove(&agent);
                }
            }
        }
    }

    /// How many conversations each agent has, counted in one pass.
    fn loads(&self) -> BTreeMap<&AgentId, u32> {
        let mut loads = BTreeMap::new();
        for agent in self.items.iter().filter_map(|item| item.assignee.as_ref()) {
            *loads.entry(agent).or_insert(0) += 1;
        }
        loads
    }

    fn agent_name(&self, agent: &AgentId) -> Result<String, DeskError> {
        self.agents.get(agent).map(|state| state.name.clone()).ok_or(DeskError::UnknownAgent)
    }

    fn position_of(&self, conversation_id: &ConversationId) -> Option<usize> {
        self.items.iter().position(|item| &item.conversation_id == conversation_id)
    }

    fn item_mut(&mut self, conversation_id: &ConversationId) -> Result<&mut QueueItem, DeskError> {
        self.items.iter_mut().find(|item| &item.conversation_id == conversation_id).ok_or(DeskError::NotQueued)
    }
}

/// How many waiting shoppers are told their exact place; those behind are told a rounded one.
pub const EXACT_PLACES: u32 = 20;

/// The place a shopper at `position` among the waiting is told: exact up to [`EXACT_PLACES`],
/// then rounded up (never earlier than they are) to a multiple of 10 up to 100, of 100 up to
/// 1,000, and of 1,000 beyond.
pub fn told_position(position: u32) -> u32 {
    if position <= EXACT_PLACES {
        return position;
    }
    let band = match position {
        0..=100 => 10,
        101..=1000 => 100,
        _ => 1000,
    };
    position.div_ceil(band).saturating_mul(band)
}

/// Whether a shopper at `position` who was told `told` should be told `fresh`: always within
/// the first [`EXACT_PLACES`]; behind them, when there is (or stops being) nobody to answer,
/// or when the wait moved by more than a quarter of what they were told.
pub fn worth_retelling(position: u32, told: Estimate, fresh: Estimate) -> bool {
    if position <= EXACT_PLACES {
        return told != fresh;
    }
    match (told, fresh) {
        (Estimate::Wait { millis: told }, Estimate::Wait { millis: fresh }) => {
            fresh.abs_diff(told).saturating_mul(4) > told
        }
        (told, fresh) => told != fresh,
    }
}

/// Where an item stands in the queue: by when the shopper started waiting, then by id, so that
/// a desk rebuilt from storage (the edge's, after a restart) has the order it had in memory.
pub(crate) fn queue_order(item: &QueueItem) -> (UnixMillis, &ConversationId) {
    (item.waiting_since, &item.conversation_id)
}

/// The first instant a place counts as overdue (see [`wait_estimate::overdue`]); `None` when
/// there is nothing to wait for.
fn expected_at(place: QueuePlace) -> Option<UnixMillis> {
    match place.estimate {
        Estimate::Wait { millis } if !place.overdue => {
            Some(UnixMillis(place.estimated_at.0.saturating_add(millis).saturating_add(1)))
        }
        _ => None,
    }
}

/// Whether the shopper was told a wait that has now run out.
fn past_estimate(place: QueuePlace, now: UnixMillis) -> bool {
    match place.estimate {
        Estimate::Wait { millis } => wait_estimate::overdue(place.estimated_at, millis, now),
        Estimate::NoAgents => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PageContext;

    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_700_000_000_000 + seconds * 1000)
    }

    fn id(n: u8) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("valid id")
    }

    fn agent(name: &str) -> AgentId {
        AgentId::parse(&format!("{name}@demo.test")).expect("valid email")
    }

    fn waiting(n: u8, second: u64) -> QueueItem {
        QueueItem::waiting(id(n), at(second), format!("question {n}"), PageContext::default())
    }

    /// A desk with agents `(name, online)`, capacity 2, re-route after 60 s.
    fn desk(auto_assign: bool, agents: &[(&str, bool)]) -> Desk {
        let rules = AssignmentRules { auto_assign, capacity: 2, reroute_after_millis: 60_000 };
        let agents = agents
            .iter()
            .map(|(name, online)| (agent(name), Agent { name: name.to_string(), online: *online, away: false }))
            .collect();
        Desk::new(rules, Vec::new(), agents)
    }

    /// (conversation number, assignee name) of every assigned item.
    fn assignments(desk: &Desk) -> Vec<(u8, String)> {
        desk.items()
            .iter()
            .filter_map(|item| {
                let n = (0..=255u8).find(|n| id(*n) == item.conversation_id)?;
                Some((n, item.assignee.as_ref()?.as_str().split('@').next()?.to_owned()))
            })
            .collect()
    }

    #[test]
    fn assignment_rules() {
        struct Case {
            name: &'static str,
            auto_assign: bool,
            agents: Vec<(&'static str, bool)>,
            script: Vec<(u64, Input)>,
            assigned: Vec<(u8, &'static str)>,
        }
        let enter = |n: u8, second: u64| (second, Input::Enter(Box::new(waiting(n, second))));
        let claim = |n: u8, who: &str| Input::Claim { conversation_id: id(n), agent: agent(who) };
        let cases = vec![
            Case {
                name: "without automatic assignment conversations wait for a claim",
                auto_assign: false,
                agents: vec![("ana", true)],
                script: vec![enter(1, 0), (5, claim(1, "ana"))],
                assigned: vec![(1, "ana")],
            },
            Case {
                name: "automatic assignment picks the least-loaded online agent",
                auto_assign: true,
                agents: vec![("ana", true), ("bo", true), ("cy", false)],
                script: vec![enter(1, 0), enter(2, 1), enter(3, 2)],
                assigned: vec![(1, "ana"), (2, "bo"), (3, "ana")],
            },
            Case {
                name: "capacity limits automatic assignment, the rest wait",
                auto_assign: true,
                agents: vec![("ana", true)],
                script: vec![enter(1, 0), enter(2, 1), enter(3, 2)],
                assigned: vec![(1, "ana"), (2, "ana")],
            },
            Case {
                name: "a resolved chat frees a slot for the oldest waiting one",
                auto_assign: true,
                agents: vec![("ana", true)],
                script: vec![enter(1, 0), enter(2, 1), enter(3, 2), (9, Input::Resolved { conversation_id: id(1) })],
                assigned: vec![(2, "ana"), (3, "ana")],
            },
            Case {
                name: "an agent coming online takes waiting chats",
                auto_assign: true,
                agents: vec![("ana", false)],
                script: vec![enter(1, 0), (5, Input::Presence { agent: agent("ana"), online: true })],
                assigned: vec![(1, "ana")],
            },
            Case {
                name: "an agent set away takes no new chats, and takes them again when back",
                auto_assign: true,
                agents: vec![("ana", true), ("bo", true)],
                script: vec![
                    (0, Input::Away { agent: agent("bo"), away: true }),
                    enter(1, 1),
                    enter(2, 2),
                    enter(3, 3),
                    (4, Input::Away { agent: agent("bo"), away: false }),
                ],
                assigned: vec![(1, "ana"), (2, "ana"), (3, "bo")],
            },
            Case {
                name: "a removed agent's chats go back to the queue, to someone else",
                auto_assign: true,
                agents: vec![("ana", true), ("bo", false)],
                script: vec![
                    enter(1, 0),
                    (1, Input::Presence { agent: agent("bo"), online: true }),
                    (2, Input::Removed { agent: agent("ana") }),
                ],
                assigned: vec![(1, "bo")],
            },
            Case {
                name: "a manual claim may exceed capacity",
                auto_assign: false,
                agents: vec![("ana", true)],
                script: vec![
                    enter(1, 0),
                    enter(2, 1),
                    enter(3, 2),
                    (3, claim(1, "ana")),
                    (3, claim(2, "ana")),
                    (3, claim(3, "ana")),
                ],
                assigned: vec![(1, "ana"), (2, "ana"), (3, "ana")],
            },
            Case {
                name: "an unanswered assignment goes back to the queue and to someone else",
                auto_assign: true,
                agents: vec![("ana", true), ("bo", true)],
                script: vec![
                    enter(1, 0),
                    (1, Input::Presence { agent: agent("bo"), online: false }),
                    (61, Input::Tick),
                    (62, Input::Presence { agent: agent("bo"), online: true }),
                ],
                assigned: vec![(1, "bo")],
            },
            Case {
                name: "an answered assignment stays",
                auto_assign: true,
                agents: vec![("ana", true), ("bo", true)],
                script: vec![
                    enter(1, 0),
                    (30, Input::Replied { conversation_id: id(1), agent: agent("ana") }),
                    (100, Input::Tick),
                ],
                assigned: vec![(1, "ana")],
            },
            Case {
                name: "the agent who let it go is not given it again",
                auto_assign: true,
                agents: vec![("ana", true)],
                script: vec![enter(1, 0), (61, Input::Tick)],
                assigned: vec![],
            },
            Case {
                name: "a transfer moves the conversation",
                auto_assign: false,
                agents: vec![("ana", true), ("bo", true)],
                script: vec![
                    enter(1, 0),
                    (1, claim(1, "ana")),
                    (2, Input::Transfer { conversation_id: id(1), by: agent("ana"), to: agent("bo") }),
                ],
                assigned: vec![(1, "bo")],
            },
        ];
        for case in cases {
            let mut desk = desk(case.auto_assign, &case.agents);
            for (second, input) in case.script {
                desk.handle(at(second), input).unwrap_or_else(|error| panic!("{}: {error}", case.name));
            }
            let expected: Vec<(u8, String)> = case.assigned.into_iter().map(|(n, who)| (n, who.to_owned())).collect();
            assert_eq!(assignments(&desk), expected, "{}", case.name);
        }
    }

    #[test]
    fn a_shopper_counts_as_answered_from_the_first_reply_of_the_cycle_on() {
        let enter = |second: u64| (second, Input::Enter(Box::new(waiting(1, second))));
        let claim = |who: &str| Input::Claim { conversation_id: id(1), agent: agent(who) };
        let replied = |who: &str| Input::Replied { conversation_id: id(1), agent: agent(who) };
        let transfer = Input::Transfer { conversation_id: id(1), by: agent("ana"), to: agent("bo") };
        /// A name, what happens (second, input), and whether the shopper counts as answered.
        type Case = (&'static str, Vec<(u64, Input)>, bool);
        let cases: [Case; 5] = [
            ("waiting", vec![enter(0)], false),
            ("claimed, not yet answered", vec![enter(0), (1, claim("ana"))], false),
            ("answered", vec![enter(0), (1, claim("ana")), (2, replied("ana"))], true),
            ("answered, then transferred", vec![enter(0), (1, claim("ana")), (2, replied("ana")), (3, transfer)], true),
            (
                "answered, then back in the queue",
                vec![enter(0), (1, claim("ana")), (2, replied("ana")), (3, Input::Removed { agent: agent("ana") })],
                true,
            ),
        ];
        for (name, script, answered) in cases {
            let mut desk = desk(false, &[("ana", true), ("bo", true)]);
            for (second, input) in script {
                desk.handle(at(second), input).unwrap_or_else(|error| panic!("{name}: {error}"));
            }
            assert_eq!(desk.items()[0].answered, answered, "{name}");
        }
    }

    #[test]
    fn the_queue_has_the_order_a_desk_rebuilt_from_storage_has() {
        /// The conversations entering, in turn (number, second their shopper started waiting),
        /// and the queue's order.
        type Case<'a> = (&'a str, &'a [(u8, u64)], &'a [u8]);
        let cases: [Case; 4] = [
            ("in order", &[(1, 0), (2, 5)], &[1, 2]),
            ("an earlier shopper entering later goes first", &[(2, 5), (1, 0)], &[1, 2]),
            ("shoppers waiting since the same moment go by id", &[(2, 0), (1, 0)], &[1, 2]),
            ("by time, then by id", &[(3, 0), (1, 5), (2, 0)], &[2, 3, 1]),
        ];
        for (name, entering, queue) in cases {
            let mut desk = desk(false, &[]);
            for &(n, second) in entering {
                desk.handle(at(10), Input::Enter(Box::new(waiting(n, second)))).expect("enters");
            }
            let order: Vec<ConversationId> = desk.items().iter().map(|item| item.conversation_id.clone()).collect();
            assert_eq!(order, queue.iter().map(|&n| id(n)).collect::<Vec<_>>(), "{name}");
            assert_eq!(Desk::new(desk.rules, desk.items().to_vec(), desk.agents.clone()), desk, "{name}: rebuilt");
        }
    }

    #[test]
    fn refusals() {
        let mut desk = desk(false, &[("ana", true), ("bo", true)]);
        desk.handle(at(0), Input::Enter(Box::new(waiting(1, 0)))).expect("enters");
        let cases = vec![
            (Input::Claim { conversation_id: id(9), agent: agent("ana") }, Err(DeskError::NotQueued)),
            (Input::Claim { conversation_id: id(1), agent: agent("zed") }, Err(DeskError::UnknownAgent)),
            (Input::Claim { conversation_id: id(1), agent: agent("ana") }, Ok(())),
            (Input::Claim { conversation_id: id(1), agent: agent("ana") }, Ok(())),
            (
                Input::Claim { conversation_id: id(1), agent: agent("bo") },
                Err(DeskError::AlreadyClaimed { by: agent("ana") }),
            ),
            (Input::Transfer { conversation_id: id(1), by: agent("bo"), to: agent("bo") }, Err(DeskError::NotYours)),
            (
                Input::Transfer { conversation_id: id(1), by: agent("ana"), to: agent("zed") },
                Err(DeskError::UnknownAgent),
            ),
        ];
        for (input, expected) in cases {
            let label = format!("{input:?}");
            assert_eq!(desk.handle(at(1), input).map(drop), expected, "{label}");
        }
    }

    #[test]
    fn effects_tell_the_conversation_and_say_what_to_store() {
        let mut desk = desk(true, &[("ana", true)]);
        let effects = desk.handle(at(0), Input::Enter(Box::new(waiting(1, 0)))).expect("enters");
        let assigned = QueueItem {
            status: Status::Assigned,
            assignee: Some(agent("ana")),
            reply_due: Some(at(60)),
            ..waiting(1, 0)
        };
        assert_eq!(
            effects,
            vec![
                Effect::Save(Box::new(waiting(1, 0))),
                Effect::Save(Box::new(assigned.clone())),
                Effect::Assign {
                    conversation_id: id(1),
                    assignee: Assignee { agent: agent("ana"), name: "ana".into() }
                },
            ]
        );
        assert_eq!(desk.next_deadline(), Some(at(60)));
        assert_eq!(
            desk.handle(at(1), Input::Enter(Box::new(waiting(1, 5)))).expect("idempotent"),
            Vec::new(),
            "entering twice"
        );
        let effects = desk.handle(at(60), Input::Tick).expect("ticks");
        let back = QueueItem { passed_by: vec![agent("ana")], ..waiting(1, 0) };
        assert_eq!(effects, vec![Effect::Save(Box::new(back)), Effect::Unassign { conversation_id: id(1) }]);
        assert_eq!(desk.next_deadline(), None);
        assert_eq!(desk.seats()[0].load, 0);
    }

    #[test]
    fn waiting_shoppers_get_their_place_and_an_honest_estimate() {
        let mut desk = desk(false, &[("ana", true)]);
        for n in 1..=3 {
            desk.handle(at(u64::from(n)), Input::Enter(Box::new(waiting(n, u64::from(n))))).expect("enters");
        }
        // Median first response 90 s over 10 samples; one agent of capacity 2, both slots free.
        let placed = desk.place_waiting(at(10), true, Some(90_000), 10);
        let places: Vec<(u32, Estimate, bool)> =
            placed.iter().filter_map(|item| item.place).map(|p| (p.position, p.estimate, p.overdue)).collect();
        assert_eq!(
            places,
            vec![
                (1, Estimate::Wait { millis: 90_000 }, false),
                (2, Estimate::Wait { millis: 90_000 }, false),
                (3, Estimate::Wait { millis: 90_000 }, false),
            ]
        );
        assert!(desk.place_waiting(at(20), true, Some(90_000), 10).is_empty(), "nothing changed, nothing to tell");
        // Told 90 s at second 10: overdue from the first millisecond past second 100.
        assert_eq!(desk.next_deadline(), Some(UnixMillis(at(100).0 + 1)));
        assert!(desk.place_waiting(at(100), true, Some(90_000), 10).is_empty(), "exactly at the estimate is not late");
        let overdue = desk.place_waiting(at(101), true, Some(90_000), 10);
        assert_eq!(overdue.len(), 3);
        assert!(overdue.iter().all(|item| item.place.is_some_and(|p| p.overdue)), "past the estimate: say so");
        desk.handle(at(102), Input::Claim { conversation_id: id(1), agent: agent("ana") }).expect("claims");
        let moved = desk.place_waiting(at(103), true, Some(90_000), 10);
        let positions: Vec<u32> = moved.iter().filter_map(|item| item.place.map(|p| p.position)).collect();
        assert_eq!(positions, vec![1, 2], "everyone behind moves up");
        desk.handle(at(104), Input::Presence { agent: agent("ana"), online: false }).expect("leaves");
        let nobody = desk.place_waiting(at(105), true, Some(90_000), 10);
        assert!(nobody.iter().all(|item| item.place.is_some_and(|p| p.estimate == Estimate::NoAgents)));
    }

    #[test]
    fn places_behind_the_first_ones_are_rounded_up() {
        let cases: [(u32, u32); 12] = [
            (1, 1),
            (20, 20),
            (21, 30),
            (30, 30),
            (31, 40),
            (100, 100),
            (101, 200),
            (1000, 1000),
            (1001, 2000),
            (9999, 10_000),
            (10_000, 10_000),
            (u32::MAX, u32::MAX),
        ];
        for (position, told) in cases {
            assert_eq!(told_position(position), told, "position {position}");
        }
    }

    #[test]
    fn what_is_worth_retelling() {
        let wait = |minutes: u64| Estimate::Wait { millis: minutes * 60_000 };
        let cases = [
            ("near the front, any change", 5, wait(4), wait(5), true),
            ("near the front, the same", 5, wait(4), wait(4), false),
            ("behind, a small change", 50, wait(40), wait(44), false),
            ("behind, exactly a quarter", 50, wait(40), wait(50), false),
            ("behind, more than a quarter longer", 50, wait(40), wait(51), true),
            ("behind, more than a quarter shorter", 50, wait(40), wait(29), true),
            ("behind, the last agent left", 50, wait(40), Estimate::NoAgents, true),
            ("behind, an agent came", 50, Estimate::NoAgents, wait(40), true),
            ("behind, still nobody", 50, Estimate::NoAgents, Estimate::NoAgents, false),
        ];
        for (name, position, told, fresh, expected) in cases {
            assert_eq!(worth_retelling(position, told, fresh), expected, "{name}");
        }
    }

    #[test]
    fn when_the_first_in_line_leaves_only_the_places_that_read_differently_are_told() {
        struct Case {
            name: &'static str,
            waiting: u16,
            /// How many waiting shoppers are told a new place once the first is claimed.
            told: usize,
        }
        let cases = [
            Case { name: "a short queue: everyone behind", waiting: 10, told: 9 },
            Case { name: "the exact places, then one per band of ten", waiting: 60, told: 20 + 3 },
            Case { name: "bands of ten, then of a hundred", waiting: 250, told: 20 + 8 + 1 },
        ];
        for case in cases {
            // Auto-assignment off and one agent: the estimates move only with the places.
            let mut desk = desk(false, &[("ana", true)]);
            for n in 0..case.waiting {
                let item = QueueItem { conversation_id: big_id(n), ..waiting(0, u64::from(n)) };
                desk.handle(at(0), Input::Enter(Box::new(item))).expect("enters");
            }
            desk.place_waiting(at(1), true, Some(60_000), 10);
            desk.handle(at(2), Input::Claim { conversation_id: big_id(0), agent: agent("ana") }).expect("claims");
            let told = desk.place_waiting(at(3), true, Some(60_000), 10);
            assert_eq!(told.len(), case.told, "{}", case.name);
            let places: Vec<u32> = desk.items().iter().filter_map(|item| item.place.map(|p| p.position)).collect();
            let expected: Vec<u32> = (1..u32::from(case.waiting)).map(told_position).collect();
            assert_eq!(places, expected, "{}: every place reads as the rule says", case.name);
        }
    }

    #[test]
    fn automatic_assignment_over_a_long_queue_fills_every_free_slot_once() {
        let mut desk = desk(true, &[("ana", true), ("bo", true)]);
        for n in 0..2000 {
            let item = QueueItem { conversation_id: big_id(n), ..waiting(0, u64::from(n)) };
            desk.handle(at(0), Input::Enter(Box::new(item))).expect("enters");
        }
        let loads: Vec<u32> = desk.seats().iter().map(|seat| seat.load).collect();
        assert_eq!(loads, vec![2, 2], "capacity 2 each");
        let waiting = desk.items().iter().filter(|item| item.status == Status::Waiting).count();
        assert_eq!(waiting, 1996);
    }

    fn big_id(n: u16) -> ConversationId {
        ConversationId::parse(&format!("{:032x}", 0x1_0000 + u32::from(n))).expect("valid id")
    }
}

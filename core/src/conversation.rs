//! One conversation's lifecycle as a state machine: `handle(now, input) -> effects`.
//!
//! ```text
//! new ──shopper writes──▶ waiting ──assigned──▶ assigned ──resolved──▶ resolved ◀─┐
//!                           ▲  ◀──unassigned (re-route)──┘                │   shopper
//!                           └──────────────shopper writes (reopen)────────┘   rates (once)
//! ```
//!
//! Only a resolved conversation can be rated, and each resolved cycle only once (the same
//! rating again changes nothing; another one is refused): the rating belongs to the cycle the
//! agent resolved, and a reopen starts a new cycle to be rated on its own.
//!
//! Every entry into `waiting` from `new` or `resolved` starts a service [`Cycle`], whose clocks
//! measure first-response, next-response, resolution and handle times. The edge's conversation
//! Durable Object persists this struct after every accepted input and carries out the returned
//! [`Effect`]s in order.

use crate::cycle::{Cycle, Measurement};
use crate::error::ConversationError;
use crate::ids::{AgentId, ClientMessageId, ConversationId, DeviceId, ShopId};
use crate::locale::Locale;
use crate::message::{Author, Message};
use crate::protocol::{ConversationView, PageContext, QueuePlace, ShopperDetails, Status, VerifiedUser};
use crate::rating::Rating;
use crate::time::UnixMillis;
use crate::validation;
use crate::webhook::{Announcement, WebhookEvent};
use serde::{Deserialize, Serialize};

/// How many characters of the shopper's message the queue shows.
pub const PREVIEW_CHARS: usize = 140;
/// The most system lines (joins, re-routes, closes, contact confirmations) one conversation
/// stores. Past it, inputs still change the conversation as before but add no line, so neither
/// a shopper alternating two e-mail addresses nor a chat passed back and forth between agents
/// can grow the log without bound.
pub const MAX_SYSTEM_LINES: u32 = 50;

/// The agent a conversation is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub agent: AgentId,
    pub name: String,
}

/// What happened to a conversation, as the edge reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    ShopperWrote {
        client_id: ClientMessageId,
        text: String,
    },
    /// A public reply (the assignee only) or an internal note (any agent of the shop).
    AgentWrote {
        agent: AgentId,
        name: String,
        client_id: ClientMessageId,
        text: String,
        internal: bool,
    },
    /// The shop's desk gave the conversation to this agent (a claim, automatic assignment or
    /// a transfer).
    Assigned(Assignee),
    /// The desk took the conversation back from an assignee who did not answer in time.
    Unassigned,
    /// An agent of the shop closed it.
    Resolved {
        by: Assignee,
    },
    /// One side has read up to `seq`.
    Read {
        by: Author,
        seq: u64,
    },
    /// The desk's latest word on the shopper's place in the queue.
    Placed(Option<QueuePlace>),
    /// The shopper left an e-mail address to be answered at.
    ContactLeft {
        email: String,
    },
    /// The shopper rated the resolved conversation.
    Rated {
        score: u8,
        comment: Option<String>,
    },
    /// The shopper's page changed (or told us more about itself).
    PageChanged(PageContext),
    /// The desk's latest word on whether the shop has a webhook (set, changed or removed).
    WebhookSet(bool),
}

/// What the edge must do after an accepted input, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store the message durably, then deliver it to everyone allowed to see it.
    Store(Message),
    /// Put the conversation in the shop's queue (a new cycle began).
    EnterQueue { waiting_since: UnixMillis, preview: String },
    /// The assignee answered for the first time since they got the conversation (the desk stops
    /// waiting to re-route it).
    Replied { agent: AgentId },
    /// Record a measurement in the shop's metrics.
    Record(Measurement),
    /// Take the conversation out of the shop's queue.
    LeaveQueue,
    /// The conversation's view changed: tell everyone connected.
    Changed,
    /// Tell everyone connected that `author`'s side has read up to `seq`.
    ReadUpTo { author: Author, seq: u64 },
    /// Tell the shopper their place in the queue.
    Placed(Option<QueuePlace>),
    /// Tell the desk where the shopper wants to be answered.
    ContactLeft { email: String },
    /// Tell the shop's webhook.
    Announce(Announcement),
}

/// The durable state of one conversation (its messages are stored beside it, by `seq`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    id: ConversationId,
    shop: ShopId,
    page: PageContext,
    status: Status,
    assignee: Option<Assignee>,
    /// Whether the assignee has written publicly since they got the conversation.
    assignee_replied: bool,
    /// The `seq` the next stored message gets; sequence numbers start at 1.
    next_seq: u64,
    /// The current (or last) service cycle; `None` until the shopper first writes.
    cycle: Option<Cycle>,
    shopper_read: u64,
    agent_read: u64,
    place: Option<QueuePlace>,
    #[serde(default)]
    contact_email: Option<String>,
    #[serde(default)]
    user: Option<VerifiedUser>,
    #[serde(default)]
    shopper: Option<ShopperDetails>,
    #[serde(default)]
    locale: Option<Locale>,
    /// The browser the conversation was started in.
    #[serde(default)]
    device: Option<DeviceId>,
    /// System lines stored so far. A conversation stored before the cap counts from zero.
    #[serde(default)]
    system_lines: u32,
    /// Whether the shop has a webhook, as the desk last said: without one, nothing depends on
    /// hearing of each message (`message.created`), and the desk is not told of them. A
    /// conversation stored before this was kept announces every message, as it did.
    #[serde(default = "announces_by_default")]
    shop_has_webhook: bool,
}

/// What a conversation that was never told assumes: that the shop has a webhook, so no
/// announcement is missed while it does not know.
fn announces_by_default() -> bool {
    true
}

impl Conversation {
    pub fn new(id: ConversationId, shop: ShopId, page: PageContext) -> Self {
        Self {
            id,
            shop,
            page,
            status: Status::New,
            assignee: None,
            assignee_replied: false,
            next_seq: 1,
            cycle: None,
            shopper_read: 0,
            agent_read: 0,
            place: None,
            contact_email: None,
            user: None,
            shopper: None,
            locale: None,
            device: None,
            system_lines: 0,
            shop_has_webhook: announces_by_default(),
        }
    }

    /// Binds the conversation to the shop's verified user.
    pub fn with_user(mut self, user: Option<VerifiedUser>) -> Self {
        self.user = user;
        self
    }

    /// Keeps what the shopper gave in the shop's pre-chat fields (checked by
    /// [`crate::pre_chat::PreChatFields::accept`]).
    pub fn with_shopper(mut self, shopper: Option<ShopperDetails>) -> Self {
        self.shopper = shopper;
        self
    }

    /// Keeps the language the widget speaks to the shopper.
    pub fn with_locale(mut self, locale: Option<Locale>) -> Self {
        self.locale = locale;
        self
    }

    /// Keeps the browser the conversation was started in.
    pub fn with_device(mut self, device: Option<DeviceId>) -> Self {
        self.device = device;
        self
    }

    /// Says whether the shop has a webhook as the conversation starts (the Worker read the
    /// shop's settings to open it); [`Input::WebhookSet`] keeps it up to date.
    pub fn with_webhook(mut self, shop_has_webhook: bool) -> Self {
        self.shop_has_webhook = shop_has_webhook;
        self
    }

    /// Whether the shop has a webhook, as the conversation last heard.
    pub fn shop_has_webhook(&self) -> bool {
        self.shop_has_webhook
    }

    pub fn device(&self) -> Option<&DeviceId> {
        self.device.as_ref()
    }

    /// The agent who has the conversation, or had it last.
    pub fn assignee(&self) -> Option<&Assignee> {
        self.assignee.as_ref()
    }

    pub fn id(&self) -> &ConversationId {
        &self.id
    }

    pub fn shop(&self) -> &ShopId {
        &self.shop
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// The highest `seq` stored so far (0 before the first message).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn view(&self) -> ConversationView {
        ConversationView {
            id: self.id.clone(),
            status: self.status,
            assignee_name: self.assignee.as_ref().map(|a| a.name.clone()),
            waiting_since: self.cycle.as_ref().map(|cycle| cycle.started_at),
            first_response_millis: self.cycle.as_ref().and_then(Cycle::first_response).map(|span| span.millis()),
            page: self.page.clone(),
            shopper_read: self.shopper_read,
            agent_read: self.agent_read,
            place: self.place,
            contact_email: self.contact_email.clone(),
            user: self.user.clone(),
            shopper: self.shopper.clone(),
            rating: self.cycle.as_ref().and_then(Cycle::rating).cloned(),
            locale: self.locale,
        }
    }

    /// Applies one input at time `now`. On error nothing changed.
    pub fn handle(&mut self, now: UnixMillis, input: Input) -> Result<Vec<Effect>, ConversationError> {
        match input {
            Input::ShopperWrote { client_id, .. } | Input::AgentWrote { client_id, .. } if client_id.is_system() => {
                Err(ConversationError::ReservedId)
            }
            Input::ShopperWrote { client_id, text } => self.shopper_wrote(now, client_id, text),
            Input::AgentWrote { agent, name, client_id, text, internal } => {
                self.agent_wrote(now, agent, name, client_id, text, internal)
            }
            Input::Assigned(assignee) => Ok(self.assigned(now, assignee)),
            Input::Unassigned => Ok(self.unassigned(now)),
            Input::Resolved { by } => self.resolved(now, by),
            Input::Read { by, seq } => Ok(self.read(by, seq)),
            Input::Placed(place) => Ok(self.placed(place)),
            Input::ContactLeft { email } => self.contact_left(now, &email),
            Input::Rated { score, comment } => self.rated(now, score, comment.as_deref()),
            Input::PageChanged(page) => self.page_changed(page),
            Input::WebhookSet(set) => {
                self.shop_has_webhook = set;
                Ok(Vec::new())
            }
        }
    }

    fn shopper_wrote(
        &mut self,
        now: UnixMillis,
        client_id: ClientMessageId,
        text: String,
    ) -> Result<Vec<Effect>, ConversationError> {
        let text = validation::message_text(&text)?;
        let preview = text.chars().take(PREVIEW_CHARS).collect();
        let message = self.append(now, client_id, Author::Shopper, None, text, false);
        let mut effects = vec![Effect::Store(message.clone())];
        if self.status == Status::New {
            effects.push(self.announce(WebhookEvent::ConversationCreated, "created".to_owned(), None));
        }
        // A message that starts a cycle is always announced: the desk hears of the new cycle
        // anyway, and decides by the shop's settings as they are then, so a webhook set while
        // the conversation was closed (and could not be told) misses nothing.
        let starts_cycle = !matches!(self.status, Status::Waiting | Status::Assigned);
        if self.shop_has_webhook || starts_cycle {
            let key = format!("message-{}", message.seq);
            effects.push(self.announce(WebhookEvent::MessageCreated, key, Some(message)));
        }
        match (self.status, self.cycle.as_mut()) {
            (Status::Waiting | Status::Assigned, Some(cycle)) => cycle.on_shopper_message(now),
            _ => {
                // A new cycle: the first message, or a reopen after resolution.
                let number = self.cycle.as_ref().map_or(1, |cycle| cycle.number + 1);
                self.cycle = Some(Cycle::start(number, now));
                self.status = Status::Waiting;
                self.assignee = None;
                self.assignee_replied = false;
                effects.push(Effect::EnterQueue { waiting_since: now, preview });
                effects.push(Effect::Changed);
            }
        }
        Ok(effects)
    }

    fn agent_wrote(
        &mut self,
        now: UnixMillis,
        agent: AgentId,
        name: String,
        client_id: ClientMessageId,
        text: String,
        internal: bool,
    ) -> Result<Vec<Effect>, ConversationError> {
        let text = validation::message_text(&text)?;
        if internal {
            return Ok(vec![Effect::Store(self.append(now, client_id, Author::Agent, Some(name), text, true))]);
        }
        let is_assignee = self.status == Status::Assigned && self.assignee.as_ref().is_some_and(|a| a.agent == agent);
        if !is_assignee {
            return Err(ConversationError::NotAssignee);
        }
        let message = self.append(now, client_id, Author::Agent, Some(name), text, false);
        let key = format!("message-{}", message.seq);
        let mut effects = vec![Effect::Store(message.clone())];
        if self.shop_has_webhook {
            effects.push(self.announce(WebhookEvent::MessageCreated, key, Some(message)));
        }
        if !self.assignee_replied {
            self.assignee_replied = true;
            effects.push(Effect::Replied { agent: agent.clone() });
        }
        if let Some(measurement) = self.cycle.as_mut().and_then(|cycle| cycle.on_agent_reply(&agent, now)) {
            let first = matches!(measurement, Measurement::FirstResponse { .. });
            effects.push(Effect::Record(measurement));
            if first {
                effects.push(Effect::Changed);
            }
        }
        Ok(effects)
    }

    fn assigned(&mut self, now: UnixMillis, assignee: Assignee) -> Vec<Effect> {
        let open = matches!(self.status, Status::Waiting | Status::Assigned);
        if !open || self.assignee.as_ref() == Some(&assignee) {
            return Vec::new();
        }
        let line = format!("{} joined the conversation", assignee.name);
        self.status = Status::Assigned;
        self.assignee = Some(assignee);
        self.assignee_replied = false;
        self.place = None;
        if let Some(cycle) = self.cycle.as_mut() {
            cycle.on_assigned(now);
        }
        self.with_system_line(now, line, vec![Effect::Placed(None), Effect::Changed])
    }

    fn unassigned(&mut self, now: UnixMillis) -> Vec<Effect> {
        if self.status != Status::Assigned {
            return Vec::new();
        }
        self.status = Status::Waiting;
        self.assignee = None;
        self.assignee_replied = false;
        let line = "We're finding you another agent; you keep your place in line.".to_owned();
        self.with_system_line(now, line, vec![Effect::Changed])
    }

    fn resolved(&mut self, now: UnixMillis, by: Assignee) -> Result<Vec<Effect>, ConversationError> {
        let cycle = match (self.status, self.cycle.as_ref()) {
            (Status::Waiting | Status::Assigned, Some(cycle)) => cycle,
            _ => return Err(ConversationError::NotOpen),
        };
        let measurement = cycle.resolve(self.assignee.as_ref().map(|a| a.agent.clone()), now);
        let key = format!("resolved-{}", cycle.number);
        self.status = Status::Resolved;
        self.place = None;
        let line = format!("{} closed the conversation", by.name);
        let announcement = self.announce(WebhookEvent::ConversationResolved, key, None);
        Ok(self.with_system_line(
            now,
            line,
            vec![Effect::Record(measurement), Effect::LeaveQueue, Effect::Changed, announcement],
        ))
    }

    fn read(&mut self, by: Author, seq: u64) -> Vec<Effect> {
        let seq = seq.min(self.last_seq());
        let mark = match by {
            Author::Shopper => &mut self.shopper_read,
            Author::Agent => &mut self.agent_read,
            Author::System => return Vec::new(),
        };
        if seq <= *mark {
            return Vec::new();
        }
        *mark = seq;
        vec![Effect::ReadUpTo { author: by, seq }]
    }

    fn placed(&mut self, place: Option<QueuePlace>) -> Vec<Effect> {
        if self.status != Status::Waiting || self.place == place {
            return Vec::new();
        }
        self.place = place;
        vec![Effect::Placed(place)]
    }

    fn contact_left(&mut self, now: UnixMillis, email: &str) -> Result<Vec<Effect>, ConversationError> {
        let email = validation::email_address(email)?;
        if !matches!(self.status, Status::Waiting | Status::Assigned) {
            return Err(ConversationError::NotOpen);
        }
        if self.contact_email.as_deref() == Some(email.as_str()) {
            return Ok(Vec::new());
        }
        self.contact_email = Some(email.clone());
        let line = format!("Thanks! If you leave, we'll answer at {email}.");
        Ok(self.with_system_line(now, line, vec![Effect::ContactLeft { email }, Effect::Changed]))
    }

    fn rated(&mut self, now: UnixMillis, score: u8, comment: Option<&str>) -> Result<Vec<Effect>, ConversationError> {
        let rating = Rating::given(score, comment, now)?;
        let cycle = match (self.status, self.cycle.as_mut()) {
            (Status::Resolved, Some(cycle)) => cycle,
            _ => return Err(ConversationError::NotResolved),
        };
        match cycle.rating() {
            Some(given) if given.says_the_same(&rating) => return Ok(Vec::new()),
            Some(_) => return Err(ConversationError::AlreadyRated),
            None => {}
        }
        let key = format!("rated-{}", cycle.number);
        let measurement = cycle.rate(rating);
        Ok(vec![
            Effect::Record(measurement),
            Effect::Changed,
            self.announce(WebhookEvent::ConversationRated, key, None),
        ])
    }

    /// The shopper's page as it is now; the same page again changes nothing. Refused context
    /// leaves the page as it was.
    fn page_changed(&mut self, page: PageContext) -> Result<Vec<Effect>, ConversationError> {
        let page = validation::page_context(page)?;
        if page == self.page {
            return Ok(Vec::new());
        }
        self.page = page;
        Ok(vec![Effect::Changed])
    }

    /// An announcement keyed by this conversation and `what`, so the key is the same however
    /// often it is handed on.
    fn announce(&self, event: WebhookEvent, what: String, message: Option<Message>) -> Effect {
        Effect::Announce(Announcement { event, key: format!("{}-{what}", self.id), message })
    }

    /// `effects`, preceded by storing the system line `text` at `now` unless the conversation
    /// already holds [`MAX_SYSTEM_LINES`].
    fn with_system_line(&mut self, now: UnixMillis, text: String, mut effects: Vec<Effect>) -> Vec<Effect> {
        if self.system_lines < MAX_SYSTEM_LINES {
            self.system_lines += 1;
            let client_id = ClientMessageId::system(self.next_seq);
            effects.insert(0, Effect::Store(self.append(now, client_id, Author::System, None, text, false)));
        }
        effects
    }

    fn append(
        &mut self,
        now: UnixMillis,
        client_id: ClientMessageId,
        author: Author,
        sender: Option<String>,
        text: String,
        internal: bool,
    ) -> Message {
        let seq = self.next_seq;
        self.next_seq += 1;
        Message { seq, client_id, author, sender, text, at: now, internal }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::{Resolution, Span};
    use crate::error::{RatingError, TextError};

    /// A fake clock: seconds since the scenario began.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_700_000_000_000 + seconds * 1000)
    }

    fn agent(email: &str) -> AgentId {
        AgentId::parse(email).expect("valid email")
    }

    fn ana() -> Assignee {
        Assignee { agent: agent("ana@demo.test"), name: "Ana".into() }
    }

    fn bo() -> Assignee {
        Assignee { agent: agent("bo@demo.test"), name: "Bo".into() }
    }

    fn shopper(n: u32, text: &str) -> Input {
        Input::ShopperWrote {
            client_id: ClientMessageId::parse(&format!("s{n}")).expect("valid id"),
            text: text.into(),
        }
    }

    fn write(by: &Assignee, n: u32, text: &str, internal: bool) -> Input {
        Input::AgentWrote {
            agent: by.agent.clone(),
            name: by.name.clone(),
            client_id: ClientMessageId::parse(&format!("{}{n}", by.name)).expect("valid id"),
            text: text.into(),
            internal,
        }
    }

    fn reply(by: &Assignee, n: u32) -> Input {
        write(by, n, "an answer", false)
    }

    fn note(by: &Assignee, n: u32) -> Input {
        write(by, n, "a note for colleagues", true)
    }

    fn assign(to: &Assignee) -> Input {
        Input::Assigned(to.clone())
    }

    fn resolve(by: &Assignee) -> Input {
        Input::Resolved { by: by.clone() }
    }

    fn fresh() -> Conversation {
        Conversation::new(
            ConversationId::parse("0123456789abcdef0123456789abcdef").expect("valid id"),
            ShopId::parse("demo").expect("valid shop"),
            PageContext::default(),
        )
    }

    /// Runs a script of (second, input) and returns the conversation plus every outcome.
    fn run(script: Vec<(u64, Input)>) -> (Conversation, Vec<Result<Vec<Effect>, ConversationError>>) {
        let mut conversation = fresh();
        let outcomes = script.into_iter().map(|(second, input)| conversation.handle(at(second), input)).collect();
        (conversation, outcomes)
    }

    /// Every measurement the script recorded, in order.
    fn measurements(outcomes: &[Result<Vec<Effect>, ConversationError>]) -> Vec<Measurement> {
        outcomes
            .iter()
            .flatten()
            .flatten()
            .filter_map(|effect| match effect {
                Effect::Record(measurement) => Some(measurement.clone()),
                _ => None,
            })
            .collect()
    }

    fn first(cycle: u32, by: &Assignee, from: u64, to: u64) -> Measurement {
        Measurement::FirstResponse { cycle, span: Span { agent: by.agent.clone(), from: at(from), to: at(to) } }
    }

    fn next(cycle: u32, by: &Assignee, from: u64, to: u64) -> Measurement {
        Measurement::NextResponse { cycle, span: Span { agent: by.agent.clone(), from: at(from), to: at(to) } }
    }

    fn resolution(cycle: u32, by: Option<&Assignee>, started: u64, assigned: Option<u64>, to: u64) -> Measurement {
        Measurement::Resolution {
            cycle,
            resolution: Resolution {
                agent: by.map(|a| a.agent.clone()),
                started_at: at(started),
                assigned_at: assigned.map(at),
                resolved_at: at(to),
            },
        }
    }

    #[test]
    fn lifecycle_and_what_it_measures() {
        struct Case {
            name: &'static str,
            script: Vec<(u64, Input)>,
            status: Status,
            frt_seconds: Option<u64>,
            measured: Vec<Measurement>,
        }
        let cases = vec![
            Case { name: "created only", script: vec![], status: Status::New, frt_seconds: None, measured: vec![] },
            Case {
                name: "shopper waits",
                script: vec![(0, shopper(1, "hi"))],
                status: Status::Waiting,
                frt_seconds: None,
                measured: vec![],
            },
            Case {
                name: "a join line and an internal note do not stop the clock",
                script: vec![(0, shopper(1, "hi")), (30, assign(&ana())), (40, note(&ana(), 1))],
                status: Status::Assigned,
                frt_seconds: None,
                measured: vec![],
            },
            Case {
                name: "the first public reply stops the clock, measured from the first shopper message",
                script: vec![
                    (5, shopper(1, "hi")),
                    (20, shopper(2, "anyone?")),
                    (30, assign(&ana())),
                    (47, reply(&ana(), 1)),
                ],
                status: Status::Assigned,
                frt_seconds: Some(42),
                measured: vec![first(1, &ana(), 5, 47)],
            },
            Case {
                name: "next responses: from the shopper's first unanswered message to the next reply",
                script: vec![
                    (0, shopper(1, "hi")),
                    (1, assign(&ana())),
                    (10, reply(&ana(), 1)),
                    (20, shopper(2, "and returns?")),
                    (25, shopper(3, "hello?")),
                    (50, reply(&ana(), 2)),
                    (60, reply(&ana(), 3)),
                ],
                status: Status::Assigned,
                frt_seconds: Some(10),
                measured: vec![first(1, &ana(), 0, 10), next(1, &ana(), 20, 50)],
            },
            Case {
                name: "a transfer keeps the clock and credits whoever answers",
                script: vec![(0, shopper(1, "hi")), (5, assign(&ana())), (20, assign(&bo())), (33, reply(&bo(), 1))],
                status: Status::Assigned,
                frt_seconds: Some(33),
                measured: vec![first(1, &bo(), 0, 33)],
            },
            Case {
                name: "the former assignee cannot answer after a transfer",
                script: vec![(0, shopper(1, "hi")), (5, assign(&ana())), (20, assign(&bo())), (33, reply(&ana(), 1))],
                status: Status::Assigned,
                frt_seconds: None,
                measured: vec![],
            },
            Case {
                name: "re-routing keeps the clock running",
                script: vec![
                    (0, shopper(1, "hi")),
                    (5, assign(&ana())),
                    (185, Input::Unassigned),
                    (190, assign(&bo())),
                    (200, reply(&bo(), 1)),
                ],
                status: Status::Assigned,
                frt_seconds: Some(200),
                measured: vec![first(1, &bo(), 0, 200)],
            },
            Case {
                name: "resolution and handle time",
                script: vec![
                    (0, shopper(1, "hi")),
                    (10, assign(&ana())),
                    (20, reply(&ana(), 1)),
                    (100, resolve(&ana())),
                ],
                status: Status::Resolved,
                frt_seconds: Some(20),
                measured: vec![first(1, &ana(), 0, 20), resolution(1, Some(&ana()), 0, Some(10), 100)],
            },
            Case {
                name: "a reopen starts a new cycle measured from the reopening message",
                script: vec![
                    (0, shopper(1, "hi")),
                    (10, assign(&ana())),
                    (20, reply(&ana(), 1)),
                    (100, resolve(&ana())),
                    (1000, shopper(2, "one more thing")),
                    (1010, assign(&bo())),
                    (1060, reply(&bo(), 1)),
                ],
                status: Status::Assigned,
                frt_seconds: Some(60),
                measured: vec![
                    first(1, &ana(), 0, 20),
                    resolution(1, Some(&ana()), 0, Some(10), 100),
                    first(2, &bo(), 1000, 1060),
                ],
            },
            Case {
                name: "a waiting conversation can be resolved unanswered",
                script: vec![(0, shopper(1, "hi")), (50, resolve(&ana()))],
                status: Status::Resolved,
                frt_seconds: None,
                measured: vec![resolution(1, None, 0, None, 50)],
            },
            Case {
                name: "nobody can answer an unassigned chat",
                script: vec![(0, shopper(1, "hi")), (3, reply(&ana(), 1))],
                status: Status::Waiting,
                frt_seconds: None,
                measured: vec![],
            },
            Case {
                name: "empty messages are refused and change nothing",
                script: vec![(0, shopper(1, "   "))],
                status: Status::New,
                frt_seconds: None,
                measured: vec![],
            },
        ];
        for case in cases {
            let (conversation, outcomes) = run(case.script);
            let view = conversation.view();
            assert_eq!(view.status, case.status, "{}", case.name);
            assert_eq!(view.first_response_millis, case.frt_seconds.map(|s| s * 1000), "{}", case.name);
            assert_eq!(measurements(&outcomes), case.measured, "{}", case.name);
        }
    }

    #[test]
    fn entering_the_queue_happens_once_per_cycle() {
        let (_, outcomes) = run(vec![
            (0, shopper(1, "where is my order?")),
            (5, shopper(2, "hello?")),
            (9, resolve(&ana())),
            (20, shopper(3, "back again")),
        ]);
        let entries: Vec<(usize, UnixMillis, String)> = outcomes
            .iter()
            .enumerate()
            .flat_map(|(n, outcome)| outcome.iter().flatten().map(move |effect| (n, effect)))
            .filter_map(|(n, effect)| match effect {
                Effect::EnterQueue { waiting_since, preview } => Some((n, *waiting_since, preview.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(entries, vec![(0, at(0), "where is my order?".into()), (3, at(20), "back again".into())]);
        let left = outcomes[2].as_ref().expect("resolved");
        assert!(left.contains(&Effect::LeaveQueue));
    }

    #[test]
    fn the_desk_hears_once_when_the_assignee_first_answers() {
        let (_, outcomes) = run(vec![
            (0, shopper(1, "hi")),
            (1, assign(&ana())),
            (2, reply(&ana(), 1)),
            (3, reply(&ana(), 2)),
            (4, assign(&bo())),
            (5, reply(&bo(), 1)),
        ]);
        let replied: Vec<AgentId> = measurements_of(&outcomes, |effect| match effect {
            Effect::Replied { agent } => Some(agent.clone()),
            _ => None,
        });
        assert_eq!(replied, vec![ana().agent, bo().agent]);
    }

    fn measurements_of<T>(
        outcomes: &[Result<Vec<Effect>, ConversationError>],
        pick: impl Fn(&Effect) -> Option<T>,
    ) -> Vec<T> {
        outcomes.iter().flatten().flatten().filter_map(pick).collect()
    }

    #[test]
    fn notes_are_stored_internal_and_replies_carry_the_agents_name() {
        let (_, outcomes) =
            run(vec![(0, shopper(1, "hi")), (1, note(&bo(), 1)), (2, assign(&ana())), (8, reply(&ana(), 1))]);
        let stored: Vec<(Author, Option<String>, bool)> = measurements_of(&outcomes, |effect| match effect {
            Effect::Store(m) => Some((m.author, m.sender.clone(), m.internal)),
            _ => None,
        });
        assert_eq!(
            stored,
            vec![
                (Author::Shopper, None, false),
                (Author::Agent, Some("Bo".into()), true),
                (Author::System, None, false),
                (Author::Agent, Some("Ana".into()), false),
            ]
        );
    }

    #[test]
    fn refusals_name_their_reason_and_change_nothing() {
        let (conversation, outcomes) = run(vec![
            (0, shopper(1, &"x".repeat(validation::MAX_MESSAGE_CHARS + 1))),
            (1, resolve(&ana())),
            (2, shopper(2, "ok")),
            (3, reply(&ana(), 1)),
        ]);
        assert!(matches!(outcomes[0], Err(ConversationError::Text(TextError::TooLong { .. }))));
        assert_eq!(outcomes[1], Err(ConversationError::NotOpen));
        assert!(outcomes[2].is_ok());
        assert_eq!(outcomes[3], Err(ConversationError::NotAssignee));
        assert_eq!(conversation.last_seq(), 1);
        let mut conversation = fresh();
        let squatter =
            Input::ShopperWrote { client_id: ClientMessageId::parse("system-2").expect("valid id"), text: "hi".into() };
        assert_eq!(conversation.handle(at(0), squatter), Err(ConversationError::ReservedId));
    }

    #[test]
    fn assigning_the_same_agent_twice_writes_one_join_line() {
        let (conversation, outcomes) = run(vec![(0, shopper(1, "hi")), (1, assign(&ana())), (2, assign(&ana()))]);
        assert_eq!(outcomes[2], Ok(Vec::new()));
        assert_eq!(conversation.last_seq(), 2);
    }

    #[test]
    fn read_marks_only_move_forward_and_stay_within_the_conversation() {
        let (conversation, outcomes) = run(vec![
            (0, shopper(1, "one")),
            (1, shopper(2, "two")),
            (2, Input::Read { by: Author::Agent, seq: 2 }),
            (3, Input::Read { by: Author::Agent, seq: 1 }),
            (4, Input::Read { by: Author::Shopper, seq: 99 }),
        ]);
        assert_eq!(outcomes[2], Ok(vec![Effect::ReadUpTo { author: Author::Agent, seq: 2 }]));
        assert_eq!(outcomes[3], Ok(Vec::new()));
        assert_eq!(outcomes[4], Ok(vec![Effect::ReadUpTo { author: Author::Shopper, seq: 2 }]));
        assert_eq!((conversation.view().agent_read, conversation.view().shopper_read), (2, 2));
    }

    #[test]
    fn a_contact_address_is_checked_kept_and_passed_to_the_desk() {
        let contact = |email: &str| Input::ContactLeft { email: email.into() };
        let (conversation, outcomes) = run(vec![
            (0, contact("ana@shop.example")),
            (1, shopper(1, "hi")),
            (2, contact("not an address")),
            (3, contact(" Ana@Shop.Example ")),
            (4, contact("ana@shop.example")),
        ]);
        assert_eq!(outcomes[0], Err(ConversationError::NotOpen), "nothing to answer yet");
        assert!(matches!(outcomes[2], Err(ConversationError::Email(_))));
        let told = outcomes[3].as_ref().expect("accepted");
        assert!(told.contains(&Effect::ContactLeft { email: "ana@shop.example".into() }));
        assert_eq!(outcomes[4], Ok(Vec::new()), "the same address again changes nothing");
        assert_eq!(conversation.view().contact_email.as_deref(), Some("ana@shop.example"));
    }

    #[test]
    fn webhooks_hear_of_creation_public_messages_resolution_and_rating_with_stable_keys() {
        let (_, outcomes) = run(vec![
            (0, shopper(1, "hi")),
            (1, assign(&ana())),
            (2, note(&ana(), 1)),
            (3, reply(&ana(), 1)),
            (4, resolve(&ana())),
            (5, rate(5, None)),
            (6, shopper(2, "again")),
        ]);
        let announced: Vec<(WebhookEvent, String)> = measurements_of(&outcomes, |effect| match effect {
            Effect::Announce(a) => {
                Some((a.event, a.key.trim_start_matches("0123456789abcdef0123456789abcdef-").to_owned()))
            }
            _ => None,
        });
        assert_eq!(
            announced,
            vec![
                (WebhookEvent::ConversationCreated, "created".to_owned()),
                (WebhookEvent::MessageCreated, "message-1".to_owned()),
                (WebhookEvent::MessageCreated, "message-4".to_owned()),
                (WebhookEvent::ConversationResolved, "resolved-1".to_owned()),
                (WebhookEvent::ConversationRated, "rated-1".to_owned()),
                (WebhookEvent::MessageCreated, "message-6".to_owned()),
            ],
            "notes and system lines are not announced; a reopen is not a new conversation"
        );
    }

    #[test]
    fn messages_are_announced_while_the_shop_has_a_webhook_and_always_when_they_start_a_cycle() {
        struct Case {
            what: &'static str,
            webhook: bool,
            script: Vec<(u64, Input)>,
            announced: Vec<&'static str>,
        }
        let cases = vec![
            Case {
                what: "with a webhook, every public message",
                webhook: true,
                script: vec![(0, shopper(1, "hi")), (1, assign(&ana())), (2, reply(&ana(), 1)), (3, shopper(2, "ok"))],
                announced: vec!["hi", "an answer", "ok"],
            },
            Case {
                what: "without one, only the message that starts the cycle",
                webhook: false,
                script: vec![(0, shopper(1, "hi")), (1, assign(&ana())), (2, reply(&ana(), 1)), (3, shopper(2, "ok"))],
                announced: vec!["hi"],
            },
            Case {
                what: "a webhook set meanwhile hears what follows",
                webhook: false,
                script: vec![
                    (0, shopper(1, "hi")),
                    (1, assign(&ana())),
                    (2, Input::WebhookSet(true)),
                    (3, reply(&ana(), 1)),
                    (4, shopper(2, "ok")),
                ],
                announced: vec!["hi", "an answer", "ok"],
            },
            Case {
                what: "a webhook removed meanwhile hears nothing more",
                webhook: true,
                script: vec![(0, shopper(1, "hi")), (1, Input::WebhookSet(false)), (2, shopper(2, "ok"))],
                announced: vec!["hi"],
            },
            Case {
                what: "without one, a reopen is announced, as it starts a cycle",
                webhook: false,
                script: vec![
                    (0, shopper(1, "hi")),
                    (1, assign(&ana())),
                    (2, resolve(&ana())),
                    (3, shopper(2, "again")),
                    (4, shopper(3, "hello?")),
                ],
                announced: vec!["hi", "again"],
            },
        ];
        for case in cases {
            let mut conversation = fresh().with_webhook(case.webhook);
            let mut announced = Vec::new();
            for (second, input) in case.script {
                for effect in conversation.handle(at(second), input).expect("accepted") {
                    if let Effect::Announce(Announcement { event: WebhookEvent::MessageCreated, message, .. }) = effect
                    {
                        announced.push(message.map(|message| message.text).unwrap_or_default());
                    }
                }
            }
            assert_eq!(announced, case.announced, "{}", case.what);
        }
    }

    #[test]
    fn a_conversation_stored_before_it_knew_of_webhooks_announces_every_message() {
        let mut json = serde_json::to_value(fresh().with_webhook(false)).expect("serializes");
        json.as_object_mut().expect("an object").remove("shop_has_webhook");
        let mut stored: Conversation = serde_json::from_value(json).expect("parses");
        stored.handle(at(0), shopper(1, "hi")).expect("accepted");
        let effects = stored.handle(at(1), shopper(2, "still there?")).expect("accepted");
        assert!(effects.iter().any(|effect| matches!(effect, Effect::Announce(_))), "{effects:?}");
    }

    /// Each effect's kind, for cases that name what an input did without its details.
    fn kinds(effects: &[Effect]) -> Vec<&'static str> {
        effects
            .iter()
            .map(|effect| match effect {
                Effect::Store(_) => "store",
                Effect::EnterQueue { .. } => "enter_queue",
                Effect::Replied { .. } => "replied",
                Effect::Record(_) => "record",
                Effect::LeaveQueue => "leave_queue",
                Effect::Changed => "changed",
                Effect::ReadUpTo { .. } => "read_up_to",
                Effect::Placed(_) => "placed",
                Effect::ContactLeft { .. } => "contact_left",
                Effect::Announce(_) => "announce",
            })
            .collect()
    }

    fn rate(score: u8, comment: Option<&str>) -> Input {
        Input::Rated { score, comment: comment.map(str::to_owned) }
    }

    /// A cycle answered and resolved by Ana, from second 0 to 100.
    fn resolved_cycle() -> Vec<(u64, Input)> {
        vec![(0, shopper(1, "hi")), (10, assign(&ana())), (20, reply(&ana(), 1)), (100, resolve(&ana()))]
    }

    #[test]
    fn only_a_resolved_cycle_is_rated_and_only_once() {
        struct Case {
            name: &'static str,
            script: Vec<(u64, Input)>,
            /// The outcome of the script's last input: its effects' kinds, or its refusal.
            last: Result<Vec<&'static str>, ConversationError>,
            /// The rating the view shows afterwards: score, comment, second given.
            shown: Option<(u8, Option<&'static str>, u64)>,
            /// The ratings recorded for the shop's metrics: cycle, score.
            recorded: Vec<(u32, u8)>,
        }
        let then = |extra: Vec<(u64, Input)>| resolved_cycle().into_iter().chain(extra).collect::<Vec<_>>();
        let rated = vec!["record", "changed", "announce"];
        let cases = vec![
            Case {
                name: "a new conversation",
                script: vec![(0, rate(5, None))],
                last: Err(ConversationError::NotResolved),
                shown: None,
                recorded: vec![],
            },
            Case {
                name: "a waiting conversation",
                script: vec![(0, shopper(1, "hi")), (5, rate(5, None))],
                last: Err(ConversationError::NotResolved),
                shown: None,
                recorded: vec![],
            },
            Case {
                name: "an assigned conversation",
                script: vec![(0, shopper(1, "hi")), (5, assign(&ana())), (9, rate(4, None))],
                last: Err(ConversationError::NotResolved),
                shown: None,
                recorded: vec![],
            },
            Case {
                name: "a resolved conversation keeps the rating with its cycle, comment trimmed",
                script: then(vec![(200, rate(4, Some("  Quick and kind ")))]),
                last: Ok(rated.clone()),
                shown: Some((4, Some("Quick and kind"), 200)),
                recorded: vec![(1, 4)],
            },
            Case {
                name: "a score out of range is refused and changes nothing",
                script: then(vec![(200, rate(6, None))]),
                last: Err(ConversationError::Rating(RatingError::Score { min: 1, max: 5 })),
                shown: None,
                recorded: vec![],
            },
            Case {
                name: "a comment too long is refused",
                script: then(vec![(200, rate(3, Some(&"x".repeat(crate::rating::MAX_COMMENT_CHARS + 1))))]),
                last: Err(ConversationError::Rating(RatingError::CommentTooLong {
                    chars: crate::rating::MAX_COMMENT_CHARS + 1,
                    limit: crate::rating::MAX_COMMENT_CHARS,
                })),
                shown: None,
                recorded: vec![],
            },
            Case {
                name: "the same rating again changes nothing",
                script: then(vec![(200, rate(2, Some("slow"))), (300, rate(2, Some("slow ")))]),
                last: Ok(vec![]),
                shown: Some((2, Some("slow"), 200)),
                recorded: vec![(1, 2)],
            },
            Case {
                name: "another rating of the same cycle is refused",
                script: then(vec![(200, rate(2, None)), (300, rate(5, None))]),
                last: Err(ConversationError::AlreadyRated),
                shown: Some((2, None, 200)),
                recorded: vec![(1, 2)],
            },
            Case {
                name: "a reopen starts a cycle without a rating",
                script: then(vec![(200, rate(2, None)), (1000, shopper(2, "one more thing"))]),
                last: Ok(vec!["store", "announce", "enter_queue", "changed"]),
                shown: None,
                recorded: vec![(1, 2)],
            },
            Case {
                name: "the next cycle is rated on its own once resolved",
                script: then(vec![
                    (200, rate(2, None)),
                    (1000, shopper(2, "one more thing")),
                    (1010, rate(5, None)),
                    (1100, resolve(&ana())),
                    (1200, rate(5, None)),
                ]),
                last: Ok(rated.clone()),
                shown: Some((5, None, 1200)),
                recorded: vec![(1, 2), (2, 5)],
            },
        ];
        for case in cases {
            let (conversation, outcomes) = run(case.script);
            let last = outcomes.last().cloned().expect("a script").map(|effects| kinds(&effects));
            assert_eq!(last, case.last, "{}", case.name);
            let shown = conversation.view().rating.map(|r| (r.score, r.comment, r.at));
            let expected = case.shown.map(|(score, comment, second)| (score, comment.map(str::to_owned), at(second)));
            assert_eq!(shown, expected, "{}", case.name);
            let recorded: Vec<(u32, u8)> = measurements(&outcomes)
                .into_iter()
                .filter_map(|measurement| match measurement {
                    Measurement::Rating { cycle, rating } => Some((cycle, rating.score)),
                    _ => None,
                })
                .collect();
            assert_eq!(recorded, case.recorded, "{}", case.name);
        }
    }

    #[test]
    fn pre_chat_details_are_kept_and_shown() {
        let details = ShopperDetails { name: Some("Kata".into()), email: Some("kata@example.com".into()) };
        let conversation = fresh().with_shopper(Some(details.clone()));
        let view = conversation.view();
        assert_eq!(view.shopper, Some(details));
        assert_eq!(view.shopper_name(), Some("Kata"));
        let json = serde_json::to_string(&conversation).expect("serializes");
        assert_eq!(serde_json::from_str::<Conversation>(&json).expect("parses"), conversation);
    }

    #[test]
    fn state_survives_serialization() {
        let (conversation, _) = run(vec![(0, shopper(1, "hi")), (1, assign(&ana())), (2, reply(&ana(), 1))]);
        let json = serde_json::to_string(&conversation).expect("serializes");
        assert_eq!(serde_json::from_str::<Conversation>(&json).expect("parses"), conversation);
    }

    #[test]
    fn a_page_change_is_kept_and_shown_once_and_a_refused_one_changes_nothing() {
        let page = |url: &str| PageContext { url: url.into(), title: "Shoes".into(), ..PageContext::default() };
        let mut too_many = page("https://s.test/b");
        too_many.custom = (0..=validation::MAX_CUSTOM_VALUES).map(|n| (format!("k{n}"), "v".to_owned())).collect();
        type Outcome = Result<Vec<Effect>, ConversationError>;
        let cases: Vec<(Input, Outcome, &str)> = vec![
            (Input::PageChanged(page("https://s.test/a")), Ok(vec![Effect::Changed]), "https://s.test/a"),
            (Input::PageChanged(page(" https://s.test/a ")), Ok(vec![]), "https://s.test/a"),
            (
                Input::PageChanged(too_many),
                Err(ConversationError::Context(crate::error::ContextError::TooManyValues {
                    count: validation::MAX_CUSTOM_VALUES + 1,
                    max: validation::MAX_CUSTOM_VALUES,
                })),
                "https://s.test/a",
            ),
            (Input::PageChanged(page("https://s.test/b")), Ok(vec![Effect::Changed]), "https://s.test/b"),
        ];
        let mut conversation = fresh();
        for (input, expected, url) in cases {
            assert_eq!(conversation.handle(at(1), input.clone()), expected, "{input:?}");
            assert_eq!(conversation.view().page.url, url, "{input:?}");
        }
    }

    /// A shopper's message, then `count` contact addresses alternating between two, one a second.
    fn alternating_contacts(count: u64) -> Vec<(u64, Input)> {
        let address = |n: u64| if n % 2 == 1 { "a@shop.example" } else { "b@shop.example" };
        let contacts = (1..=count).map(|n| (n, Input::ContactLeft { email: address(n).into() }));
        std::iter::once((0, shopper(1, "hi"))).chain(contacts).collect()
    }

    #[test]
    fn system_lines_stop_at_the_cap_while_inputs_still_change_the_conversation() {
        struct Case {
            name: &'static str,
            script: Vec<(u64, Input)>,
            /// System lines stored by the whole script.
            lines: u32,
            /// The kinds of the last input's effects.
            last: Vec<&'static str>,
            status: Status,
            contact: &'static str,
        }
        let cap = u64::from(MAX_SYSTEM_LINES);
        let then = |count: u64, rest: Vec<Input>| {
            let mut script = alternating_contacts(count);
            script.extend(rest.into_iter().map(|input| (1000, input)));
            script
        };
        let cases = vec![
            Case {
                name: "alternating two addresses 200 times stores the cap's lines and keeps the last address",
                script: alternating_contacts(200),
                lines: MAX_SYSTEM_LINES,
                last: vec!["contact_left", "changed"],
                status: Status::Waiting,
                contact: "b@shop.example",
            },
            Case {
                name: "under the cap every line is stored",
                script: then(3, vec![assign(&ana())]),
                lines: 4,
                last: vec!["store", "placed", "changed"],
                status: Status::Assigned,
                contact: "a@shop.example",
            },
            Case {
                name: "the last line under the cap is stored",
                script: then(cap - 1, vec![assign(&ana())]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["store", "placed", "changed"],
                status: Status::Assigned,
                contact: "a@shop.example",
            },
            Case {
                name: "past the cap a join assigns without a line",
                script: then(cap, vec![assign(&ana())]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["placed", "changed"],
                status: Status::Assigned,
                contact: "b@shop.example",
            },
            Case {
                name: "past the cap a re-route puts the chat back without a line",
                script: then(cap, vec![assign(&ana()), Input::Unassigned]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["changed"],
                status: Status::Waiting,
                contact: "b@shop.example",
            },
            Case {
                name: "past the cap a close resolves, measures and announces without a line",
                script: then(cap, vec![resolve(&ana())]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["record", "leave_queue", "changed", "announce"],
                status: Status::Resolved,
                contact: "b@shop.example",
            },
            Case {
                name: "past the cap a new address is kept and passed on without a line",
                script: then(cap, vec![Input::ContactLeft { email: "c@shop.example".into() }]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["contact_left", "changed"],
                status: Status::Waiting,
                contact: "c@shop.example",
            },
            Case {
                name: "messages are no system lines: stored past the cap",
                script: then(cap, vec![assign(&ana()), shopper(2, "still there?"), reply(&ana(), 1)]),
                lines: MAX_SYSTEM_LINES,
                last: vec!["store", "announce", "replied", "record", "changed"],
                status: Status::Assigned,
                contact: "b@shop.example",
            },
        ];
        for case in cases {
            let (conversation, outcomes) = run(case.script);
            let effects: Vec<&Effect> =
                outcomes.iter().flat_map(|outcome| outcome.as_ref().expect("accepted")).collect();
            let lines = effects
                .iter()
                .filter(|effect| matches!(effect, Effect::Store(m) if m.author == Author::System))
                .count();
            assert_eq!(lines, case.lines as usize, "{}", case.name);
            let last = outcomes.last().expect("a script").as_ref().expect("accepted");
            assert_eq!(kinds(last), case.last, "{}", case.name);
            let view = conversation.view();
            assert_eq!(
                (view.status, view.contact_email.as_deref()),
                (case.status, Some(case.contact)),
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn the_count_of_system_lines_is_stored_with_the_conversation() {
        let (capped, _) = run(alternating_contacts(u64::from(MAX_SYSTEM_LINES)));
        let json = serde_json::to_string(&capped).expect("serializes");
        let mut restored: Conversation = serde_json::from_str(&json).expect("parses");
        assert_eq!(restored.handle(at(1000), assign(&ana())), Ok(vec![Effect::Placed(None), Effect::Changed]));
        let stored_before_the_cap = json.replace(&format!(",\"system_lines\":{MAX_SYSTEM_LINES}"), "");
        assert_ne!(stored_before_the_cap, json);
        let mut restored: Conversation = serde_json::from_str(&stored_before_the_cap).expect("parses");
        let effects = restored.handle(at(1000), assign(&ana())).expect("accepted");
        assert_eq!(kinds(&effects), vec!["store", "placed", "changed"], "counted from zero");
    }
}

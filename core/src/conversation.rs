//! One conversation's lifecycle as a state machine: `handle(now, input) -> effects`.
//!
//! new ──shopper writes──▶ waiting ──agent assigned──▶ assigned
//!
//! The edge's conversation Durable Object persists this struct after every accepted input and
//! carries out the returned [`Effect`]s in order.

use crate::error::ConversationError;
use crate::first_response::{FirstResponse, FirstResponseClock};
use crate::ids::{AgentId, ClientMessageId, ConversationId, ShopId};
use crate::message::{Author, Message};
use crate::protocol::{ConversationView, PageContext, Status};
use crate::time::UnixMillis;
use crate::validation;
use serde::{Deserialize, Serialize};

/// How many characters of the shopper's first message the queue shows.
pub const PREVIEW_CHARS: usize = 140;

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
    AgentWrote {
        agent: AgentId,
        client_id: ClientMessageId,
        text: String,
    },
    /// The shop's desk gave the conversation to this agent.
    Assigned(Assignee),
}

/// What the edge must do after an accepted input, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store the message durably, then deliver it to everyone connected.
    Store(Message),
    /// Put the conversation in the shop's queue.
    EnterQueue { waiting_since: UnixMillis, preview: String },
    /// Record a measured first response in the shop's metrics.
    RecordFirstResponse(FirstResponse),
    /// The conversation's view changed: tell everyone connected.
    Changed,
}

/// The durable state of one conversation (its messages are stored beside it, by `seq`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    id: ConversationId,
    shop: ShopId,
    page: PageContext,
    status: Status,
    assignee: Option<Assignee>,
    /// The `seq` the next stored message gets; sequence numbers start at 1.
    next_seq: u64,
    first_response: FirstResponseClock,
}

impl Conversation {
    pub fn new(id: ConversationId, shop: ShopId, page: PageContext) -> Self {
        Self {
            id,
            shop,
            page,
            status: Status::New,
            assignee: None,
            next_seq: 1,
            first_response: FirstResponseClock::default(),
        }
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
            waiting_since: self.first_response.started_at(),
            first_response_millis: self.first_response.response().map(|r| r.millis),
            page: self.page.clone(),
        }
    }

    /// Applies one input at time `now`. On error nothing changed.
    pub fn handle(&mut self, now: UnixMillis, input: Input) -> Result<Vec<Effect>, ConversationError> {
        match input {
            Input::ShopperWrote { client_id, .. } | Input::AgentWrote { client_id, .. } if client_id.is_system() => {
                Err(ConversationError::ReservedId)
            }
            Input::ShopperWrote { client_id, text } => {
                let text = validation::message_text(&text)?;
                let mut effects = Vec::with_capacity(3);
                if self.status == Status::New {
                    self.status = Status::Waiting;
                    self.first_response.start(now);
                    effects.push(Effect::EnterQueue {
                        waiting_since: now,
                        preview: text.chars().take(PREVIEW_CHARS).collect(),
                    });
                    effects.push(Effect::Changed);
                }
                effects.insert(0, Effect::Store(self.append(now, client_id, Author::Shopper, None, text)));
                Ok(effects)
            }
            Input::AgentWrote { agent, client_id, text } => {
                let text = validation::message_text(&text)?;
                let name = match &self.assignee {
                    Some(assignee) if assignee.agent == agent => assignee.name.clone(),
                    _ => return Err(ConversationError::NotAssignee),
                };
                let mut effects = vec![Effect::Store(self.append(now, client_id, Author::Agent, Some(name), text))];
                if let Some(response) = self.first_response.on_agent_message(&agent, now) {
                    effects.push(Effect::RecordFirstResponse(response));
                    effects.push(Effect::Changed);
                }
                Ok(effects)
            }
            Input::Assigned(assignee) => {
                if self.assignee.as_ref() == Some(&assignee) {
                    return Ok(Vec::new());
                }
                let line = format!("{} joined the conversation", assignee.name);
                let client_id =
                    ClientMessageId::parse(&format!("system-{}", self.next_seq)).map_err(ConversationError::Id)?;
                self.status = Status::Assigned;
                self.assignee = Some(assignee);
                Ok(vec![Effect::Store(self.append(now, client_id, Author::System, None, line)), Effect::Changed])
            }
        }
    }

    fn append(
        &mut self,
        now: UnixMillis,
        client_id: ClientMessageId,
        author: Author,
        sender: Option<String>,
        text: String,
    ) -> Message {
        let seq = self.next_seq;
        self.next_seq += 1;
        Message { seq, client_id, author, sender, text, at: now }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TextError;

    /// A fake clock: seconds since the scenario began.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_700_000_000_000 + seconds * 1000)
    }

    fn agent(email: &str) -> AgentId {
        AgentId::parse(email).expect("valid email")
    }

    fn shopper(n: u32, text: &str) -> Input {
        Input::ShopperWrote {
            client_id: ClientMessageId::parse(&format!("s{n}")).expect("valid id"),
            text: text.into(),
        }
    }

    fn reply(email: &str, n: u32, text: &str) -> Input {
        Input::AgentWrote {
            agent: agent(email),
            client_id: ClientMessageId::parse(&format!("a{n}")).expect("valid id"),
            text: text.into(),
        }
    }

    fn assign(email: &str, name: &str) -> Input {
        Input::Assigned(Assignee { agent: agent(email), name: name.into() })
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

    #[test]
    fn lifecycle_and_first_response_time() {
        struct Case {
            name: &'static str,
            script: Vec<(u64, Input)>,
            status: Status,
            frt_seconds: Option<u64>,
            last_seq: u64,
        }
        let cases = vec![
            Case { name: "created only", script: vec![], status: Status::New, frt_seconds: None, last_seq: 0 },
            Case {
                name: "shopper waits",
                script: vec![(0, shopper(1, "hi"))],
                status: Status::Waiting,
                frt_seconds: None,
                last_seq: 1,
            },
            Case {
                name: "join line does not stop the clock",
                script: vec![(0, shopper(1, "hi")), (30, assign("a@demo.test", "Ana"))],
                status: Status::Assigned,
                frt_seconds: None,
                last_seq: 2,
            },
            Case {
                name: "first agent reply stops the clock from the first shopper message",
                script: vec![
                    (5, shopper(1, "hi")),
                    (20, shopper(2, "anyone?")),
                    (30, assign("a@demo.test", "Ana")),
                    (47, reply("a@demo.test", 1, "hello!")),
                ],
                status: Status::Assigned,
                frt_seconds: Some(42),
                last_seq: 4,
            },
            Case {
                name: "later replies do not move it",
                script: vec![
                    (0, shopper(1, "hi")),
                    (1, assign("a@demo.test", "Ana")),
                    (10, reply("a@demo.test", 1, "one")),
                    (99, reply("a@demo.test", 2, "two")),
                ],
                status: Status::Assigned,
                frt_seconds: Some(10),
                last_seq: 4,
            },
            Case {
                name: "an agent who is not the assignee cannot answer",
                script: vec![
                    (0, shopper(1, "hi")),
                    (1, assign("a@demo.test", "Ana")),
                    (2, reply("b@demo.test", 1, "me too")),
                ],
                status: Status::Assigned,
                frt_seconds: None,
                last_seq: 2,
            },
            Case {
                name: "nobody can answer an unassigned chat",
                script: vec![(0, shopper(1, "hi")), (3, reply("a@demo.test", 1, "hey"))],
                status: Status::Waiting,
                frt_seconds: None,
                last_seq: 1,
            },
            Case {
                name: "empty messages are refused and change nothing",
                script: vec![(0, shopper(1, "   "))],
                status: Status::New,
                frt_seconds: None,
                last_seq: 0,
            },
        ];
        for case in cases {
            let (conversation, _) = run(case.script);
            let view = conversation.view();
            assert_eq!(view.status, case.status, "{}", case.name);
            assert_eq!(view.first_response_millis, case.frt_seconds.map(|s| s * 1000), "{}", case.name);
            assert_eq!(conversation.last_seq(), case.last_seq, "{}", case.name);
        }
    }

    #[test]
    fn first_shopper_message_enters_the_queue_once() {
        let (_, outcomes) = run(vec![(0, shopper(1, "where is my order?")), (5, shopper(2, "hello?"))]);
        let first = outcomes[0].as_ref().expect("accepted");
        assert!(matches!(&first[0], Effect::Store(m) if m.seq == 1 && m.author == Author::Shopper));
        assert!(first.contains(&Effect::EnterQueue { waiting_since: at(0), preview: "where is my order?".into() }));
        let second = outcomes[1].as_ref().expect("accepted");
        assert!(!second.iter().any(|e| matches!(e, Effect::EnterQueue { .. })));
    }

    #[test]
    fn first_response_is_credited_to_the_replying_agent() {
        let (_, outcomes) =
            run(vec![(0, shopper(1, "hi")), (1, assign("a@demo.test", "Ana")), (8, reply("a@demo.test", 1, "hello"))]);
        let effects = outcomes[2].as_ref().expect("accepted");
        assert!(
            effects.contains(&Effect::RecordFirstResponse(FirstResponse { agent: agent("a@demo.test"), millis: 8000 }))
        );
        let Effect::Store(message) = &effects[0] else { panic!("first effect stores the reply") };
        assert_eq!(message.sender.as_deref(), Some("Ana"));
    }

    #[test]
    fn refusals_name_their_reason() {
        let (_, outcomes) = run(vec![
            (0, shopper(1, &"x".repeat(validation::MAX_MESSAGE_CHARS + 1))),
            (1, shopper(2, "ok")),
            (2, reply("a@demo.test", 1, "hi")),
        ]);
        assert!(matches!(outcomes[0], Err(ConversationError::Text(TextError::TooLong { .. }))));
        let mut conversation = fresh();
        let squatter =
            Input::ShopperWrote { client_id: ClientMessageId::parse("system-2").expect("valid id"), text: "hi".into() };
        assert_eq!(conversation.handle(at(0), squatter), Err(ConversationError::ReservedId));
        assert!(outcomes[1].is_ok());
        assert_eq!(outcomes[2], Err(ConversationError::NotAssignee));
    }

    #[test]
    fn assigning_the_same_agent_twice_writes_one_join_line() {
        let (conversation, outcomes) =
            run(vec![(0, shopper(1, "hi")), (1, assign("a@demo.test", "Ana")), (2, assign("a@demo.test", "Ana"))]);
        assert_eq!(outcomes[2], Ok(Vec::new()));
        assert_eq!(conversation.last_seq(), 2);
    }

    #[test]
    fn state_survives_serialization() {
        let (conversation, _) = run(vec![(0, shopper(1, "hi")), (1, assign("a@demo.test", "Ana"))]);
        let json = serde_json::to_string(&conversation).expect("serializes");
        assert_eq!(serde_json::from_str::<Conversation>(&json).expect("parses"), conversation);
    }
}

//! A shop's queue of open conversations and the rule for claiming one.

use crate::error::QueueError;
use crate::ids::{AgentId, ConversationId};
use crate::protocol::{QueueItem, Status};

/// The open conversations of one shop, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopQueue {
    items: Vec<QueueItem>,
}

impl ShopQueue {
    /// Builds the queue from stored items in any order.
    pub fn from_items(mut items: Vec<QueueItem>) -> Self {
        items.sort_by(|a, b| {
            a.waiting_since.cmp(&b.waiting_since).then_with(|| a.conversation_id.cmp(&b.conversation_id))
        });
        Self { items }
    }

    pub fn items(&self) -> &[QueueItem] {
        &self.items
    }

    /// Adds a conversation that started waiting. Entering twice (a retried notification)
    /// keeps the first entry and returns `None`; otherwise returns the item to store.
    pub fn enter(&mut self, item: QueueItem) -> Option<&QueueItem> {
        if self.items.iter().any(|i| i.conversation_id == item.conversation_id) {
            return None;
        }
        let at = self.items.partition_point(|i| i.waiting_since <= item.waiting_since);
        self.items.insert(at, item);
        self.items.get(at)
    }

    /// Gives a waiting conversation to `agent`. The first claim wins; the same agent claiming
    /// again is harmless. Returns the updated item to store.
    pub fn claim(&mut self, conversation: &ConversationId, agent: &AgentId) -> Result<&QueueItem, QueueError> {
        let item = self.items.iter_mut().find(|i| &i.conversation_id == conversation).ok_or(QueueError::NotQueued)?;
        match &item.assignee {
            Some(owner) if owner != agent => Err(QueueError::AlreadyClaimed { by: owner.to_string() }),
            _ => {
                item.status = Status::Assigned;
                item.assignee = Some(agent.clone());
                Ok(item)
            }
        }
    }

    /// The 1-based place of a waiting conversation among the waiting ones.
    pub fn position(&self, conversation: &ConversationId) -> Option<usize> {
        self.items
            .iter()
            .filter(|i| i.status == Status::Waiting)
            .position(|i| &i.conversation_id == conversation)
            .map(|p| p + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PageContext;
    use crate::time::UnixMillis;

    fn id(n: u8) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("valid id")
    }

    fn agent(email: &str) -> AgentId {
        AgentId::parse(email).expect("valid email")
    }

    fn waiting(n: u8, second: u64) -> QueueItem {
        QueueItem {
            conversation_id: id(n),
            status: Status::Waiting,
            waiting_since: UnixMillis(second * 1000),
            preview: format!("question {n}"),
            page: PageContext::default(),
            assignee: None,
        }
    }

    #[test]
    fn items_are_oldest_first_and_entering_is_idempotent() {
        let mut queue = ShopQueue::from_items(vec![waiting(2, 20), waiting(1, 10)]);
        assert!(queue.enter(waiting(3, 15)).is_some());
        assert!(queue.enter(waiting(3, 99)).is_none());
        let order: Vec<_> = queue.items().iter().map(|i| i.conversation_id.clone()).collect();
        assert_eq!(order, vec![id(1), id(3), id(2)]);
        assert_eq!(queue.position(&id(2)), Some(3));
    }

    #[test]
    fn claims() {
        struct Case {
            name: &'static str,
            claims: Vec<(u8, &'static str)>,
            last: Result<&'static str, QueueError>,
        }
        let cases = vec![
            Case { name: "first claim wins", claims: vec![(1, "a@demo.test")], last: Ok("a@demo.test") },
            Case {
                name: "same agent again is fine",
                claims: vec![(1, "a@demo.test"), (1, "a@demo.test")],
                last: Ok("a@demo.test"),
            },
            Case {
                name: "second agent is refused",
                claims: vec![(1, "a@demo.test"), (1, "b@demo.test")],
                last: Err(QueueError::AlreadyClaimed { by: "a@demo.test".into() }),
            },
            Case { name: "unknown conversation", claims: vec![(9, "a@demo.test")], last: Err(QueueError::NotQueued) },
        ];
        for case in cases {
            let mut queue = ShopQueue::from_items(vec![waiting(1, 1), waiting(2, 2)]);
            let mut last = Err(QueueError::NotQueued);
            for (n, email) in &case.claims {
                last = queue
                    .claim(&id(*n), &agent(email))
                    .map(|item| item.assignee.as_ref().map(|a| a.to_string()).unwrap_or_default());
            }
            assert_eq!(last, case.last.map(String::from), "{}", case.name);
        }
        let mut queue = ShopQueue::from_items(vec![waiting(1, 1), waiting(2, 2)]);
        queue.claim(&id(1), &agent("a@demo.test")).expect("claimable");
        assert_eq!(queue.position(&id(2)), Some(1), "claimed chats leave the waiting line");
    }
}

//! The queue as consoles follow it over the desk socket: the whole queue once (`queue`), then
//! numbered changes (`queue_changed`). [`QueueDelta`] gathers what one desk event changed, on
//! the edge; [`QueueCopy`] is a console's copy, which applies changes in order and notices a
//! missed one, so that it can ask for the whole queue again (`resync`).

use crate::desk::queue_order;
use crate::ids::ConversationId;
use crate::protocol::{AgentSeat, DeskServerFrame, QueueItem};
use crate::time::UnixMillis;
use std::collections::BTreeMap;

/// The items one desk event changed, each as it is last: changed (`Some`) or gone (`None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueDelta {
    changed: BTreeMap<ConversationId, Option<QueueItem>>,
}

impl QueueDelta {
    /// The item is new or changed; a later change of the same item replaces this one.
    pub fn upsert(&mut self, item: QueueItem) {
        self.changed.insert(item.conversation_id.clone(), Some(item));
    }

    /// The item left the queue.
    pub fn remove(&mut self, conversation_id: ConversationId) {
        self.changed.insert(conversation_id, None);
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }

    /// The items changed, each as it is last.
    pub fn upserts(&self) -> impl Iterator<Item = &QueueItem> {
        self.changed.values().flatten()
    }

    /// The items gone.
    pub fn removed(&self) -> impl Iterator<Item = &ConversationId> {
        self.changed.iter().filter(|(_, item)| item.is_none()).map(|(id, _)| id)
    }

    /// The items changed and those gone.
    pub fn split(self) -> (Vec<QueueItem>, Vec<ConversationId>) {
        let mut upserts = Vec::new();
        let mut removed = Vec::new();
        for (conversation_id, item) in self.changed {
            match item {
                Some(item) => upserts.push(item),
                None => removed.push(conversation_id),
            }
        }
        (upserts, removed)
    }
}

/// What a console holds of the shop's desk, kept up to date from the desk socket's frames.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCopy {
    /// Open conversations, oldest first (the desk's order).
    pub items: Vec<QueueItem>,
    pub agents: Vec<AgentSeat>,
    pub frt_target_seconds: u64,
    /// The edge's clock as it sent the latest frame.
    pub edge_now: UnixMillis,
    /// The epoch and number of the last change applied; `None` until a whole queue came, or
    /// while one is awaited after a missed change.
    last: Option<(String, u64)>,
}

/// What following one frame did to a [`QueueCopy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed {
    /// The copy changed.
    Changed,
    /// A change was missed: the copy is stale until a whole queue comes; ask for one.
    Missed,
    /// Nothing to do: not a queue frame, or a change while a whole queue is awaited.
    Ignored,
}

impl QueueCopy {
    /// Whether a whole queue has come (and no change was missed since).
    pub fn is_current(&self) -> bool {
        self.last.is_some()
    }

    /// Applies a desk frame.
    pub fn follow(&mut self, frame: DeskServerFrame) -> Followed {
        match frame {
            DeskServerFrame::Queue { items, agents, frt_target_seconds, now, epoch, seq } => {
                *self = QueueCopy { items, agents, frt_target_seconds, edge_now: now, last: Some((epoch, seq)) };
                Followed::Changed
            }
            DeskServerFrame::QueueChanged { epoch, seq, upserts, removed, agents, frt_target_seconds, now } => {
                let Some((last_epoch, last_seq)) = &self.last else { return Followed::Ignored };
                if *last_epoch != epoch || last_seq.checked_add(1) != Some(seq) {
                    self.last = None;
                    return Followed::Missed;
                }
                self.last = Some((epoch, seq));
                for conversation_id in removed {
                    self.items.retain(|item| item.conversation_id != conversation_id);
                }
                for item in upserts {
                    self.items.retain(|kept| kept.conversation_id != item.conversation_id);
                    let at = self.items.partition_point(|kept| queue_order(kept) < queue_order(&item));
                    self.items.insert(at, item);
                }
                if let Some(agents) = agents {
                    self.agents = agents;
                }
                if let Some(target) = frt_target_seconds {
                    self.frt_target_seconds = target;
                }
                self.edge_now = now;
                Followed::Changed
            }
            DeskServerFrame::Claimed { .. } | DeskServerFrame::Error { .. } => Followed::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{PageContext, Status};

    fn id(n: u8) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("valid id")
    }

    fn item(n: u8, since: u64, status: Status) -> QueueItem {
        let waiting = QueueItem::waiting(id(n), UnixMillis(since), format!("question {n}"), PageContext::default());
        QueueItem { status, ..waiting }
    }

    fn whole(items: Vec<QueueItem>, epoch: &str, seq: u64) -> DeskServerFrame {
        DeskServerFrame::Queue {
            items,
            agents: Vec::new(),
            frt_target_seconds: 120,
            now: UnixMillis(1),
            epoch: epoch.into(),
            seq,
        }
    }

    fn change(epoch: &str, seq: u64, upserts: Vec<QueueItem>, removed: Vec<u8>) -> DeskServerFrame {
        DeskServerFrame::QueueChanged {
            epoch: epoch.into(),
            seq,
            upserts,
            removed: removed.into_iter().map(id).collect(),
            agents: None,
            frt_target_seconds: Some(60),
            now: UnixMillis(2),
        }
    }

    #[test]
    fn a_copy_follows_numbered_changes_and_notices_a_missed_one() {
        struct Case {
            name: &'static str,
            frames: Vec<DeskServerFrame>,
            followed: Vec<Followed>,
            /// The copy's items afterwards (number, status), and whether it is current.
            items: Vec<(u8, Status)>,
            current: bool,
        }
        let start = || whole(vec![item(1, 10, Status::Waiting), item(3, 30, Status::Waiting)], "a", 7);
        let cases = vec![
            Case {
                name: "a change before any whole queue waits for it",
                frames: vec![change("a", 8, vec![item(2, 20, Status::Waiting)], vec![]), start()],
                followed: vec![Followed::Ignored, Followed::Changed],
                items: vec![(1, Status::Waiting), (3, Status::Waiting)],
                current: true,
            },
            Case {
                name: "changes in order: a new item goes to its place, a changed one is replaced, a gone one leaves",
                frames: vec![
                    start(),
                    change("a", 8, vec![item(2, 20, Status::Waiting)], vec![]),
                    change("a", 9, vec![item(1, 10, Status::Assigned)], vec![3]),
                ],
                followed: vec![Followed::Changed; 3],
                items: vec![(1, Status::Assigned), (2, Status::Waiting)],
                current: true,
            },
            Case {
                name: "a skipped number is a missed change, and later changes wait for a whole queue",
                frames: vec![
                    start(),
                    change("a", 9, vec![item(2, 20, Status::Waiting)], vec![]),
                    change("a", 10, vec![], vec![1]),
                    whole(vec![item(2, 20, Status::Waiting)], "a", 10),
                    change("a", 11, vec![], vec![2]),
                ],
                followed: vec![
                    Followed::Changed,
                    Followed::Missed,
                    Followed::Ignored,
                    Followed::Changed,
                    Followed::Changed,
                ],
                items: vec![],
                current: true,
            },
            Case {
                name: "another epoch (the desk restarted) is a missed change",
                frames: vec![start(), change("b", 8, vec![], vec![1])],
                followed: vec![Followed::Changed, Followed::Missed],
                items: vec![(1, Status::Waiting), (3, Status::Waiting)],
                current: false,
            },
        ];
        for case in cases {
            let mut copy = QueueCopy::default();
            let followed: Vec<Followed> = case.frames.into_iter().map(|frame| copy.follow(frame)).collect();
            assert_eq!(followed, case.followed, "{}", case.name);
            let items: Vec<(u8, Status)> = copy
                .items
                .iter()
                .filter_map(|item| Some(((0..=255u8).find(|n| id(*n) == item.conversation_id)?, item.status)))
                .collect();
            assert_eq!(items, case.items, "{}", case.name);
            assert_eq!(copy.is_current(), case.current, "{}", case.name);
        }
    }

    #[test]
    fn a_delta_keeps_each_item_as_it_is_last() {
        let mut delta = QueueDelta::default();
        assert!(delta.is_empty());
        delta.upsert(item(1, 10, Status::Waiting));
        delta.upsert(item(1, 10, Status::Assigned));
        delta.upsert(item(2, 20, Status::Waiting));
        delta.remove(id(2));
        delta.remove(id(3));
        assert_eq!(delta.upserts().collect::<Vec<_>>(), vec![&item(1, 10, Status::Assigned)]);
        assert_eq!(delta.removed().collect::<Vec<_>>(), vec![&id(2), &id(3)]);
        let (upserts, removed) = delta.split();
        assert_eq!(upserts, vec![item(1, 10, Status::Assigned)]);
        assert_eq!(removed, vec![id(2), id(3)]);
    }
}

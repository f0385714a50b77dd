//! The conversations export, `GET /api/shops/{shop}/exports/conversations.csv`: what the shop's
//! desk knows of each conversation cycle in a window, one row each, for a spreadsheet.
//!
//! The desk keeps no transcript (the rooms do); it knows, per cycle, its ledger of measurements
//! (`first response`, `resolution`, `rating`, kept as long as a report's window reaches) and, for
//! the conversations open now, their queue items. So a row is:
//!
//! - `conversation_id`, `cycle` (1 for the first, 2 after a reopen, …; empty for a cycle that
//!   has recorded nothing yet);
//! - `started_at`: when the shopper started waiting (the first response's or the resolution's
//!   start, or the queue's `waiting_since`);
//! - `first_response_at`, `first_response_seconds` and `agent`, who answered first (or, not
//!   answered yet, the assignee);
//! - `resolved_at`, `resolved_by`, `rating` (1 to 5);
//! - `status`: `resolved`, `waiting` or `assigned` (in the queue now), or `closed` (out of the
//!   queue without a resolution recorded: erased from the queue, say).
//!
//! A cycle is in the window if something of it was recorded in it, or, still waiting for its
//! first response, it started waiting in it. Times are ISO 8601 UTC. Rows come oldest start
//! first. Nothing is written that the desk does not store: no shopper names or messages.

use crate::csv::{self, Cell};
use crate::ids::{AgentId, ConversationId};
use crate::metrics::seconds;
use crate::protocol::{QueueItem, Status};
use crate::time::UnixMillis;
use crate::utc_date;
use std::collections::BTreeSet;

/// What the desk's ledger holds of one cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleLedger {
    pub conversation_id: ConversationId,
    pub cycle: u32,
    pub first_response_at: Option<UnixMillis>,
    pub first_response_millis: Option<u64>,
    pub first_response_agent: Option<AgentId>,
    pub resolved_at: Option<UnixMillis>,
    pub resolution_millis: Option<u64>,
    pub resolved_by: Option<AgentId>,
    pub rating: Option<u8>,
}

const COLUMNS: [&str; 10] = [
    "conversation_id",
    "cycle",
    "started_at",
    "first_response_at",
    "first_response_seconds",
    "agent",
    "resolved_at",
    "resolved_by",
    "rating",
    "status",
];

/// One row before it is written.
struct Row<'a> {
    conversation_id: &'a ConversationId,
    cycle: Option<u32>,
    started_at: Option<UnixMillis>,
    first_response_at: Option<UnixMillis>,
    first_response_millis: Option<u64>,
    agent: Option<&'a AgentId>,
    resolved_at: Option<UnixMillis>,
    resolved_by: Option<&'a AgentId>,
    rating: Option<u8>,
    status: &'static str,
}

impl Row<'_> {
    fn csv(&self) -> String {
        let when = |at: Option<UnixMillis>| at.map_or(Cell::Empty, |at| Cell::Plain(utc_date::date_time(at)));

        csv::row(&[
            Cell::Text(self.conversation_id.as_str()),
            Cell::number(self.cycle),
            when(self.started_at),
            when(self.first_response_at),
            Cell::number(self.first_response_millis.map(|millis| seconds(millis as f64))),
            who(self.agent),
            when(self.resolved_at),
            who(self.resolved_by),
            Cell::number(self.rating),
            Cell::Text(self.status),
        ])
    }
}

/// An agent's e-mail, or an empty cell.
fn who<'a>(agent: Option<&'a AgentId>) -> Cell<'a> {
    agent.map_or(Cell::Empty, |agent| Cell::Text(agent.as_str()))
}

/// What a conversation in the queue is now.
fn queue_status(item: &QueueItem) -> &'static str {
    match item.status {
        Status::Waiting | Status::New => "waiting",
        Status::Assigned => "assigned",
        Status::Resolved => "resolved",
    }
}

/// The export of the `cycles` the ledger recorded in `[from, to)` and of the `queue` now.
pub fn conversations_csv(cycles: &[CycleLedger], queue: &[QueueItem], from: UnixMillis, to: UnixMillis) -> String {
    let in_queue = |id: &ConversationId| queue.iter().find(|item| &item.conversation_id == id);
    let mut rows: Vec<Row> = cycles
        .iter()
        .map(|cycle| {
            let conversation_id = &cycle.conversation_id;
            let started_at = match (cycle.first_response_at, cycle.first_response_millis) {
                (Some(at), Some(millis)) => Some(UnixMillis(at.0.saturating_sub(millis))),
                _ => cycle
                    .resolved_at
                    .zip(cycle.resolution_millis)
                    .map(|(at, millis)| UnixMillis(at.0.saturating_sub(millis))),
            };
            // An unresolved cycle of a conversation in the queue is its current one.
            let now = in_queue(conversation_id).filter(|_| cycle.resolved_at.is_none());
            let status = match (cycle.resolved_at, now) {
                (Some(_), _) => "resolved",
                (None, Some(item)) => queue_status(item),
                (None, None) => "closed",
            };
            Row {
                conversation_id,
                cycle: Some(cycle.cycle),
                started_at,
                first_response_at: cycle.first_response_at,
                first_response_millis: cycle.first_response_millis,
                agent: cycle.first_response_agent.as_ref().or(now.and_then(|item| item.assignee.as_ref())),
                resolved_at: cycle.resolved_at,
                resolved_by: cycle.resolved_by.as_ref(),
                rating: cycle.rating,
                status,
            }
        })
        .collect();
    // Conversations in the queue whose current cycle recorded nothing yet: not answered.
    let recorded: BTreeSet<&ConversationId> =
        rows.iter().filter(|row| row.resolved_at.is_none()).map(|row| row.conversation_id).collect();
    rows.extend(
        queue
            .iter()
            .filter(|item| !recorded.contains(&item.conversation_id))
            .filter(|item| from <= item.waiting_since && item.waiting_since < to)
            .map(|item| Row {
                conversation_id: &item.conversation_id,
                cycle: None,
                started_at: Some(item.waiting_since),
                first_response_at: None,
                first_response_millis: None,
                agent: item.assignee.as_ref(),
                resolved_at: None,
                resolved_by: None,
                rating: None,
                status: queue_status(item),
            }),
    );
    rows.sort_by(|a, b| (a.started_at, a.conversation_id, a.cycle).cmp(&(b.started_at, b.conversation_id, b.cycle)));
    std::iter::once(csv::header(&COLUMNS)).chain(rows.iter().map(Row::csv)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PageContext;

    /// A fake clock: seconds after 2024-01-01T00:00:00Z.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_704_067_200_000 + seconds * 1000)
    }

    fn id(n: u64) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("valid id")
    }

    fn agent(name: &str) -> AgentId {
        AgentId::parse(&format!("{name}@demo.test")).expect("valid email")
    }

    /// A cycle that recorded nothing yet; tests fill in what it did.
    fn recorded(n: u64, cycle: u32) -> CycleLedger {
        CycleLedger {
            conversation_id: id(n),
            cycle,
            first_response_at: None,
            first_response_millis: None,
            first_response_agent: None,
            resolved_at: None,
            resolution_millis: None,
            resolved_by: None,
            rating: None,
        }
    }

    fn queued(n: u64, status: Status, since: u64, assignee: Option<&str>) -> QueueItem {
        let item = QueueItem::waiting(id(n), at(since), "=cmd|' /C calc'!A0".into(), PageContext::default());
        QueueItem { status, assignee: assignee.map(agent), ..item }
    }

    #[test]
    fn each_cycle_and_each_unanswered_conversation_once() {
        let cycles = vec![
            // Answered in 5.8 s by Ana, resolved by Bo, rated 5.
            CycleLedger {
                conversation_id: id(1),
                cycle: 1,
                first_response_at: Some(UnixMillis(at(100).0 + 5800)),
                first_response_millis: Some(5800),
                first_response_agent: Some(agent("ana")),
                resolved_at: Some(at(700)),
                resolution_millis: Some(600_000),
                resolved_by: Some(agent("bo")),
                rating: Some(5),
            },
            // Its second cycle, answered and still open.
            CycleLedger {
                first_response_at: Some(at(1000)),
                first_response_millis: Some(100_000),
                first_response_agent: Some(agent("ana")),
                ..recorded(1, 2)
            },
            // Resolved without an answer, from the queue.
            CycleLedger { resolved_at: Some(at(500)), resolution_millis: Some(450_000), ..recorded(2, 1) },
            // Answered, then no longer in the queue, without a resolution recorded.
            CycleLedger {
                first_response_at: Some(at(60)),
                first_response_millis: Some(30_000),
                first_response_agent: Some(agent("bo")),
                ..recorded(3, 1)
            },
        ];
        let queue = vec![
            queued(1, Status::Assigned, 900, Some("ana")),
            queued(4, Status::Waiting, 1100, None),
            queued(5, Status::Assigned, 1200, Some("bo")),
            queued(6, Status::Waiting, 5000, None), // started after the window
        ];
        let csv = conversations_csv(&cycles, &queue, at(0), at(3600));
        let expected = [
            "conversation_id,cycle,started_at,first_response_at,first_response_seconds,agent,resolved_at,resolved_by,rating,status",
            &format!("{},1,2024-01-01T00:00:30Z,2024-01-01T00:01:00Z,30,bo@demo.test,,,,closed", id(3)),
            &format!("{},1,2024-01-01T00:00:50Z,,,,2024-01-01T00:08:20Z,,,resolved", id(2)),
            &format!(
                "{},1,2024-01-01T00:01:40Z,2024-01-01T00:01:45Z,5.8,ana@demo.test,2024-01-01T00:11:40Z,bo@demo.test,5,resolved",
                id(1)
            ),
            &format!("{},2,2024-01-01T00:15:00Z,2024-01-01T00:16:40Z,100,ana@demo.test,,,,assigned", id(1)),
            &format!("{},,2024-01-01T00:18:20Z,,,,,,,waiting", id(4)),
            &format!("{},,2024-01-01T00:20:00Z,,,bo@demo.test,,,,assigned", id(5)),
            "",
        ]
        .join("\r\n");
        assert_eq!(csv, expected);
        assert!(!csv.contains("calc"), "no shopper text is exported");
    }

    #[test]
    fn nothing_in_the_window_is_a_header() {
        assert_eq!(conversations_csv(&[], &[], at(0), at(1)).lines().count(), 1);
    }
}

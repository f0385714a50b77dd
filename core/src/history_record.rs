//! What a conversation tells its shop's history after a change, and how the records of a burst
//! of changes become one.
//!
//! A change of the conversation itself (it started, was assigned, resolved or rated: what lists
//! show and notes hang on) is sent at once. A record that only brings new messages waits
//! [`FEED_DELAY_MILLIS`] in the conversation's outbox, and the changes made meanwhile are merged
//! into it ([`HistoryRecord::merged`]), a change of the conversation sending it at once. So a
//! shopper typing ten messages in a few seconds costs the history one call, not ten, and no
//! message's path to its ack carries a call to the history. History is for looking back: a
//! second's delay for a message's words costs nobody anything.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, DeviceId};
use crate::message::Message;
use crate::protocol::ConversationView;
use crate::time::UnixMillis;

/// How long a record waits for more changes of its conversation before it is sent.
pub const FEED_DELAY_MILLIS: u64 = 1_000;

/// One or more changes of a conversation, as its shop's history takes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The conversation after the (last) change.
    pub view: Box<ConversationView>,
    /// Who has it then, and their name.
    pub assignee: Option<(AgentId, String)>,
    /// The browser it was started in.
    pub device: Option<DeviceId>,
    /// When the last change happened.
    pub at: UnixMillis,
    /// When the first change happened, if the record holds more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<UnixMillis>,
    /// The messages stored in the changes, oldest first.
    pub messages: Vec<Message>,
}

impl HistoryRecord {
    /// When the first change the record holds happened.
    pub fn first_at(&self) -> UnixMillis {
        self.since.unwrap_or(self.at)
    }

    /// This record followed by `later`, as one: the conversation as `later` saw it, and the
    /// messages of both in order. `None` if `later` is another conversation's.
    pub fn merged(self, later: HistoryRecord) -> Option<HistoryRecord> {
        if later.view.id != self.view.id {
            return None;
        }
        let since = Some(self.first_at());
        let mut messages = self.messages;
        let last_seq = messages.last().map_or(0, |message| message.seq);
        // Records follow each other, so `later` holds only newer messages; a repeat is dropped
        // all the same, as the history indexes each message once.
        messages.extend(later.messages.into_iter().filter(|message| message.seq > last_seq));
        Some(HistoryRecord { since, messages, ..later })
    }

    /// When a record made at `now` is sent: at once if the conversation itself changed, or a
    /// moment later if it only brings messages. A record merged into a waiting one is sent at
    /// the sooner of their two times.
    pub fn due_at(now: UnixMillis, conversation_changed: bool) -> UnixMillis {
        match conversation_changed {
            true => now,
            false => UnixMillis(now.0.saturating_add(FEED_DELAY_MILLIS)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ClientMessageId, ConversationId};
    use crate::message::Author;
    use crate::protocol::Status;

    fn conversation(hex: char) -> ConversationId {
        ConversationId::parse(&hex.to_string().repeat(ConversationId::HEX_LEN)).expect("valid id")
    }

    fn message(seq: u64) -> Message {
        Message {
            seq,
            client_id: ClientMessageId::parse(&format!("m-{seq}")).expect("valid id"),
            author: Author::Shopper,
            sender: None,
            text: format!("message {seq}"),
            at: UnixMillis(seq * 1_000),
            internal: false,
        }
    }

    /// A record of conversation `hex` at `at` seconds, with status `status` and messages `seqs`.
    fn record(hex: char, at: u64, status: Status, seqs: &[u64]) -> HistoryRecord {
        HistoryRecord {
            view: Box::new(ConversationView::bare(conversation(hex), status)),
            assignee: None,
            device: None,
            at: UnixMillis(at * 1_000),
            since: None,
            messages: seqs.iter().copied().map(message).collect(),
        }
    }

    #[test]
    fn records_of_one_conversation_merge_in_order_and_others_do_not() {
        struct Case {
            what: &'static str,
            records: Vec<HistoryRecord>,
            /// `None` when some record does not merge.
            merged: Option<(Status, u64, u64, Vec<u64>)>,
        }
        let cases = vec![
            Case {
                what: "one record stays as it is, first at its own time",
                records: vec![record('a', 5, Status::Waiting, &[1])],
                merged: Some((Status::Waiting, 5, 5, vec![1])),
            },
            Case {
                what: "a burst: the last view and time, the first time, every message",
                records: vec![
                    record('a', 5, Status::Waiting, &[1]),
                    record('a', 6, Status::Waiting, &[2]),
                    record('a', 7, Status::Assigned, &[3, 4]),
                ],
                merged: Some((Status::Assigned, 7, 5, vec![1, 2, 3, 4])),
            },
            Case {
                what: "a change without messages keeps the earlier messages",
                records: vec![record('a', 5, Status::Waiting, &[1, 2]), record('a', 6, Status::Resolved, &[])],
                merged: Some((Status::Resolved, 6, 5, vec![1, 2])),
            },
            Case {
                what: "a message repeated by a later record is kept once",
                records: vec![record('a', 5, Status::Waiting, &[1, 2]), record('a', 6, Status::Waiting, &[2, 3])],
                merged: Some((Status::Waiting, 6, 5, vec![1, 2, 3])),
            },
            Case {
                what: "another conversation's record does not merge",
                records: vec![record('a', 5, Status::Waiting, &[1]), record('b', 6, Status::Waiting, &[1])],
                merged: None,
            },
        ];
        for case in cases {
            let mut records = case.records.into_iter();
            let first = records.next().expect("each case has a record");
            let merged = records.try_fold(first, |earlier, later| earlier.merged(later));
            let got = merged.map(|record| {
                let seqs = record.messages.iter().map(|message| message.seq).collect();
                (record.view.status, record.at.0 / 1_000, record.first_at().0 / 1_000, seqs)
            });
            assert_eq!(got, case.merged, "{}", case.what);
        }
    }

    #[test]
    fn a_record_of_messages_waits_the_feed_delay_and_survives_serialization() {
        let cases = [
            (10_000, false, 10_000 + FEED_DELAY_MILLIS, "only messages wait"),
            (10_000, true, 10_000, "a change of the conversation goes at once"),
            (u64::MAX, false, u64::MAX, "the clock's end is not passed"),
        ];
        for (now, changed, due, what) in cases {
            assert_eq!(HistoryRecord::due_at(UnixMillis(now), changed), UnixMillis(due), "{what}");
        }
        let merged = record('a', 5, Status::Waiting, &[1]).merged(record('a', 6, Status::Waiting, &[2]));
        let merged = merged.expect("one conversation's records merge");
        let json = serde_json::to_string(&merged).expect("serializes");
        assert_eq!(serde_json::from_str::<HistoryRecord>(&json).expect("deserializes"), merged);
        // A record stored before merging existed has no `since`.
        let single = record('a', 5, Status::Waiting, &[1]);
        assert!(!serde_json::to_string(&single).expect("serializes").contains("since"));
    }
}

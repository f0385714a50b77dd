//! The desk's index of its shop's conversations: when each was last active, and whom it
//! concerns (its shopper's e-mail addresses and verified user id, core's `erasure::Subject`), so
//! that retention finds the conversations it must delete and an erasure finds a shopper's. It
//! holds no messages, and what it names goes with the conversation.

use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use parley_core::erasure::Subject;
use parley_core::ids::ConversationId;
use parley_core::time::UnixMillis;

pub struct ConversationIndex<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct Row {
    conversation_id: ConversationId,
}

#[derive(Deserialize)]
struct Oldest {
    oldest: Option<f64>,
}

impl<'a> ConversationIndex<'a> {
    pub const SCHEMA_V3: &'static str = "
CREATE TABLE IF NOT EXISTS conversations (conversation_id TEXT PRIMARY KEY, last_activity_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (last_activity_at);
CREATE TABLE IF NOT EXISTS conversation_subjects (kind TEXT NOT NULL, value TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (kind, value, conversation_id));
CREATE INDEX IF NOT EXISTS conversation_subjects_by_conversation ON conversation_subjects (conversation_id)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// The conversation was active at `at`, and concerns `subjects`.
    pub fn record(&self, conversation: &ConversationId, at: UnixMillis, subjects: &[Subject]) -> EdgeResult<()> {
        self.store.exec(
            "INSERT INTO conversations (conversation_id, last_activity_at) VALUES (?, ?) \
             ON CONFLICT (conversation_id) DO UPDATE SET last_activity_at = MAX(last_activity_at, excluded.last_activity_at)",
            vec![conversation.as_str().into(), millis(at).into()],
        )?;
        for subject in subjects {
            let Ok((kind, value)) = indexed(subject) else { continue };
            self.store.exec(
                "INSERT OR IGNORE INTO conversation_subjects (kind, value, conversation_id) VALUES (?, ?, ?)",
                vec![kind.into(), value.into(), conversation.as_str().into()],
            )?;
        }
        Ok(())
    }

    /// The conversations that concern `subject`.
    pub fn concerning(&self, subject: &Subject) -> EdgeResult<Vec<ConversationId>> {
        let (kind, value) = match indexed(subject) {
            Ok(key) => key,
            Err(conversation) => return Ok(vec![conversation.clone()]),
        };
        let rows: Vec<Row> = self.store.rows(
            "SELECT conversation_id FROM conversation_subjects WHERE kind = ? AND value = ?",
            vec![kind.into(), value.into()],
        )?;
        Ok(rows.into_iter().map(|row| row.conversation_id).collect())
    }

    /// Up to `limit` conversations last active before `before` and not in the queue (an open
    /// conversation is never deleted), oldest first.
    pub fn inactive_before(&self, before: UnixMillis, limit: usize) -> EdgeResult<Vec<ConversationId>> {
        let rows: Vec<Row> = self.store.rows(
            "SELECT conversation_id FROM conversations WHERE last_activity_at < ? \
             AND conversation_id NOT IN (SELECT conversation_id FROM queue) ORDER BY last_activity_at LIMIT ?",
            vec![millis(before).into(), (limit as i64).into()],
        )?;
        Ok(rows.into_iter().map(|row| row.conversation_id).collect())
    }

    /// When the longest-inactive conversation not in the queue was last active.
    pub fn oldest_inactive(&self) -> EdgeResult<Option<UnixMillis>> {
        let rows: Vec<Oldest> = self.store.rows(
            "SELECT MIN(last_activity_at) AS oldest FROM conversations \
             WHERE conversation_id NOT IN (SELECT conversation_id FROM queue)",
            vec![],
        )?;
        Ok(rows.first().and_then(|row| row.oldest).map(|at| UnixMillis(at as u64)))
    }

    /// Forgets a conversation, and whom it concerned.
    pub fn forget(&self, conversation: &ConversationId) -> EdgeResult<()> {
        self.store.exec("DELETE FROM conversations WHERE conversation_id = ?", vec![conversation.as_str().into()])?;
        self.store
            .exec("DELETE FROM conversation_subjects WHERE conversation_id = ?", vec![conversation.as_str().into()])
    }
}

/// How a subject is indexed: its kind and value; a conversation is its own key instead.
fn indexed(subject: &Subject) -> Result<(&'static str, &str), &ConversationId> {
    match subject {
        Subject::Email(email) => Ok(("email", email)),
        Subject::User(user) => Ok(("user", user)),
        Subject::Conversation(conversation) => Err(conversation),
    }
}

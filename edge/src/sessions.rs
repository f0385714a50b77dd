//! The shop's console sessions in its desk's SQLite storage: SHA-256 hashes of the session
//! tokens (never the tokens), whose agent each is and when it expires, and which conversations
//! each session has a socket open to, so that ending a session reaches every socket it opened.
//!
//! A session ends when its agent signs out, and when it expires (the desk's alarm prunes it).
//! Either way the desk closes the session's console sockets and tells each conversation it
//! watched to close its sockets too.

use serde::{Deserialize, Serialize};

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use parley_core::ids::{AgentId, ConversationId};
use parley_core::protocol::AgentProfile;
use parley_core::time::UnixMillis;

/// How long a console session lasts without signing in again.
pub const SESSION_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;

/// A signed-in agent as the Worker hands them to an object: the profile, the session (the hash
/// of its token), and when it expires.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub agent: AgentProfile,
    pub session: String,
    pub expires_at: UnixMillis,
}

pub struct Sessions<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct SessionRow {
    email: String,
    expires_at: f64,
}

#[derive(Deserialize)]
struct Watched {
    conversation_id: ConversationId,
}

#[derive(Deserialize)]
struct Hash {
    token_hash: String,
}

#[derive(Deserialize)]
struct Next {
    next: Option<f64>,
}

impl<'a> Sessions<'a> {
    /// The first version's table (`sessions`) is part of the desk's own schema.
    pub const WATCHED_SCHEMA: &'static str = "
CREATE TABLE IF NOT EXISTS session_conversations (token_hash TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (token_hash, conversation_id));
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Stores a new session for `agent`, by its token's hash, expiring at `expires_at`.
    pub fn open(&self, agent: &AgentProfile, token_hash: &str, expires_at: UnixMillis) -> EdgeResult<()> {
        self.store.exec(
            "INSERT INTO sessions (token_hash, email, expires_at) VALUES (?, ?, ?)",
            vec![token_hash.into(), agent.email.as_str().into(), millis(expires_at).into()],
        )
    }

    /// The agent's e-mail and the expiry of the session with `token_hash`, if it is open at
    /// `now`.
    pub fn check(&self, token_hash: &str, now: UnixMillis) -> EdgeResult<Option<(String, UnixMillis)>> {
        let rows: Vec<SessionRow> =
            self.store.rows("SELECT email, expires_at FROM sessions WHERE token_hash = ?", vec![token_hash.into()])?;
        Ok(rows
            .into_iter()
            .map(|row| (row.email, UnixMillis(row.expires_at as u64)))
            .find(|(_, expires_at)| *expires_at > now))
    }

    /// Records that the session has a socket open to a conversation.
    pub fn watch(&self, token_hash: &str, conversation: &ConversationId) -> EdgeResult<()> {
        self.store.exec(
            "INSERT OR IGNORE INTO session_conversations (token_hash, conversation_id) VALUES (?, ?)",
            vec![token_hash.into(), conversation.as_str().into()],
        )
    }

    /// Forgets the session; answers the conversations it had sockets open to.
    pub fn end(&self, token_hash: &str) -> EdgeResult<Vec<ConversationId>> {
        let watched: Vec<Watched> = self
            .store
            .rows("SELECT conversation_id FROM session_conversations WHERE token_hash = ?", vec![token_hash.into()])?;
        self.store.exec("DELETE FROM session_conversations WHERE token_hash = ?", vec![token_hash.into()])?;
        self.store.exec("DELETE FROM sessions WHERE token_hash = ?", vec![token_hash.into()])?;
        Ok(watched.into_iter().map(|row| row.conversation_id).collect())
    }

    /// Every open session of `email`, by its token's hash.
    pub fn of(&self, email: &AgentId) -> EdgeResult<Vec<String>> {
        let rows: Vec<Hash> =
            self.store.rows("SELECT token_hash FROM sessions WHERE email = ?", vec![email.as_str().into()])?;
        Ok(rows.into_iter().map(|row| row.token_hash).collect())
    }

    /// The sessions expired at `now`.
    pub fn expired(&self, now: UnixMillis) -> EdgeResult<Vec<String>> {
        let rows: Vec<Hash> =
            self.store.rows("SELECT token_hash FROM sessions WHERE expires_at <= ?", vec![millis(now).into()])?;
        Ok(rows.into_iter().map(|row| row.token_hash).collect())
    }

    /// When the next session expires, if any is open.
    pub fn next_expiry(&self) -> EdgeResult<Option<UnixMillis>> {
        let rows: Vec<Next> = self.store.rows("SELECT MIN(expires_at) AS next FROM sessions", vec![])?;
        Ok(rows.first().and_then(|row| row.next).map(|next| UnixMillis(next as u64)))
    }
}

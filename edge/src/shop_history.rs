//! `ShopHistory`: one Durable Object per shop that keeps what agents look back on: a summary of
//! every conversation the shop had (for lists filtered by status, agent, date and rating), their
//! words in an SQLite FTS5 index (search over messages, notes, and the shopper's name and
//! e-mail), the keys that tie a shopper's conversations together, and the notes agents keep on
//! shoppers.
//!
//! Conversations feed it through their outboxes a moment after each change, a burst of changes
//! merged into one record (at least once, in order: [`HistoryRequest::Record`] is idempotent),
//! so history never slows a message down, and the
//! desk (queue, agents, metrics) stays out of it. The desk forgets conversations here when it
//! erases them; a tombstone keeps a late record of an erased conversation from bringing it back.
//!
//! The FTS row of a conversation's message `seq` is `n × 2²⁰ + seq`, where `n` is the
//! conversation's row; row `n × 2²⁰` holds the shopper's name and e-mail. So a conversation's
//! words are one range of rows, found and deleted without a scan.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorageValue, State};

use crate::dev_counters::{self, Wake};
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::{answer, Object};
use crate::store::{millis, Migrations, Store};
use parley_core::history::{shopper_keys, HistoryEntry, HistoryPage, HistoryQuery, ShopperNote, MAX_NOTES_PER_SHOPPER};
use parley_core::history_record::HistoryRecord;
use parley_core::ids::{AgentId, ConversationId, ShopId};
use parley_core::message::{Author, Message};
use parley_core::protocol::{ApiError, ErrorCode, Status};
use parley_core::time::UnixMillis;

/// What a shop's history is asked.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum HistoryRequest {
    /// A conversation changed, once or more: its view, who has it, where it started, and the
    /// messages stored in the changes.
    Record(HistoryRecord),
    /// The conversation was erased: it goes, with the notes no remaining conversation names.
    Forget { conversation_id: ConversationId },
    /// A page of conversations.
    List { query: HistoryQuery },
    /// The same shopper's other conversations, newest first.
    Earlier { conversation_id: ConversationId },
    /// The notes on a conversation's shopper, newest first.
    Notes { conversation_id: ConversationId },
    /// A note on a conversation's shopper; answers the notes.
    AddNote { conversation_id: ConversationId, author: AgentId, author_name: String, text: String, at: UnixMillis },
}

/// The most earlier conversations the context panel lists.
const EARLIER_LISTED: usize = 20;

/// Row numbers per conversation in the FTS index: its messages' `seq` must stay below it.
const ROWS_PER_CONVERSATION: i64 = 1 << 20;

/// The most index rows a search reads: enough for a page of conversations with many matching
/// messages each.
const SEARCHED_ROWS: usize = 1000;

/// A preview's longest text, in characters.
const PREVIEW_CHARS: usize = 140;

const MIGRATIONS: Migrations = &[&["
CREATE TABLE IF NOT EXISTS conversations (n INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, started_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, agent TEXT, agent_name TEXT, shopper_name TEXT, email TEXT, rating INTEGER, page_url TEXT NOT NULL, preview TEXT NOT NULL, indexed_seq INTEGER NOT NULL DEFAULT 0, shopper_words TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (last_activity_at);
CREATE TABLE IF NOT EXISTS conversation_keys (kind TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, value, n));
CREATE INDEX IF NOT EXISTS conversation_keys_by_conversation ON conversation_keys (n);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS shopper_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, author TEXT NOT NULL, author_name TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shopper_note_keys (kind TEXT NOT NULL, value TEXT NOT NULL, note_id INTEGER NOT NULL, PRIMARY KEY (kind, value, note_id));
CREATE INDEX IF NOT EXISTS shopper_note_keys_by_note ON shopper_note_keys (note_id);
CREATE TABLE IF NOT EXISTS forgotten (conversation_id TEXT PRIMARY KEY)
"]];

/// The columns of [`EntryRow`].
const ENTRY_COLUMNS: &str = "c.conversation_id, c.status, c.started_at, c.last_activity_at, c.agent, c.agent_name, \
     c.shopper_name, c.email, c.rating, c.page_url, c.preview";

#[derive(Deserialize)]
struct EntryRow {
    conversation_id: ConversationId,
    status: Status,
    started_at: f64,
    last_activity_at: f64,
    agent: Option<AgentId>,
    agent_name: Option<String>,
    shopper_name: Option<String>,
    email: Option<String>,
    rating: Option<f64>,
    page_url: String,
    preview: String,
    #[serde(default)]
    matched: Option<String>,
}

impl EntryRow {
    fn entry(self) -> HistoryEntry {
        HistoryEntry {
            conversation_id: self.conversation_id,
            status: self.status,
            started_at: UnixMillis(self.started_at as u64),
            last_activity_at: UnixMillis(self.last_activity_at as u64),
            agent: self.agent,
            agent_name: self.agent_name,
            shopper_name: self.shopper_name,
            email: self.email,
            rating: self.rating.map(|score| score as u8),
            page_url: self.page_url,
            preview: self.preview,
            matched: self.matched,
        }
    }
}

#[derive(Deserialize)]
struct Known {
    n: f64,
    indexed_seq: f64,
    shopper_words: String,
}

#[derive(Deserialize)]
struct NoteRow {
    id: f64,
    author: AgentId,
    author_name: String,
    text: String,
    at: f64,
}

#[derive(Deserialize)]
struct Count {
    count: f64,
}

#[durable_object]
pub struct ShopHistory {
    /// Kept for the development counters, which name the object by its id.
    state: State,
    store: Store,
}

impl DurableObject for ShopHistory {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        let store = Store::new(&state, MIGRATIONS);
        Self { state, store }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::ShopHistory, &self.state, Wake::Request);
        let result = match read_json::<HistoryRequest>(&mut req).await {
            Ok(request) => self.handle(request),
            Err(error) => Err(error),
        };
        answer(result)
    }
}

impl ShopHistory {
    fn handle(&self, request: HistoryRequest) -> EdgeResult<serde_json::Value> {
        match request {
            HistoryRequest::Record(record) => {
                self.store.transaction(|| self.record(record))?;
                Ok(serde_json::json!({}))
            }
            HistoryRequest::Forget { conversation_id } => {
                self.store.transaction(|| self.forget(&conversation_id))?;
                Ok(serde_json::json!({}))
            }
            HistoryRequest::List { query } => Ok(serde_json::to_value(self.list(&query)?)?),
            HistoryRequest::Earlier { conversation_id } => Ok(serde_json::to_value(self.earlier(&conversation_id)?)?),
            HistoryRequest::Notes { conversation_id } => Ok(serde_json::to_value(self.notes(&conversation_id)?)?),
            HistoryRequest::AddNote { conversation_id, author, author_name, text, at } => {
                self.store.transaction(|| self.add_note(&conversation_id, &author, &author_name, &text, at))?;
                Ok(serde_json::to_value(self.notes(&conversation_id)?)?)
            }
        }
    }

    fn record(&self, record: HistoryRecord) -> EdgeResult<()> {
        let started_at = record.first_at();
        let HistoryRecord { view, assignee, device, at, messages, .. } = record;
        let (view, device) = (&*view, device.as_ref());
        let id = view.id.as_str();
        let forgotten: Vec<Count> =
            self.store.rows("SELECT COUNT(*) AS count FROM forgotten WHERE conversation_id = ?", vec![id.into()])?;
        if forgotten.first().is_some_and(|row| row.count > 0.0) {
            return Ok(());
        }
        // What the shopper and the agent said, not notes or Parley's own lines.
        let said = |message: &&Message| !message.internal && message.author != Author::System;
        let preview = messages.iter().rev().find(said).map(|message| preview(&message.text));
        let (agent, agent_name) = assignee.map_or((None, None), |(agent, name)| (Some(agent), Some(name)));
        let email =
            view.shopper.as_ref().and_then(|shopper| shopper.email.clone()).or_else(|| view.contact_email.clone());
        let email = email.or_else(|| view.user.as_ref().and_then(|user| user.email.clone()));
        let shopper_name = view.shopper_name().map(str::to_owned);
        let status = serde_json::to_value(view.status)?.as_str().unwrap_or_default().to_owned();
        self.store.exec(
            "INSERT INTO conversations (conversation_id, status, started_at, last_activity_at, agent, agent_name, shopper_name, email, rating, page_url, preview) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (conversation_id) DO UPDATE SET status = excluded.status, \
             last_activity_at = MAX(last_activity_at, excluded.last_activity_at), \
             agent = COALESCE(excluded.agent, agent), agent_name = COALESCE(excluded.agent_name, agent_name), \
             shopper_name = excluded.shopper_name, email = excluded.email, rating = excluded.rating, \
             preview = CASE WHEN excluded.preview = '' THEN preview ELSE excluded.preview END",
            vec![
                id.into(),
                status.into(),
                millis(started_at).into(),
                millis(at).into(),
                agent.as_ref().map(AgentId::as_str).into(),
                agent_name.into(),
                shopper_name.clone().into(),
                email.clone().into(),
                view.rating.as_ref().map(|rating| i64::from(rating.score)).into(),
                view.page.url.as_str().into(),
                preview.unwrap_or_default().into(),
            ],
        )?;
        let known: Known = self
            .store
            .rows("SELECT n, indexed_seq, shopper_words FROM conversations WHERE conversation_id = ?", vec![id.into()])?
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::internal("a conversation just recorded is missing"))?;
        let base = known.n as i64 * ROWS_PER_CONVERSATION;
        // Each message once: records arrive in order, and again after a lost answer.
        let new = messages.iter().filter(|message| message.seq as f64 > known.indexed_seq);
        for message in new.filter(|message| (message.seq as i64) < ROWS_PER_CONVERSATION) {
            self.store.exec(
                "INSERT INTO words (rowid, text) VALUES (?, ?)",
                vec![(base + message.seq as i64).into(), message.text.as_str().into()],
            )?;
            self.store.exec(
                "UPDATE conversations SET indexed_seq = ? WHERE n = ?",
                vec![(message.seq as i64).into(), (known.n as i64).into()],
            )?;
        }
        let shopper_words = [shopper_name, email].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if shopper_words != known.shopper_words {
            self.store.exec("DELETE FROM words WHERE rowid = ?", vec![base.into()])?;
            if !shopper_words.is_empty() {
                self.store.exec(
                    "INSERT INTO words (rowid, text) VALUES (?, ?)",
                    vec![base.into(), shopper_words.as_str().into()],
                )?;
            }
            self.store.exec(
                "UPDATE conversations SET shopper_words = ? WHERE n = ?",
                vec![shopper_words.into(), (known.n as i64).into()],
            )?;
        }
        for key in shopper_keys(view, device) {
            let (kind, value) = key.parts();
            self.store.exec(
                "INSERT OR IGNORE INTO conversation_keys (kind, value, n) VALUES (?, ?, ?)",
                vec![kind.into(), value.into(), (known.n as i64).into()],
            )?;
        }
        Ok(())
    }

    fn forget(&self, conversation: &ConversationId) -> EdgeResult<()> {
        let id = conversation.as_str();
        self.store.exec("INSERT OR IGNORE INTO forgotten (conversation_id) VALUES (?)", vec![id.into()])?;
        if let Some(n) = self.row_of(conversation)? {
            let base = n * ROWS_PER_CONVERSATION;
            self.store.exec(
                "DELETE FROM words WHERE rowid BETWEEN ? AND ?",
                vec![base.into(), (base + ROWS_PER_CONVERSATION - 1).into()],
            )?;
            self.store.exec("DELETE FROM conversation_keys WHERE n = ?", vec![n.into()])?;
            self.store.exec("DELETE FROM conversations WHERE n = ?", vec![n.into()])?;
        }
        // Notes follow the shopper while any conversation names them, and go with the last.
        self.store.exec(
            "DELETE FROM shopper_note_keys WHERE NOT EXISTS (SELECT 1 FROM conversation_keys k \
             WHERE k.kind = shopper_note_keys.kind AND k.value = shopper_note_keys.value)",
            vec![],
        )?;
        self.store.exec("DELETE FROM shopper_notes WHERE id NOT IN (SELECT note_id FROM shopper_note_keys)", vec![])
    }

    fn list(&self, query: &HistoryQuery) -> EdgeResult<HistoryPage> {
        let mut conditions: Vec<String> = Vec::new();
        let mut bindings: Vec<SqlStorageValue> = Vec::new();
        if let Some(words) = &query.words {
            conditions.push("words MATCH ?".to_owned());
            bindings.push(words.fts5().into());
        }
        if let Some(status) = query.status {
            conditions.push("c.status = ?".to_owned());
            bindings.push(serde_json::to_value(status)?.as_str().unwrap_or_default().to_owned().into());
        }
        if let Some(agent) = &query.agent {
            conditions.push("c.agent = ?".to_owned());
            bindings.push(agent.as_str().into());
        }
        if let Some(from) = query.from {
            conditions.push("c.last_activity_at >= ?".to_owned());
            bindings.push(millis(from).into());
        }
        if let Some(to) = query.to {
            conditions.push("c.started_at < ?".to_owned());
            bindings.push(millis(to).into());
        }
        if let Some(rating) = query.rating {
            conditions.push("c.rating = ?".to_owned());
            bindings.push(i64::from(rating).into());
        }
        if let Some(before) = query.before {
            conditions.push("c.last_activity_at < ?".to_owned());
            bindings.push(millis(before).into());
        }
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        if query.words.is_some() {
            return self.search(&filter, bindings);
        }
        bindings.push(((HistoryQuery::PAGE + 1) as i64).into());
        let rows: Vec<EntryRow> = self.store.rows(
            &format!(
                "SELECT {ENTRY_COLUMNS}, NULL AS matched FROM conversations c {filter} \
                 ORDER BY c.last_activity_at DESC LIMIT ?"
            ),
            bindings,
        )?;
        let mut conversations: Vec<HistoryEntry> = rows.into_iter().map(EntryRow::entry).collect();
        let next_before = if conversations.len() > HistoryQuery::PAGE {
            conversations.truncate(HistoryQuery::PAGE);
            conversations.last().map(|entry| entry.last_activity_at)
        } else {
            None
        };
        Ok(HistoryPage { conversations, next_before })
    }

    /// A search: the index's matching rows, newest conversation first (rows are numbered by
    /// conversation), each with the words around its match, until a page of conversations.
    /// The index is read in its own order and stops early, so a word found in thousands of
    /// conversations costs a page, not all of them. A search has one page.
    fn search(&self, filter: &str, mut bindings: Vec<SqlStorageValue>) -> EdgeResult<HistoryPage> {
        let rows = ROWS_PER_CONVERSATION;
        bindings.push((SEARCHED_ROWS as i64).into());
        let found: Vec<EntryRow> = self.store.rows(
            &format!(
                "SELECT {ENTRY_COLUMNS}, snippet(words, 0, '', '', '…', 12) AS matched \
                 FROM words JOIN conversations c ON c.n = words.rowid / {rows} {filter} \
                 ORDER BY words.rowid DESC LIMIT ?"
            ),
            bindings,
        )?;
        let mut conversations: Vec<HistoryEntry> = Vec::new();
        for entry in found.into_iter().map(EntryRow::entry) {
            if conversations.len() == HistoryQuery::PAGE {
                break;
            }
            if !conversations.iter().any(|known| known.conversation_id == entry.conversation_id) {
                conversations.push(entry);
            }
        }
        Ok(HistoryPage { conversations, next_before: None })
    }

    fn earlier(&self, conversation: &ConversationId) -> EdgeResult<Vec<HistoryEntry>> {
        let rows: Vec<EntryRow> = self.store.rows(
            &format!(
                "SELECT DISTINCT {ENTRY_COLUMNS} FROM conversation_keys mine \
                 JOIN conversation_keys k ON k.kind = mine.kind AND k.value = mine.value AND k.n != mine.n \
                 JOIN conversations c ON c.n = k.n \
                 WHERE mine.n = (SELECT n FROM conversations WHERE conversation_id = ?) \
                 ORDER BY c.started_at DESC LIMIT ?"
            ),
            vec![conversation.as_str().into(), (EARLIER_LISTED as i64).into()],
        )?;
        Ok(rows.into_iter().map(EntryRow::entry).collect())
    }

    fn notes(&self, conversation: &ConversationId) -> EdgeResult<Vec<ShopperNote>> {
        let rows: Vec<NoteRow> = self.store.rows(
            "SELECT DISTINCT s.id, s.author, s.author_name, s.text, s.at FROM conversation_keys mine \
             JOIN shopper_note_keys nk ON nk.kind = mine.kind AND nk.value = mine.value \
             JOIN shopper_notes s ON s.id = nk.note_id \
             WHERE mine.n = (SELECT n FROM conversations WHERE conversation_id = ?) \
             ORDER BY s.at DESC, s.id DESC LIMIT ?",
            vec![conversation.as_str().into(), (MAX_NOTES_PER_SHOPPER as i64).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| ShopperNote {
                id: row.id as u64,
                author: row.author,
                author_name: row.author_name,
                text: row.text,
                at: UnixMillis(row.at as u64),
            })
            .collect())
    }

    fn add_note(
        &self,
        conversation: &ConversationId,
        author: &AgentId,
        author_name: &str,
        text: &str,
        at: UnixMillis,
    ) -> EdgeResult<()> {
        let n = self.row_of(conversation)?.ok_or_else(|| {
            EdgeError::api(ErrorCode::NotFound, "this conversation has no history yet: the shopper has not written")
        })?;
        if self.notes(conversation)?.len() >= MAX_NOTES_PER_SHOPPER {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("a shopper keeps at most {MAX_NOTES_PER_SHOPPER} notes"),
            )
            .about("text")
            .into());
        }
        #[derive(Deserialize)]
        struct Inserted {
            id: f64,
        }
        let inserted: Vec<Inserted> = self.store.write_returning(
            "INSERT INTO shopper_notes (author, author_name, text, at) VALUES (?, ?, ?, ?) RETURNING id",
            vec![author.as_str().into(), author_name.into(), text.into(), millis(at).into()],
        )?;
        let id =
            inserted.first().map(|row| row.id as i64).ok_or_else(|| EdgeError::internal("a note was not stored"))?;
        self.store.exec(
            "INSERT OR IGNORE INTO shopper_note_keys (kind, value, note_id) \
             SELECT kind, value, ? FROM conversation_keys WHERE n = ?",
            vec![id.into(), n.into()],
        )
    }

    /// The conversation's row number, if the history has it.
    fn row_of(&self, conversation: &ConversationId) -> EdgeResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            n: f64,
        }
        let rows: Vec<Row> = self
            .store
            .rows("SELECT n FROM conversations WHERE conversation_id = ?", vec![conversation.as_str().into()])?;
        Ok(rows.first().map(|row| row.n as i64))
    }
}

fn preview(text: &str) -> String {
    let mut chars = text.chars();
    let mut preview: String = chars.by_ref().take(PREVIEW_CHARS).collect();
    if chars.next().is_some() {
        preview.push('…');
    }
    preview
}

/// The history object of a shop.
pub fn history_key(shop: &ShopId) -> String {
    format!("history:{shop}")
}

/// Asks a shop's history.
pub async fn ask<T: serde::de::DeserializeOwned>(env: &Env, shop: &ShopId, request: &HistoryRequest) -> EdgeResult<T> {
    crate::rpc::call(&Object::ShopHistory.stub(env, &history_key(shop))?, request).await
}

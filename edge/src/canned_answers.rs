//! The shop's canned answers in its desk's SQLite storage, with how often each was used; core's
//! `canned` has their rules, matching and placeholders.

use serde::Deserialize;

use crate::error::{EdgeError, EdgeResult};
use crate::store::Store;
use parley_core::canned::{CannedAnswer, CannedDraft, MAX_CANNED_ANSWERS};
use parley_core::error::CannedError;
use parley_core::protocol::ApiError;

pub struct CannedAnswers<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    draft: String,
    uses: f64,
}

#[derive(Deserialize)]
struct Count {
    count: f64,
}

impl<'a> CannedAnswers<'a> {
    pub const SCHEMA_V5: &'static str = "
CREATE TABLE IF NOT EXISTS canned_answers (id TEXT PRIMARY KEY, shortcut TEXT NOT NULL UNIQUE, draft TEXT NOT NULL, uses INTEGER NOT NULL DEFAULT 0)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Every canned answer, by shortcut.
    pub fn all(&self) -> EdgeResult<Vec<CannedAnswer>> {
        let rows: Vec<Row> = self.store.rows("SELECT id, draft, uses FROM canned_answers ORDER BY shortcut", vec![])?;
        rows.into_iter()
            .map(|row| Ok(CannedAnswer::new(row.id, serde_json::from_str(&row.draft)?, row.uses as u64)))
            .collect()
    }

    /// Adds an answer (`id` new) or replaces the one with `id`, keeping its uses; a shortcut
    /// another answer has is refused.
    pub fn save(&self, id: &str, draft: CannedDraft, create: bool) -> EdgeResult<CannedAnswer> {
        let draft = draft.validated().map_err(ApiError::from)?;
        let taken: Vec<Count> = self.store.rows(
            "SELECT COUNT(*) AS count FROM canned_answers WHERE shortcut = ? AND id != ?",
            vec![draft.shortcut.as_str().into(), id.into()],
        )?;
        if taken.first().is_some_and(|row| row.count > 0.0) {
            return Err(ApiError::from(CannedError::ShortcutTaken).into());
        }
        let stored = serde_json::to_string(&draft)?;
        if create {
            let count: Vec<Count> = self.store.rows("SELECT COUNT(*) AS count FROM canned_answers", vec![])?;
            if count.first().is_some_and(|row| row.count as usize >= MAX_CANNED_ANSWERS) {
                return Err(ApiError::from(CannedError::TooMany { max: MAX_CANNED_ANSWERS }).into());
            }
            self.store.exec(
                "INSERT INTO canned_answers (id, shortcut, draft) VALUES (?, ?, ?)",
                vec![id.into(), draft.shortcut.as_str().into(), stored.into()],
            )?;
            return Ok(CannedAnswer::new(id.to_owned(), draft, 0));
        }
        let updated: Vec<Row> = self.store.write_returning(
            "UPDATE canned_answers SET shortcut = ?, draft = ? WHERE id = ? RETURNING id, draft, uses",
            vec![draft.shortcut.as_str().into(), stored.into(), id.into()],
        )?;
        let row = updated.into_iter().next().ok_or_else(EdgeError::not_found)?;
        Ok(CannedAnswer::new(row.id, draft, row.uses as u64))
    }

    /// Deletes an answer.
    pub fn delete(&self, id: &str) -> EdgeResult<()> {
        let deleted: Vec<Count> = self
            .store
            .write_returning("DELETE FROM canned_answers WHERE id = ? RETURNING 1 AS count", vec![id.into()])?;
        if deleted.is_empty() {
            return Err(EdgeError::not_found());
        }
        Ok(())
    }

    /// Counts one use of an answer.
    pub fn used(&self, id: &str) -> EdgeResult<()> {
        let counted: Vec<Count> = self.store.write_returning(
            "UPDATE canned_answers SET uses = uses + 1 WHERE id = ? RETURNING uses AS count",
            vec![id.into()],
        )?;
        if counted.is_empty() {
            return Err(EdgeError::not_found());
        }
        Ok(())
    }
}

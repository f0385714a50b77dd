//! A thin typed layer over a Durable Object's SQLite storage: versioned schema migrations,
//! statements with bound values, rows decoded with serde, and transactions.
//!
//! Writes are synchronous and committed before any output of the same event leaves the object,
//! which is what makes acknowledgements durable. An event's writes are only atomic as a whole
//! if nothing fails halfway, though: a statement that fails after others succeeded leaves those
//! written. So every event that writes more than one row runs in [`Store::transaction`], which
//! rolls all of them back when any fails.
//!
//! The schema is a list of migrations per object class, run in order and at most once each;
//! the version reached is stored with the data. An object that has never been written to has
//! no schema at all: reading it finds nothing and creates nothing, so asking for a
//! conversation, shop or account that does not exist leaves no storage behind.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::{SqlStorage, SqlStorageValue, State};

use crate::dev_counters;
use crate::error::{EdgeError, EdgeResult};
use parley_core::time::UnixMillis;

#[wasm_bindgen]
extern "C" {
    /// The object's storage, seen through the one method the `worker` crate does not bind.
    #[wasm_bindgen(extends = js_sys::Object)]
    type TransactionalStorage;

    /// Runs `callback` in a transaction: committed when it returns, rolled back (and the
    /// exception rethrown) when it throws. Nested calls nest.
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(
        this: &TransactionalStorage,
        callback: &mut dyn FnMut() -> Result<JsValue, JsValue>,
    ) -> Result<JsValue, JsValue>;
}

/// One object class's schema, one entry per version, each entry SQL texts of statements
/// separated by `;` (parts an object class shares with others, such as the outbox, are texts of
/// their own). Append only: a migration that has shipped is never edited, since objects that ran
/// it will not run it again.
pub type Migrations = &'static [&'static [&'static str]];

/// Where the schema's version is kept.
const VERSION_TABLE: &str = "schema_version";

pub struct Store {
    sql: SqlStorage,
    storage: TransactionalStorage,
    migrations: Migrations,
    /// Set once this object's schema is known to be current.
    current: Cell<bool>,
}

/// A row with one column named `value` holding JSON text.
#[derive(Deserialize)]
struct JsonValue {
    value: String,
}

#[derive(Deserialize)]
struct Version {
    version: f64,
}

#[derive(Deserialize)]
struct TableName {
    name: String,
}

impl Store {
    /// The object's storage under `migrations`. Nothing is read or written until first use.
    pub fn new(state: &State, migrations: Migrations) -> Self {
        let storage = state.storage();
        let sql = storage.sql();
        let storage = state.as_raw().storage().map(JsCast::unchecked_into).unwrap_or_else(|_| {
            // The runtime always has storage for an object; this only keeps a failure a clear
            // error on first use rather than a panic here.
            JsValue::UNDEFINED.unchecked_into()
        });
        Self { sql, storage, migrations, current: Cell::new(false) }
    }

    /// Runs a statement that returns no rows, creating or migrating the schema first.
    pub fn exec(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<()> {
        self.schema(Create::Yes)?;
        self.run::<serde_json::Value>(query, bindings)?;
        Ok(())
    }

    /// Runs a statement that writes and returns rows (`… RETURNING`), creating or migrating
    /// the schema first; decodes the rows by column name.
    pub fn write_returning<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> EdgeResult<Vec<T>> {
        self.schema(Create::Yes)?;
        self.run(query, bindings)
    }

    /// Runs a query and decodes every row by column name. An object without a schema (never
    /// written to) has no rows, and the read creates nothing.
    pub fn rows<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<Vec<T>> {
        if !self.schema(Create::No)? {
            return Ok(Vec::new());
        }
        self.run(query, bindings)
    }

    /// Runs a query selecting JSON text `AS value` and decodes each row's JSON.
    pub fn json_values<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<Vec<T>> {
        self.rows::<JsonValue>(query, bindings)?.iter().map(|row| Ok(serde_json::from_str(&row.value)?)).collect()
    }

    /// Like [`Store::json_values`] for at most one row.
    pub fn json_value<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> EdgeResult<Option<T>> {
        Ok(self.json_values(query, bindings)?.into_iter().next())
    }

    /// Says the object's storage was deleted (`deleteAll`): it has no schema until its next
    /// write, and reads find nothing meanwhile.
    pub fn emptied(&self) {
        self.current.set(false);
    }

    /// Runs `work` in a transaction: every write it made is kept if it succeeds, and none if it
    /// fails, whose error is returned.
    pub fn transaction<T>(&self, work: impl FnOnce() -> EdgeResult<T>) -> EdgeResult<T> {
        let mut work = Some(work);
        let mut outcome: Option<EdgeResult<T>> = None;
        let ran = {
            let mut callback = || -> Result<JsValue, JsValue> {
                let result = match work.take() {
                    Some(work) => work(),
                    None => Err(EdgeError::internal("a transaction's work ran twice")),
                };
                let failed = result.is_err();
                outcome = Some(result);
                // Throwing is how the runtime learns to roll back.
                if failed {
                    Err(JsValue::from_str("rolled back"))
                } else {
                    Ok(JsValue::UNDEFINED)
                }
            };
            self.storage.transaction_sync(&mut callback)
        };
        match (outcome, ran) {
            (Some(Err(error)), _) => Err(error),
            (Some(Ok(value)), Ok(_)) => Ok(value),
            (_, Err(thrown)) => Err(EdgeError::from_js(thrown)),
            (None, Ok(_)) => Err(EdgeError::internal("a transaction's work did not run")),
        }
    }

    /// Runs one statement as it is and decodes its rows by column name, counting what it cost
    /// (development's counters): SQLite's rows read and written, and the bytes bound to it.
    fn run<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<Vec<T>> {
        let bytes = bindings.iter().map(bound_bytes).sum();
        let cursor = self.sql.exec(query, bindings)?;
        let rows = cursor.to_array()?;
        dev_counters::statement_ran(cursor.rows_read(), cursor.rows_written(), bytes);
        Ok(rows)
    }

    /// Makes sure the schema is current; answers whether there is one. With `Create::No`, an
    /// object that has no tables yet is left without any.
    fn schema(&self, create: Create) -> EdgeResult<bool> {
        if self.current.get() {
            return Ok(true);
        }
        let version = match self.stored_version()? {
            Some(version) => version,
            None if create == Create::No && !self.has_tables()? => return Ok(false),
            // Objects written before versions were kept hold the first version's tables, made
            // with `IF NOT EXISTS`, so running it again is harmless.
            None => 0,
        };
        for (index, migration) in self.migrations.iter().enumerate().skip(version) {
            self.transaction(|| {
                let statements = migration.iter().flat_map(|text| text.split(';'));
                for statement in statements.map(str::trim).filter(|s| !s.is_empty()) {
                    self.run::<serde_json::Value>(statement, vec![])?;
                }
                self.run::<serde_json::Value>(
                    &format!("CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"),
                    vec![],
                )?;
                self.run::<serde_json::Value>(&format!("DELETE FROM {VERSION_TABLE}"), vec![])?;
                self.run::<serde_json::Value>(
                    &format!("INSERT INTO {VERSION_TABLE} (version) VALUES (?)"),
                    vec![(index as i64 + 1).into()],
                )?;
                Ok(())
            })
            .map_err(|error| EdgeError::internal(format!("migration {} failed: {error}", index + 1)))?;
        }
        self.current.set(true);
        Ok(true)
    }

    fn stored_version(&self) -> EdgeResult<Option<usize>> {
        let tables: Vec<TableName> =
            self.run("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", vec![VERSION_TABLE.into()])?;
        if tables.is_empty() {
            return Ok(None);
        }
        let versions: Vec<Version> = self.run(&format!("SELECT version FROM {VERSION_TABLE}"), vec![])?;
        Ok(Some(versions.first().map_or(0, |row| row.version as usize)))
    }

    /// Whether the object has tables of its own: not SQLite's (`sqlite_…`) nor the runtime's
    /// (`_cf_…`, and locally `__miniflare_…`), none of which Parley's names start like.
    fn has_tables(&self) -> EdgeResult<bool> {
        let tables: Vec<TableName> = self.run("SELECT name FROM sqlite_master WHERE type = 'table'", vec![])?;
        Ok(tables.iter().any(|table| !table.name.starts_with('_') && !table.name.starts_with("sqlite_")))
    }
}

/// An instant as SQLite's integer (milliseconds fit easily in i64 until the year 292 million).
pub fn millis(at: UnixMillis) -> i64 {
    at.0.min(i64::MAX as u64) as i64
}

/// The size of a bound value as SQLite stores it (integers and floats as 8 bytes).
fn bound_bytes(value: &SqlStorageValue) -> usize {
    match value {
        SqlStorageValue::Null => 0,
        SqlStorageValue::Boolean(_) => 1,
        SqlStorageValue::Integer(_) | SqlStorageValue::Float(_) => 8,
        SqlStorageValue::String(text) => text.len(),
        SqlStorageValue::Blob(bytes) => bytes.len(),
    }
}

/// Whether finding no schema should create it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Create {
    Yes,
    No,
}

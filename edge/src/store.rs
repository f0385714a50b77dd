//! A thin typed layer over a Durable Object's SQLite storage: schema on open, statements with
//! bound values, rows decoded with serde. Writes are synchronous and committed before any
//! output of the same event leaves the object, which is what makes acknowledgements durable.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use crate::error::EdgeResult;

pub struct Store {
    sql: SqlStorage,
}

/// A row with one column named `value` holding JSON text.
#[derive(Deserialize)]
struct JsonValue {
    value: String,
}

impl Store {
    /// Wraps the object's storage and applies `schemas` (idempotent `CREATE … IF NOT EXISTS`
    /// statements, separated by `;`). A schema error is logged and surfaces on first use.
    pub fn open(sql: SqlStorage, schemas: &[&str]) -> Self {
        let statements = schemas.iter().flat_map(|schema| schema.split(';'));
        for statement in statements.map(str::trim).filter(|s| !s.is_empty()) {
            if let Err(error) = sql.exec(statement, None) {
                worker::console_error!("schema statement failed: {statement}: {error}");
            }
        }
        Self { sql }
    }

    /// Runs a statement that returns no rows.
    pub fn exec(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<()> {
        self.sql.exec(query, bindings)?;
        Ok(())
    }

    /// Runs a query and decodes every row by column name.
    pub fn rows<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> EdgeResult<Vec<T>> {
        Ok(self.sql.exec(query, bindings)?.to_array()?)
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
}

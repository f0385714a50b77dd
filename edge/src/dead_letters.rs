//! The shop's dead letters in its desk's SQLite storage: deliveries given up after their
//! retries (requests between the shop's objects, webhook events), kept for the shop's owners to
//! see how many there were and what failed.

use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use parley_core::protocol::{DeadLetter, DeadLetters as Listing};

pub struct DeadLetters<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct Count {
    count: f64,
}

impl<'a> DeadLetters<'a> {
    pub const SCHEMA: &'static str = "
CREATE TABLE IF NOT EXISTS dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, given_up_at INTEGER NOT NULL, letter TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS dead_letters_given_up_at ON dead_letters (given_up_at)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    pub fn keep(&self, letter: &DeadLetter) -> EdgeResult<()> {
        self.store.exec(
            "INSERT INTO dead_letters (given_up_at, letter) VALUES (?, ?)",
            vec![millis(letter.given_up_at).into(), serde_json::to_string(letter)?.into()],
        )
    }

    /// How many there are, and the latest, newest first.
    pub fn listing(&self) -> EdgeResult<Listing> {
        let counted: Vec<Count> = self.store.rows("SELECT COUNT(*) AS count FROM dead_letters", vec![])?;
        let latest = self.store.json_values(
            "SELECT letter AS value FROM dead_letters ORDER BY id DESC LIMIT ?",
            vec![(Listing::LISTED as i64).into()],
        )?;
        Ok(Listing { count: counted.first().map_or(0, |row| row.count as u64), latest })
    }
}

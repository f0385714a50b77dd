//! The desk's installation check: the origins whose pages asked for the shop's launcher, whether
//! each was allowed then, and when last (core's `install_check` has the rules). Written at most
//! once a minute per origin, and only the latest few are kept.

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use parley_core::install_check::{self, Sighting, KEPT_PER_KIND, RECORD_EVERY_MILLIS};
use parley_core::origin::OriginPattern;
use parley_core::protocol::InstallReport;
use parley_core::time::UnixMillis;

pub struct Sightings<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct SightingRow {
    origin: String,
    allowed: f64,
    last_at: f64,
}

impl<'a> Sightings<'a> {
    pub const SCHEMA_V5: &'static str = "
CREATE TABLE IF NOT EXISTS origin_sightings (origin TEXT PRIMARY KEY, allowed INTEGER NOT NULL, last_at INTEGER NOT NULL)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Records that a page of `origin` asked for the launcher at `now`, allowed or not.
    pub fn record(&self, origin: &str, allowed: bool, now: UnixMillis) -> EdgeResult<()> {
        // The same answer within the minute changes nothing: most page views write nothing.
        let changed: Vec<IgnoredAny> = self.store.write_returning(
            "INSERT INTO origin_sightings (origin, allowed, last_at) VALUES (?, ?, ?)
             ON CONFLICT (origin) DO UPDATE SET allowed = excluded.allowed, last_at = excluded.last_at
             WHERE origin_sightings.allowed != excluded.allowed OR origin_sightings.last_at <= excluded.last_at - ?
             RETURNING origin",
            vec![origin.into(), i64::from(allowed).into(), millis(now).into(), (RECORD_EVERY_MILLIS as i64).into()],
        )?;
        if changed.is_empty() {
            return Ok(());
        }
        self.store.exec(
            "DELETE FROM origin_sightings WHERE allowed = ? AND origin NOT IN
             (SELECT origin FROM origin_sightings WHERE allowed = ? ORDER BY last_at DESC LIMIT ?)",
            vec![i64::from(allowed).into(), i64::from(allowed).into(), (KEPT_PER_KIND as i64).into()],
        )
    }

    /// The installation check's report, against the origins allowed now.
    pub fn report(&self, allowed_now: &[OriginPattern]) -> EdgeResult<InstallReport> {
        let rows: Vec<SightingRow> =
            self.store.rows("SELECT origin, allowed, last_at FROM origin_sightings", vec![])?;
        let sightings = rows
            .into_iter()
            .map(|row| Sighting {
                origin: row.origin,
                allowed: row.allowed != 0.0,
                last_at: UnixMillis(row.last_at as u64),
            })
            .collect();
        Ok(install_check::report(sightings, allowed_now))
    }
}

//! The shop's metrics in its desk's SQLite storage: each measurement (first and next responses,
//! resolutions, ratings) is recorded once per conversation cycle, a redelivered one ignored, with
//! calendar and business-hours durations computed when recorded; and each recorded one is added
//! to its UTC hour's aggregate (core's `metrics_aggregate`), which is what reports and wait
//! estimates read: their work is bounded by the hours they cover, never by the samples.
//!
//! The rows per measurement are the ledger that keeps a redelivered measurement from counting
//! twice (adding to an aggregate is not idempotent): they are kept two days, longer than any
//! request is redelivered, and hold no personal data, only ids, instants and durations.

use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use crate::time_zone::IanaZone;
use parley_core::business_hours::{business_millis_between, WeeklyHours};
use parley_core::cycle::{Measurement, Span};
use parley_core::ids::ConversationId;
use parley_core::metrics_aggregate::{MetricsAggregate, RatingSample, ResolutionSample, ResponseSample};
use parley_core::metrics_window::UtcHour;
use parley_core::time::UnixMillis;

pub struct Samples<'a> {
    store: &'a Store,
}

/// A row an insert returned: it recorded something new.
#[derive(Deserialize)]
struct Inserted {}

#[derive(Deserialize)]
struct HourRow {
    hour: f64,
    aggregate: String,
}

/// The ledger's tables.
const LEDGER: [&str; 4] = ["first_responses", "next_responses", "resolutions", "ratings"];

/// How long the ledger remembers a measurement: past the longest an outbox retries a request
/// (a day, `retry::Backoff::OUTBOX`), with a day to spare.
const LEDGER_MILLIS: u64 = 2 * 24 * 60 * 60 * 1000;

/// A shop's hours of aggregates, oldest first.
pub type Hours = Vec<(UtcHour, MetricsAggregate)>;

impl<'a> Samples<'a> {
    pub const SCHEMA: &'static str = "
CREATE TABLE IF NOT EXISTS first_responses (conversation_id TEXT NOT NULL, cycle INTEGER NOT NULL, agent TEXT NOT NULL, at INTEGER NOT NULL, calendar_millis INTEGER NOT NULL, business_millis INTEGER NOT NULL, PRIMARY KEY (conversation_id, cycle));
CREATE INDEX IF NOT EXISTS first_responses_at ON first_responses (at);
CREATE TABLE IF NOT EXISTS next_responses (conversation_id TEXT NOT NULL, cycle INTEGER NOT NULL, started_at INTEGER NOT NULL, agent TEXT NOT NULL, at INTEGER NOT NULL, calendar_millis INTEGER NOT NULL, business_millis INTEGER NOT NULL, PRIMARY KEY (conversation_id, cycle, started_at));
CREATE INDEX IF NOT EXISTS next_responses_at ON next_responses (at);
CREATE TABLE IF NOT EXISTS resolutions (conversation_id TEXT NOT NULL, cycle INTEGER NOT NULL, agent TEXT, at INTEGER NOT NULL, resolution_millis INTEGER NOT NULL, handle_millis INTEGER NOT NULL, PRIMARY KEY (conversation_id, cycle));
CREATE INDEX IF NOT EXISTS resolutions_at ON resolutions (at);
CREATE TABLE IF NOT EXISTS ratings (conversation_id TEXT NOT NULL, cycle INTEGER NOT NULL, at INTEGER NOT NULL, score INTEGER NOT NULL, PRIMARY KEY (conversation_id, cycle));
CREATE INDEX IF NOT EXISTS ratings_at ON ratings (at)
";

    /// Each UTC hour's aggregate, keyed by the hour's start. (Measurements recorded before this
    /// version, only ever on development edges, are not in them.)
    pub const HOURS_V2: &'static str =
        "CREATE TABLE IF NOT EXISTS metrics_hours (hour INTEGER PRIMARY KEY, aggregate TEXT NOT NULL)";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Records a measurement once, with business-hours durations in the shop's hours and zone,
    /// and adds it to its hour; a first response is judged against `frt_target_seconds`, the
    /// target at the time. A measurement recorded already changes nothing. Call it in a
    /// transaction: the ledger row and the hour change together.
    pub fn record(
        &self,
        conversation_id: &ConversationId,
        measurement: &Measurement,
        hours: &WeeklyHours,
        zone: &IanaZone,
        frt_target_seconds: u64,
    ) -> EdgeResult<()> {
        let business = |span: &Span| business_millis_between(hours, zone, span.from, span.to);
        let id = conversation_id.as_str();
        let response = |span: &Span| ResponseSample {
            conversation_id: conversation_id.clone(),
            agent: span.agent.clone(),
            at: span.to,
            calendar_millis: span.millis(),
            business_millis: business(span),
        };
        match measurement {
            Measurement::FirstResponse { cycle, span } => {
                let sample = response(span);
                let recorded = self.ledger(
                    "INSERT OR IGNORE INTO first_responses VALUES (?, ?, ?, ?, ?, ?) RETURNING 1 AS recorded",
                    vec![
                        id.into(),
                        (*cycle as i64).into(),
                        span.agent.as_str().into(),
                        millis(sample.at).into(),
                        (sample.calendar_millis as i64).into(),
                        (sample.business_millis as i64).into(),
                    ],
                )?;
                self.add(recorded, sample.at, |hour| hour.add_first_response(&sample, frt_target_seconds))
            }
            Measurement::NextResponse { cycle, span } => {
                let sample = response(span);
                let recorded = self.ledger(
                    "INSERT OR IGNORE INTO next_responses VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING 1 AS recorded",
                    vec![
                        id.into(),
                        (*cycle as i64).into(),
                        millis(span.from).into(),
                        span.agent.as_str().into(),
                        millis(sample.at).into(),
                        (sample.calendar_millis as i64).into(),
                        (sample.business_millis as i64).into(),
                    ],
                )?;
                self.add(recorded, sample.at, |hour| hour.add_next_response(&sample))
            }
            Measurement::Resolution { cycle, resolution } => {
                let sample = ResolutionSample {
                    conversation_id: conversation_id.clone(),
                    agent: resolution.agent.clone(),
                    at: resolution.resolved_at,
                    resolution_millis: resolution.resolution_millis(),
                    handle_millis: resolution.handle_millis(),
                };
                let recorded = self.ledger(
                    "INSERT OR IGNORE INTO resolutions VALUES (?, ?, ?, ?, ?, ?) RETURNING 1 AS recorded",
                    vec![
                        id.into(),
                        (*cycle as i64).into(),
                        resolution.agent.as_ref().map(|a| a.as_str().to_owned()).into(),
                        millis(sample.at).into(),
                        (sample.resolution_millis as i64).into(),
                        (sample.handle_millis as i64).into(),
                    ],
                )?;
                self.add(recorded, sample.at, |hour| hour.add_resolution(&sample))
            }
            Measurement::Rating { cycle, rating } => {
                let sample =
                    RatingSample { conversation_id: conversation_id.clone(), at: rating.at, score: rating.score };
                let recorded = self.ledger(
                    "INSERT OR IGNORE INTO ratings VALUES (?, ?, ?, ?) RETURNING 1 AS recorded",
                    vec![id.into(), (*cycle as i64).into(), millis(rating.at).into(), i64::from(rating.score).into()],
                )?;
                self.add(recorded, sample.at, |hour| hour.add_rating(&sample))
            }
        }
    }

    /// Forgets the ledger rows of a conversation's measurements (erasure, retention); its hours
    /// keep what it added to them, anonymous.
    pub fn forget(&self, conversation: &ConversationId) -> EdgeResult<()> {
        for table in LEDGER {
            self.store
                .exec(&format!("DELETE FROM {table} WHERE conversation_id = ?"), vec![conversation.as_str().into()])?;
        }
        Ok(())
    }

    /// The aggregates of the hours starting in `[from, to)`, oldest first.
    pub fn hours(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<Hours> {
        let rows: Vec<HourRow> = self.store.rows(
            "SELECT hour, aggregate FROM metrics_hours WHERE hour >= ? AND hour < ? ORDER BY hour",
            vec![millis(from).into(), millis(to).into()],
        )?;
        rows.into_iter()
            .map(|row| Ok((UtcHour::containing(UnixMillis(row.hour as u64)), serde_json::from_str(&row.aggregate)?)))
            .collect()
    }

    /// Runs a ledger insert; whether it recorded anything new.
    fn ledger(&self, insert: &str, values: Vec<worker::SqlStorageValue>) -> EdgeResult<bool> {
        Ok(!self.store.write_returning::<Inserted>(insert, values)?.is_empty())
    }

    /// Adds a newly recorded measurement taken at `at` to its hour, and lets the ledger forget
    /// measurements too old to be delivered again.
    fn add(&self, recorded: bool, at: UnixMillis, add: impl FnOnce(&mut MetricsAggregate)) -> EdgeResult<()> {
        if !recorded {
            return Ok(());
        }
        let forgotten = millis(UnixMillis(at.0.saturating_sub(LEDGER_MILLIS)));
        for table in LEDGER {
            self.store.exec(&format!("DELETE FROM {table} WHERE at < ?"), vec![forgotten.into()])?;
        }
        let hour = UtcHour::containing(at).start();
        let mut aggregate: MetricsAggregate = self
            .store
            .json_value("SELECT aggregate AS value FROM metrics_hours WHERE hour = ?", vec![millis(hour).into()])?
            .unwrap_or_default();
        add(&mut aggregate);
        self.store.exec(
            "INSERT OR REPLACE INTO metrics_hours (hour, aggregate) VALUES (?, ?)",
            vec![millis(hour).into(), serde_json::to_string(&aggregate)?.into()],
        )
    }
}

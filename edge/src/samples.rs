//! The shop's metrics in its desk's SQLite storage: each measurement (first and next responses,
//! resolutions, ratings) is recorded once per conversation cycle, a redelivered one ignored, with
//! calendar and business-hours durations computed when recorded; and each recorded one is added
//! to its UTC hour's aggregate (core's `metrics_aggregate`), which is what reports and wait
//! estimates read: their work is bounded by the hours they cover, never by the samples.
//!
//! The rows per measurement are the ledger that keeps a redelivered measurement from counting
//! twice (adding to an aggregate is not idempotent), and what the conversations export lists
//! (core's `conversation_export`): they are kept as long as a report's window reaches (93 days),
//! far longer than any request is redelivered, and hold no personal data, only ids, agents,
//! instants and durations; erasure and retention delete a conversation's rows with it.

use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::{millis, Store};
use crate::time_zone::IanaZone;
use parley_core::business_hours::{business_millis_between, WeeklyHours};
use parley_core::conversation_export::CycleLedger;
use parley_core::cycle::{Measurement, Span};
use parley_core::ids::{AgentId, ConversationId};
use parley_core::metrics_aggregate::{MetricsAggregate, RatingSample, ResolutionSample, ResponseSample};
use parley_core::metrics_window::{UtcHour, MAX_WINDOW_DAYS};
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

/// One cycle's ledger rows, joined; numbers come out of SQLite as floats.
#[derive(Deserialize)]
struct CycleRow {
    conversation_id: ConversationId,
    cycle: f64,
    first_response_at: Option<f64>,
    first_response_millis: Option<f64>,
    first_response_agent: Option<AgentId>,
    resolved_at: Option<f64>,
    resolution_millis: Option<f64>,
    resolved_by: Option<AgentId>,
    rating: Option<f64>,
}

impl From<CycleRow> for CycleLedger {
    fn from(row: CycleRow) -> Self {
        // SQLite's integers, which were u64 or smaller when stored; float-to-int casts saturate.
        let at = |millis: Option<f64>| millis.map(|millis| UnixMillis(millis as u64));
        CycleLedger {
            conversation_id: row.conversation_id,
            cycle: row.cycle as u32,
            first_response_at: at(row.first_response_at),
            first_response_millis: row.first_response_millis.map(|millis| millis as u64),
            first_response_agent: row.first_response_agent,
            resolved_at: at(row.resolved_at),
            resolution_millis: row.resolution_millis.map(|millis| millis as u64),
            resolved_by: row.resolved_by,
            rating: row.rating.map(|score| score as u8),
        }
    }
}

/// The ledger's tables.
const LEDGER: [&str; 4] = ["first_responses", "next_responses", "resolutions", "ratings"];

/// How long the ledger remembers a measurement: as far back as a report's window reaches, so the
/// conversations export covers any window; far past the longest an outbox retries a request
/// (a day, `retry::Backoff::OUTBOX`).
const LEDGER_MILLIS: u64 = MAX_WINDOW_DAYS * 24 * 60 * 60 * 1000;

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

    /// Every conversation cycle with a first response, a resolution or a rating recorded in
    /// `[from, to)`, with all three as far as they were recorded, in no particular order.
    pub fn cycles(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<Vec<CycleLedger>> {
        let window = || -> Vec<worker::SqlStorageValue> { vec![millis(from).into(), millis(to).into()] };
        let rows: Vec<CycleRow> = self.store.rows(
            "WITH keys AS (\
               SELECT conversation_id, cycle FROM first_responses WHERE at >= ? AND at < ? \
               UNION SELECT conversation_id, cycle FROM resolutions WHERE at >= ? AND at < ? \
               UNION SELECT conversation_id, cycle FROM ratings WHERE at >= ? AND at < ?) \
             SELECT keys.conversation_id AS conversation_id, keys.cycle AS cycle, \
               f.at AS first_response_at, f.calendar_millis AS first_response_millis, \
               f.agent AS first_response_agent, r.at AS resolved_at, \
               r.resolution_millis AS resolution_millis, r.agent AS resolved_by, g.score AS rating \
             FROM keys \
             LEFT JOIN first_responses f ON f.conversation_id = keys.conversation_id AND f.cycle = keys.cycle \
             LEFT JOIN resolutions r ON r.conversation_id = keys.conversation_id AND r.cycle = keys.cycle \
             LEFT JOIN ratings g ON g.conversation_id = keys.conversation_id AND g.cycle = keys.cycle",
            [window(), window(), window()].concat(),
        )?;
        Ok(rows.into_iter().map(CycleLedger::from).collect())
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

//! The shop's metrics samples in its desk's SQLite storage: first responses, next responses,
//! resolutions and shoppers' ratings, each stored once per conversation cycle (a redelivered
//! measurement is ignored), with calendar and business-hours durations computed when recorded.

use serde::Deserialize;

use crate::error::EdgeResult;
use crate::store::Store;
use crate::time_zone::IanaZone;
use parley_core::business_hours::{business_millis_between, WeeklyHours};
use parley_core::cycle::{Measurement, Span};
use parley_core::ids::{AgentId, ConversationId};
use parley_core::metrics::{RatingSample, ResolutionSample, ResponseSample, Samples as ReportSamples};
use parley_core::time::UnixMillis;

pub struct Samples<'a> {
    store: &'a Store,
}

#[derive(Deserialize)]
struct ResponseRow {
    conversation_id: ConversationId,
    agent: AgentId,
    at: f64,
    calendar_millis: f64,
    business_millis: f64,
}

#[derive(Deserialize)]
struct RatingRow {
    conversation_id: ConversationId,
    at: f64,
    score: f64,
}

#[derive(Deserialize)]
struct ResolutionRow {
    conversation_id: ConversationId,
    agent: Option<AgentId>,
    at: f64,
    resolution_millis: f64,
    handle_millis: f64,
}

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

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Stores a measurement, with business-hours durations in the shop's hours and zone.
    pub fn record(
        &self,
        conversation_id: &ConversationId,
        measurement: &Measurement,
        hours: &WeeklyHours,
        zone: &IanaZone,
    ) -> EdgeResult<()> {
        let business = |span: &Span| business_millis_between(hours, zone, span.from, span.to);
        let id = conversation_id.as_str();
        match measurement {
            Measurement::FirstResponse { cycle, span } => self.store.exec(
                "INSERT OR IGNORE INTO first_responses VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    (*cycle as i64).into(),
                    span.agent.as_str().into(),
                    millis(span.to).into(),
                    (span.millis() as i64).into(),
                    (business(span) as i64).into(),
                ],
            ),
            Measurement::NextResponse { cycle, span } => self.store.exec(
                "INSERT OR IGNORE INTO next_responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    (*cycle as i64).into(),
                    millis(span.from).into(),
                    span.agent.as_str().into(),
                    millis(span.to).into(),
                    (span.millis() as i64).into(),
                    (business(span) as i64).into(),
                ],
            ),
            Measurement::Resolution { cycle, resolution } => self.store.exec(
                "INSERT OR IGNORE INTO resolutions VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    (*cycle as i64).into(),
                    resolution.agent.as_ref().map(|a| a.as_str().to_owned()).into(),
                    millis(resolution.resolved_at).into(),
                    (resolution.resolution_millis() as i64).into(),
                    (resolution.handle_millis() as i64).into(),
                ],
            ),
            Measurement::Rating { cycle, rating } => self.store.exec(
                "INSERT OR IGNORE INTO ratings VALUES (?, ?, ?, ?)",
                vec![id.into(), (*cycle as i64).into(), millis(rating.at).into(), i64::from(rating.score).into()],
            ),
        }
    }

    /// Every sample in `[from, to)`, for the metrics report.
    pub fn in_window(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<ReportSamples> {
        Ok(ReportSamples {
            first_responses: self.first_responses(from, to)?,
            next_responses: self.responses("next_responses", from, to)?,
            resolutions: self.resolutions(from, to)?,
            ratings: self.ratings(from, to)?,
        })
    }

    /// First responses written in `[from, to)`.
    pub fn first_responses(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<Vec<ResponseSample>> {
        self.responses("first_responses", from, to)
    }

    /// Ratings given in `[from, to)`.
    fn ratings(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<Vec<RatingSample>> {
        let rows: Vec<RatingRow> = self.store.rows(
            "SELECT conversation_id, at, score FROM ratings WHERE at >= ? AND at < ?",
            vec![millis(from).into(), millis(to).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| RatingSample {
                conversation_id: row.conversation_id,
                at: UnixMillis(row.at as u64),
                score: row.score as u8,
            })
            .collect())
    }

    /// Resolutions in `[from, to)`.
    fn resolutions(&self, from: UnixMillis, to: UnixMillis) -> EdgeResult<Vec<ResolutionSample>> {
        let rows: Vec<ResolutionRow> = self.store.rows(
            "SELECT conversation_id, agent, at, resolution_millis, handle_millis FROM resolutions WHERE at >= ? AND at < ?",
            vec![millis(from).into(), millis(to).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| ResolutionSample {
                conversation_id: row.conversation_id,
                agent: row.agent,
                at: UnixMillis(row.at as u64),
                resolution_millis: row.resolution_millis as u64,
                handle_millis: row.handle_millis as u64,
            })
            .collect())
    }

    fn responses(&self, table: &str, from: UnixMillis, to: UnixMillis) -> EdgeResult<Vec<ResponseSample>> {
        let rows: Vec<ResponseRow> = self.store.rows(
            &format!(
                "SELECT conversation_id, agent, at, calendar_millis, business_millis FROM {table} WHERE at >= ? AND at < ?"
            ),
            vec![millis(from).into(), millis(to).into()],
        )?;
        Ok(rows.into_iter().map(ResponseSample::from).collect())
    }
}

impl From<ResponseRow> for ResponseSample {
    fn from(row: ResponseRow) -> Self {
        ResponseSample {
            conversation_id: row.conversation_id,
            agent: row.agent,
            at: UnixMillis(row.at as u64),
            calendar_millis: row.calendar_millis as u64,
            business_millis: row.business_millis as u64,
        }
    }
}

/// An instant as SQLite's integer (milliseconds fit easily in i64 until the year 292 million).
fn millis(at: UnixMillis) -> i64 {
    at.0.min(i64::MAX as u64) as i64
}

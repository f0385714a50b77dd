//! The shop's team in its desk's SQLite storage: its members (profile, role, whether they set
//! themselves away) and the single-use links that bring someone in or let them choose a new
//! password, kept by their token's hash. The rules (the last owner stays; a link works once,
//! until it expires) are core's `team`.

use serde::Deserialize;

use crate::error::{EdgeError, EdgeResult};
use crate::store::{millis, Store};
use parley_core::ids::AgentId;
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode, Role};
use parley_core::team::TeamLink;
use parley_core::time::UnixMillis;

pub struct Team<'a> {
    store: &'a Store,
}

/// A member as stored.
pub struct Member {
    pub profile: AgentProfile,
    pub away: bool,
}

#[derive(Deserialize)]
struct MemberRow {
    profile: String,
    away: f64,
}

#[derive(Deserialize)]
struct LinkRow {
    link: String,
}

impl<'a> Team<'a> {
    /// Members' away status, and the links (the `agents` table is part of the desk's first
    /// version).
    pub const SCHEMA_V4: &'static str = "
ALTER TABLE agents ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS team_links (token_hash TEXT PRIMARY KEY, link TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS team_links_by_expiry ON team_links (expires_at)
";

    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Every member, by e-mail.
    pub fn members(&self) -> EdgeResult<Vec<Member>> {
        let rows: Vec<MemberRow> = self.store.rows("SELECT profile, away FROM agents ORDER BY email", vec![])?;
        rows.into_iter()
            .map(|row| Ok(Member { profile: serde_json::from_str(&row.profile)?, away: row.away != 0.0 }))
            .collect()
    }

    /// The member with this e-mail, if there is one.
    pub fn member(&self, email: &AgentId) -> EdgeResult<Option<AgentProfile>> {
        self.store.json_value("SELECT profile AS value FROM agents WHERE email = ?", vec![email.as_str().into()])
    }

    /// Every member's e-mail and role, for core's rules.
    pub fn roles(&self) -> EdgeResult<Vec<(AgentId, Role)>> {
        Ok(self.members()?.into_iter().map(|member| (member.profile.email, member.profile.role)).collect())
    }

    /// Adds a member unless they are one already.
    pub fn add(&self, profile: &AgentProfile) -> EdgeResult<()> {
        self.store.exec(
            "INSERT OR IGNORE INTO agents (email, profile) VALUES (?, ?)",
            vec![profile.email.as_str().into(), serde_json::to_string(profile)?.into()],
        )
    }

    /// Stores a member's profile as changed (a new role).
    pub fn update(&self, profile: &AgentProfile) -> EdgeResult<()> {
        self.store.exec(
            "UPDATE agents SET profile = ? WHERE email = ?",
            vec![serde_json::to_string(profile)?.into(), profile.email.as_str().into()],
        )
    }

    pub fn set_away(&self, email: &AgentId, away: bool) -> EdgeResult<()> {
        self.store
            .exec("UPDATE agents SET away = ? WHERE email = ?", vec![i64::from(away).into(), email.as_str().into()])
    }

    pub fn remove(&self, email: &AgentId) -> EdgeResult<()> {
        self.store.exec("DELETE FROM agents WHERE email = ?", vec![email.as_str().into()])
    }

    /// Keeps a link by its token's hash, and forgets links that expired.
    pub fn keep_link(&self, token_hash: &str, link: &TeamLink, now: UnixMillis) -> EdgeResult<()> {
        self.store.exec("DELETE FROM team_links WHERE expires_at <= ?", vec![millis(now).into()])?;
        self.store.exec(
            "INSERT INTO team_links (token_hash, link, expires_at) VALUES (?, ?, ?)",
            vec![token_hash.into(), serde_json::to_string(link)?.into(), millis(link.expires_at).into()],
        )
    }

    /// The link with this token's hash, if it still works at `now`.
    pub fn usable_link(&self, token_hash: &str, now: UnixMillis) -> EdgeResult<TeamLink> {
        let link = self.link(token_hash)?;
        link.usable(now).map_err(ApiError::from)?;
        Ok(link)
    }

    /// Uses the link with this token's hash at `now`, once; answers it.
    pub fn use_link(&self, token_hash: &str, now: UnixMillis) -> EdgeResult<TeamLink> {
        let mut link = self.link(token_hash)?;
        link.use_at(now).map_err(ApiError::from)?;
        self.store.exec(
            "UPDATE team_links SET link = ? WHERE token_hash = ?",
            vec![serde_json::to_string(&link)?.into(), token_hash.into()],
        )?;
        Ok(link)
    }

    fn link(&self, token_hash: &str) -> EdgeResult<TeamLink> {
        let rows: Vec<LinkRow> =
            self.store.rows("SELECT link FROM team_links WHERE token_hash = ?", vec![token_hash.into()])?;
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::api(ErrorCode::Unauthorized, "this link is not valid; ask for a new one"))?;
        Ok(serde_json::from_str(&row.link)?)
    }
}

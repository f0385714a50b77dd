//! `AgentAccount`: one Durable Object per agent e-mail, holding the password hash, the shop the
//! agent works for, and the account's failed sign-ins. Sign-in asks it first, then the shop's
//! desk opens a session.
//!
//! Guessing is throttled per account with core's growing delays (`login_throttle`), beside the
//! Worker's throttle per client address. An e-mail nobody has an account for answers exactly as
//! one with a wrong password, in the same time and with the same throttle, but keeps that
//! throttle in memory only: asking about it stores nothing.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::clock::now;
use crate::crypto;
use crate::dev_counters::{self, Wake};
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::{answer, Object};
use crate::store::{Migrations, Store};
use parley_core::ids::AgentId;
use parley_core::login_throttle::LoginThrottle;
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode};

/// Requests the Worker sends to an agent's account.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AccountRequest {
    /// Creates the account; `conflict` if it exists, which is never replaced.
    Create { profile: AgentProfile, password: String },
    /// Checks a password; answers the profile or `unauthorized`.
    Verify { password: String },
    /// Changes the password, given the current one (checked as a sign-in is).
    ChangePassword { current: String, new: String },
    /// Sets a new password without the old one: the member used a reset link their shop's desk
    /// checked.
    SetPassword { password: String },
    /// Deletes the account: its member was removed from their shop.
    Delete,
}

#[derive(Serialize, Deserialize)]
struct Credentials {
    profile: AgentProfile,
    salt: String,
    hash: String,
}

#[durable_object]
pub struct AgentAccount {
    state: State,
    store: Store,
    /// The throttle of an e-mail with no account, which must not be stored.
    unknown: RefCell<LoginThrottle>,
}

/// The account's schema, version by version (see `store`). An e-mail nobody has an account for
/// never gets one: checking a password against it reads and creates nothing.
const MIGRATIONS: Migrations = &[
    &["CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), credentials TEXT NOT NULL)"],
    &["CREATE TABLE IF NOT EXISTS login_throttle (id INTEGER PRIMARY KEY CHECK (id = 1), throttle TEXT NOT NULL)"],
];

impl DurableObject for AgentAccount {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        Self { store: Store::new(&state, MIGRATIONS), state, unknown: RefCell::default() }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::AgentAccount, &self.state, Wake::Request);
        let result = match read_json::<AccountRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result)
    }
}

impl AgentAccount {
    fn credentials(&self) -> EdgeResult<Option<Credentials>> {
        self.store.json_value("SELECT credentials AS value FROM account WHERE id = 1", vec![])
    }

    async fn handle(&self, request: AccountRequest) -> EdgeResult<AgentProfile> {
        match request {
            AccountRequest::Create { profile, password } => {
                if self.credentials()?.is_some() {
                    return Err(exists());
                }
                let credentials = Credentials::new(profile.clone(), &password).await?;
                // Only if nobody made it while the hash was computed.
                self.store.exec(
                    "INSERT INTO account (id, credentials) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                    vec![serde_json::to_string(&credentials)?.into()],
                )?;
                match self.credentials()? {
                    Some(stored) if stored.hash == credentials.hash => Ok(profile),
                    _ => Err(exists()),
                }
            }
            AccountRequest::Verify { password } => Ok(self.verify(&password).await?.profile),
            AccountRequest::ChangePassword { current, new } => {
                let credentials = self.verify(&current).await?;
                self.save(&Credentials::new(credentials.profile, &new).await?)
            }
            AccountRequest::SetPassword { password } => {
                let credentials = self.credentials()?.ok_or_else(EdgeError::not_found)?;
                self.save(&Credentials::new(credentials.profile, &password).await?)
            }
            AccountRequest::Delete => {
                let credentials = self.credentials()?.ok_or_else(EdgeError::not_found)?;
                self.state.storage().delete_all().await?;
                self.store.emptied();
                Ok(credentials.profile)
            }
        }
    }

    /// The credentials, if `password` is theirs, within the account's throttle; the same
    /// refusal for an unknown account and a wrong password, in the same time, so sign-in does
    /// not tell which e-mails exist.
    async fn verify(&self, password: &str) -> EdgeResult<Credentials> {
        let refused = || EdgeError::api(ErrorCode::Unauthorized, "wrong e-mail or password");
        let at = now();
        let Some(credentials) = self.credentials()? else {
            self.unknown.borrow().check(at).map_err(ApiError::from)?;
            crypto::password_hash(password, "0000").await?;
            self.unknown.borrow_mut().failed(at);
            return Err(refused());
        };
        let mut throttle: LoginThrottle = self
            .store
            .json_value("SELECT throttle AS value FROM login_throttle WHERE id = 1", vec![])?
            .unwrap_or_default();
        throttle.check(at).map_err(ApiError::from)?;
        let hash = crypto::password_hash(password, &credentials.salt).await?;
        let right = crypto::same_secret(&hash, &credentials.hash);
        if right && throttle.is_forgotten(at) {
            // Nothing to forget: no write.
            return Ok(credentials);
        }
        if right {
            throttle.succeeded();
        } else {
            throttle.failed(at);
        }
        self.store.exec(
            "INSERT OR REPLACE INTO login_throttle (id, throttle) VALUES (1, ?)",
            vec![serde_json::to_string(&throttle)?.into()],
        )?;
        if right {
            Ok(credentials)
        } else {
            Err(refused())
        }
    }

    fn save(&self, credentials: &Credentials) -> EdgeResult<AgentProfile> {
        self.store.exec(
            "INSERT OR REPLACE INTO account (id, credentials) VALUES (1, ?)",
            vec![serde_json::to_string(credentials)?.into()],
        )?;
        Ok(credentials.profile.clone())
    }
}

impl Credentials {
    /// The profile with `password`, hashed with a fresh salt.
    async fn new(profile: AgentProfile, password: &str) -> EdgeResult<Self> {
        let salt = crypto::random_hex(16)?;
        let hash = crypto::password_hash(password, &salt).await?;
        Ok(Self { profile, salt, hash })
    }
}

fn exists() -> EdgeError {
    EdgeError::api(ErrorCode::Conflict, "an account with this e-mail exists")
}

/// The account object of an agent.
pub fn account_key(agent: &AgentId) -> String {
    format!("agent:{agent}")
}

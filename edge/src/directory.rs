//! `Directory`: the one Durable Object that knows every shop and every agent account of the
//! edge: which shop ids are taken, which e-mail has an account in which shop, and the sign-up
//! codes the operator issued.
//!
//! Shops and accounts are created through it, so no shop id and no e-mail is ever taken twice,
//! and nothing is created over what exists. Sign-in asks it first, so an e-mail without an
//! account never reaches, or creates, an account object; the throttle of such an e-mail lives
//! in its memory, as a real account's lives in the account's storage. Everything it does is
//! rare (a sign-up, a sign-in, an operator's command), so one object serves the whole edge.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::clock::now;
use crate::crypto;
use crate::dev_counters::{self, Wake};
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::{self, answer, Object};
use crate::store::{millis, Migrations, Store};
use parley_core::ids::{AgentId, ShopId};
use parley_core::login_throttle::LoginThrottle;
use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::time::UnixMillis;

/// The directory's one instance.
const NAME: &str = "directory";

/// A day, for sign-up codes.
const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// What the directory is asked.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DirectoryRequest {
    /// Takes a shop id for a new shop; `conflict` if it is taken.
    ReserveShop { shop: ShopId, name: String },
    /// Gives back a shop id a creation that failed took.
    ReleaseShop { shop: ShopId },
    /// Every shop, for the operator.
    Shops,
    /// A shop is disabled, or enabled again.
    SetDisabled { shop: ShopId, disabled: bool },
    /// Records that `email` has an account in `shop`; `conflict` if it has one in any shop
    /// (the same shop again is no conflict: seeding repeats itself).
    ReserveAccount { email: AgentId, shop: ShopId },
    /// Forgets an account (its agent was removed, or its creation failed).
    ReleaseAccount { email: AgentId },
    /// The shop of the account with this e-mail, if there is one.
    AccountShop { email: AgentId },
    /// A sign-in with an e-mail that has no account failed: `rate_limited` while its throttle
    /// says wait, as a real account's would, else `unauthorized`.
    UnknownSignIn { email: AgentId },
    /// Issues a sign-up code good for `valid_days`; answers it (the directory keeps its hash).
    IssueCode { valid_days: u32 },
    /// Uses a sign-up code for `shop`, once; `unauthorized` if it is unknown, used or expired.
    RedeemCode { code: String, shop: ShopId },
}

/// A shop as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopEntry {
    pub shop: ShopId,
    pub name: String,
    pub created_at: UnixMillis,
    pub disabled: bool,
}

/// What the directory answers; callers decode the one shape their request gets.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum DirectoryAnswer {
    Shops { shops: Vec<ShopEntry> },
    AccountShop { shop: Option<ShopId> },
    Code { code: String, expires_at: UnixMillis },
    Done {},
}

#[durable_object]
pub struct Directory {
    /// Kept for the development counters, which name the object by its id.
    state: State,
    store: Store,
    /// Throttles of e-mails without an account, which must not be stored.
    unknown: RefCell<BTreeMap<String, LoginThrottle>>,
}

const MIGRATIONS: Migrations = &[&["
CREATE TABLE IF NOT EXISTS shops (shop TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS accounts (email TEXT PRIMARY KEY, shop TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS signup_codes (code_hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, used_by TEXT)
"]];

#[derive(Deserialize)]
struct ShopRow {
    shop: ShopId,
    name: String,
    created_at: f64,
    disabled: f64,
}

#[derive(Deserialize)]
struct AccountRow {
    shop: ShopId,
}

#[derive(Deserialize)]
struct CodeRow {
    expires_at: f64,
    used_by: Option<String>,
}

impl DurableObject for Directory {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        let store = Store::new(&state, MIGRATIONS);
        Self { state, store, unknown: RefCell::default() }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::Directory, &self.state, Wake::Request);
        let result = match read_json::<DirectoryRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result)
    }
}

impl Directory {
    async fn handle(&self, request: DirectoryRequest) -> EdgeResult<DirectoryAnswer> {
        let done = Ok(DirectoryAnswer::Done {});
        match request {
            DirectoryRequest::ReserveShop { shop, name } => {
                let taken: Vec<AccountRow> = self.store.write_returning(
                    "INSERT INTO shops (shop, name, created_at) VALUES (?, ?, ?) ON CONFLICT (shop) DO NOTHING RETURNING shop",
                    vec![shop.as_str().into(), name.into(), millis(now()).into()],
                )?;
                if taken.is_empty() {
                    return Err(ApiError::new(ErrorCode::Conflict, "that shop id is taken; please choose another")
                        .about("shop")
                        .into());
                }
                done
            }
            DirectoryRequest::ReleaseShop { shop } => {
                self.store.exec("DELETE FROM shops WHERE shop = ?", vec![shop.as_str().into()])?;
                done
            }
            DirectoryRequest::Shops => {
                let rows: Vec<ShopRow> =
                    self.store.rows("SELECT shop, name, created_at, disabled FROM shops ORDER BY shop", vec![])?;
                let shops = rows
                    .into_iter()
                    .map(|row| ShopEntry {
                        shop: row.shop,
                        name: row.name,
                        created_at: UnixMillis(row.created_at as u64),
                        disabled: row.disabled != 0.0,
                    })
                    .collect();
                Ok(DirectoryAnswer::Shops { shops })
            }
            DirectoryRequest::SetDisabled { shop, disabled } => {
                let found: Vec<AccountRow> = self.store.write_returning(
                    "UPDATE shops SET disabled = ? WHERE shop = ? RETURNING shop",
                    vec![i64::from(disabled).into(), shop.as_str().into()],
                )?;
                if found.is_empty() {
                    return Err(EdgeError::api(ErrorCode::NotFound, "no such shop"));
                }
                done
            }
            DirectoryRequest::ReserveAccount { email, shop } => {
                let holder: Vec<AccountRow> = self.store.write_returning(
                    "INSERT INTO accounts (email, shop) VALUES (?, ?) \
                     ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING shop",
                    vec![email.as_str().into(), shop.as_str().into()],
                )?;
                match holder.first() {
                    Some(row) if row.shop == shop => done,
                    _ => Err(ApiError::new(ErrorCode::Conflict, "an account with this e-mail address exists")
                        .about("email")
                        .into()),
                }
            }
            DirectoryRequest::ReleaseAccount { email } => {
                self.store.exec("DELETE FROM accounts WHERE email = ?", vec![email.as_str().into()])?;
                done
            }
            DirectoryRequest::AccountShop { email } => {
                let rows: Vec<AccountRow> =
                    self.store.rows("SELECT shop FROM accounts WHERE email = ?", vec![email.as_str().into()])?;
                Ok(DirectoryAnswer::AccountShop { shop: rows.into_iter().next().map(|row| row.shop) })
            }
            DirectoryRequest::UnknownSignIn { email } => {
                let at = now();
                let mut unknown = self.unknown.borrow_mut();
                unknown.retain(|_, throttle| !throttle.is_forgotten(at));
                let throttle = unknown.entry(email.as_str().to_owned()).or_default();
                throttle.check(at).map_err(ApiError::from)?;
                throttle.failed(at);
                Err(EdgeError::api(ErrorCode::Unauthorized, "wrong e-mail or password"))
            }
            DirectoryRequest::IssueCode { valid_days } => {
                let code = crypto::random_hex(12)?;
                let expires_at = UnixMillis(now().0.saturating_add(u64::from(valid_days.max(1)) * DAY_MILLIS));
                self.store.exec(
                    "INSERT INTO signup_codes (code_hash, expires_at) VALUES (?, ?)",
                    vec![crypto::sha256_hex(&code).await?.into(), millis(expires_at).into()],
                )?;
                Ok(DirectoryAnswer::Code { code, expires_at })
            }
            DirectoryRequest::RedeemCode { code, shop } => {
                let hash = crypto::sha256_hex(&code).await?;
                // About the form's `code` field, so the sign-up form shows it there.
                let refused = || {
                    EdgeError::Api(
                        ApiError::new(ErrorCode::Unauthorized, "that sign-up code is not valid").about("code"),
                    )
                };
                let rows: Vec<CodeRow> = self.store.rows(
                    "SELECT expires_at, used_by FROM signup_codes WHERE code_hash = ?",
                    vec![hash.clone().into()],
                )?;
                let usable = rows.first().is_some_and(|row| row.used_by.is_none() && now().0 < row.expires_at as u64);
                if !usable {
                    return Err(refused());
                }
                self.store.exec(
                    "UPDATE signup_codes SET used_by = ? WHERE code_hash = ?",
                    vec![shop.as_str().into(), hash.into()],
                )?;
                done
            }
        }
    }
}

/// Asks the directory.
pub async fn ask<T: serde::de::DeserializeOwned>(env: &Env, request: &DirectoryRequest) -> EdgeResult<T> {
    rpc::call(&Object::Directory.stub(env, NAME)?, request).await
}

//! `AgentAccount`: one Durable Object per agent e-mail, holding the password hash and the
//! shop the agent works for. Sign-in asks it first, then the shop's desk opens a session.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::crypto;
use crate::error::{EdgeError, EdgeResult};
use crate::http::read_json;
use crate::rpc::answer;
use crate::store::Store;
use parley_core::ids::AgentId;
use parley_core::protocol::{AgentProfile, ErrorCode};

/// Requests the Worker sends to an agent's account.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AccountRequest {
    /// Creates or replaces the account (dev seeding and, later, invitations).
    Create { profile: AgentProfile, password: String },
    /// Checks a password; answers the profile or `unauthorized`.
    Verify { password: String },
}

#[derive(Serialize, Deserialize)]
struct Credentials {
    profile: AgentProfile,
    salt: String,
    hash: String,
}

#[durable_object]
pub struct AgentAccount {
    store: Store,
}

impl DurableObject for AgentAccount {
    fn new(state: State, _env: Env) -> Self {
        Self {
            store: Store::open(
                state.storage().sql(),
                &["CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), credentials TEXT NOT NULL)"],
            ),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match read_json::<AccountRequest>(&mut req).await {
            Ok(request) => self.handle(request).await,
            Err(error) => Err(error),
        };
        answer(result)
    }
}

impl AgentAccount {
    async fn handle(&self, request: AccountRequest) -> EdgeResult<AgentProfile> {
        match request {
            AccountRequest::Create { profile, password } => {
                let salt = crypto::random_hex(16)?;
                let hash = crypto::password_hash(&password, &salt).await?;
                let credentials = Credentials { profile: profile.clone(), salt, hash };
                self.store.exec(
                    "INSERT OR REPLACE INTO account (id, credentials) VALUES (1, ?)",
                    vec![serde_json::to_string(&credentials)?.into()],
                )?;
                Ok(profile)
            }
            AccountRequest::Verify { password } => {
                // The same refusal for an unknown account and a wrong password: sign-in must not
                // reveal which e-mails exist.
                let refused = || EdgeError::api(ErrorCode::Unauthorized, "wrong e-mail or password");
                let stored: Option<Credentials> =
                    self.store.json_value("SELECT credentials AS value FROM account WHERE id = 1", vec![])?;
                let Some(credentials) = stored else {
                    // Spend the same time as a real check, so timing does not tell either.
                    crypto::password_hash(&password, "0000").await?;
                    return Err(refused());
                };
                let hash = crypto::password_hash(&password, &credentials.salt).await?;
                if crypto::same_secret(&hash, &credentials.hash) {
                    Ok(credentials.profile)
                } else {
                    Err(refused())
                }
            }
        }
    }
}

/// The account object of an agent.
pub fn account_key(agent: &AgentId) -> String {
    format!("agent:{agent}")
}

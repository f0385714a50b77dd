//! Agents' accounts across the objects that keep them: the directory keeps each e-mail in one
//! shop, once; the account object keeps the credentials (and the account's sign-in throttle);
//! the shop's desk keeps the member (name, role) and their sessions. Creating, signing in,
//! changing a password and removing go through here, so each touches all three the same way.

use serde::Deserialize;
use worker::Env;

use crate::agent_account::{account_key, AccountRequest};
use crate::crypto;
use crate::directory::{self, DirectoryAnswer, DirectoryRequest};
use crate::error::{EdgeError, EdgeResult};
use crate::rate_limiter;
use crate::rpc::{self, Object};
use crate::shop_desk::{desk_stub, DeskRequest};
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode};
use parley_core::signup;

/// An account in the directory and its credentials; `conflict` if the e-mail has an account
/// in any shop. Not yet a member of the shop: the caller adds them to the desk.
pub async fn create(env: &Env, profile: &AgentProfile, password: &str) -> EdgeResult<()> {
    signup::password(password).map_err(ApiError::from)?;
    let reserve = DirectoryRequest::ReserveAccount { email: profile.email.clone(), shop: profile.shop.clone() };
    directory::ask::<DirectoryAnswer>(env, &reserve).await?;
    let create = AccountRequest::Create { profile: profile.clone(), password: password.to_owned() };
    match call_account(env, &profile.email, &create).await {
        Ok(_) => Ok(()),
        // The account exists (a retry, or seeding again): its reservation is its own, and stays.
        Err(EdgeError::Api(exists)) if exists.code == ErrorCode::Conflict => Err(EdgeError::Api(exists)),
        Err(error) => {
            // Nothing was created: the e-mail is free again for a later try.
            let release = DirectoryRequest::ReleaseAccount { email: profile.email.clone() };
            directory::ask::<DirectoryAnswer>(env, &release).await?;
            Err(error)
        }
    }
}

/// A signed-in agent: the desk's profile of them and their new session's token.
pub struct NewSession {
    pub agent: AgentProfile,
    pub token: String,
}

/// Signs an agent in: refused with `rate_limited` while this client address, or this account,
/// must wait after failed attempts (core's `login_throttle`); a failure counts against both. An
/// e-mail without an account reaches no account object: the directory answers for it, after
/// the same time a password check takes.
pub async fn sign_in(env: &Env, email: &str, password: &str, client: &str) -> EdgeResult<NewSession> {
    rate_limiter::may_sign_in(env, client).await?;
    let verified = match AgentId::parse(email) {
        Ok(email) => verify(env, &email, password).await,
        Err(_) => Err(EdgeError::api(ErrorCode::Unauthorized, "wrong e-mail or password")),
    };
    let account = match verified {
        Ok(account) => account,
        Err(EdgeError::Api(refused)) if refused.code == ErrorCode::Unauthorized => {
            rate_limiter::sign_in_failed(env, client).await?;
            return Err(EdgeError::Api(refused));
        }
        Err(error) => return Err(error),
    };
    open_session(env, &account.shop, &account.email).await
}

async fn verify(env: &Env, email: &AgentId, password: &str) -> EdgeResult<AgentProfile> {
    let DirectoryAnswer::AccountShop { shop } =
        directory::ask(env, &DirectoryRequest::AccountShop { email: email.clone() }).await?
    else {
        return Err(EdgeError::internal("the directory answered something else"));
    };
    if shop.is_none() {
        // As long as a real check takes, so timing does not tell which e-mails exist.
        crypto::password_hash(password, "0000").await?;
        return directory::ask(env, &DirectoryRequest::UnknownSignIn { email: email.clone() }).await;
    }
    call_account(env, email, &AccountRequest::Verify { password: password.to_owned() }).await
}

/// Opens a session for a member of `shop`; answers the desk's profile of them (the desk keeps
/// their name and role) and the session's token.
pub async fn open_session(env: &Env, shop: &ShopId, email: &AgentId) -> EdgeResult<NewSession> {
    #[derive(Deserialize)]
    struct Opened {
        token: String,
        agent: AgentProfile,
    }
    let Opened { token, agent } =
        rpc::call(&desk_stub(env, shop)?, &DeskRequest::OpenSession { email: email.clone() }).await?;
    Ok(NewSession { agent, token })
}

/// Changes a member's password, given the current one; answers their profile.
pub async fn change_password(env: &Env, email: &AgentId, current: &str, new: &str) -> EdgeResult<AgentProfile> {
    signup::password(new).map_err(ApiError::from)?;
    let change = AccountRequest::ChangePassword { current: current.to_owned(), new: new.to_owned() };
    call_account(env, email, &change).await
}

/// Sets a member's password after their shop's desk took a reset link for it.
pub async fn set_password(env: &Env, email: &AgentId, password: &str) -> EdgeResult<()> {
    signup::password(password).map_err(ApiError::from)?;
    call_account(env, email, &AccountRequest::SetPassword { password: password.to_owned() }).await.map(drop)
}

/// Deletes the account of a member removed from their shop, so the e-mail may join again.
pub async fn remove(env: &Env, email: &AgentId) -> EdgeResult<()> {
    match call_account(env, email, &AccountRequest::Delete).await {
        Ok(_) => {}
        // Already gone (a removal tried again) is as good.
        Err(EdgeError::Api(gone)) if gone.code == ErrorCode::NotFound => {}
        Err(error) => return Err(error),
    }
    directory::ask::<DirectoryAnswer>(env, &DirectoryRequest::ReleaseAccount { email: email.clone() }).await.map(drop)
}

async fn call_account(env: &Env, email: &AgentId, request: &AccountRequest) -> EdgeResult<AgentProfile> {
    rpc::call(&Object::AgentAccount.stub(env, &account_key(email))?, request).await
}

//! How shops come to exist: the operator's choice (`PARLEY_SIGNUP`: `open`, `invite` with a
//! code the operator issued, or `closed`, the default) and the sign-up that creates a shop with
//! its first owner. The operator's own command creates shops too (`operator`), through the same
//! [`create_shop`]: a shop id is taken once, in the directory, and nothing is created over what
//! exists.

use worker::Env;

use crate::accounts::{self, NewSession};
use crate::directory::{self, DirectoryAnswer, DirectoryRequest};
use crate::error::{EdgeError, EdgeResult};
use crate::rate_limiter;
use crate::rpc;
use crate::shop_desk::{desk_stub, DeskRequest, ShopProfile};
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode, Role, Signup, SignupMode};
use parley_core::rate_limit::Action;
use parley_core::settings::ShopSettings;
use parley_core::signup::NewShop;

/// Who may create a shop on this edge: its `PARLEY_SIGNUP`, `closed` unless it says otherwise.
pub fn mode(env: &Env) -> SignupMode {
    match env.var("PARLEY_SIGNUP").map(|value| value.to_string()).as_deref() {
        Ok("open") => SignupMode::Open,
        Ok("invite") => SignupMode::Invite,
        _ => SignupMode::Closed,
    }
}

/// Creates the shop and its owner, and signs the owner in. `client` is the caller's rate-limit
/// key: valid sign-ups are few per client.
pub async fn sign_up(env: &Env, signup: Signup, client: &str) -> EdgeResult<NewSession> {
    let mode = mode(env);
    if mode == SignupMode::Closed {
        return Err(EdgeError::api(ErrorCode::Forbidden, "this edge does not take sign-ups; ask its operator"));
    }
    let (shop, shop_name) = NewShop { shop: signup.shop, name: signup.shop_name }.checked().map_err(ApiError::from)?;
    let email = AgentId::parse(&signup.email).map_err(|_| {
        ApiError::new(ErrorCode::BadRequest, "that does not look like an e-mail address").about("email")
    })?;
    let name = parley_core::signup::person_name(&signup.name).map_err(ApiError::from)?;
    parley_core::signup::password(&signup.password).map_err(ApiError::from)?;
    // Counted once the form is valid, so typos do not use up the allowance; every attempt on
    // the directory counts, which also bounds probing for taken shop ids and e-mails.
    rate_limiter::count_for_edge(env, client, Action::SignUp).await?;
    reserve(env, &shop, &shop_name).await?;
    if mode == SignupMode::Invite {
        let code = signup.code.unwrap_or_default();
        if let Err(refused) =
            directory::ask::<DirectoryAnswer>(env, &DirectoryRequest::RedeemCode { code, shop: shop.clone() }).await
        {
            release(env, &shop).await?;
            return Err(refused);
        }
    }
    let owner = AgentProfile { email, name, shop: shop.clone(), role: Role::Owner };
    if let Err(refused) = accounts::create(env, &owner, &signup.password).await {
        release(env, &shop).await?;
        return Err(refused);
    }
    let profile = new_profile(&shop, &shop_name);
    rpc::call::<_, ShopProfile>(&desk_stub(env, &shop)?, &DeskRequest::CreateShop { profile }).await?;
    rpc::call::<_, AgentProfile>(&desk_stub(env, &shop)?, &DeskRequest::AddAgent { profile: owner.clone() }).await?;
    accounts::open_session(env, &shop, &owner.email).await
}

/// Creates a shop: its id taken in the directory (`conflict` if it is taken), then its desk;
/// answers the shop as stored. The caller brings its first owner.
pub async fn create_shop(env: &Env, profile: &ShopProfile) -> EdgeResult<ShopProfile> {
    reserve(env, &profile.shop, &profile.name).await?;
    rpc::call(&desk_stub(env, &profile.shop)?, &DeskRequest::CreateShop { profile: profile.clone() }).await
}

/// A new shop's profile: its settings the defaults.
pub fn new_profile(shop: &ShopId, name: &str) -> ShopProfile {
    ShopProfile { shop: shop.clone(), name: name.to_owned(), settings: ShopSettings::default(), disabled: false }
}

async fn reserve(env: &Env, shop: &ShopId, name: &str) -> EdgeResult<()> {
    let request = DirectoryRequest::ReserveShop { shop: shop.clone(), name: name.to_owned() };
    directory::ask::<DirectoryAnswer>(env, &request).await.map(drop)
}

/// Gives back a shop id whose creation failed, for a later try.
async fn release(env: &Env, shop: &ShopId) -> EdgeResult<()> {
    directory::ask::<DirectoryAnswer>(env, &DirectoryRequest::ReleaseShop { shop: shop.clone() }).await.map(drop)
}

//! The single-use links that bring someone into a shop's team (an invite) or let a member
//! choose a new password (a reset): made by the shop's desk, which keeps only their token's
//! hash, handed on as a URL of the console's page for them (core's `team::link_url`), and used
//! once.

use worker::Env;

use crate::accounts::{self, NewSession};
use crate::error::{EdgeError, EdgeResult};
use crate::rpc;
use crate::shop_desk::{desk_stub, DeskRequest};
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode, IssuedLink, LinkView};
use parley_core::signup;
use parley_core::team::LinkPurpose;

/// Makes a link for `email` in `shop`; `origin` is the edge's, which serves the console.
pub async fn issue(
    env: &Env,
    origin: &str,
    shop: &ShopId,
    email: AgentId,
    purpose: LinkPurpose,
) -> EdgeResult<IssuedLink> {
    rpc::call(&desk_stub(env, shop)?, &DeskRequest::IssueLink { email, purpose, origin: origin.to_owned() }).await
}

/// What a link is for, while it works.
pub async fn check(env: &Env, shop: &ShopId, token: String) -> EdgeResult<LinkView> {
    rpc::call(&desk_stub(env, shop)?, &DeskRequest::CheckLink { token }).await
}

/// Accepts an invite: an account for its e-mail with `name` and `password`, a member of the
/// shop with the invite's role, signed in.
pub async fn accept_invite(
    env: &Env,
    shop: &ShopId,
    token: String,
    name: &str,
    password: &str,
) -> EdgeResult<NewSession> {
    let name = signup::person_name(name).map_err(ApiError::from)?;
    let view = check(env, shop, token.clone()).await?;
    let LinkPurpose::Invite { role } = view.purpose else {
        return Err(EdgeError::api(ErrorCode::Unauthorized, "this link is not an invite"));
    };
    let profile = AgentProfile { email: view.email.clone(), name: name.clone(), shop: shop.clone(), role };
    accounts::create(env, &profile, password).await?;
    let joined = rpc::call::<_, AgentProfile>(&desk_stub(env, shop)?, &DeskRequest::UseInvite { token, name }).await;
    if let Err(refused) = joined {
        // Someone used the link meanwhile: the account made for it goes.
        accounts::remove(env, &view.email).await?;
        return Err(refused);
    }
    accounts::open_session(env, shop, &view.email).await
}

/// Uses a password reset: every session of its member ends, and the password is `password`.
pub async fn reset_password(env: &Env, shop: &ShopId, token: String, password: &str) -> EdgeResult<()> {
    // Checked before the link is used, which a password refused would waste.
    signup::password(password).map_err(ApiError::from)?;
    let member: AgentProfile = rpc::call(&desk_stub(env, shop)?, &DeskRequest::UseReset { token }).await?;
    accounts::set_password(env, &member.email, password).await
}

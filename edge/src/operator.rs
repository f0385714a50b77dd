//! The operator's API (`/api/operator/…`, what `cargo xtask shop` calls): whoever runs this edge
//! lists its shops, creates one with a single-use link for its first owner, disables or enables
//! one, and issues sign-up codes. Authenticated by the operator's key (`Authorization: Bearer`,
//! the `PARLEY_OPERATOR_KEY` secret: `wrangler secret put`, or `.dev.vars` locally), compared in
//! constant time; wrong keys count against the client like failed sign-ins. Without a key set,
//! the API is closed.

use serde::{Deserialize, Serialize};
use worker::{Env, Request};

use crate::crypto;
use crate::directory::{self, DirectoryAnswer, DirectoryRequest, ShopEntry};
use crate::error::{EdgeError, EdgeResult};
use crate::rate_limiter;
use crate::rpc;
use crate::shop_desk::{desk_stub, DeskRequest, ShopProfile};
use crate::signup::{create_shop, new_profile};
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{ApiError, ErrorCode, IssuedLink, Role};
use parley_core::signup::NewShop;
use parley_core::team::LinkPurpose;
use parley_core::time::UnixMillis;

/// `POST /api/operator/shops`: a shop and the e-mail of its first owner.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateShop {
    pub shop: String,
    pub name: String,
    pub owner: String,
}

/// The answer: the shop, and the link where its owner chooses a name and password.
#[derive(Debug, Serialize)]
pub struct CreatedShop {
    pub shop: ShopId,
    pub owner_link: IssuedLink,
}

/// `GET /api/operator/shops`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Shops {
    pub shops: Vec<ShopEntry>,
}

/// `POST /api/operator/codes`: how many days a sign-up code works.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueCode {
    #[serde(default = "a_week")]
    pub valid_days: u32,
}

fn a_week() -> u32 {
    7
}

/// A sign-up code.
#[derive(Debug, Serialize, Deserialize)]
pub struct Code {
    pub code: String,
    pub expires_at: UnixMillis,
}

/// Refuses a caller without the operator's key; wrong keys are throttled like sign-ins.
pub async fn authenticate(req: &Request, env: &Env, client: &str) -> EdgeResult<()> {
    let Ok(key) = env.secret("PARLEY_OPERATOR_KEY").map(|key| key.to_string()) else {
        return Err(EdgeError::api(ErrorCode::Forbidden, "this edge has no operator key: set PARLEY_OPERATOR_KEY"));
    };
    rate_limiter::may_sign_in(env, client).await?;
    let given = req.headers().get("authorization")?.unwrap_or_default();
    let given = given.strip_prefix("Bearer ").unwrap_or_default();
    // Hashes of both, so the comparison takes the same time whatever their lengths.
    if key.is_empty() || !crypto::same_secret(&crypto::sha256_hex(given).await?, &crypto::sha256_hex(&key).await?) {
        rate_limiter::sign_in_failed(env, client).await?;
        return Err(EdgeError::api(ErrorCode::Unauthorized, "the operator key is wrong"));
    }
    Ok(())
}

/// Every shop of the edge.
pub async fn shops(env: &Env) -> EdgeResult<Shops> {
    match directory::ask(env, &DirectoryRequest::Shops).await? {
        DirectoryAnswer::Shops { shops } => Ok(Shops { shops }),
        _ => Err(EdgeError::internal("the directory answered something else")),
    }
}

/// Creates a shop and an invite for its first owner; `origin` is the edge's, for the link.
pub async fn create(env: &Env, request: CreateShop, origin: &str) -> EdgeResult<CreatedShop> {
    let (shop, name) = NewShop { shop: request.shop, name: request.name }.checked().map_err(ApiError::from)?;
    let owner = AgentId::parse(&request.owner)
        .map_err(|_| EdgeError::api(ErrorCode::BadRequest, "the owner's e-mail address does not look like one"))?;
    create_shop(env, &new_profile(&shop, &name)).await?;
    let owner_link =
        crate::team_links::issue(env, origin, &shop, owner, LinkPurpose::Invite { role: Role::Owner }).await?;
    Ok(CreatedShop { shop, owner_link })
}

/// Disables a shop (every session ends; its widget, console and API close), or enables it.
pub async fn set_disabled(env: &Env, shop: &ShopId, disabled: bool) -> EdgeResult<()> {
    directory::ask::<DirectoryAnswer>(env, &DirectoryRequest::SetDisabled { shop: shop.clone(), disabled }).await?;
    rpc::call::<_, ShopProfile>(&desk_stub(env, shop)?, &DeskRequest::SetDisabled { disabled }).await.map(drop)
}

/// Issues a sign-up code.
pub async fn issue_code(env: &Env, request: IssueCode) -> EdgeResult<Code> {
    match directory::ask(env, &DirectoryRequest::IssueCode { valid_days: request.valid_days }).await? {
        DirectoryAnswer::Code { code, expires_at } => Ok(Code { code, expires_at }),
        _ => Err(EdgeError::internal("the directory answered something else")),
    }
}

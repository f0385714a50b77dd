//! Agents' console sessions: an HttpOnly, SameSite=Strict cookie holding `{shop}.{token}`.
//! The shop part routes the check to that shop's desk, which stores only the token's hash.

use worker::{Env, Request};

use crate::error::{EdgeError, EdgeResult};
use crate::http::cookie;
use crate::rpc;
use crate::shop_desk::{desk_stub, DeskRequest};
use parley_core::ids::ShopId;
use parley_core::protocol::AgentProfile;

const COOKIE: &str = "parley_session";

/// A session token as found in the cookie.
pub struct SessionCookie {
    pub shop: ShopId,
    pub token: String,
}

impl SessionCookie {
    pub fn from_request(req: &Request) -> Option<Self> {
        let value = cookie(req, COOKIE)?;
        let (shop, token) = value.split_once('.')?;
        Some(Self { shop: ShopId::parse(shop).ok()?, token: token.to_owned() })
    }

    /// The `Set-Cookie` value that stores this session. `Secure` is set whenever the request
    /// came over HTTPS (always, once deployed); local development runs over plain HTTP.
    pub fn set_header(&self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!("{COOKIE}={}.{}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800{secure}", self.shop, self.token)
    }

    pub fn clear_header() -> String {
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// The signed-in agent, or `unauthorized`.
pub async fn authenticate(req: &Request, env: &Env) -> EdgeResult<AgentProfile> {
    let session = SessionCookie::from_request(req).ok_or_else(EdgeError::unauthorized)?;
    let desk = desk_stub(env, &session.shop)?;
    rpc::call(&desk, &DeskRequest::CheckSession { token: session.token }).await
}

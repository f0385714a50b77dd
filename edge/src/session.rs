//! Agents' console sessions as the Worker sees them: an HttpOnly, SameSite=Strict cookie holding
//! `{shop}.{token}` (named `__Host-parley_session` over HTTPS, so no other host, not even a
//! sibling subdomain, can set or overwrite it), and the origin check that keeps other sites'
//! pages from acting with it.
//!
//! The shop part of the cookie routes the check to that shop's desk, which stores only the
//! token's hash.

use worker::{Env, Request, Url};

use crate::error::{EdgeError, EdgeResult};
use crate::http::cookie;
use crate::rpc;
use crate::sessions::SignedIn;
use crate::shop_desk::{desk_stub, DeskRequest};
use parley_core::ids::{ConversationId, ShopId};
use parley_core::protocol::ErrorCode;

/// The cookie's name over plain HTTP (local development only).
const PLAIN_COOKIE: &str = "parley_session";
/// Its name over HTTPS: the `__Host-` prefix makes browsers accept it only from this host,
/// with `Secure` and `Path=/`.
const HOST_COOKIE: &str = "__Host-parley_session";

/// A session token as found in the cookie.
pub struct SessionCookie {
    pub shop: ShopId,
    pub token: String,
}

impl SessionCookie {
    pub fn from_request(req: &Request) -> Option<Self> {
        let value = cookie(req, cookie_name(is_https(req)))?;
        let (shop, token) = value.split_once('.')?;
        Some(Self { shop: ShopId::parse(shop).ok()?, token: token.to_owned() })
    }

    /// The `Set-Cookie` value that stores this session: `Secure` and `__Host-` whenever the
    /// request came over HTTPS (always, once deployed); local development runs over plain HTTP.
    pub fn set_header(&self, secure: bool) -> String {
        let name = cookie_name(secure);
        let secure = if secure { "; Secure" } else { "" };
        format!("{name}={}.{}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800{secure}", self.shop, self.token)
    }

    pub fn clear_header(secure: bool) -> String {
        let name = cookie_name(secure);
        let secure = if secure { "; Secure" } else { "" };
        format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
    }
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_COOKIE
    } else {
        PLAIN_COOKIE
    }
}

fn is_https(req: &Request) -> bool {
    req.url().is_ok_and(|url| url.scheme() == "https")
}

/// The signed-in agent, or `unauthorized`. Refused from another origin's page.
pub async fn authenticate(req: &Request, env: &Env) -> EdgeResult<SignedIn> {
    check(req, env, None).await
}

/// The signed-in agent opening a socket to a conversation: the session's end closes it.
pub async fn authenticate_watching(req: &Request, env: &Env, conversation: &ConversationId) -> EdgeResult<SignedIn> {
    check(req, env, Some(conversation.clone())).await
}

async fn check(req: &Request, env: &Env, watching: Option<ConversationId>) -> EdgeResult<SignedIn> {
    same_origin(req, &req.url()?)?;
    let session = SessionCookie::from_request(req).ok_or_else(EdgeError::unauthorized)?;
    let desk = desk_stub(env, &session.shop)?;
    rpc::call(&desk, &DeskRequest::CheckSession { token: session.token, watching }).await
}

/// Refuses a request that a page of another origin made: another port, a sibling subdomain or
/// any other site, whose requests the browser would send with the agent's cookie (a form's
/// post, a script's socket). Browsers name the page's origin in `Origin` on every request that
/// is not a plain `GET` and on every WebSocket, and say where any request comes from in
/// `Sec-Fetch-Site`. A client that is not a browser sends neither, and has no one's cookie to
/// ride.
pub fn same_origin(req: &Request, url: &Url) -> EdgeResult<()> {
    let headers = req.headers();
    let ours = url.origin().ascii_serialization();
    let origin_ok = headers.get("origin")?.is_none_or(|origin| origin == ours);
    let site_ok = headers.get("sec-fetch-site")?.is_none_or(|site| site == "same-origin" || site == "none");
    if origin_ok && site_ok {
        Ok(())
    } else {
        Err(EdgeError::api(ErrorCode::Forbidden, "requests from other sites' pages are refused"))
    }
}

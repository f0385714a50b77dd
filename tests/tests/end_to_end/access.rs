//! The access matrix: every route and socket that acts for someone, tried by everyone who must
//! not: nobody, another conversation's shopper, another shop's agent, an agent on an owners'
//! route, a signed-out session, and a page of another origin with the owner's own cookie. Each
//! is refused with the documented status and an `ApiError` body that says nothing of the
//! edge's insides; the rightful caller, tried last, gets through.

use std::sync::Arc;

use anyhow::{bail, ensure, Context, Result};
use reqwest::Method;
use serde_json::json;

use crate::api::{hello, send_acked, shopper};
use crate::case;
use crate::client::{api_error, Api};
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::protocol::{ClientFrame, ErrorCode, ServerFrame, PROTOCOL_VERSION};

pub fn cases() -> Vec<Case> {
    vec![case!(every_route_and_socket_refuses_whoever_must_not_use_it)]
}

/// Who tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Nobody,
    OtherShopsOwner,
    /// An agent of the shop who is not an owner.
    Agent,
    SignedOut,
    /// The owner's own cookie, sent by a page of another origin.
    ForeignPage,
    Owner,
}

/// What a route asks of its caller.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    AnAgentOfTheShop,
    AnOwnerOfTheShop,
}

/// The status and code each caller gets from a route that `needs` that.
fn expected(needs: Needs, caller: Caller) -> Option<(u16, ErrorCode)> {
    match (caller, needs) {
        (Caller::Nobody | Caller::SignedOut, _) => Some((401, ErrorCode::Unauthorized)),
        (Caller::OtherShopsOwner | Caller::ForeignPage, _) => Some((403, ErrorCode::Forbidden)),
        (Caller::Agent, Needs::AnOwnerOfTheShop) => Some((403, ErrorCode::Forbidden)),
        (Caller::Agent | Caller::Owner, _) => None,
    }
}

/// A refusal's body: an `ApiError` with the code, and a message fit to show, not the edge's
/// insides (no stack, no error type, no SQL, no object names).
fn refused_cleanly(body: &str, code: ErrorCode) -> Result<()> {
    let error = api_error(body)?;
    ensure!(error.code == code, "refused with {:?}, not {code:?}: {body}", error.code);
    let leaks = ["Error", "panicked", "wasm", "SELECT", "INSERT", "sqlite", "conversation:", "shop:", "at src/"];
    ensure!(!error.message.is_empty() && !leaks.iter().any(|leak| body.contains(leak)), "leaks: {body}");
    Ok(())
}

async fn every_route_and_socket_refuses_whoever_must_not_use_it(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let vault = seed(&api, &env, "vault", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let rival = seed(&api, &env, "rival", json!({}), &[("eve", "owner")]).await?;
    let (ana, bo, eve) =
        (login(&api, &vault, "ana").await?, login(&api, &vault, "bo").await?, login(&api, &rival, "eve").await?);
    let signed_out = login(&api, &vault, "ana").await?;
    let (status, _) = api.post("/api/logout", &json!({}), Some(&signed_out.cookie)).await?;
    ensure!(status == 204, "signing out answered {status}");
    let foreign_origin = "https://evil.example";
    let headers = |caller: Caller| -> Vec<(&'static str, String)> {
        let cookie = |agent: &crate::client::Agent| ("cookie", agent.cookie.clone());
        match caller {
            Caller::Nobody => Vec::new(),
            Caller::OtherShopsOwner => vec![cookie(&eve)],
            Caller::Agent => vec![cookie(&bo)],
            Caller::SignedOut => vec![cookie(&signed_out)],
            Caller::ForeignPage => vec![cookie(&ana), ("origin", foreign_origin.to_owned())],
            Caller::Owner => vec![cookie(&ana)],
        }
    };
    let callers =
        [Caller::Nobody, Caller::OtherShopsOwner, Caller::Agent, Caller::SignedOut, Caller::ForeignPage, Caller::Owner];

    let ticket = api.new_conversation(&vault).await?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "q", "A question").await?;
    let id = &ticket.conversation_id;
    let routes = [
        (Method::GET, "/api/me".to_owned(), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/metrics"), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/settings"), None, Needs::AnOwnerOfTheShop),
        (Method::PUT, format!("/api/shops/{vault}/settings"), Some(json!({})), Needs::AnOwnerOfTheShop),
        (Method::PATCH, format!("/api/shops/{vault}/settings"), Some(json!({})), Needs::AnOwnerOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/dead-letters"), None, Needs::AnOwnerOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/team"), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/install"), None, Needs::AnOwnerOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/conversations?q=question"), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/conversations/{id}/earlier"), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/conversations/{id}/shopper-notes"), None, Needs::AnAgentOfTheShop),
        (Method::GET, format!("/api/shops/{vault}/canned-answers"), None, Needs::AnAgentOfTheShop),
        (
            Method::POST,
            format!("/api/shops/{vault}/canned-answers"),
            Some(json!({"title": "Hello", "shortcut": "hello", "text": "Hello!"})),
            Needs::AnOwnerOfTheShop,
        ),
        (
            Method::POST,
            format!("/api/shops/{vault}/erasures"),
            Some(json!({"email": "nobody@nowhere.test"})),
            Needs::AnOwnerOfTheShop,
        ),
    ];
    for (method, path, body, needs) in &routes {
        for caller in callers {
            // `/api/me` is anyone's own: another shop's owner is simply themselves there.
            if path == "/api/me" && caller == Caller::OtherShopsOwner {
                continue;
            }
            let headers = headers(caller);
            let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
            let body = body.as_ref().map(|body| body.to_string()).unwrap_or_default();
            let (status, text) = api.send_raw(method.clone(), path, "application/json", &body, &headers).await?;
            let context = || format!("{method} {path} as {caller:?}");
            match expected(*needs, caller) {
                Some((wanted, code)) => {
                    ensure!(status == wanted, "{} answered {status}, not {wanted}: {text}", context());
                    refused_cleanly(&text, code).with_context(context)?;
                }
                None => ensure!((200..300).contains(&status), "{} answered {status}: {text}", context()),
            }
        }
    }

    // The desk socket: the session picks the shop, so another shop's owner simply gets theirs.
    for caller in [Caller::Nobody, Caller::SignedOut, Caller::ForeignPage] {
        let headers = headers(caller);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        ensure!(api.socket_with("/api/desk/ws", &headers).await.is_err(), "the desk socket opened for {caller:?}");
    }
    api.socket("/api/desk/ws", Some(&ana.cookie)).await.context("the owner's desk socket")?;

    // The conversation socket.
    let path = format!("/api/conversations/{}/ws", ticket.conversation_id);
    let other = api.new_conversation(&vault).await?;
    let refused_hello = |token: Option<String>| ClientFrame::Hello { v: PROTOCOL_VERSION, token, last_seq: 0 };
    for (caller, token) in
        [(Caller::Nobody, None), (Caller::Nobody, Some(other.token.clone())), (Caller::SignedOut, None)]
    {
        let headers = headers(caller);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let mut socket = api.socket_with(&path, &headers).await?;
        socket.send(&refused_hello(token.clone())).await?;
        match socket.next::<ServerFrame>().await? {
            ServerFrame::Error { error, .. } if error.code == ErrorCode::Unauthorized => {
                refused_cleanly(&serde_json::to_string(&error)?, ErrorCode::Unauthorized)?
            }
            other => bail!(
                "{caller:?} with {} got {other:?}",
                if token.is_some() { "another conversation's token" } else { "no token" }
            ),
        }
        socket.expect_closed().await.with_context(|| format!("the socket of a refused {caller:?}"))?;
    }
    for caller in [Caller::OtherShopsOwner, Caller::ForeignPage] {
        let headers = headers(caller);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        ensure!(api.socket_with(&path, &headers).await.is_err(), "the conversation socket opened for {caller:?}");
    }
    let mut own = api.socket(&path, None).await?;
    own.send(&hello(&ticket, 0)).await?;
    ensure!(
        matches!(own.next::<ServerFrame>().await?, ServerFrame::Welcome { .. }),
        "the shopper's own token opens it"
    );
    Ok(())
}

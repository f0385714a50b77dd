//! What the edge keeps and sends, and for how long: a conversation holds the tokens of its
//! latest devices only; a `welcome` carries the latest page of a long history, and earlier
//! pages come on request, notes never to the shopper; a metrics query covers at most 93 days
//! (it reads hourly aggregates, never every sample); an owner erases a shopper, and retention
//! deletes old conversations, both leaving the metrics.

use std::sync::Arc;

use anyhow::{bail, ensure, Context, Result};
use serde_json::json;

use crate::api::{agent_socket, hello, send_acked, shopper, shopper_history, whole_history};
use crate::case;
use crate::client::{api_error, Agent, Api, Socket};
use crate::engine::{claim, conversation_where, queue_where};
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::protocol::{ClientFrame, ConversationTicket, ErrorCode, ServerFrame, HISTORY_PAGE};
use parley_core::signature::{sign_identity, Identity};

pub fn cases() -> Vec<Case> {
    vec![
        case!(a_conversation_keeps_the_tokens_of_its_latest_devices_only),
        case!(a_long_history_comes_a_page_at_a_time),
        case!(metrics_queries_are_bounded),
        case!(an_owner_erases_a_shopper_and_their_conversations_go_but_the_metrics_stay),
        case!(conversations_past_the_shops_retention_are_deleted),
    ]
}

/// The most devices holding a token to one conversation (edge/src/conversation_room.rs).
const MAX_SHOPPER_TOKENS: usize = 10;

async fn a_conversation_keeps_the_tokens_of_its_latest_devices_only(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let secret = "devices-identity-secret-01";
    let shop = seed(&api, &env, "", json!({"identity_secret": secret}), &[("ana", "owner")]).await?;
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    let identity = Identity { user_id: "kim".into(), name: None, email: None, exp: expires };
    let body = json!({"identity": sign_identity(secret.as_bytes(), &identity)});
    let mut tickets = Vec::new();
    for _ in 0..=MAX_SHOPPER_TOKENS {
        let (status, text) = api.post(&format!("/api/shops/{shop}/conversations"), &body, None).await?;
        ensure!(status == 200 || status == 201, "a device answered {status}: {text}");
        tickets.push(serde_json::from_str::<ConversationTicket>(&text)?);
    }
    let (oldest, latest) = tickets.split_at(1);
    let mut socket = api.socket(&format!("/api/conversations/{}/ws", oldest[0].conversation_id), None).await?;
    socket.send(&hello(&oldest[0], 0)).await?;
    match socket.next::<ServerFrame>().await? {
        ServerFrame::Error { error, .. } if error.code == ErrorCode::Unauthorized => {}
        other => bail!("the oldest device's token still opened the conversation: {other:?}"),
    }
    for ticket in latest {
        shopper(&api, ticket, 0).await?;
    }
    Ok(())
}

async fn a_long_history_comes_a_page_at_a_time(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "q", "A long story").await?;
    claim(&mut desk, &ticket.conversation_id).await?;
    let mut chat = agent_socket(&api, &ana, &ticket.conversation_id).await?;
    let messages = 2 * HISTORY_PAGE + 10;
    for n in 0..messages {
        chat.send(&ClientFrame::Send {
            client_id: crate::api::cid(&format!("a{n}")),
            text: format!("line {n}"),
            internal: n % 10 == 0,
        })
        .await?;
    }
    send_acked(&mut chat, "last", "the end").await?;

    let (mut agent_view, welcome) = {
        let mut socket =
            api.socket(&format!("/api/conversations/{}/ws", ticket.conversation_id), Some(&ana.cookie)).await?;
        socket
            .send(&ClientFrame::Hello { v: parley_core::protocol::PROTOCOL_VERSION, token: None, last_seq: 0 })
            .await?;
        let welcome = socket.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Welcome { .. })).await?;
        (socket, welcome)
    };
    let (seen, sizes) = whole_history(&mut agent_view, welcome).await?;
    ensure!(sizes.iter().all(|size| *size <= HISTORY_PAGE) && sizes.len() > 2, "pages of {sizes:?}");
    let seqs: Vec<u64> = seen.iter().map(|m| m.seq).collect();
    ensure!(seqs == (1..=seqs.len() as u64).collect::<Vec<_>>(), "the agent gets every message once, in order");
    ensure!(seen.iter().any(|m| m.internal), "agents see notes");

    let (mut socket, welcome) = shopper(&api, &ticket, 0).await?;
    let (seen, sizes) = whole_history(&mut socket, welcome).await?;
    ensure!(sizes.iter().all(|size| *size <= HISTORY_PAGE), "pages of {sizes:?}");
    ensure!(!seen.iter().any(|m| m.internal), "a shopper never gets a note, in any page");
    ensure!(seen.windows(2).all(|pair| pair[0].seq < pair[1].seq), "in order, each once");
    ensure!(seen.iter().any(|m| m.text == "line 1") && seen.iter().any(|m| m.text == "the end"), "from first to last");
    Ok(())
}

async fn metrics_queries_are_bounded(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let day: u64 = 24 * 60 * 60 * 1000;
    let to = 400 * day;
    for (query, allowed) in [
        (format!("from={}&to={to}", to - 93 * day), true),
        (format!("from={}&to={to}", to - 94 * day), false),
        ("from=0".to_owned(), false),
        (format!("from={to}&to={to}"), false),
    ] {
        let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics?{query}"), Some(&ana.cookie)).await?;
        match allowed {
            true => ensure!(status == 200, "{query} answered {status}: {body}"),
            false => ensure!(
                status == 400 && crate::client::api_error(&body)?.code == ErrorCode::BadRequest,
                "{query} answered {status}: {body}"
            ),
        }
    }
    Ok(())
}

/// The shop's first responses in the last week, as its metrics count them.
async fn first_responses(api: &Api, shop: &str, cookie: &str) -> Result<u64> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics"), Some(cookie)).await?;
    ensure!(status == 200, "metrics answered {status}: {body}");
    Ok(serde_json::from_str::<parley_core::metrics::MetricsReport>(&body)?.frt_seconds.count)
}

/// Asks to erase `subject` (a JSON object naming whom); answers the status and body.
async fn erase(api: &Api, shop: &str, cookie: &str, subject: serde_json::Value) -> Result<(u16, String)> {
    api.post(&format!("/api/shops/{shop}/erasures"), &subject, Some(cookie)).await
}

/// Whether the conversation of `ticket` is gone: its socket is refused as not found (or, should
/// the socket open, its token opens nothing any more).
async fn is_gone(api: &Api, ticket: &ConversationTicket) -> Result<bool> {
    let mut socket = match api.socket(&format!("/api/conversations/{}/ws", ticket.conversation_id), None).await {
        Ok(socket) => socket,
        Err(refused) => return Ok(format!("{refused:#}").contains("404")),
    };
    socket.send(&hello(ticket, 0)).await?;
    Ok(matches!(
        socket.next::<ServerFrame>().await?,
        ServerFrame::Error { error, .. } if error.code == ErrorCode::NotFound
    ))
}

/// A conversation in `shop` whose shopper asked and whose agent answered (a first response).
async fn answered(api: &Api, shop: &str, desk: &mut Socket, agent: &Agent) -> Result<(ConversationTicket, Socket)> {
    let ticket = api.new_conversation(shop).await?;
    let (mut socket, _) = shopper(api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Where is my parcel?").await?;
    claim(desk, &ticket.conversation_id).await?;
    let mut chat = agent_socket(api, agent, &ticket.conversation_id).await?;
    send_acked(&mut chat, "a", "On its way.").await?;
    Ok((ticket, socket))
}

async fn an_owner_erases_a_shopper_and_their_conversations_go_but_the_metrics_stay(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let secret = "erasing-identity-secret-1";
    let shop = seed(&api, &env, "", json!({"identity_secret": secret}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;

    // Kata asks, is answered, and leaves her address.
    let (kata, mut kata_socket) = answered(&api, &shop, &mut desk, &ana).await?;
    kata_socket.send(&ClientFrame::LeaveEmail { email: "kata@example.com".into() }).await?;
    conversation_where(&mut kata_socket, |c| c.contact_email.is_some()).await?;
    // Lee is a verified user of the shop.
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    let identity = Identity { user_id: "u-7".into(), name: Some("Lee".into()), email: None, exp: expires };
    let body = json!({"identity": sign_identity(secret.as_bytes(), &identity)});
    let (status, text) = api.post(&format!("/api/shops/{shop}/conversations"), &body, None).await?;
    ensure!(status == 201, "Lee's conversation answered {status}: {text}");
    let lee: ConversationTicket = serde_json::from_str(&text)?;
    let (mut lee_socket, _) = shopper(&api, &lee, 0).await?;
    send_acked(&mut lee_socket, "q", "Hi, it's Lee").await?;
    // And someone else.
    let other = api.new_conversation(&shop).await?;
    let (mut other_socket, _) = shopper(&api, &other, 0).await?;
    send_acked(&mut other_socket, "q", "Unrelated").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while first_responses(&api, &shop, &ana.cookie).await? < 1 {
        ensure!(std::time::Instant::now() < deadline, "the first response was never recorded");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let (status, _) = erase(&api, &shop, &bo.cookie, json!({"email": "kata@example.com"})).await?;
    ensure!(status == 403, "an agent who is not an owner erased: {status}");
    for bad in [json!({}), json!({"email": "kata@example.com", "user_id": "u-7"}), json!({"phone": "+36 1"})] {
        let (status, body) = erase(&api, &shop, &ana.cookie, bad.clone()).await?;
        ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "{bad} answered {status}: {body}");
    }

    let (status, body) = erase(&api, &shop, &ana.cookie, json!({"email": "KATA@example.com"})).await?;
    ensure!(status == 200 && body == r#"{"conversations":1}"#, "erasing Kata answered {status}: {body}");
    kata_socket.expect_closed().await.context("Kata's socket closes")?;
    ensure!(is_gone(&api, &kata).await?, "Kata's conversation is gone");
    queue_where(&mut desk, |items| items.iter().all(|item| item.conversation_id != kata.conversation_id)).await?;
    ensure!(first_responses(&api, &shop, &ana.cookie).await? == 1, "the metrics stay, anonymous");

    let (status, body) = erase(&api, &shop, &ana.cookie, json!({"user_id": "u-7"})).await?;
    ensure!(status == 200 && body == r#"{"conversations":1}"#, "erasing Lee answered {status}: {body}");
    ensure!(is_gone(&api, &lee).await?, "Lee's conversation is gone");

    let history = shopper_history(&api, &other).await?;
    ensure!(history.iter().any(|m| m.text == "Unrelated"), "someone else's conversation stays");
    let by_id = json!({"conversation_id": other.conversation_id.as_str()});
    let (status, body) = erase(&api, &shop, &ana.cookie, by_id).await?;
    ensure!(status == 200 && body == r#"{"conversations":1}"#, "erasing one conversation answered {status}: {body}");
    ensure!(is_gone(&api, &other).await?, "the conversation named is gone");
    Ok(())
}

async fn conversations_past_the_shops_retention_are_deleted(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::start("retention").await?;
    let api = Api::new(edge.origin());
    let owner = api.login("agent@demo.test", "parley-demo").await?;
    let (status, body) =
        api.patch("/api/shops/demo/settings", &json!({"retention_days": 1}), Some(&owner.cookie)).await?;
    ensure!(status == 200, "setting a day's retention answered {status}: {body}");
    let mut desk = api.socket("/api/desk/ws", Some(&owner.cookie)).await?;
    let (old, _) = answered(&api, "demo", &mut desk, &owner).await?;
    let mut chat = agent_socket(&api, &owner, &old.conversation_id).await?;
    chat.send(&ClientFrame::Resolve).await?;
    queue_where(&mut desk, |items| items.iter().all(|item| item.conversation_id != old.conversation_id)).await?;
    let waiting = api.new_conversation("demo").await?;
    let (mut waiting_socket, _) = shopper(&api, &waiting, 0).await?;
    send_acked(&mut waiting_socket, "q", "Still waiting").await?;

    let two_days = 2 * 24 * 60 * 60 * 1000;
    let (status, text) = api.post("/api/dev/clock", &json!({"advance_millis": two_days, "shop": "demo"}), None).await?;
    ensure!(status == 200, "moving the clock answered {status}: {text}");
    ensure!(is_gone(&api, &old).await?, "a conversation past the retention is deleted");
    ensure!(!is_gone(&api, &waiting).await?, "an open conversation stays, however old");
    ensure!(first_responses(&api, "demo", &owner.cookie).await? == 1, "the metrics stay");
    Ok(())
}

//! What the edge keeps and sends, and for how long: a conversation holds the tokens of its
//! latest devices only; a `welcome` carries the latest page of a long history, and earlier
//! pages come on request, notes never to the shopper; a metrics query covers at most 93 days
//! (it reads hourly aggregates, never every sample).

use std::sync::Arc;

use anyhow::{bail, ensure, Result};
use serde_json::json;

use crate::api::{agent_socket, hello, send_acked, shopper, whole_history};
use crate::case;
use crate::client::Api;
use crate::engine::{claim, login, seed};
use crate::runner::{Case, Env};
use parley_core::protocol::{ClientFrame, ConversationTicket, ErrorCode, ServerFrame, HISTORY_PAGE};
use parley_core::signature::{sign_identity, Identity};

pub fn cases() -> Vec<Case> {
    vec![
        case!(a_conversation_keeps_the_tokens_of_its_latest_devices_only),
        case!(a_long_history_comes_a_page_at_a_time),
        case!(metrics_queries_are_bounded),
    ]
}

/// The most devices holding a token to one conversation (edge/src/conversation_room.rs).
const MAX_SHOPPER_TOKENS: usize = 10;

async fn a_conversation_keeps_the_tokens_of_its_latest_devices_only(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let secret = "devices-identity-secret-01";
    seed(&api, "devices", json!({"identity_secret": secret}), &[("ana", "owner")]).await?;
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    let identity = Identity { user_id: "kim".into(), name: None, email: None, exp: expires };
    let body = json!({"identity": sign_identity(secret.as_bytes(), &identity)});
    let mut tickets = Vec::new();
    for _ in 0..=MAX_SHOPPER_TOKENS {
        let (status, text) = api.post("/api/shops/devices/conversations", &body, None).await?;
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
    seed(&api, "talkative", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, "talkative", "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let ticket = api.new_conversation("talkative").await?;
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
    seed(&api, "measured", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, "measured", "ana").await?;
    let day: u64 = 24 * 60 * 60 * 1000;
    let to = 400 * day;
    for (query, allowed) in [
        (format!("from={}&to={to}", to - 93 * day), true),
        (format!("from={}&to={to}", to - 94 * day), false),
        ("from=0".to_owned(), false),
        (format!("from={to}&to={to}"), false),
    ] {
        let (status, _, body) = api.get(&format!("/api/shops/measured/metrics?{query}"), Some(&ana.cookie)).await?;
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

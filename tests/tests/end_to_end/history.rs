//! The shop's history on the real edge: conversations listed by status, agent, date and rating,
//! found by the words of their messages and their shopper's name, the same shopper's earlier
//! conversations (same device, same e-mail), notes that follow the shopper, and erasure
//! reaching all of it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Result};
use serde_json::{json, Value};

use crate::api::{agent_socket, send_acked, shopper};
use crate::case;
use crate::client::{api_error, Agent, Api, Socket};
use crate::engine::{claim, conversation_where};
use crate::eventually::eventually_within;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::history::{HistoryEntry, HistoryPage, HistoryQuery, ShopperNote};
use parley_core::protocol::{ClientFrame, ConversationTicket, ErrorCode, Status};

pub fn cases() -> Vec<Case> {
    vec![
        case!(agents_find_conversations_by_filters_and_by_their_words),
        case!(a_shoppers_earlier_conversations_and_notes_follow_them),
        case!(searches_over_a_big_history_find_the_one_conversation),
    ]
}

/// A conversation from `body` (`POST /api/shops/{shop}/conversations`) whose shopper wrote
/// `text`; answers its ticket and the shopper's socket.
pub(crate) async fn asked(api: &Api, shop: &str, body: Value, text: &str) -> Result<(ConversationTicket, Socket)> {
    let (status, created) = api.post(&format!("/api/shops/{shop}/conversations"), &body, None).await?;
    ensure!(status == 201, "a conversation answered {status}: {created}");
    let ticket: ConversationTicket = serde_json::from_str(&created)?;
    let (mut socket, _) = shopper(api, &ticket, 0).await?;
    send_acked(&mut socket, "q", text).await?;
    Ok((ticket, socket))
}

/// The page of the shop's history `query` asks for, as `agent` sees it.
async fn listed(api: &Api, shop: &str, agent: &Agent, query: &str) -> Result<(u16, String)> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/conversations?{query}"), Some(&agent.cookie)).await?;
    Ok((status, body))
}

/// Waits until `query` lists exactly `expected` (conversation ids, newest activity first):
/// history is fed after each change, a moment after the shopper's acknowledgement.
async fn lists(
    api: &Api,
    shop: &str,
    agent: &Agent,
    query: &str,
    expected: &[&ConversationTicket],
) -> Result<HistoryPage> {
    let wanted: Vec<_> = expected.iter().map(|ticket| ticket.conversation_id.clone()).collect();
    let what = format!("history ?{query} to list {} conversations", wanted.len());
    eventually_within(Duration::from_secs(20), &what, || async {
        let (status, body) = listed(api, shop, agent, query).await?;
        ensure!(status == 200, "?{query} answered {status}: {body}");
        let page: HistoryPage = serde_json::from_str(&body)?;
        let ids: Vec<_> = page.conversations.iter().map(|entry| entry.conversation_id.clone()).collect();
        Ok((ids == wanted).then_some(page))
    })
    .await
}

async fn agents_find_conversations_by_filters_and_by_their_words(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"pre_chat": {"name": "optional", "email": "optional"}});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner"), ("bo", "agent")]).await?;
    let other_shop = seed(&api, &env, "other", json!({}), &[("cy", "owner")]).await?;
    let (ana, bo, cy) =
        (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?, login(&api, &other_shop, "cy").await?);
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;

    // Kata asks about her parcel, Ana answers and resolves; Lee asks about sizes and waits.
    let kata_body = json!({"shopper": {"name": "Kata Kovács", "email": "kata@example.com"}});
    let (kata, mut kata_socket) = asked(&api, &shop, kata_body, "Where is my parcel to Szeged?").await?;
    claim(&mut desk, &kata.conversation_id).await?;
    let mut chat = agent_socket(&api, &ana, &kata.conversation_id).await?;
    send_acked(&mut chat, "a", "It leaves the warehouse today.").await?;
    chat.send(&ClientFrame::Resolve).await?;
    conversation_where(&mut kata_socket, |view| view.status == Status::Resolved).await?;
    kata_socket.send(&ClientFrame::Rate { score: 5, comment: None }).await?;
    let (lee, _lee_socket) = asked(&api, &shop, json!({}), "Do you have the trail runner in size 44?").await?;

    let all = lists(&api, &shop, &bo, "", &[&lee, &kata]).await?;
    let kata_entry = &all.conversations[1];
    ensure!(
        kata_entry.shopper_name.as_deref() == Some("Kata Kovács")
            && kata_entry.email.as_deref() == Some("kata@example.com")
            && kata_entry.agent.as_ref().map(|agent| agent.as_str()) == Some(ana.profile.email.as_str())
            && kata_entry.preview == "It leaves the warehouse today."
            && all.next_before.is_none(),
        "{kata_entry:?}"
    );
    lists(&api, &shop, &bo, "rating=5", &[&kata]).await?;
    lists(&api, &shop, &bo, "status=waiting", &[&lee]).await?;
    lists(&api, &shop, &bo, "status=resolved", &[&kata]).await?;
    lists(&api, &shop, &bo, &format!("agent={}", ana.profile.email), &[&kata]).await?;
    lists(&api, &shop, &bo, "from=1&to=2", &[]).await?;

    // Words of messages, in any case and as a word's beginning, and the shopper's name.
    let found = lists(&api, &shop, &bo, "q=SZEGED", &[&kata]).await?;
    let matched = found.conversations[0].matched.clone().unwrap_or_default();
    ensure!(matched.contains("Szeged"), "the match shows the words around it: {matched:?}");
    lists(&api, &shop, &bo, "q=warehou", &[&kata]).await?;
    lists(&api, &shop, &bo, "q=kovacs", &[&kata]).await?;
    lists(&api, &shop, &bo, "q=size%2044", &[&lee]).await?;
    lists(&api, &shop, &bo, "q=size%2044&status=resolved", &[]).await?;
    // The engine's own syntax is only separators.
    lists(&api, &shop, &bo, "q=%22parcel%22%20OR%20(size*", &[]).await?;

    for (query, field) in [("status=new", "status"), ("rating=9", "rating"), ("sort=asc", "sort"), ("from=x", "from")] {
        let (status, body) = listed(&api, &shop, &bo, query).await?;
        let refusal = api_error(&body)?;
        ensure!(
            status == 400 && refusal.code == ErrorCode::BadRequest && refusal.field.as_deref() == Some(field),
            "?{query} answered {status}: {body}"
        );
    }
    let (status, _) = listed(&api, &shop, &cy, "").await?;
    ensure!(status == 403, "an agent of another shop listed this shop's history: {status}");
    lists(&api, &other_shop, &cy, "q=parcel", &[]).await?;

    // An erasure takes the conversation out of the history, words and all.
    let (status, body) = api
        .post(&format!("/api/shops/{shop}/erasures"), &json!({"email": "kata@example.com"}), Some(&ana.cookie))
        .await?;
    ensure!(status == 200, "erasing answered {status}: {body}");
    lists(&api, &shop, &bo, "q=szeged", &[]).await?;
    lists(&api, &shop, &bo, "", &[&lee]).await?;
    Ok(())
}

async fn a_shoppers_earlier_conversations_and_notes_follow_them(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let device = "0123456789abcdef0123456789abcdef";
    let (first, _first_socket) = asked(&api, &shop, json!({"device": device}), "My first question").await?;
    let (stranger, _stranger_socket) = asked(&api, &shop, json!({}), "Someone else entirely").await?;
    lists(&api, &shop, &ana, "", &[&stranger, &first]).await?;
    let notes_of = |ticket: &ConversationTicket| {
        format!("/api/shops/{shop}/conversations/{}/shopper-notes", ticket.conversation_id)
    };

    let (status, body) =
        api.post(&notes_of(&first), &json!({"text": "  Prefers e-mail.  "}), Some(&ana.cookie)).await?;
    let notes: Vec<ShopperNote> = serde_json::from_str(&body)?;
    ensure!(
        status == 201 && notes.len() == 1 && notes[0].text == "Prefers e-mail.",
        "a note answered {status}: {body}"
    );
    for bad in [json!({"text": "   "}), json!({"text": "x".repeat(2001)}), json!({"note": "x"})] {
        let (status, body) = api.post(&notes_of(&first), &bad, Some(&ana.cookie)).await?;
        ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "{bad} answered {status}: {body}");
    }

    // The same browser comes back: the agent sees the first conversation, and the note.
    let (second, _second_socket) = asked(&api, &shop, json!({"device": device}), "Back again").await?;
    lists(&api, &shop, &ana, "", &[&second, &stranger, &first]).await?;
    let earlier_of =
        |ticket: &ConversationTicket| format!("/api/shops/{shop}/conversations/{}/earlier", ticket.conversation_id);
    let (status, _, body) = api.get(&earlier_of(&second), Some(&ana.cookie)).await?;
    let earlier: Vec<HistoryEntry> = serde_json::from_str(&body)?;
    ensure!(
        status == 200 && earlier.len() == 1 && earlier[0].conversation_id == first.conversation_id,
        "earlier answered {status}: {body}"
    );
    let (_, _, body) = api.get(&notes_of(&second), Some(&ana.cookie)).await?;
    let notes: Vec<ShopperNote> = serde_json::from_str(&body)?;
    ensure!(notes.len() == 1 && notes[0].author_name == "ana", "the note follows the shopper: {body}");
    let (_, _, body) = api.get(&earlier_of(&stranger), Some(&ana.cookie)).await?;
    ensure!(body == "[]", "a stranger has no earlier conversations: {body}");
    let (_, _, body) = api.get(&notes_of(&stranger), Some(&ana.cookie)).await?;
    ensure!(body == "[]", "nor the notes on someone else: {body}");

    // A conversation the history does not have takes no notes.
    let unknown = ConversationTicket {
        conversation_id: parley_core::ids::ConversationId::parse(&"f".repeat(32))?,
        token: String::new(),
    };
    let (status, body) = api.post(&notes_of(&unknown), &json!({"text": "x"}), Some(&ana.cookie)).await?;
    ensure!(status == 404, "a note on nothing answered {status}: {body}");

    // Erasing both of the shopper's conversations takes the note with them.
    for ticket in [&first, &second] {
        let by_id = json!({"conversation_id": ticket.conversation_id.as_str()});
        let (status, body) = api.post(&format!("/api/shops/{shop}/erasures"), &by_id, Some(&ana.cookie)).await?;
        ensure!(status == 200, "erasing answered {status}: {body}");
    }
    lists(&api, &shop, &ana, "", &[&stranger]).await?;
    let (third, _third_socket) = asked(&api, &shop, json!({"device": device}), "Third time").await?;
    lists(&api, &shop, &ana, "", &[&third, &stranger]).await?;
    let (_, _, body) = api.get(&notes_of(&third), Some(&ana.cookie)).await?;
    ensure!(body == "[]", "notes go with the last conversation that named the shopper: {body}");

    // A browser's first conversation, started without a device id, names its own: the widget
    // sends that id with the browser's next conversation.
    let (fresh, _fresh_socket) = asked(&api, &shop, json!({}), "New browser").await?;
    let again = json!({"device": fresh.conversation_id.as_str()});
    let (next, _next_socket) = asked(&api, &shop, again, "Same browser, next day").await?;
    lists(&api, &shop, &ana, "", &[&next, &fresh, &third, &stranger]).await?;
    let (_, _, body) = api.get(&earlier_of(&next), Some(&ana.cookie)).await?;
    let earlier: Vec<HistoryEntry> = serde_json::from_str(&body)?;
    ensure!(
        earlier.iter().map(|entry| &entry.conversation_id).collect::<Vec<_>>() == [&fresh.conversation_id],
        "the first conversation of the browser: {body}"
    );
    Ok(())
}

/// How many conversations the search case fills the history with: a few hundred in a test run,
/// 10,000 when `cargo xtask bench` sets `PARLEY_BENCH_CONVERSATIONS`.
fn filled_conversations() -> u32 {
    std::env::var("PARLEY_BENCH_CONVERSATIONS").ok().and_then(|count| count.parse().ok()).unwrap_or(300)
}

/// Messages in each filled conversation.
const FILLED_MESSAGES: u32 = 10;

/// Searches timed per kind of query.
const TIMED_SEARCHES: usize = 9;

async fn searches_over_a_big_history_find_the_one_conversation(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let total = filled_conversations();
    let mut first = 0;
    while first < total {
        let count = (total - first).min(500);
        let body = json!({"shop": shop, "first": first, "count": count, "messages": FILLED_MESSAGES});
        let (status, answer) = api.post("/api/dev/history", &body, None).await?;
        ensure!(status == 200, "filling the history answered {status}: {answer}");
        first += count;
    }
    let wanted = total / 2;
    let queries = [
        ("one_conversations_own_word", format!("q=parcel{wanted}")),
        ("a_shoppers_name", format!("q=shopper%20{wanted}")),
        ("a_word_of_thousands", "q=delivery".to_owned()),
        ("a_filter_and_a_word", "q=refund&status=resolved".to_owned()),
        ("the_newest_page", String::new()),
    ];
    let mut timings = Vec::new();
    for (what, query) in &queries {
        let mut millis = Vec::new();
        for _ in 0..TIMED_SEARCHES {
            let started = std::time::Instant::now();
            let (status, body) = listed(&api, &shop, &ana, query).await?;
            millis.push(started.elapsed().as_secs_f64() * 1000.0);
            ensure!(status == 200, "?{query} answered {status}: {body}");
            let page: HistoryPage = serde_json::from_str(&body)?;
            if query.contains("parcel") || query.contains("shopper") {
                let ids: Vec<_> =
                    page.conversations.iter().map(|entry| entry.conversation_id.as_str().to_owned()).collect();
                ensure!(ids == [format!("{wanted:032x}")], "?{query} found {ids:?}");
            } else {
                ensure!(page.conversations.len() == HistoryQuery::PAGE, "?{query}: a full page");
            }
        }
        millis.sort_by(f64::total_cmp);
        timings.push(format!("{what}={:.1}", millis[millis.len() / 2]));
    }
    println!("BENCH history-search-median-ms conversations={total} {}", timings.join(" "));
    Ok(())
}

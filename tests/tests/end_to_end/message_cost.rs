//! What a shopper's message costs the edge, counted by the development edge's counters
//! (`GET /api/dev/counters`, edge/src/dev_counters.rs): the calls between objects made on its
//! behalf, and the rows and bytes written. Counts, never timings. The calls are those to the
//! objects named after the test's own shop (its desk, history and rate limiters) and its
//! conversation, so what other shops' objects do meanwhile is not counted. What the counters
//! count per kind of object (WebSocket messages, activity) and the Worker's own requests are
//! proved on an edge of the case's own, where nothing else runs.
//!
//! The case prints its figures as `BENCH …` lines, which BENCHMARKS.md quotes.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::api::{send_acked, shopper};
use crate::case;
use crate::client::{Api, Socket};
use crate::eventually::eventually_within;
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{login, seed, seed_shop};
use crate::webhook_receiver::WebhookReceiver;
use parley_core::history::HistoryPage;
use parley_core::history_record::FEED_DELAY_MILLIS;
use parley_core::protocol::{ClientFrame, ConversationTicket};

pub fn cases() -> Vec<Case> {
    vec![
        case!(each_shopper_message_makes_at_most_one_object_call_and_history_gets_them_all),
        case!(the_desk_hears_of_each_message_exactly_while_the_shop_has_a_webhook),
        case!(the_counters_count_the_workers_requests_each_websocket_message_and_the_objects_woken),
    ]
}

/// Messages sent after the first, one after the other, each waiting for its ack: fewer than a
/// minute's limit.
const MESSAGES: u64 = 20;

/// How far the clock is moved on after sending, past the delay of what the conversation owes
/// the shop's history, so that everything it owes is delivered before counting.
const SETTLE_MILLIS: u64 = FEED_DELAY_MILLIS + 1_000;

/// What the counters answer; only the parts counted here.
#[derive(Debug, Deserialize)]
struct Counters {
    worker_requests: u64,
    requests_made_to: BTreeMap<String, u64>,
    websocket_messages: BTreeMap<String, u64>,
    activity: BTreeMap<String, Activity>,
    rows_read: u64,
    rows_written: u64,
    bytes_written: u64,
}

/// How long the objects of one kind were active.
#[derive(Debug, Deserialize)]
struct Activity {
    objects: u64,
    handlers: u64,
    active_millis: f64,
    active_with_idle_tail_millis: f64,
}

impl Counters {
    /// Calls made to objects whose names hold any of `names`.
    fn calls_to(&self, names: &[&str]) -> u64 {
        self.calls_by_kind(names).values().sum()
    }

    /// Calls made to objects whose names hold any of `names`, by the kind their name starts
    /// with (`shop`, `history`, `limit`, `conversation`).
    fn calls_by_kind(&self, names: &[&str]) -> BTreeMap<String, u64> {
        let mut kinds = BTreeMap::new();
        for (key, count) in &self.requests_made_to {
            if names.iter().any(|name| key.contains(name)) {
                let kind = key.split(':').next().unwrap_or_default().to_owned();
                *kinds.entry(kind).or_default() += count;
            }
        }
        kinds
    }
}

/// The calls made between `before` and `after` to the objects `names`, by kind, leaving out the
/// clock's one wake of the conversation.
fn calls_between(before: &Counters, after: &Counters, names: &[&str]) -> String {
    let earlier = before.calls_by_kind(names);
    let mut calls = after.calls_by_kind(names);
    for (kind, count) in &mut calls {
        *count -= earlier.get(kind).copied().unwrap_or(0) + u64::from(kind == "conversation");
    }
    let calls = calls.into_iter().filter(|(_, count)| *count > 0).map(|(kind, count)| format!("{kind}:{count}"));
    calls.collect::<Vec<_>>().join(",")
}

async fn counters(api: &Api) -> Result<Counters> {
    let (status, _, body) = api.get("/api/dev/counters", None).await?;
    ensure!(status == 200, "the counters answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

/// Moves the clock on and wakes the conversation, which delivers whatever it owes now: one
/// call to the conversation, which the caller leaves out of its count.
async fn settle(api: &Api, ticket: &ConversationTicket) -> Result<()> {
    let body = json!({"advance_millis": SETTLE_MILLIS, "conversations": [ticket.conversation_id]});
    let (status, text) = api.post("/api/dev/clock", &body, None).await?;
    ensure!(status == 200, "moving the clock answered {status}: {text}");
    Ok(())
}

async fn each_shopper_message_makes_at_most_one_object_call_and_history_gets_them_all(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ticket = api.new_conversation(&shop).await?;
    let names = [shop.as_str(), ticket.conversation_id.as_str()];
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    // The first message starts the conversation's cycle (the queue, `conversation.created`):
    // a conversation's cost, counted apart from the messages that follow.
    let start = counters(&api).await?;
    send_acked(&mut socket, "first", "Hello, anyone there?").await?;
    settle(&api, &ticket).await?;
    let before = counters(&api).await?;
    for n in 0..MESSAGES {
        send_acked(&mut socket, &format!("m-{n}"), &format!("question number {n} about wombat{n}")).await?;
    }
    settle(&api, &ticket).await?;
    let after = counters(&api).await?;

    let first_calls = before.calls_to(&names) - start.calls_to(&names) - 1;
    let calls = after.calls_to(&names) - before.calls_to(&names) - 1;
    let per = |total: u64| total as f64 / MESSAGES as f64;
    println!(
        "BENCH message-cost messages={MESSAGES} first-message-calls={first_calls} ({}) calls-per-message={:.2} ({}) \
         rows-read-per-message={:.1} rows-written-per-message={:.1} bytes-written-per-message={:.0}",
        calls_between(&start, &before, &names),
        per(calls),
        calls_between(&before, &after, &names),
        per(after.rows_read - before.rows_read),
        per(after.rows_written - before.rows_written),
        per(after.bytes_written - before.bytes_written),
    );
    ensure!(calls <= MESSAGES, "{MESSAGES} shopper messages made {calls} object calls: {after:?}");

    // Whatever was put off or merged reaches the shop's history: the first and the last of
    // the messages are found.
    let ana = login(&api, &shop, "ana").await?;
    for word in ["wombat0".to_owned(), format!("wombat{}", MESSAGES - 1)] {
        eventually_within(Duration::from_secs(20), &format!("history to find {word}"), || async {
            let path = format!("/api/shops/{shop}/conversations?q={word}");
            let (status, _, body) = api.get(&path, Some(&ana.cookie)).await?;
            ensure!(status == 200, "searching answered {status}: {body}");
            let page: HistoryPage = serde_json::from_str(&body)?;
            Ok(page.conversations.iter().any(|entry| entry.conversation_id == ticket.conversation_id).then_some(()))
        })
        .await?;
    }
    Ok(())
}

/// Sets or removes (`null`) the shop's webhook as its owner.
async fn set_webhook(api: &Api, shop: &str, cookie: &str, webhook: Value) -> Result<()> {
    let path = format!("/api/shops/{shop}/settings");
    let (status, body) = api.patch(&path, &json!({ "webhook": webhook }), Some(cookie)).await?;
    ensure!(status == 200, "setting the webhook answered {status}: {body}");
    Ok(())
}

/// Whether `receiver` was told of a message with `text`.
fn heard(receiver: &WebhookReceiver, text: &str) -> bool {
    receiver.received().iter().any(|request| {
        serde_json::from_str::<Value>(&request.body)
            .is_ok_and(|payload| payload["event"] == "message.created" && payload["message"]["text"] == text)
    })
}

/// Calls to the shop's desk caused by sending one shopper message, once everything it owes is
/// delivered.
async fn desk_calls_of(
    api: &Api,
    shop: &str,
    ticket: &ConversationTicket,
    socket: &mut Socket,
    id: &str,
) -> Result<u64> {
    let desk = format!("shop:{shop}");
    let before = counters(api).await?.calls_to(&[&desk]);
    send_acked(socket, id, "Is the blue one in stock?").await?;
    settle(api, ticket).await?;
    Ok(counters(api).await?.calls_to(&[&desk]) - before)
}

async fn the_desk_hears_of_each_message_exactly_while_the_shop_has_a_webhook(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let receiver = WebhookReceiver::start(&[]).await?;
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "first", "Hello?").await?;
    settle(&api, &ticket).await?;

    // Without a webhook, a message in the cycle costs the desk nothing.
    let calls = desk_calls_of(&api, &shop, &ticket, &mut socket, "quiet").await?;
    ensure!(calls == 0, "a message made {calls} calls to the desk of a shop without a webhook");

    // A webhook set while the conversation is open hears its next message: the desk told the
    // conversation.
    let hook = json!({"url": receiver.url, "secret": "hooks-secret-0123456789"});
    set_webhook(&api, &shop, &ana.cookie, hook).await?;
    let calls = desk_calls_of(&api, &shop, &ticket, &mut socket, "heard").await?;
    ensure!(calls == 1, "with a webhook, a message is announced to the desk once, made {calls} calls");
    eventually_within(Duration::from_secs(40), "the webhook to hear the message", || async {
        Ok(heard(&receiver, "Is the blue one in stock?").then_some(()))
    })
    .await?;

    // Removed again, it costs the desk nothing again.
    set_webhook(&api, &shop, &ana.cookie, Value::Null).await?;
    let calls = desk_calls_of(&api, &shop, &ticket, &mut socket, "quiet-again").await?;
    ensure!(calls == 0, "a message made {calls} calls to the desk after its webhook went");
    Ok(())
}

/// The idle tail the counters add after each stretch of an object's handlers
/// (edge/src/dev_activity.rs).
const IDLE_TAIL_MILLIS: f64 = 10_000.0;

async fn the_counters_count_the_workers_requests_each_websocket_message_and_the_objects_woken(
    _env: Arc<Env>,
) -> Result<()> {
    let edge = PrivateEdge::start("counters").await?;
    let api = Api::new(edge.origin());
    let shop = "counted";
    seed_shop(&api, shop, json!({}), &[("ana", "owner")]).await?;
    let ticket = api.new_conversation(shop).await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "first", "Hello, anyone there?").await?;
    settle(&api, &ticket).await?;
    let (status, body) = api.post("/api/dev/counters/reset", &json!({}), None).await?;
    ensure!(status == 200, "resetting the counters answered {status}: {body}");

    // Each frame the room receives is one WebSocket message, one that is not answered (typing)
    // included; the last ack says the room has handled them all.
    const SENT: u64 = 7;
    const FRAMES: u64 = SENT + 1;
    socket.send(&ClientFrame::Typing { typing: true }).await?;
    for n in 0..SENT {
        send_acked(&mut socket, &format!("m-{n}"), &format!("question {n}")).await?;
    }
    for n in 0..3 {
        let (status, _, body) = api.get("/healthz", None).await?;
        ensure!(status == 200, "health check {n} answered {status}: {body}");
    }
    let counted = counters(&api).await?;
    let messages = counted.websocket_messages.get("conversation_room").copied().unwrap_or(0);
    ensure!(messages == FRAMES, "{FRAMES} frames to the room were counted as {messages}: {counted:?}");
    // Three health checks and this reading: the Worker's requests from outside, and nothing
    // the Worker asked of its objects.
    ensure!(counted.worker_requests == 4, "4 requests to the Worker were counted as {}", counted.worker_requests);
    let room = counted.activity.get("conversation_room").context("no activity of the room")?;
    ensure!(room.objects == 1, "one room was woken, counted as {}: {room:?}", room.objects);
    ensure!(room.handlers >= FRAMES, "the room ran {} handlers for {FRAMES} frames", room.handlers);
    ensure!(room.active_millis > 0.0, "the room was active for no time: {room:?}");
    // Its handlers ran one after another within seconds: one stretch with its idle tail, or
    // several that the tail does not join, each with a tail of its own.
    ensure!(
        room.active_with_idle_tail_millis >= room.active_millis + IDLE_TAIL_MILLIS,
        "the idle tail was not added: {room:?}"
    );
    Ok(())
}

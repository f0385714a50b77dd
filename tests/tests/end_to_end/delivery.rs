//! The delivery engine against the real edge: copies of one message sent together are stored
//! and counted once and all acknowledged; an event that fails halfway keeps nothing of itself;
//! requests between objects that fail are retried, then kept as dead letters, and hold up
//! nothing but what was queued behind them for the same receiver; a receiver that stalls holds
//! delivery up only until its time limit; a verified user's first visits from two devices at
//! once share one conversation; a webhook delivery goes where it was queued for.
//!
//! Failures are made with the test edge's failpoints (`PARLEY_FAILPOINTS`, edge/src/failpoints.rs)
//! and long waits skipped with its clock (`POST /api/dev/clock`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde_json::json;

use crate::api::{agent_socket, cid, missed, send, send_acked, shopper, shopper_history};
use crate::browser::Console;
use crate::case;
use crate::client::Api;
use crate::engine::{claim, conversation_where, queue_where};
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use crate::webhook_receiver::WebhookReceiver;
use parley_core::message::Author;
use parley_core::metrics::MetricsReport;
use parley_core::protocol::{
    ClientFrame, ConversationTicket, DeadLetterKind, DeadLetters, ErrorCode, ServerFrame, Status,
};
use parley_core::rate_limit::Limit;
use parley_core::retry::Backoff;
use parley_core::signature::{sign_identity, Identity};

pub fn cases() -> Vec<Case> {
    vec![
        case!(copies_of_one_message_sent_together_are_stored_and_counted_once_and_each_acknowledged),
        case!(an_event_that_fails_halfway_keeps_nothing_and_the_conversation_goes_on),
        case!(browser a_failing_request_is_retried_then_kept_as_a_dead_letter_and_what_followed_goes_on),
        case!(a_conversation_whose_requests_keep_failing_holds_up_no_other),
        case!(a_receiver_that_stalls_holds_up_delivery_only_until_its_time_limit),
        case!(two_first_visits_of_one_verified_user_at_once_share_one_conversation),
        case!(a_webhook_delivery_goes_to_the_url_it_was_queued_for),
    ]
}

async fn copies_of_one_message_sent_together_are_stored_and_counted_once_and_each_acknowledged(
    env: Arc<Env>,
) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut first, _) = shopper(&api, &ticket, 0).await?;
    let (mut second, _) = shopper(&api, &ticket, 0).await?;
    // Half the limit's worth of messages, each sent three times at once: twice back to back on
    // one socket and once on another, before any answer comes.
    let messages = Limit::MESSAGES.max / 2;
    for n in 0..messages {
        let frame = send(&format!("copy-{n}"), &format!("copy {n}"));
        first.send(&frame).await?;
        first.send(&frame).await?;
        second.send(&frame).await?;
    }
    let mut seqs: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (socket, copies) in [(&mut first, 2), (&mut second, 1)] {
        for _ in 0..messages * copies {
            match socket
                .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. }))
                .await?
            {
                ServerFrame::Ack { client_id, seq } => seqs.entry(client_id.as_str().to_owned()).or_default().push(seq),
                other => bail!("every copy is acknowledged, got {other:?}"),
            }
        }
    }
    for (client_id, seqs) in &seqs {
        ensure!(
            seqs.len() == 3 && seqs.iter().all(|seq| *seq == seqs[0]),
            "{client_id}: one seq for all copies, got {seqs:?}"
        );
    }
    // Counted once each: the other half of the limit still goes through.
    for n in 0..messages {
        send_acked(&mut first, &format!("more-{n}"), &format!("more {n}")).await.context("within the limit")?;
    }
    let missed = shopper_history(&api, &ticket).await?;
    let mut stored: Vec<&str> =
        missed.iter().filter(|m| m.author == Author::Shopper).map(|m| m.client_id.as_str()).collect();
    ensure!(stored.len() == 2 * messages as usize, "each message stored once: {stored:?}");
    stored.sort_unstable();
    stored.dedup();
    ensure!(stored.len() == 2 * messages as usize, "no client id twice");
    let in_order = missed.windows(2).all(|pair| pair[1].seq == pair[0].seq + 1);
    ensure!(in_order && missed.first().is_some_and(|m| m.seq == 1), "seqs 1, 2, 3… without gaps");
    Ok(())
}

/// The text that makes the test edge's commit fail right after the message row is written.
const FAIL_HERE: &str = "FAILPOINT-ROOM-COMMIT";

async fn an_event_that_fails_halfway_keeps_nothing_and_the_conversation_goes_on(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::with_failpoints("failpoint", &format!("room_commit={FAIL_HERE}")).await?;
    let api = Api::new(edge.origin());
    let ticket = api.new_conversation("demo").await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    let before = send_acked(&mut socket, "before", "Hello").await?;
    socket.send(&send("failing", &format!("this one fails: {FAIL_HERE}"))).await?;
    match socket
        .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. }))
        .await?
    {
        ServerFrame::Error { error, client_id }
            if error.code == ErrorCode::Internal && client_id == Some(cid("failing")) => {}
        other => bail!("the failed message is refused, not acknowledged: {other:?}"),
    }
    let after =
        send_acked(&mut socket, "after", "Still there?").await.context("the next message after a failed one")?;
    ensure!(after == before + 1, "the failed message took no seq: {before} then {after}");
    let (_, welcome) = shopper(&api, &ticket, 0).await?;
    let texts: Vec<String> = missed(&welcome).into_iter().map(|(_, text)| text).collect();
    ensure!(!texts.iter().any(|text| text.contains(FAIL_HERE)), "nothing of the failed event is stored: {texts:?}");
    ensure!(texts.iter().any(|text| text == "Still there?"), "{texts:?}");
    Ok(())
}

/// The private edges' demo shop and its owner.
const DEMO_OWNER: (&str, &str) = ("agent@demo.test", "parley-demo");

/// Moves the edge's clock on by `millis` and wakes `conversations` and the shop's desk.
async fn advance_clock(api: &Api, shop: &str, conversations: &[&ConversationTicket], millis: u64) -> Result<()> {
    let ids: Vec<&str> = conversations.iter().map(|ticket| ticket.conversation_id.as_str()).collect();
    let body = json!({"advance_millis": millis, "shop": shop, "conversations": ids});
    let (status, text) = api.post("/api/dev/clock", &body, None).await?;
    ensure!(status == 200, "moving the clock answered {status}: {text}");
    Ok(())
}

async fn dead_letters(api: &Api, shop: &str, cookie: &str) -> Result<DeadLetters> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/dead-letters"), Some(cookie)).await?;
    ensure!(status == 200, "dead letters answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

pub(crate) async fn first_responses(api: &Api, shop: &str, cookie: &str) -> Result<u64> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics"), Some(cookie)).await?;
    ensure!(status == 200, "metrics answered {status}: {body}");
    Ok(serde_json::from_str::<MetricsReport>(&body)?.frt_seconds.count)
}

async fn a_failing_request_is_retried_then_kept_as_a_dead_letter_and_what_followed_goes_on(
    env: Arc<Env>,
) -> Result<()> {
    let failing = "dead-letter@fail.test";
    let edge = PrivateEdge::with_failpoints("dead-letter", &format!("desk_request={failing}")).await?;
    let api = Api::new(edge.origin());
    let owner = api.login(DEMO_OWNER.0, DEMO_OWNER.1).await?;
    let mut desk = api.socket("/api/desk/ws", Some(&owner.cookie)).await?;
    let ticket = api.new_conversation("demo").await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Where is my order?").await?;
    claim(&mut desk, &ticket.conversation_id).await?;
    conversation_where(&mut socket, |c| c.status == Status::Assigned).await?;
    // The desk fails the address every time; the answer's measurement is queued behind it.
    socket.send(&ClientFrame::LeaveEmail { email: failing.into() }).await?;
    conversation_where(&mut socket, |c| c.contact_email.as_deref() == Some(failing)).await?;
    let mut chat = agent_socket(&api, &owner, &ticket.conversation_id).await?;
    send_acked(&mut chat, "a", "Let me look.").await?;
    ensure!(first_responses(&api, "demo", &owner.cookie).await? == 0, "held behind the failing request, in order");
    ensure!(dead_letters(&api, "demo", &owner.cookie).await?.count == 0, "still being retried");

    // Each wake tries once more, unless the alarm the last failure set is trying just then. The
    // request carrying the address fails (the shop has no webhook, so no announcement of the
    // answer carries the address to the desk too); once it is given up, what was queued behind
    // it goes on.
    for _ in 0..6 * Backoff::OUTBOX.max_attempts {
        if first_responses(&api, "demo", &owner.cookie).await? == 1 {
            break;
        }
        advance_clock(&api, "demo", &[&ticket], Backoff::OUTBOX.max_wait_millis).await?;
    }
    ensure!(first_responses(&api, "demo", &owner.cookie).await? == 1, "what was queued behind them went on");
    let listing = dead_letters(&api, "demo", &owner.cookie).await?;
    let letter = listing.latest.iter().find(|letter| letter.what == "contact_left");
    let letter = letter.with_context(|| format!("the address's request is a dead letter: {listing:?}"))?;
    ensure!(listing.count == 1 && letter.kind == DeadLetterKind::Request, "{listing:?}");
    ensure!(letter.target == "shop:demo", "{letter:?}");
    ensure!(letter.conversation_id.as_ref() == Some(&ticket.conversation_id), "{letter:?}");
    ensure!(letter.attempts == Backoff::OUTBOX.max_attempts && letter.given_up_at > letter.queued_at, "{letter:?}");
    ensure!(!serde_json::to_string(&listing)?.contains(failing), "no personal data in a dead letter");

    // The shop's owner sees them on the console's dashboard.
    let on_edge = Env { origin: edge.origin().to_owned(), ..Env::clone(&env) };
    let console = Console::sign_in(&on_edge, DEMO_OWNER.0, DEMO_OWNER.1).await?;
    let shown = console.dashboard_dead_letters().await;
    let _ = console.driver.quit().await;
    let (count, letters) = shown.context("the dashboard's undelivered card")?;
    ensure!(count == "1", "the dashboard counts {count:?} dead letters");
    ensure!(
        letters.iter().any(|letter| letter.contains("contact_left") && letter.contains("25 attempts")),
        "{letters:?}"
    );
    Ok(())
}

async fn a_conversation_whose_requests_keep_failing_holds_up_no_other(_env: Arc<Env>) -> Result<()> {
    let broken = "BROKEN-CONVERSATION";
    let edge = PrivateEdge::with_failpoints("one-broken", &format!("room_request={broken}")).await?;
    let api = Api::new(edge.origin());
    let owner = api.login(DEMO_OWNER.0, DEMO_OWNER.1).await?;
    let mut desk = api.socket("/api/desk/ws", Some(&owner.cookie)).await?;
    // Every request the desk sends the broken conversation fails: its place, its assignment.
    let broken = api.new_conversation_on("demo", broken).await?;
    let (mut broken_socket, _) = shopper(&api, &broken, 0).await?;
    send_acked(&mut broken_socket, "b", "First in line").await?;
    let healthy = api.new_conversation("demo").await?;
    let (mut socket, _) = shopper(&api, &healthy, 0).await?;
    send_acked(&mut socket, "h", "Second in line").await?;
    queue_where(&mut desk, |items| items.len() == 2).await?;
    claim(&mut desk, &healthy.conversation_id).await?;
    let assigned = conversation_where(&mut socket, |c| c.status == Status::Assigned).await;
    assigned.context("the healthy conversation hears of its agent past the broken one's failures")?;
    Ok(())
}

async fn a_receiver_that_stalls_holds_up_delivery_only_until_its_time_limit(_env: Arc<Env>) -> Result<()> {
    let stalling = "stall@hang.test";
    let edge = PrivateEdge::with_failpoints("stall", &format!("desk_stall={stalling}")).await?;
    let api = Api::new(edge.origin());
    let owner = api.login(DEMO_OWNER.0, DEMO_OWNER.1).await?;
    let mut desk = api.socket("/api/desk/ws", Some(&owner.cookie)).await?;
    let ticket = api.new_conversation("demo").await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Anyone there?").await?;
    // The desk hangs on the first delivery of this address: the conversation's call gives up
    // after its time limit, and the retry gets through.
    socket.send(&ClientFrame::LeaveEmail { email: stalling.into() }).await?;
    send_acked(&mut socket, "q2", "Hello?").await.context("acknowledged while the desk stalls")?;
    let items =
        queue_where(&mut desk, |items| items.iter().any(|i| i.contact_email.as_deref() == Some(stalling))).await;
    items.context("the stalled request is delivered again once its call timed out")?;
    Ok(())
}

async fn two_first_visits_of_one_verified_user_at_once_share_one_conversation(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let secret = "twin-identity-secret-0123";
    let shop = seed(&api, &env, "", json!({"identity_secret": secret}), &[("ana", "owner")]).await?;
    let conversations = format!("/api/shops/{shop}/conversations");
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    for user in 0..8 {
        let identity = Identity { user_id: format!("user-{user}"), name: None, email: None, exp: expires };
        let body = json!({"identity": sign_identity(secret.as_bytes(), &identity)});
        let visit = || api.post(&conversations, &body, None);
        let (laptop, phone) = tokio::join!(visit(), visit());
        let mut tickets = Vec::new();
        for (status, text) in [laptop?, phone?] {
            ensure!(status == 200 || status == 201, "a first visit answered {status}: {text}");
            tickets.push(serde_json::from_str::<ConversationTicket>(&text)?);
        }
        ensure!(tickets[0].conversation_id == tickets[1].conversation_id, "user {user} got two conversations");
        for ticket in &tickets {
            shopper(&api, ticket, 0).await.context("each device's token opens the conversation")?;
        }
    }
    Ok(())
}

async fn a_webhook_delivery_goes_to_the_url_it_was_queued_for(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let old = WebhookReceiver::start(&[500]).await?;
    let new = WebhookReceiver::start(&[]).await?;
    let secret = "moving-hooks-secret-0123";
    let shop =
        seed(&api, &env, "", json!({"webhook": {"url": old.url, "secret": secret}}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Is this in stock?").await?;
    let failed =
        wait_for(|| old.received().into_iter().find(|r| r.status == 500)).await.context("the first attempt")?;
    let id = failed.header("parley-delivery").context("a delivery id")?.to_owned();
    let patch = json!({"webhook": {"url": new.url, "secret": secret}});
    let (status, text) = api.patch(&format!("/api/shops/{shop}/settings"), &patch, Some(&ana.cookie)).await?;
    ensure!(status == 200, "moving the webhook answered {status}: {text}");
    wait_for(|| old.received().into_iter().find(|r| r.status == 200 && r.header("parley-delivery") == Some(&id)))
        .await
        .context("the retry goes where the event was queued for")?;
    ensure!(
        !new.received().iter().any(|r| r.header("parley-delivery") == Some(&id)),
        "the new URL gets only events queued after the change"
    );
    send_acked(&mut socket, "q2", "Hello?").await?;
    wait_for(|| new.received().into_iter().next()).await.context("new events go to the new URL")?;
    Ok(())
}

/// Polls `found` until it finds something, for up to half a minute (a webhook retry comes
/// after 10 s).
async fn wait_for<T>(found: impl Fn() -> Option<T>) -> Result<T> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = found() {
            return Ok(value);
        }
        ensure!(Instant::now() < deadline, "nothing came within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

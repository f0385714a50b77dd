//! The conversation engine against the real edge: lifecycle (resolve, reopen, transfer,
//! re-route), automatic assignment within capacity, honest first-response time (notes and
//! system lines never stop it; business hours exclude closed time), the metrics API, queue
//! places for waiting shoppers, typing and read receipts, settings, and a restart of the edge
//! that loses nothing acknowledged.
//!
//! Each case seeds its own shop, so cases never see each other's queues.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::api::{
    agent_history, agent_socket, cid, expect_error, hello, send, send_acked, shopper, shopper_history, wait_in_queue,
};
use crate::case;
use crate::client::{api_error, Agent, Api, Socket};
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{agent_email, login, seed};
use crate::webhook_receiver::{Received, WebhookReceiver};
use parley_core::desk_feed::QueueCopy;
use parley_core::ids::ConversationId;
use parley_core::message::Author;
use parley_core::metrics::MetricsReport;
use parley_core::protocol::ConversationTicket;
use parley_core::protocol::{
    ApiError, ClientFrame, ConversationView, DeskClientFrame, DeskServerFrame, ErrorCode, QueueItem, ServerFrame,
    ShopperDetails, Status,
};
use parley_core::rating::MAX_COMMENT_CHARS;
use parley_core::signature::{sign_identity, webhook_signature_header, Identity};
use parley_core::wait_estimate::Estimate;

pub fn cases() -> Vec<Case> {
    vec![
        case!(resolving_closes_and_a_new_message_reopens_with_a_new_clock),
        case!(notes_reach_agents_only_and_never_stop_the_clock),
        case!(automatic_assignment_respects_capacity_and_load),
        case!(an_unanswered_assignment_goes_back_to_the_queue),
        case!(a_transfer_keeps_history_and_credits_the_agent_who_answers),
        case!(business_hours_first_response_excludes_closed_time),
        case!(metrics_are_for_the_shops_agents_only_and_exact),
        case!(waiting_shoppers_are_told_their_place_and_expected_wait),
        case!(typing_and_read_receipts_reach_the_other_side),
        case!(settings_are_validated_and_only_owners_change_them),
        case!(a_settings_patch_changes_only_what_it_names),
        case!(a_restarted_edge_has_every_acknowledged_message),
        case!(rate_limits_refuse_with_a_retry_time_and_lose_nothing_accepted),
        case!(with_nobody_available_or_the_shop_closed_shoppers_leave_an_email),
        case!(webhooks_are_signed_retried_and_carry_one_id_per_event),
        case!(a_verified_user_finds_their_conversation_on_another_device),
        case!(shoppers_rate_resolved_conversations_once_and_the_metrics_give_exact_csat),
        case!(pre_chat_fields_are_checked_by_the_shops_rules_and_shown_to_agents),
    ]
}

/// Starts a conversation in `shop` whose shopper has written `text`.
pub(crate) async fn waiting_conversation(
    api: &Api,
    shop: &str,
    text: &str,
) -> Result<(ConversationId, Socket, Instant)> {
    let ticket = api.new_conversation(shop).await?;
    let (mut socket, _) = shopper(api, &ticket, 0).await?;
    send_acked(&mut socket, "first", text).await?;
    Ok((ticket.conversation_id, socket, Instant::now()))
}

/// Waits for the next `conversation` frame that satisfies `wanted`.
pub(crate) async fn conversation_where(
    socket: &mut Socket,
    wanted: impl Fn(&ConversationView) -> bool,
) -> Result<ConversationView> {
    match socket
        .next_matching(
            |f: &ServerFrame| matches!(f, ServerFrame::Conversation { conversation } if wanted(conversation)),
        )
        .await?
    {
        ServerFrame::Conversation { conversation } => Ok(conversation),
        other => bail!("unexpected {other:?}"),
    }
}

/// Waits until the desk lists a queue for which `wanted` holds; returns its items. The desk
/// sends changes after a whole queue, as a console follows them (core's `QueueCopy`): this asks
/// for a whole queue first, so that the copy has one to start from whatever came before.
pub(crate) async fn queue_where(desk: &mut Socket, wanted: impl Fn(&[QueueItem]) -> bool) -> Result<Vec<QueueItem>> {
    desk.send(&DeskClientFrame::Resync).await?;
    let mut copy = QueueCopy::default();
    loop {
        let frame = desk
            .next_matching(|f: &DeskServerFrame| {
                matches!(f, DeskServerFrame::Queue { .. } | DeskServerFrame::QueueChanged { .. })
            })
            .await?;
        // A change missed before the whole queue asked for is made good by it.
        copy.follow(frame);
        if copy.is_current() && wanted(&copy.items) {
            return Ok(copy.items);
        }
    }
}

fn item<'a>(items: &'a [QueueItem], id: &ConversationId) -> Option<&'a QueueItem> {
    items.iter().find(|item| &item.conversation_id == id)
}

pub(crate) async fn claim(desk: &mut Socket, id: &ConversationId) -> Result<()> {
    claim_answer(desk, id).await?.map_err(|refusal| anyhow!("claim refused: {refusal:?}"))
}

/// Claims a conversation on a desk socket; answers whether the desk gave it, or its refusal.
pub(crate) async fn claim_answer(desk: &mut Socket, id: &ConversationId) -> Result<Result<(), ApiError>> {
    desk.send(&DeskClientFrame::Claim { conversation_id: id.clone() }).await?;
    match desk
        .next_matching(|f: &DeskServerFrame| {
            matches!(f, DeskServerFrame::Claimed { .. } | DeskServerFrame::Error { .. })
        })
        .await?
    {
        DeskServerFrame::Claimed { .. } => Ok(Ok(())),
        DeskServerFrame::Error { error } => Ok(Err(error)),
        other => bail!("unexpected {other:?}"),
    }
}

pub(crate) async fn metrics(api: &Api, shop: &str, agent: &Agent) -> Result<MetricsReport> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics"), Some(&agent.cookie)).await?;
    ensure!(status == 200, "metrics answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

async fn resolving_closes_and_a_new_message_reopens_with_a_new_clock(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let (id, mut shopper_socket, _) = waiting_conversation(&api, &shop, "Where is my parcel?").await?;
    claim(&mut desk, &id).await?;
    let mut chat = agent_socket(&api, &ana, &id).await?;
    send_acked(&mut chat, "a1", "It left the warehouse today.").await?;
    chat.send(&ClientFrame::Resolve).await?;
    conversation_where(&mut shopper_socket, |c| c.status == Status::Resolved).await.context("resolved")?;
    queue_where(&mut desk, |items| item(items, &id).is_none()).await.context("leaves the queue")?;
    // Resolving twice is refused with a clear error and changes nothing.
    chat.send(&ClientFrame::Resolve).await?;
    expect_error(&mut chat, ErrorCode::Conflict).await?;

    tokio::time::sleep(Duration::from_millis(1200)).await;
    send_acked(&mut shopper_socket, "again", "It has not arrived yet").await?;
    let reopened_at = Instant::now();
    let reopened = conversation_where(&mut shopper_socket, |c| c.status == Status::Waiting).await?;
    ensure!(reopened.first_response_millis.is_none(), "a reopen starts a new clock: {reopened:?}");
    queue_where(&mut desk, |items| item(items, &id).is_some_and(|i| i.status == Status::Waiting)).await?;
    claim(&mut desk, &id).await?;
    send_acked(&mut chat, "a2", "Let me check with the courier.").await?;
    let script = reopened_at.elapsed();
    let measured = conversation_where(&mut shopper_socket, |c| c.first_response_millis.is_some()).await?;
    let edge = Duration::from_millis(measured.first_response_millis.unwrap_or_default());
    ensure!(edge.abs_diff(script) < Duration::from_secs(1), "second cycle FRT {edge:?}, script {script:?}");
    let report = metrics(&api, &shop, &ana).await?;
    ensure!(report.frt_seconds.count == 2 && report.resolution_seconds.count == 1, "{report:?}");
    Ok(())
}

async fn notes_reach_agents_only_and_never_stop_the_clock(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "q", "Can I change my address?").await?;
    let clock = Instant::now();
    let id = ticket.conversation_id.clone();
    claim(&mut desk, &id).await?;
    let mut chat = agent_socket(&api, &ana, &id).await?;
    // A colleague's note, then the assignee's own: neither is a response.
    let mut colleague = agent_socket(&api, &bo, &id).await?;
    colleague.send(&ClientFrame::Send { client_id: cid("n1"), text: "VIP customer".into(), internal: true }).await?;
    expect_ack(&mut colleague, "n1").await?;
    chat.send(&ClientFrame::Send { client_id: cid("n2"), text: "checking the order".into(), internal: true }).await?;
    expect_ack(&mut chat, "n2").await?;
    // A shopper cannot write notes.
    shopper_socket.send(&ClientFrame::Send { client_id: cid("n3"), text: "x".into(), internal: true }).await?;
    expect_error(&mut shopper_socket, ErrorCode::BadRequest).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    send_acked(&mut chat, "a1", "Yes, until it ships.").await?;
    let script = clock.elapsed();
    let measured = conversation_where(&mut shopper_socket, |c| c.first_response_millis.is_some()).await?;
    let edge = Duration::from_millis(measured.first_response_millis.unwrap_or_default());
    ensure!(edge.abs_diff(script) < Duration::from_secs(1), "edge {edge:?}, script {script:?}");

    let (_, welcome) = shopper(&api, &ticket, 0).await?;
    let ServerFrame::Welcome { missed, .. } = welcome else { bail!("no welcome") };
    ensure!(missed.iter().all(|m| !m.internal), "a shopper's history holds no notes: {missed:?}");
    let notes = agent_history(&api, &bo, &id).await?.iter().filter(|m| m.internal).count();
    ensure!(notes == 2, "agents see both notes, saw {notes}");
    Ok(())
}

async fn expect_ack(socket: &mut Socket, client_id: &str) -> Result<()> {
    match socket
        .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. }))
        .await?
    {
        ServerFrame::Ack { client_id: acked, .. } if acked.as_str() == client_id => Ok(()),
        other => bail!("expected the ack of {client_id}, got {other:?}"),
    }
}

async fn automatic_assignment_respects_capacity_and_load(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"assignment": {"auto_assign": true, "capacity": 1, "reroute_after_millis": 600000}});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let mut ana_desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let _bo_desk = api.socket("/api/desk/ws", Some(&bo.cookie)).await?;
    let mut ids = Vec::new();
    for question in ["first", "second", "third"] {
        ids.push(waiting_conversation(&api, &shop, question).await?.0);
    }
    let items = queue_where(&mut ana_desk, |items| {
        items.len() == 3 && items.iter().filter(|i| i.assignee.is_some()).count() == 2
    })
    .await
    .context("two of three assigned")?;
    let assignee = |n: usize| item(&items, &ids[n]).and_then(|i| i.assignee.clone());
    let (first, second) = (assignee(0), assignee(1));
    ensure!(first.is_some() && second.is_some() && first != second, "one each by load: {first:?} {second:?}");
    ensure!(assignee(2).is_none(), "capacity 1 leaves the third waiting");
    // The assignee hears about it without claiming.
    let Some(owner) = first else { bail!("unassigned") };
    let owner = if owner.as_str().starts_with("ana") { &ana } else { &bo };
    let history = agent_history(&api, owner, &ids[0]).await?;
    ensure!(history.iter().any(|m| m.author == Author::System), "a join line: {history:?}");
    Ok(())
}

async fn an_unanswered_assignment_goes_back_to_the_queue(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"assignment": {"auto_assign": false, "capacity": 3, "reroute_after_millis": 10000}});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let (id, mut shopper_socket, _) = waiting_conversation(&api, &shop, "Hello?").await?;
    let claimed_at = Instant::now();
    claim(&mut desk, &id).await?;
    // The desk may say nothing between the claim and the re-route 10 s later (a socket waits
    // up to 20 s for each frame).
    let items = tokio::time::timeout(
        Duration::from_secs(30),
        queue_where(&mut desk, |items| {
            item(items, &id).is_some_and(|i| i.status == Status::Waiting && !i.passed_by.is_empty())
        }),
    )
    .await
    .context("the alarm never re-routed")??;
    ensure!(claimed_at.elapsed() >= Duration::from_secs(10), "re-routed too early");
    ensure!(item(&items, &id).is_some_and(|i| i.assignee.is_none()));
    let back =
        conversation_where(&mut shopper_socket, |c| c.status == Status::Waiting && c.assignee_name.is_none()).await?;
    ensure!(back.first_response_millis.is_none(), "the clock keeps running");
    Ok(())
}

async fn a_transfer_keeps_history_and_credits_the_agent_who_answers(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let mut ana_desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let mut bo_desk = api.socket("/api/desk/ws", Some(&bo.cookie)).await?;
    let (id, mut shopper_socket, clock) = waiting_conversation(&api, &shop, "Do you sell gift cards?").await?;
    claim(&mut ana_desk, &id).await?;
    // Only the assignee may hand it on.
    bo_desk.send(&DeskClientFrame::Transfer { conversation_id: id.clone(), to: bo.profile.email.clone() }).await?;
    match bo_desk.next_matching(|f: &DeskServerFrame| matches!(f, DeskServerFrame::Error { .. })).await? {
        DeskServerFrame::Error { error } if error.code == ErrorCode::Forbidden => {}
        other => bail!("expected forbidden, got {other:?}"),
    }
    ana_desk.send(&DeskClientFrame::Transfer { conversation_id: id.clone(), to: bo.profile.email.clone() }).await?;
    queue_where(&mut ana_desk, |items| {
        item(items, &id).is_some_and(|i| i.assignee.as_ref() == Some(&bo.profile.email))
    })
    .await?;
    let mut bo_chat = agent_socket(&api, &bo, &id).await?;
    send_acked(&mut bo_chat, "b1", "Yes, from 10 to 500 euros.").await?;
    let script = clock.elapsed();
    let measured = conversation_where(&mut shopper_socket, |c| c.first_response_millis.is_some()).await?;
    let edge = Duration::from_millis(measured.first_response_millis.unwrap_or_default());
    ensure!(edge.abs_diff(script) < Duration::from_secs(1), "FRT from the first message: {edge:?} vs {script:?}");
    let history = agent_history(&api, &bo, &id).await?;
    ensure!(history.iter().any(|m| m.text == "Do you sell gift cards?"), "history kept");
    let report = metrics(&api, &shop, &ana).await?;
    let credited: Vec<(String, u64)> =
        report.per_agent.iter().map(|a| (a.agent.to_string(), a.frt_seconds.count)).collect();
    ensure!(credited == vec![(agent_email(&shop, "bo"), 1)], "credited {credited:?}");
    Ok(())
}

async fn business_hours_first_response_excludes_closed_time(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let closed_hours = json!({"time_zone": "Europe/Budapest", "hours": closed_all_test()?});
    let closed = seed(&api, &env, "closed", closed_hours, &[("ana", "owner")]).await?;
    let open = seed(&api, &env, "open", json!({}), &[("ana", "owner")]).await?;
    for shop in [&closed, &open] {
        let ana = login(&api, shop, "ana").await?;
        let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
        let (id, mut shopper_socket, _) = waiting_conversation(&api, shop, "Hi").await?;
        claim(&mut desk, &id).await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut chat = agent_socket(&api, &ana, &id).await?;
        send_acked(&mut chat, "a1", "Hello!").await?;
        conversation_where(&mut shopper_socket, |c| c.first_response_millis.is_some()).await?;
        let report = metrics(&api, shop, &ana).await?;
        let calendar = report.frt_seconds.median.unwrap_or_default();
        let business = report.frt_business_seconds.median.unwrap_or(-1.0);
        ensure!(calendar >= 1.5, "{shop}: calendar FRT {calendar}");
        if shop == &closed {
            ensure!(business == 0.0, "closed hours do not count: {business}");
        } else {
            ensure!(business == calendar, "always open: business {business} = calendar {calendar}");
        }
    }
    Ok(())
}

async fn metrics_are_for_the_shops_agents_only_and_exact(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let numbers = seed(&api, &env, "numbers", json!({"frt_target_seconds": 2}), &[("ana", "owner")]).await?;
    let outsider = seed(&api, &env, "outsider", json!({}), &[("eve", "owner")]).await?;
    let ana = login(&api, &numbers, "ana").await?;
    let eve = login(&api, &outsider, "eve").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    // Three conversations answered after about 0, 1 and 3 seconds.
    for (n, wait_ms) in [(1, 0u64), (2, 1000), (3, 3000)] {
        let (id, mut shopper_socket, _) = waiting_conversation(&api, &numbers, &format!("question {n}")).await?;
        claim(&mut desk, &id).await?;
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        let mut chat = agent_socket(&api, &ana, &id).await?;
        send_acked(&mut chat, &format!("a{n}"), "answer").await?;
        conversation_where(&mut shopper_socket, |c| c.first_response_millis.is_some()).await?;
    }
    let (_, _waiting_socket, _) = waiting_conversation(&api, &numbers, "still waiting").await?;
    let report = metrics(&api, &numbers, &ana).await?;
    let frt = &report.frt_seconds;
    ensure!(frt.count == 3, "three samples: {frt:?}");
    let (median, max) = (frt.median.unwrap_or_default(), frt.max.unwrap_or_default());
    ensure!((0.8..2.0).contains(&median) && (2.8..4.5).contains(&max), "nearest-rank median and max: {frt:?}");
    ensure!(frt.p99 == frt.max, "p99 of three samples is the largest");
    let within = report.within_target_percent.unwrap_or_default();
    ensure!((within - 200.0 / 3.0).abs() < 0.01, "two of three within 2 s: {within}");
    ensure!(report.frt_histogram.iter().map(|b| b.count).sum::<u64>() == 3);
    ensure!(report.waiting_now == 1 && report.oldest_wait_seconds.is_some(), "{report:?}");

    let (status, _, body) = api.get(&format!("/api/shops/{numbers}/metrics"), Some(&eve.cookie)).await?;
    ensure!(status == 403 && api_error(&body)?.code == ErrorCode::Forbidden, "another shop's agent: {status}");
    let (status, _, _) = api.get(&format!("/api/shops/{numbers}/metrics"), None).await?;
    ensure!(status == 401, "no session: {status}");
    let (status, _, body) = api.get(&format!("/api/shops/{numbers}/metrics?from=abc"), Some(&ana.cookie)).await?;
    ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "bad window: {status} {body}");
    let (status, _, body) = api.get(&format!("/api/shops/{numbers}/metrics?from=10&to=5"), Some(&ana.cookie)).await?;
    ensure!(status == 400, "reversed window: {status} {body}");
    let (status, _, body) = api.get(&format!("/api/shops/{numbers}/metrics?from=0&to=1000"), Some(&ana.cookie)).await?;
    ensure!(status == 200 && serde_json::from_str::<MetricsReport>(&body)?.frt_seconds.count == 0, "empty window");
    Ok(())
}

async fn waiting_shoppers_are_told_their_place_and_expected_wait(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let place_of = |frame: &ServerFrame| match frame {
        ServerFrame::Place { place: Some(place) } => Some(*place),
        _ => None,
    };
    let (first, mut first_socket, _) = waiting_conversation(&api, &shop, "one").await?;
    let nobody = first_socket.next_matching(|f: &ServerFrame| place_of(f).is_some()).await?;
    ensure!(place_of(&nobody).is_some_and(|p| p.position == 1 && p.estimate == Estimate::NoAgents), "{nobody:?}");

    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let online = first_socket.next_matching(|f: &ServerFrame| place_of(f).is_some()).await?;
    ensure!(
        place_of(&online).is_some_and(|p| p.position == 1 && matches!(p.estimate, Estimate::Wait { .. })),
        "an agent online gives a wait: {online:?}"
    );
    let (_, mut second_socket, _) = waiting_conversation(&api, &shop, "two").await?;
    let second = second_socket.next_matching(|f: &ServerFrame| place_of(f).is_some()).await?;
    ensure!(place_of(&second).is_some_and(|p| p.position == 2), "{second:?}");
    claim(&mut desk, &first).await?;
    let moved = second_socket.next_matching(|f: &ServerFrame| place_of(f).is_some_and(|p| p.position == 1)).await;
    ensure!(moved.is_ok(), "moves up when the first is taken");
    first_socket.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Place { place: None })).await?;
    Ok(())
}

async fn typing_and_read_receipts_reach_the_other_side(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let (id, mut shopper_socket, _) = waiting_conversation(&api, &shop, "hi").await?;
    wait_in_queue(&mut desk, &id, Status::Waiting).await?;
    claim(&mut desk, &id).await?;
    let mut chat = agent_socket(&api, &ana, &id).await?;
    shopper_socket.send(&ClientFrame::Typing { typing: true }).await?;
    chat.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Typing { author: Author::Shopper, typing: true }))
        .await
        .context("the agent sees the shopper typing")?;
    chat.send(&ClientFrame::Typing { typing: true }).await?;
    shopper_socket
        .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Typing { author: Author::Agent, typing: true }))
        .await
        .context("the shopper sees the agent typing")?;
    chat.send(&ClientFrame::Read { seq: 1 }).await?;
    shopper_socket
        .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Read { author: Author::Agent, seq: 1 }))
        .await
        .context("the shopper sees the agent read their message")?;
    let seq = send_acked(&mut chat, "a1", "Hi! How can I help?").await?;
    shopper_socket.send(&ClientFrame::Read { seq }).await?;
    chat.next_matching(
        |f: &ServerFrame| matches!(f, ServerFrame::Read { author: Author::Shopper, seq: read } if *read == seq),
    )
    .await
    .context("the agent sees the shopper read the answer")?;

    // A shopper who goes while typing (a closed tab, a lost connection) stops typing for the
    // agent; nobody else says so.
    shopper_socket.send(&ClientFrame::Typing { typing: true }).await?;
    chat.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Typing { author: Author::Shopper, typing: true }))
        .await
        .context("the agent sees the shopper typing again")?;
    drop(shopper_socket);
    chat.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Typing { author: Author::Shopper, typing: false }))
        .await
        .context("the shopper's socket went while typing: the agent sees the typing stop")?;
    Ok(())
}

async fn settings_are_validated_and_only_owners_change_them(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let put = |agent: &Agent, body: Value| {
        let cookie = agent.cookie.clone();
        let (api, shop) = (&api, &shop);
        async move { api.put(&format!("/api/shops/{shop}/settings"), &body, Some(&cookie)).await }
    };
    let (status, body) = put(&bo, json!({"frt_target_seconds": 30})).await?;
    ensure!(status == 403 && api_error(&body)?.code == ErrorCode::Forbidden, "an agent changed settings: {status}");
    // Each refusal names the setting, for the console to show beside it.
    for (bad, field) in [
        (
            json!({"assignment": {"auto_assign": true, "capacity": 0, "reroute_after_millis": 60000}}),
            "assignment.capacity",
        ),
        (json!({"time_zone": "Mars/Olympus_Mons"}), "time_zone"),
        (json!({"hours": {"monday": [{"start_minute": 600, "end_minute": 500}]}}), "hours"),
        (json!({"allowed_origins": ["https://shop.example; script-src *"]}), "allowed_origins[0]"),
        (json!({"frt_target_secs": 60}), "frt_target_secs"),
        (json!({"hours": {"munday": [{"start_minute": 540, "end_minute": 1020}]}}), "hours.munday"),
        (json!({"webhook": {"url": "ftp://hooks.example/x", "secret": "0123456789abcdef"}}), "webhook"),
        (json!({"webhook": {"url": "https://hooks.example/x", "secret": "short"}}), "webhook"),
    ] {
        let (status, body) = put(&ana, bad.clone()).await?;
        let refusal = api_error(&body)?;
        ensure!(
            status == 400 && refusal.code == ErrorCode::BadRequest && refusal.field.as_deref() == Some(field),
            "{bad} answered {status} {body}"
        );
    }
    let (status, body) = put(&ana, json!({"frt_target_seconds": 45, "time_zone": "Europe/Warsaw"})).await?;
    ensure!(status == 200, "an owner's valid change: {status} {body}");
    let (status, _, _) = api.get(&format!("/api/shops/{shop}/settings"), Some(&bo.cookie)).await?;
    ensure!(status == 403, "settings hold a secret: agents cannot read them ({status})");
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
    let saved: Value = serde_json::from_str(&body)?;
    ensure!(status == 200 && saved["frt_target_seconds"] == 45 && saved["time_zone"] == "Europe/Warsaw", "{body}");
    Ok(())
}

async fn a_settings_patch_changes_only_what_it_names(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({
        "frt_target_seconds": 90,
        "pre_chat": {"name": "required", "email": "optional"},
        "launcher": {"color": "#aa3300", "position": "left"},
        "webhook": {"url": "https://hooks.example/p", "secret": "0123456789abcdef"},
    });
    let shop = seed(&api, &env, "", settings, &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let path = &format!("/api/shops/{shop}/settings");
    let stored = || async {
        let (status, _, body) = api.get(path, Some(&ana.cookie)).await?;
        ensure!(status == 200, "reading the settings answered {status}");
        Ok::<Value, anyhow::Error>(serde_json::from_str(&body)?)
    };
    let before = stored().await?;

    let (status, body) = api.patch(path, &json!({"frt_target_seconds": 30}), Some(&bo.cookie)).await?;
    ensure!(status == 403 && api_error(&body)?.code == ErrorCode::Forbidden, "an agent patched settings: {status}");
    for bad in [
        json!({"frt_target_secs": 60}),
        json!({"pre_chat": {"phone": "optional"}}),
        json!({"assignment": {"capacity": 0}}),
        json!({"time_zone": "Mars/Olympus_Mons"}),
        json!([]),
    ] {
        let (status, body) = api.patch(path, &bad, Some(&ana.cookie)).await?;
        ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "{bad} answered {status} {body}");
    }
    ensure!(stored().await? == before, "a refused patch changed nothing");

    let patch = json!({"pre_chat": {"email": "off"}, "launcher": {"text": "Ask us"}, "webhook": null});
    let (status, body) = api.patch(path, &patch, Some(&ana.cookie)).await?;
    ensure!(status == 200, "an owner's patch: {status} {body}");
    let mut expected = before;
    expected["pre_chat"]["email"] = json!("off");
    expected["launcher"]["text"] = json!("Ask us");
    expected["webhook"] = Value::Null;
    let answered: Value = serde_json::from_str(&body)?;
    ensure!(answered == expected, "the patch answered {answered}, not {expected}");
    ensure!(stored().await? == expected, "the stored settings are not the patched ones");
    Ok(())
}

async fn a_restarted_edge_has_every_acknowledged_message(_env: Arc<Env>) -> Result<()> {
    // Its own edge: this case stops the edge it talks to.
    let mut edge = PrivateEdge::start("restart").await?;
    let api = Api::new(edge.origin());
    let ticket = api.new_conversation("demo").await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    let mut acked = Vec::new();
    for n in 1..=5 {
        acked.push(send_acked(&mut socket, &format!("m{n}"), &format!("message {n}")).await?);
    }
    drop(socket);
    edge.stop().await?;

    edge.start_again().await?;
    let mut socket = api.socket(&format!("/api/conversations/{}/ws", ticket.conversation_id), None).await?;
    socket.send(&hello(&ticket, 0)).await?;
    let stored = match socket.next::<ServerFrame>().await? {
        ServerFrame::Welcome { missed, .. } => missed.iter().map(|m| (m.seq, m.text.clone())).collect::<Vec<_>>(),
        other => bail!("expected welcome, got {other:?}"),
    };
    let expected: Vec<(u64, String)> = acked.iter().map(|seq| (*seq, format!("message {seq}"))).collect();
    ensure!(stored == expected, "after a restart: {stored:?}");
    // And the conversation goes on where it stopped.
    socket.send(&send("m6", "message 6")).await?;
    let next = socket.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Ack { .. })).await?;
    ensure!(matches!(next, ServerFrame::Ack { seq: 6, .. }), "{next:?}");
    edge.stop().await
}

async fn rate_limits_refuse_with_a_retry_time_and_lose_nothing_accepted(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let mut tickets = Vec::new();
    for _ in 0..30 {
        tickets.push(api.new_conversation(&shop).await?);
    }
    let (status, body) = api.post(&format!("/api/shops/{shop}/conversations"), &json!({}), None).await?;
    let refusal = api_error(&body)?;
    ensure!(status == 429 && refusal.code == ErrorCode::RateLimited, "the 31st conversation: {status} {body}");
    ensure!(refusal.retry_after_seconds.is_some_and(|s| (1..=60).contains(&s)), "a retry time: {refusal:?}");
    // Another shop is limited on its own.
    let other = seed(&api, &env, "other", json!({}), &[]).await?;
    api.new_conversation(&other).await.context("another shop is not limited by this one")?;

    let ticket = &tickets[0];
    let (mut socket, _) = shopper(&api, ticket, 0).await?;
    for n in 1..=60 {
        send_acked(&mut socket, &format!("m{n}"), &format!("message {n}")).await?;
    }
    socket.send(&send("m61", "one too many")).await?;
    match socket
        .next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Error { .. } | ServerFrame::Ack { .. }))
        .await?
    {
        ServerFrame::Error { error, client_id: Some(refused) } if error.code == ErrorCode::RateLimited => {
            ensure!(refused.as_str() == "m61" && error.retry_after_seconds.is_some(), "{error:?}");
        }
        other => bail!("the 61st message should be rate limited, got {other:?}"),
    }
    // A resend of an accepted message is not a new message: it is acknowledged as before.
    ensure!(send_acked(&mut socket, "m60", "message 60").await? == 60, "a resend is still acknowledged");
    let missed = shopper_history(&api, ticket).await?;
    ensure!(missed.len() == 60 && missed.iter().all(|m| m.text != "one too many"), "kept exactly the accepted 60");
    Ok(())
}

/// Opening hours on a day that is not today (in UTC, three days away): a test runs entirely
/// in closed hours.
fn closed_all_test() -> Result<Value> {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    // 1970-01-01 was a Thursday (index 3).
    let today = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() / 86_400 + 3) % 7;
    let open_day = days[((today + 3) % 7) as usize];
    Ok(json!({ open_day: [{"start_minute": 540, "end_minute": 1020}] }))
}

async fn with_nobody_available_or_the_shop_closed_shoppers_leave_an_email(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let away = seed(&api, &env, "away", json!({}), &[("ana", "owner")]).await?;
    let place_where = |wanted: fn(&parley_core::protocol::QueuePlace) -> bool| move |f: &ServerFrame| matches!(f, ServerFrame::Place { place: Some(place) } if wanted(place));
    let (id, mut socket, _) = waiting_conversation(&api, &away, "Is the blue one in stock?").await?;
    socket.next_matching(place_where(|p| p.estimate == Estimate::NoAgents)).await.context("told nobody is there")?;
    socket.send(&ClientFrame::LeaveEmail { email: "not an address".into() }).await?;
    expect_error(&mut socket, ErrorCode::BadRequest).await.context("a malformed address")?;
    socket.send(&ClientFrame::LeaveEmail { email: "Kim@Example.com".into() }).await?;
    let left = conversation_where(&mut socket, |c| c.contact_email.is_some()).await?;
    ensure!(left.contact_email.as_deref() == Some("kim@example.com"), "{left:?}");
    // The agent who comes online later sees where to answer.
    let ana = login(&api, &away, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    queue_where(&mut desk, |items| {
        item(items, &id).is_some_and(|i| i.contact_email.as_deref() == Some("kim@example.com"))
    })
    .await
    .context("the address reaches the console's queue")?;
    let history = agent_history(&api, &ana, &id).await?;
    ensure!(history.iter().any(|m| m.author == Author::System && m.text.contains("kim@example.com")));
    // Only the shopper leaves an address.
    let mut chat = agent_socket(&api, &ana, &id).await?;
    chat.send(&ClientFrame::LeaveEmail { email: "x@example.com".into() }).await?;
    expect_error(&mut chat, ErrorCode::Forbidden).await?;

    // A closed shop says so, even with an agent online.
    let shut = seed(
        &api,
        &env,
        "shut",
        json!({"time_zone": "Europe/Budapest", "hours": closed_all_test()?}),
        &[("bo", "owner")],
    )
    .await?;
    let bo = login(&api, &shut, "bo").await?;
    let _bo_desk = api.socket("/api/desk/ws", Some(&bo.cookie)).await?;
    let (_, mut closed_socket, _) = waiting_conversation(&api, &shut, "Hello?").await?;
    closed_socket.next_matching(place_where(|p| p.closed)).await.context("told the shop is closed")?;
    Ok(())
}

async fn webhooks_are_signed_retried_and_carry_one_id_per_event(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    // The first attempt fails: the edge must try that event again, with the same id.
    let receiver = WebhookReceiver::start(&[500]).await?;
    let secret = "hooks-secret-0123456789";
    let shop =
        seed(&api, &env, "", json!({"webhook": {"url": receiver.url, "secret": secret}}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let (id, _shopper_socket, _) = waiting_conversation(&api, &shop, "Do you gift-wrap?").await?;
    claim(&mut desk, &id).await?;
    let mut chat = agent_socket(&api, &ana, &id).await?;
    chat.send(&ClientFrame::Send { client_id: cid("note"), text: "internal only".into(), internal: true }).await?;
    send_acked(&mut chat, "a1", "Yes, for free.").await?;
    chat.send(&ClientFrame::Resolve).await?;

    let expected = ["conversation.created", "message.created", "message.created", "conversation.resolved"];
    let deadline = Instant::now() + Duration::from_secs(40);
    let delivered = loop {
        let delivered: Vec<Received> = receiver.received().into_iter().filter(|r| r.status == 200).collect();
        if delivered.len() >= expected.len() || Instant::now() > deadline {
            break delivered;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let mut events: Vec<String> = Vec::new();
    for request in &delivered {
        let payload: Value = serde_json::from_str(&request.body)?;
        events.push(payload["event"].as_str().unwrap_or_default().to_owned());
        ensure!(payload["shop"] == shop && payload["conversation"]["id"] == id.as_str(), "{payload}");
        ensure!(!request.body.contains("internal only"), "notes never leave the console");
        let signature = request.header("parley-signature").context("signed")?;
        let timestamp: u64 =
            signature.split(',').find_map(|part| part.strip_prefix("t=")).context("a timestamp")?.parse()?;
        ensure!(
            signature == webhook_signature_header(secret.as_bytes(), timestamp, &request.body),
            "the signature must verify: {signature}"
        );
        ensure!(request.header("parley-delivery") == payload["id"].as_str(), "the id is the delivery header");
    }
    events.sort();
    let mut wanted: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
    wanted.sort();
    ensure!(events == wanted, "delivered {events:?}");
    let all = receiver.received();
    let failed = all.iter().find(|r| r.status == 500).context("the scripted failure")?;
    let retried = delivered.iter().any(|r| r.header("parley-delivery") == failed.header("parley-delivery"));
    ensure!(retried, "the failed event was delivered again with the same id");
    Ok(())
}

async fn a_verified_user_finds_their_conversation_on_another_device(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let secret = "identity-secret-0123456789";
    let shop = seed(&api, &env, "", json!({"identity_secret": secret}), &[("ana", "owner")]).await?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let identity = |user_id: &str, exp: u64, key: &str| {
        let user = Identity { user_id: user_id.into(), name: Some("Kim".into()), email: None, exp };
        sign_identity(key.as_bytes(), &user)
    };
    let start = |token: String| {
        let (api, shop) = (&api, &shop);
        async move { api.post(&format!("/api/shops/{shop}/conversations"), &json!({"identity": token}), None).await }
    };

    // Laptop: a new conversation, bound to user 42.
    let (status, body) = start(identity("42", now + 600, secret)).await?;
    ensure!(status == 201, "laptop: {status} {body}");
    let laptop: ConversationTicket = serde_json::from_str(&body)?;
    let (mut socket, welcome) = shopper(&api, &laptop, 0).await?;
    let ServerFrame::Welcome { conversation, .. } = welcome else { bail!("no welcome") };
    ensure!(
        conversation.user.as_ref().is_some_and(|u| u.user_id == "42"),
        "the agent sees who it is: {conversation:?}"
    );
    send_acked(&mut socket, "l1", "Started on my laptop").await?;

    // Phone: the same user gets the same conversation, with a token of its own.
    let (status, body) = start(identity("42", now + 600, secret)).await?;
    ensure!(status == 200, "phone: {status} {body}");
    let phone: ConversationTicket = serde_json::from_str(&body)?;
    ensure!(phone.conversation_id == laptop.conversation_id && phone.token != laptop.token);
    let (_, welcome) = shopper(&api, &phone, 0).await?;
    let ServerFrame::Welcome { missed, .. } = welcome else { bail!("no welcome") };
    ensure!(missed.iter().any(|m| m.text == "Started on my laptop"), "history follows the user: {missed:?}");
    // Another user does not.
    let (status, body) = start(identity("43", now + 600, secret)).await?;
    let other: ConversationTicket = serde_json::from_str(&body)?;
    ensure!(status == 201 && other.conversation_id != laptop.conversation_id, "user 43: {status}");

    // A bad token is refused, never ignored.
    for (token, why) in [
        (identity("42", now.saturating_sub(60), secret), "expired"),
        (identity("42", now + 600, "another-secret-0123456789"), "signed with another secret"),
        (identity("42", now + 3 * 86_400, secret), "valid for days"),
        ("garbage".to_owned(), "malformed"),
    ] {
        let (status, body) = start(token).await?;
        ensure!(status == 401 && api_error(&body)?.code == ErrorCode::Unauthorized, "{why}: {status} {body}");
    }
    let unverified = seed(&api, &env, "unverified", json!({}), &[]).await?;
    let (status, body) = api
        .post(
            &format!("/api/shops/{unverified}/conversations"),
            &json!({"identity": identity("42", now + 600, secret)}),
            None,
        )
        .await?;
    ensure!(status == 400, "a shop without identity verification says so: {status} {body}");
    Ok(())
}

pub(crate) fn rate(score: u8, comment: Option<&str>) -> ClientFrame {
    ClientFrame::Rate { score, comment: comment.map(str::to_owned) }
}

/// Starts a conversation in `shop`, has `agent` claim, answer and resolve it, and returns the
/// shopper's and the agent's sockets once the shopper has heard it is resolved.
pub(crate) async fn resolved_conversation(
    api: &Api,
    shop: &str,
    agent: &Agent,
    desk: &mut Socket,
    question: &str,
) -> Result<(ConversationId, Socket, Socket)> {
    let (id, mut shopper_socket, _) = waiting_conversation(api, shop, question).await?;
    claim(desk, &id).await?;
    let mut chat = agent_socket(api, agent, &id).await?;
    send_acked(&mut chat, "answer", "Happy to help.").await?;
    chat.send(&ClientFrame::Resolve).await?;
    conversation_where(&mut shopper_socket, |c| c.status == Status::Resolved).await.context("resolved")?;
    Ok((id, shopper_socket, chat))
}

async fn shoppers_rate_resolved_conversations_once_and_the_metrics_give_exact_csat(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let receiver = WebhookReceiver::start(&[]).await?;
    let webhook = json!({"url": receiver.url, "secret": "hooks-secret-0123456789"});
    let shop = seed(&api, &env, "", json!({ "webhook": webhook }), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;

    // An open conversation cannot be rated yet.
    let (_, mut open_socket, _) = waiting_conversation(&api, &shop, "Is it open?").await?;
    open_socket.send(&rate(5, None)).await?;
    expect_error(&mut open_socket, ErrorCode::Conflict).await.context("rating an open conversation")?;

    let (id, mut shopper_socket, mut chat) =
        resolved_conversation(&api, &shop, &ana, &mut desk, "Do you ship to Poland?").await?;
    // Only the shopper rates; out-of-range scores and overlong comments are refused.
    chat.send(&rate(5, None)).await?;
    expect_error(&mut chat, ErrorCode::Forbidden).await.context("an agent rating")?;
    for (frame, code) in [
        (rate(0, None), ErrorCode::BadRequest),
        (rate(6, Some("great")), ErrorCode::BadRequest),
        (rate(4, Some(&"x".repeat(MAX_COMMENT_CHARS + 1))), ErrorCode::TooLarge),
    ] {
        shopper_socket.send(&frame).await?;
        expect_error(&mut shopper_socket, code).await.with_context(|| format!("refusing {frame:?}"))?;
    }
    shopper_socket.send(&rate(4, Some("  Quick and kind "))).await?;
    let rated = conversation_where(&mut shopper_socket, |c| c.rating.is_some()).await.context("rated")?;
    let rating = rated.rating.context("a rating")?;
    ensure!(rating.score == 4 && rating.comment.as_deref() == Some("Quick and kind"), "{rating:?}");
    let seen = conversation_where(&mut chat, |c| c.rating.is_some()).await.context("the agent sees it live")?;
    ensure!(seen.rating.as_ref() == Some(&rating), "the agent sees {seen:?}");
    // Another rating of the same cycle is refused; the stored one stays.
    shopper_socket.send(&rate(1, None)).await?;
    expect_error(&mut shopper_socket, ErrorCode::Conflict).await.context("rating twice")?;
    let mut later = api.socket(&format!("/api/conversations/{id}/ws"), Some(&ana.cookie)).await?;
    later.send(&ClientFrame::Hello { v: parley_core::protocol::PROTOCOL_VERSION, token: None, last_seq: 0 }).await?;
    match later.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Welcome { .. })).await? {
        ServerFrame::Welcome { conversation, .. } => {
            ensure!(conversation.rating.as_ref() == Some(&rating), "stored: {conversation:?}")
        }
        other => bail!("expected welcome, got {other:?}"),
    }

    // Two more rated conversations: 4, 2 and 5 make 2 of 3 satisfied, an average of 11/3.
    for (question, score) in [("Gift wrap?", 2), ("Returns?", 5)] {
        let (_, mut socket, _) = resolved_conversation(&api, &shop, &ana, &mut desk, question).await?;
        socket.send(&rate(score, None)).await?;
        conversation_where(&mut socket, |c| c.rating.is_some()).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let report = loop {
        let report = metrics(&api, &shop, &ana).await?;
        if report.csat.count >= 3 || Instant::now() > deadline {
            break report;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let csat = &report.csat;
    ensure!(csat.count == 3, "three ratings: {csat:?}");
    ensure!(csat.satisfied_percent == Some(66.667), "two of three are 4 or 5, to 3 decimals: {csat:?}");
    ensure!(csat.average_score == Some(3.667), "the mean of 4, 2 and 5, to 3 decimals: {csat:?}");
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics?from=0&to=1000"), Some(&ana.cookie)).await?;
    ensure!(status == 200 && serde_json::from_str::<MetricsReport>(&body)?.csat.count == 0, "an empty window");

    // The shop's webhook hears of the rating, with the rating in the conversation.
    let deadline = Instant::now() + Duration::from_secs(20);
    let announced = loop {
        let found = receiver.received().into_iter().find_map(|request| {
            let payload: Value = serde_json::from_str(&request.body).ok()?;
            (payload["event"] == "conversation.rated" && payload["conversation"]["id"] == id.as_str())
                .then_some(payload)
        });
        match found {
            Some(payload) => break payload,
            None if Instant::now() > deadline => bail!("no conversation.rated delivered"),
            None => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    };
    ensure!(announced["id"] == format!("{id}-rated-1"), "{announced}");
    ensure!(announced["conversation"]["rating"]["score"] == 4, "{announced}");
    Ok(())
}

async fn pre_chat_fields_are_checked_by_the_shops_rules_and_shown_to_agents(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop =
        seed(&api, &env, "", json!({"pre_chat": {"name": "required", "email": "optional"}}), &[("ana", "owner")])
            .await?;
    let start = |body: Value| {
        let (api, shop) = (&api, &shop);
        async move { api.post(&format!("/api/shops/{shop}/conversations"), &body, None).await }
    };
    for (body, status, names) in [
        (json!({}), 400, "name"),
        (json!({"shopper": {"name": "  ", "email": "kim@example.com"}}), 400, "name"),
        (json!({"shopper": {"name": "Kim", "email": "kim at example"}}), 400, "e-mail"),
        (json!({"shopper": {"name": "x".repeat(101)}}), 413, "name"),
        (json!({"shopper": {"name": "Kim", "phone": "1"}}), 400, "phone"),
    ] {
        let (got, text) = start(body.clone()).await?;
        let error = api_error(&text)?;
        ensure!(got == status && error.message.contains(names), "{body} answered {got} {text}");
    }

    let (status, body) =
        start(json!({"shopper": {"name": " Kata Szabó ", "email": "Kata@Example.com"}, "page": {"title": "Boots"}}))
            .await?;
    ensure!(status == 201, "a complete form: {status} {body}");
    let ticket: ConversationTicket = serde_json::from_str(&body)?;
    let (mut socket, welcome) = shopper(&api, &ticket, 0).await?;
    let expected = ShopperDetails { name: Some("Kata Szabó".into()), email: Some("kata@example.com".into()) };
    match welcome {
        ServerFrame::Welcome { conversation, .. } => ensure!(conversation.shopper.as_ref() == Some(&expected)),
        other => bail!("expected welcome, got {other:?}"),
    }
    send_acked(&mut socket, "first", "Do these run large?").await?;

    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let id = ticket.conversation_id;
    let items = queue_where(&mut desk, |items| item(items, &id).is_some()).await?;
    let name = item(&items, &id).and_then(|item| item.shopper_name.clone());
    ensure!(name.as_deref() == Some("Kata Szabó"), "the queue names the shopper: {name:?}");
    let mut chat = api.socket(&format!("/api/conversations/{id}/ws"), Some(&ana.cookie)).await?;
    chat.send(&ClientFrame::Hello { v: parley_core::protocol::PROTOCOL_VERSION, token: None, last_seq: 0 }).await?;
    match chat.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Welcome { .. })).await? {
        ServerFrame::Welcome { conversation, .. } => {
            ensure!(conversation.shopper.as_ref() == Some(&expected), "the agent sees {conversation:?}")
        }
        other => bail!("expected welcome, got {other:?}"),
    }

    // The settings API shows the rules to owners and refuses a rule that does not exist.
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
    let settings: Value = serde_json::from_str(&body)?;
    ensure!(status == 200 && settings["pre_chat"] == json!({"name": "required", "email": "optional"}), "{body}");
    let mut changed = settings.clone();
    changed["pre_chat"]["email"] = json!("sometimes");
    let (status, body) = api.put(&format!("/api/shops/{shop}/settings"), &changed, Some(&ana.cookie)).await?;
    ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "{status} {body}");
    Ok(())
}

//! What the fault suite proves once its exchange is over and the edge is up again:
//!
//! - every acknowledged message is stored exactly once, where it was acknowledged, as it was
//!   sent: the agents' history is `seq` 1, 2, 3… without gaps holding every message sent and
//!   the one join line, the shopper's is the same without the notes, and every client holds
//!   exactly its side's history after resuming once more;
//! - first-response samples are neither lost nor doubled: the metrics count one per
//!   conversation an agent answered;
//! - every webhook event (each new conversation, each public message stored) was delivered at
//!   least once, always under the one id of its event, and nothing else was announced.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::{anyhow, ensure, Context, Result};
use serde_json::Value;

use crate::api::{agent_history, shopper_history};
use crate::client::{Agent, Api};
use crate::delivery::first_responses;
use crate::eventually::eventually_within;
use crate::faults::{Conversation, Stage, SHOP};
use crate::webhook_receiver::WebhookReceiver;
use parley_core::message::{Author, Message};

/// How long what the edge delivers on its own after the exchange (requests between objects,
/// webhooks) may take: the held-up request, delivered again after the restart, is held up once
/// more until its call's time limit (10 s), and goes through on its first retry a second later.
const DELIVERY_WAIT: Duration = Duration::from_secs(20);

/// Checks everything above; `held_up` is the webhook event of the message whose room was
/// delivering it when the edge was killed.
pub(crate) async fn check(stage: &Stage, conversations: &mut [Conversation], held_up: &str) -> Result<()> {
    let api = Api::new(stage.edge.origin());
    let [agent, _] = &stage.agents;
    let mut answered = 0;
    let mut events = BTreeSet::new();
    for conversation in conversations.iter_mut() {
        let id = conversation.ticket.conversation_id.clone();
        let agents_view = agent_history(&api, agent, &id).await?;
        let shoppers_view = shopper_history(&api, &conversation.ticket).await?;
        stored_once_in_order(conversation, &agents_view, &shoppers_view)
            .await
            .with_context(|| format!("conversation {id}"))?;
        let public: Vec<&Message> = agents_view.iter().filter(|m| m.author != Author::System && !m.internal).collect();
        answered += u64::from(public.iter().any(|m| m.author == Author::Agent));
        events.insert(format!("{id}-created"));
        events.extend(public.iter().map(|m| format!("{id}-message-{}", m.seq)));
    }
    let (counted, delivered) = tokio::join!(
        first_responses_counted_once(&api, agent, answered),
        events_delivered_under_one_id(&stage.receiver, &events, held_up)
    );
    match (counted, delivered) {
        (Err(counted), Err(delivered)) => Err(anyhow!("{counted:#}; and {delivered:#}")),
        (counted, delivered) => counted.and(delivered),
    }
}

/// Every message each party sent is stored once, at the `seq` it was acknowledged as; nothing
/// else is stored but the join line; each side's history is the other's, notes aside; and each
/// party, once it has resumed again, holds exactly its side's history.
async fn stored_once_in_order(
    conversation: &mut Conversation,
    agents_view: &[Message],
    shoppers_view: &[Message],
) -> Result<()> {
    let seqs: Vec<u64> = agents_view.iter().map(|m| m.seq).collect();
    ensure!(
        seqs.iter().copied().eq(1..=seqs.len() as u64),
        "the agents' history is seq 1, 2, 3… without gaps: {seqs:?}"
    );
    let mut stored: BTreeMap<&str, &Message> = BTreeMap::new();
    for message in agents_view {
        let twice = stored.insert(message.client_id.as_str(), message);
        ensure!(twice.is_none(), "{} is stored twice: {twice:?} and {message:?}", message.client_id);
    }
    let joins = agents_view.iter().filter(|m| m.author == Author::System).count();
    ensure!(joins == 1, "one claim writes one join line, not {joins}");
    let mut sent = 0;
    for party in conversation.parties.iter_mut() {
        party.client.catch_up().await.with_context(|| format!("{:?} resuming once more", party.role))?;
        for outcome in party.client.outcomes() {
            sent += 1;
            let client_id = outcome.client_id;
            let seq = outcome.seq.with_context(|| format!("{client_id} was never acknowledged"))?;
            let message =
                stored.get(client_id).with_context(|| format!("{client_id}, acknowledged as {seq}, is lost"))?;
            ensure!(
                message.seq == seq
                    && message.text == outcome.text
                    && message.internal == outcome.internal
                    && message.author == party.role.author(),
                "{client_id} was acknowledged as {seq} ({:?}: {:?}), and stored as {message:?}",
                party.role,
                outcome.text
            );
            ensure!(outcome.copies >= 2, "{client_id} went out {} times, not at least twice", outcome.copies);
        }
        let side = match party.role.author() {
            Author::Shopper => shoppers_view,
            _ => agents_view,
        };
        let held: Vec<u64> = party.client.held().keys().copied().collect();
        ensure!(
            party.client.held().values().eq(side.iter()),
            "{:?} holds seqs {held:?}, not its side's history {:?}",
            party.role,
            side.iter().map(|m| m.seq).collect::<Vec<_>>()
        );
    }
    ensure!(
        sent + joins == agents_view.len(),
        "{} messages stored, {sent} sent and {joins} join line",
        agents_view.len()
    );
    let public = agents_view.iter().filter(|m| !m.internal);
    ensure!(shoppers_view.iter().eq(public), "the shopper's history is the agents' without the notes");
    Ok(())
}

/// The metrics count `answered` first responses once they have arrived; more is a doubled one.
async fn first_responses_counted_once(api: &Api, agent: &Agent, answered: u64) -> Result<()> {
    let counted = eventually_within(DELIVERY_WAIT, "the first responses' samples", || async {
        let counted = first_responses(api, SHOP, &agent.cookie).await?;
        match counted >= answered {
            true => Ok(Some(counted)),
            false => Err(anyhow!("{counted} of {answered} counted")),
        }
    })
    .await?;
    ensure!(counted == answered, "{answered} conversations were answered, and {counted} first responses counted");
    Ok(())
}

/// Every event in `events` reaches the receiver; each delivery carries its payload's id, is
/// one of `events`, and no event comes under two ids.
async fn events_delivered_under_one_id(
    receiver: &WebhookReceiver,
    events: &BTreeSet<String>,
    held_up: &str,
) -> Result<()> {
    let delivered = eventually_within(DELIVERY_WAIT, "every webhook event", || async {
        let received = receiver.received();
        let ids: BTreeSet<&str> =
            received.iter().filter(|r| r.status == 200).filter_map(|r| r.header("parley-delivery")).collect();
        let missing: Vec<&str> = events.iter().map(String::as_str).filter(|event| !ids.contains(event)).collect();
        let which = match missing.contains(&held_up) {
            true => format!(", among them {held_up}, which a room was delivering when the edge was killed"),
            false => String::new(),
        };
        match missing.is_empty() {
            true => Ok(Some(received)),
            false => Err(anyhow!("{} of {} events never delivered: {missing:?}{which}", missing.len(), events.len())),
        }
    })
    .await?;
    let mut ids_of: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for request in &delivered {
        let payload: Value = serde_json::from_str(&request.body)?;
        let id = payload["id"].as_str().with_context(|| format!("a payload without an id: {payload}"))?;
        ensure!(request.header("parley-delivery") == Some(id), "the delivery header is the payload's id: {payload}");
        ensure!(events.contains(id), "{id} was announced, but is no new conversation or public message stored");
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        let event =
            (text(&payload["event"]), text(&payload["conversation"]["id"]), text(&payload["message"]["client_id"]));
        ids_of.entry(event).or_default().insert(id.to_owned());
    }
    for (event, ids) in ids_of {
        ensure!(ids.len() == 1, "{event:?} was delivered under the ids {ids:?}");
    }
    Ok(())
}

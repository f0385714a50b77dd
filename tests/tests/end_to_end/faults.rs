//! The fault suite: a scripted exchange across many conversations of a shop of its own, on an
//! edge of its own, while
//!
//! - the edge is killed with SIGKILL, all of its processes at once, in the middle of each
//!   round's exchange, and started again on the same state (`chaos::crash_when`);
//! - every connection is cut at random moments, or after a random number of bytes, so inside
//!   frames and between messages and their acknowledgements (`tcp_proxy`, `chaos::Cutter`, and
//!   the parties themselves just before some of their messages); clients come back as the apps
//!   do: `hello` with their last `seq`, and what was unacknowledged sent again
//!   (`resuming_client`);
//! - every message goes out at least twice under one `client_id`: copies back to back, and
//!   copies after the first was acknowledged, across reconnects;
//! - two agents claim each new conversation at once (one wins, the other is told of the
//!   conflict), and a verified user's two tabs make their first visit at once (both get the same
//!   conversation);
//! - after the rounds, the edge is killed once more at the worst moment, on purpose: a shopper's
//!   message is stored and its room is delivering what it owes the shop's desk (the webhook
//!   announcement), which the desk holds up (failpoint `desk_stall`), when the edge dies.
//!
//! Afterwards (`fault_checks`): every acknowledged message is stored exactly once and in order,
//! as both sides see it, and every client holds exactly that; first-response samples are neither
//! lost nor doubled; every webhook event was delivered at least once, and always under one id.
//!
//! Each round opens five conversations (two of them verified users' with two tabs each) that
//! then talk for three rounds. By default there are 3 rounds: 15 conversations and 4 crashes in
//! about a minute. `PARLEY_FAULT_ROUNDS=n` runs n rounds (each may take 40 s), e.g.
//! `PARLEY_FAULT_ROUNDS=20 cargo test -p parley-tests --test end_to_end -- crashes`. Every choice
//! comes from a seeded generator: a failure names its seed, and `PARLEY_FAULT_SEED=n` replays
//! that script (the edge's own timing still varies, so a replay is close, not exact).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde_json::json;

use crate::case;
use crate::chaos::{crash_now, crash_when, Cutter};
use crate::client::{Agent, Api};
use crate::engine::{claim_answer, queue_where};
use crate::fault_checks;
use crate::private_edge::PrivateEdge;
use crate::resuming_client::{Copies, ResumingClient, Side};
use crate::runner::{Case, Env};
use crate::seeded_rng::SeededRng;
use crate::shops::{login, seed_shop};
use crate::tcp_proxy::TcpProxy;
use crate::webhook_receiver::WebhookReceiver;
use parley_core::message::Author;
use parley_core::protocol::{ConversationTicket, ErrorCode, Status};
use parley_core::signature::{sign_identity, Identity};

pub fn cases() -> Vec<Case> {
    let limit = time_limit(rounds().unwrap_or(DEFAULT_ROUNDS));
    vec![case!(limit limit, crashes_cuts_copies_and_races_lose_nothing_and_double_nothing)]
}

/// The shop the suite seeds for itself.
pub(crate) const SHOP: &str = "faults";
const WEBHOOK_SECRET: &str = "faults-webhook-secret-0123";
/// What makes the desk hold up the first request carrying it, for a minute (failpoint
/// `desk_stall`): the last crash's moment.
const HELD_UP: &str = "HELD-UP-BY-THE-DESK";
const IDENTITY_SECRET: &str = "faults-identity-secret-0123";

/// Rounds unless `PARLEY_FAULT_ROUNDS` says otherwise.
const DEFAULT_ROUNDS: u32 = 3;
/// The longest a round may take, crash and restart included.
const ROUND_LIMIT: Duration = Duration::from_secs(40);
/// Conversations each round opens, and how many of them are a verified user's, with two tabs.
const NEW_PER_ROUND: u32 = 5;
const TWINS_PER_ROUND: u32 = 2;
/// For how many rounds a conversation talks, its first included.
const ACTIVE_ROUNDS: u32 = 3;
/// A party's pause before each message, in milliseconds.
const PAUSE_MILLIS: std::ops::Range<u64> = 0..300;
/// How many bytes more a party's own cut lets through: its message, or part of it, and perhaps
/// the acknowledgement.
const CUT_NEAR_BYTES: std::ops::Range<u64> = 1..300;

/// The case's time limit for `rounds`: the runner's usual one, more when asked to run longer.
fn time_limit(rounds: u32) -> Duration {
    ROUND_LIMIT * rounds.max(DEFAULT_ROUNDS)
}

/// `PARLEY_FAULT_ROUNDS`, or the default.
fn rounds() -> Result<u32> {
    let rounds = setting("PARLEY_FAULT_ROUNDS")?.map_or(Ok(DEFAULT_ROUNDS), u32::try_from)?;
    ensure!(rounds > 0, "PARLEY_FAULT_ROUNDS must be at least 1");
    Ok(rounds)
}

/// `PARLEY_FAULT_SEED`, or a new seed.
fn seed_of_run() -> Result<u64> {
    match setting("PARLEY_FAULT_SEED")? {
        Some(seed) => Ok(seed),
        None => Ok(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos() as u64),
    }
}

/// A whole number from the environment, if set.
fn setting(name: &str) -> Result<Option<u64>> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value.trim().parse().with_context(|| format!("{name}={value} is not a whole number"))?)),
        Err(_) => Ok(None),
    }
}

/// What the exchange runs on.
pub(crate) struct Stage {
    pub edge: PrivateEdge,
    /// Between every conversation socket and the edge.
    pub proxy: Arc<TcpProxy>,
    pub receiver: WebhookReceiver,
    /// The shop's agents: Ana, an owner, and Bo.
    pub agents: [Agent; 2],
    /// Messages first acknowledged, to any client.
    pub acknowledged: Arc<AtomicU64>,
}

/// One conversation of the exchange and everyone in it.
pub(crate) struct Conversation {
    /// The first tab's: the shopper's history is read with it.
    pub ticket: ConversationTicket,
    opened_in: u32,
    pub parties: Vec<Party>,
}

/// Someone in a conversation: a client of their own, and their own choices.
pub(crate) struct Party {
    pub role: Role,
    pub client: ResumingClient,
    rng: SeededRng,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// A tab of the shopper (1, or 2 for a verified user's second).
    Tab(u8),
    /// The agent who won the claim: public replies.
    Assignee,
    /// The agent who lost it: notes.
    Colleague,
}

impl Role {
    pub fn author(self) -> Author {
        match self {
            Role::Tab(_) => Author::Shopper,
            Role::Assignee | Role::Colleague => Author::Agent,
        }
    }

    fn client_id(self, round: u32, n: impl std::fmt::Display) -> String {
        match self {
            Role::Tab(tab) => format!("tab{tab}-{round}-{n}"),
            Role::Assignee => format!("assignee-{round}-{n}"),
            Role::Colleague => format!("colleague-{round}-{n}"),
        }
    }

    /// How many messages it writes in a round.
    fn messages(self, rng: &mut SeededRng) -> u64 {
        match self {
            Role::Tab(_) | Role::Assignee => rng.in_range(1..3),
            Role::Colleague => rng.in_range(0..2),
        }
    }
}

async fn crashes_cuts_copies_and_races_lose_nothing_and_double_nothing(_env: Arc<Env>) -> Result<()> {
    let rounds = rounds()?;
    let seed = seed_of_run()?;
    // Within the runner's limit, so that a run that hangs still names its seed.
    let limit = time_limit(rounds) - Duration::from_secs(5);
    let replay = || format!("seed {seed}: replay with PARLEY_FAULT_SEED={seed} PARLEY_FAULT_ROUNDS={rounds}");
    match tokio::time::timeout(limit, exchange(seed, rounds)).await {
        Ok(result) => result.with_context(replay),
        Err(_) => Err(anyhow!("the exchange did not end within {limit:?}")).with_context(replay),
    }
}

/// Sets up, runs every round, checks, and says what it went through.
async fn exchange(seed: u64, rounds: u32) -> Result<()> {
    let started = Instant::now();
    let mut rng = SeededRng::new(seed);
    let mut stage = set_up().await?;
    let mut conversations = Vec::new();
    let mut down = Duration::ZERO;
    for round in 0..rounds {
        let context = || format!("round {round}");
        let _cutter = Cutter::start(stage.proxy.clone(), rng.fork());
        let mut opened = open_conversations(&stage, round, &mut rng).await.with_context(context)?;
        race_for_claims(&stage, &mut opened, &mut rng).await.with_context(context)?;
        conversations.extend(opened);
        down += talk(&mut stage, &mut conversations, round, &mut rng).await.with_context(context)?;
    }
    let last = conversations.last_mut().context("no conversation")?;
    let (down_at_last, held_up) = crash_while_a_room_delivers(&mut stage, last, rounds, &mut rng).await?;
    down += down_at_last;
    let cuts = stage.proxy.cuts();
    fault_checks::check(&stage, &mut conversations, &held_up).await?;
    let clients = conversations.iter().flat_map(|conversation| &conversation.parties);
    let (reconnects, messages) = clients.fold((0, 0), |(reconnects, messages), party| {
        (reconnects + party.client.reconnects(), messages + party.client.outcomes().count())
    });
    println!(
        "fault suite, seed {seed}: {} crashes (down {down:.1?} in all), {cuts} cuts, {reconnects} reconnects; \
         {messages} messages in {} conversations, in {:.1?}",
        rounds + 1,
        conversations.len(),
        started.elapsed()
    );
    Ok(())
}

/// An edge, a proxy in front of it, a webhook receiver, and the shop with its two agents.
async fn set_up() -> Result<Stage> {
    let edge = PrivateEdge::with_failpoints("faults", &format!("desk_stall={HELD_UP}")).await?;
    let proxy = Arc::new(TcpProxy::start(edge.port()).await?);
    let receiver = WebhookReceiver::start(&[]).await?;
    let api = Api::new(edge.origin());
    let settings = json!({
        "webhook": {"url": receiver.url, "secret": WEBHOOK_SECRET},
        "identity_secret": IDENTITY_SECRET,
        // Nobody is re-routed meanwhile: each conversation has one assignee throughout.
        "assignment": {"auto_assign": false, "capacity": 50, "reroute_after_millis": 86_400_000},
    });
    seed_shop(&api, SHOP, settings, &[("ana", "owner"), ("bo", "agent")]).await?;
    let agents = [login(&api, SHOP, "ana").await?, login(&api, SHOP, "bo").await?];
    Ok(Stage { edge, proxy, receiver, agents, acknowledged: Arc::default() })
}

/// A round's new conversations, each with its shopper's first message acknowledged; a verified
/// user's two tabs make their first visits at once.
async fn open_conversations(stage: &Stage, round: u32, rng: &mut SeededRng) -> Result<Vec<Conversation>> {
    let mut opened = Vec::new();
    for n in 0..NEW_PER_ROUND {
        // Each shopper a client address of their own, as far as the rate limits go.
        let direct = Api::new(stage.edge.origin());
        let tickets = match n < TWINS_PER_ROUND {
            true => first_visits_of_two_tabs(&direct, &format!("user-{round}-{n}")).await?,
            false => vec![direct.new_conversation(SHOP).await?],
        };
        let mut parties = Vec::new();
        for (tab, ticket) in (1..).zip(&tickets) {
            let api = Api::at_address(stage.proxy.origin(), &direct.client);
            let side = Side::Shopper { token: ticket.token.clone() };
            let id = ticket.conversation_id.clone();
            let client = ResumingClient::connect(api, id, side, stage.acknowledged.clone()).await?;
            parties.push(Party { role: Role::Tab(tab), client, rng: rng.fork() });
        }
        let (Some(ticket), Some(first)) = (tickets.first(), parties.first_mut()) else { bail!("no tab") };
        let copies = copies(&mut first.rng);
        first.client.send(&first.role.client_id(round, "first"), "Hello, anyone there?", false, copies).await?;
        opened.push(Conversation { ticket: ticket.clone(), opened_in: round, parties });
    }
    Ok(opened)
}

/// Both tabs of a verified user open the chat at once: one visit makes the conversation, the
/// other joins it, each with a token of its own. Answers both tickets.
async fn first_visits_of_two_tabs(api: &Api, user: &str) -> Result<Vec<ConversationTicket>> {
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 3600;
    let identity = Identity { user_id: user.to_owned(), name: None, email: None, exp: expires };
    let body = json!({"identity": sign_identity(IDENTITY_SECRET.as_bytes(), &identity)});
    let path = format!("/api/shops/{SHOP}/conversations");
    let (first, second) = tokio::join!(api.post(&path, &body, None), api.post(&path, &body, None));
    let (mut statuses, mut tickets) = (Vec::new(), Vec::new());
    for (status, text) in [first?, second?] {
        statuses.push(status);
        tickets.push(serde_json::from_str::<ConversationTicket>(&text).with_context(|| format!("{status}: {text}"))?);
    }
    statuses.sort_unstable();
    ensure!(statuses == [200, 201], "{user}'s first visits: one makes the conversation, one joins it: {statuses:?}");
    let [one, other] = &tickets[..] else { bail!("two visits, two tickets") };
    ensure!(one.conversation_id == other.conversation_id, "{user}'s two tabs got two conversations");
    ensure!(one.token != other.token, "each tab has a token of its own");
    Ok(tickets)
}

/// Once the desk lists the new conversations as waiting, both agents claim each at once: one
/// wins and becomes its assignee, the other is told of the conflict and writes notes in it.
async fn race_for_claims(stage: &Stage, opened: &mut [Conversation], rng: &mut SeededRng) -> Result<()> {
    let api = Api::new(stage.edge.origin());
    let [ana, bo] = &stage.agents;
    let mut ana_desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let mut bo_desk = api.socket("/api/desk/ws", Some(&bo.cookie)).await?;
    let waiting = |items: &[parley_core::protocol::QueueItem]| {
        opened.iter().all(|conversation| {
            let id = &conversation.ticket.conversation_id;
            items.iter().any(|item| &item.conversation_id == id && item.status == Status::Waiting)
        })
    };
    queue_where(&mut ana_desk, waiting).await.context("the new conversations wait in the queue")?;
    for conversation in opened.iter_mut() {
        let id = &conversation.ticket.conversation_id;
        let (ana_claimed, bo_claimed) = tokio::join!(claim_answer(&mut ana_desk, id), claim_answer(&mut bo_desk, id));
        let (winner, loser) = match (ana_claimed?, bo_claimed?) {
            (Ok(()), Err(refusal)) if refusal.code == ErrorCode::Conflict => (ana, bo),
            (Err(refusal), Ok(())) if refusal.code == ErrorCode::Conflict => (bo, ana),
            other => {
                bail!("two agents claimed {id} at once: one wins, the other is told of the conflict; got {other:?}")
            }
        };
        for (role, agent) in [(Role::Assignee, winner), (Role::Colleague, loser)] {
            let side = Side::Agent { cookie: agent.cookie.clone() };
            let api = Api::new(stage.proxy.origin());
            let client = ResumingClient::connect(api, id.clone(), side, stage.acknowledged.clone()).await?;
            conversation.parties.push(Party { role, client, rng: rng.fork() });
        }
    }
    Ok(())
}

/// The round's exchange: everyone in the conversations of the latest rounds writes, all at
/// once, while the edge is crashed once in the middle of it. Answers how long the edge was
/// away.
async fn talk(
    stage: &mut Stage,
    conversations: &mut [Conversation],
    round: u32,
    rng: &mut SeededRng,
) -> Result<Duration> {
    let mut speaking = Vec::new();
    let mut messages = 0;
    for (at, conversation) in conversations.iter_mut().enumerate() {
        if round - conversation.opened_in >= ACTIVE_ROUNDS {
            continue;
        }
        for mut party in conversation.parties.drain(..) {
            let count = party.role.messages(&mut party.rng);
            messages += count;
            let proxy = stage.proxy.clone();
            speaking.push(tokio::spawn(async move { (at, speak(party, count, round, proxy).await) }));
        }
    }
    let ended = AtomicBool::new(false);
    let crash_at = stage.acknowledged.load(Ordering::Relaxed) + rng.in_range(1..messages + 1);
    let everyone_spoke = async {
        let mut spoken = Vec::new();
        for party in speaking {
            spoken.push(party.await);
        }
        ended.store(true, Ordering::Relaxed);
        spoken
    };
    let (spoken, down) =
        tokio::join!(everyone_spoke, crash_when(&mut stage.edge, &stage.acknowledged, crash_at, &ended, rng));
    for outcome in spoken {
        let (at, party) = outcome?;
        let conversation = conversations.get_mut(at).context("a party of no conversation")?;
        conversation.parties.push(party?);
    }
    down
}

/// The last crash: the shopper of `conversation` sends a message that the desk holds up, and
/// once it is stored (its assignee has it) and its room is still delivering its announcement,
/// the edge is killed. The shopper comes back and sends it again. Answers how long the edge was
/// away, and the webhook event the held-up request was to become.
async fn crash_while_a_room_delivers(
    stage: &mut Stage,
    conversation: &mut Conversation,
    round: u32,
    rng: &mut SeededRng,
) -> Result<(Duration, String)> {
    let at = conversation.parties.iter().position(|party| party.role == Role::Tab(1)).context("no shopper")?;
    let mut shopper = conversation.parties.remove(at);
    let client_id = shopper.role.client_id(round, "held-up");
    let sending = {
        let client_id = client_id.clone();
        tokio::spawn(async move {
            let text = format!("{HELD_UP}: is my parcel on its way?");
            let sent = shopper.client.send(&client_id, &text, false, Copies::Later).await;
            let repeated = match sent {
                Ok(_) => shopper.client.repeat_single_copies().await,
                Err(error) => Err(error),
            };
            (shopper, repeated)
        })
    };
    let assignee = conversation.parties.iter_mut().find(|party| party.role == Role::Assignee);
    let seq = assignee.context("no assignee")?.client.receive(&client_id).await.context("the held-up message")?;
    let down = crash_now(&mut stage.edge, rng).await?;
    let (shopper, sent) = sending.await?;
    conversation.parties.push(shopper);
    sent.context("sending the held-up message again after the crash")?;
    Ok((down, format!("{}-message-{seq}", conversation.ticket.conversation_id)))
}

/// One party's turn in a round: `count` messages, each acknowledged and each sent at least
/// twice, some with a cut armed just before them.
async fn speak(mut party: Party, count: u64, round: u32, proxy: Arc<TcpProxy>) -> Result<Party> {
    for n in 0..count {
        tokio::time::sleep(party.rng.millis(PAUSE_MILLIS)).await;
        if party.rng.one_in(4) {
            proxy.cut_after(party.rng.in_range(CUT_NEAR_BYTES));
        }
        let copies = copies(&mut party.rng);
        let text = format!("{:?} says {n} in round {round}", party.role);
        let internal = party.role == Role::Colleague;
        party.client.send(&party.role.client_id(round, n), &text, internal, copies).await?;
        if party.rng.one_in(3) {
            party.client.repeat_single_copies().await?;
        }
    }
    party.client.repeat_single_copies().await?;
    Ok(party)
}

/// How a message's second copy goes: as often right behind it as later.
fn copies(rng: &mut SeededRng) -> Copies {
    match rng.one_in(2) {
        true => Copies::Together,
        false => Copies::Later,
    }
}

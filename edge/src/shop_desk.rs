//! `ShopDesk`: one Durable Object per shop. It holds the shop's settings, its agents and their
//! sessions, the queue of open conversations, the metrics samples, and the consoles'
//! hibernating WebSockets. Every change to the queue goes through core's [`Desk`], kept in
//! memory between events ([`DeskMemory`]); this object stores what it returns, tells
//! conversations through the outbox, sends consoles what changed (`queue_changed`) and waiting
//! shoppers their place, and sets its alarm for the next deadline.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::canned_answers::CannedAnswers;
use crate::clock::{alarm_failed, now, wake_at};
use crate::conversation_index::ConversationIndex;
use crate::conversation_room::{room_key, RoomRequest};
use crate::crypto;
use crate::dead_letters::DeadLetters;
use crate::desk_memory::DeskMemory;
use crate::desk_timings::{instant_millis, DeskTimings, Stopwatch};
use crate::dev_counters::{self, Wake};
use crate::dev_queue;
use crate::development::webhook_targets;
use crate::error::{EdgeError, EdgeResult};
use crate::failpoints;
use crate::frames::{decode_frame, reply};
use crate::http::{is_websocket_upgrade, read_json};
use crate::outbox::{self, Outbox};
use crate::rpc::{self, answer, Object, ObjectStub, AGENT_HEADER};
use crate::samples::Samples;
use crate::sessions::{Sessions, SignedIn, SESSION_MILLIS};
use crate::shop_history::{history_key, HistoryRequest};
use crate::shop_widget::ShopWidget;
use crate::sightings::Sightings;
use crate::store::{Migrations, Store};
use crate::team::{Member, Team};
use crate::time_zone::ZoneMemo;
use crate::webhooks::{self, Webhooks};
use parley_core::business_hours::is_open_in;
use parley_core::canned::{CannedAnswer, CannedDraft};
use parley_core::conversation_export::conversations_csv;
use parley_core::cycle::Measurement;
use parley_core::desk::{self, Agent, AssignmentRules, Desk};
use parley_core::desk_feed::QueueDelta;
use parley_core::erasure::{subjects_of, Erased, ErasureRequest, Subject};
use parley_core::error::SettingsError;
use parley_core::greeting::PROMISE_LOOKBACK_MILLIS;
use parley_core::ids::{AgentId, ConversationId, ShopId};
use parley_core::metrics::{self, MetricsReport, RecentFirstResponses};
use parley_core::metrics_window::MetricsWindow;
use parley_core::protocol::{
    AgentProfile, ApiError, ConversationView, DeadLetter, DeadLetters as DeadLetterListing, DeskClientFrame,
    DeskServerFrame, ErrorCode, InstallReport, IssuedLink, LinkView, QueueItem, Role, Status, TeamMember,
    WebhookTestResult,
};
use parley_core::rate_limit::{Action, RateLimiter as FrameWindows};
use parley_core::settings::ShopSettings;
use parley_core::team::{self, LinkPurpose, TeamLink};
use parley_core::time::UnixMillis;
use parley_core::webhook::{Announcement, Delivery, InviteNotice, WebhookEvent, WebhookPayload};
use parley_core::widget_view::WidgetView;

/// How often waiting shoppers' places are looked at again without any event (opening hours
/// begin and end on the minute).
const PLACE_RECHECK_MILLIS: u64 = 60_000;
/// How far back the first responses behind a shopper's wait estimate go.
const ESTIMATE_LOOKBACK_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;

/// A shop: its public handle and name, and its settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShopProfile {
    pub shop: ShopId,
    pub name: String,
    #[serde(default)]
    pub settings: ShopSettings,
    /// Set by the operator: the shop's widget, console and API are closed.
    #[serde(default)]
    pub disabled: bool,
}

/// Requests the Worker and conversation rooms send to a shop's desk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DeskRequest {
    /// Creates the shop unless it exists; answers the shop as stored, which is never replaced.
    CreateShop {
        profile: ShopProfile,
    },
    /// Adds an agent to the shop unless they are in it already.
    AddAgent {
        profile: AgentProfile,
    },
    /// The shop's profile, or `not_found` for a shop that does not exist.
    Profile,
    /// The shop's profile and its widget's view of it now.
    Widget,
    /// Replaces the shop's settings (owners only; the Worker checks the role).
    UpdateSettings {
        settings: ShopSettings,
    },
    /// Changes the shop's settings by a JSON merge patch (owners only), here, so that two
    /// patches at once both take effect.
    PatchSettings {
        patch: serde_json::Value,
    },
    /// Opens a console session for a member whose password was verified; answers the token
    /// and the member as the desk knows them (name, role). Refused while the shop is disabled.
    OpenSession {
        email: AgentId,
    },
    /// The agent behind a session token, or `unauthorized`. With `watching`, the session is
    /// opening a socket to that conversation, which is told when the session ends.
    CheckSession {
        token: String,
        #[serde(default)]
        watching: Option<ConversationId>,
    },
    /// Signs a session out: it ends, and so does every socket it opened.
    CloseSession {
        token: String,
    },
    /// A conversation started waiting (its first message, or a reopen), believing the shop has
    /// a webhook or not (unsaid by conversations stored before they knew).
    Enter {
        item: QueueItem,
        #[serde(default)]
        shop_has_webhook: Option<bool>,
    },
    /// The assignee answered.
    Replied {
        conversation_id: ConversationId,
        agent: AgentId,
    },
    /// A conversation measured something.
    Record {
        conversation_id: ConversationId,
        measurement: Measurement,
    },
    /// A conversation was resolved.
    Resolved {
        conversation_id: ConversationId,
    },
    /// The metrics report for `[from, to)`, a window of whole hours of at most 93 days (core's
    /// `metrics_window`), refused otherwise.
    Metrics {
        from: UnixMillis,
        to: UnixMillis,
    },
    /// The conversations export (core's `conversation_export`) for `[from, to)`, a window of at
    /// most 93 days (owners only; the Worker checks): answers the CSV text.
    ConversationsExport {
        from: UnixMillis,
        to: UnixMillis,
    },
    /// The shopper left an e-mail address to be answered at.
    ContactLeft {
        conversation_id: ConversationId,
        email: String,
    },
    /// The conversation of the shop's verified user, if they have one.
    UserConversation {
        user_id: String,
    },
    /// Records `conversation_id` as the verified user's conversation unless they have one
    /// already; answers the one they have. Two first visits at once both get the first's.
    BindUser {
        user_id: String,
        conversation_id: ConversationId,
    },
    /// A delivery the sender gave up on, for the shop's owners to see.
    DeadLetter {
        letter: DeadLetter,
    },
    /// How many deliveries were given up, and the latest (owners only; the Worker checks).
    DeadLetters,
    /// Erases a shopper's conversations (owners only; the Worker checks); answers how many.
    Erase {
        request: ErasureRequest,
    },
    /// Development only (the Worker routes it only then): made-up conversations `first` to
    /// `first + count - 1` start waiting (`dev_queue`); answers how many.
    FillQueue {
        first: u32,
        count: u32,
    },
    /// Development only: the desk's timings since the last reading (`desk_timings`).
    Timings,
    /// Does now what the alarm does when it rings. Alarm handlers only do what is due, so this
    /// is harmless at any time; development's clock uses it after moving time on.
    Wake,
    /// The operator disables the shop (every session ends; its widget, console and API close),
    /// or enables it again.
    SetDisabled {
        disabled: bool,
    },
    /// The team, with who is online or away and each one's load.
    Team,
    /// Gives a member another role (owners only; the Worker checks). The last owner stays one.
    SetRole {
        email: AgentId,
        role: Role,
    },
    /// Removes a member (owners only): their sessions and sockets end at once, and their chats
    /// go back to the queue, each keeping its place. The last owner stays.
    RemoveMember {
        email: AgentId,
    },
    /// Makes a single-use link: an invite for someone not on the team, or a password reset for
    /// a member; answers its token (the desk keeps the hash) and its expiry.
    /// `origin` is the edge's, which serves the console the link opens. An invite is announced to
    /// the shop's webhook (`agent.invited`), for the shop's own mailer.
    IssueLink {
        email: AgentId,
        purpose: LinkPurpose,
        origin: String,
    },
    /// What a link is for, while it works.
    CheckLink {
        token: String,
    },
    /// Uses an invite once: its e-mail joins the team as `name`, with the invite's role;
    /// answers their profile.
    UseInvite {
        token: String,
        name: String,
    },
    /// Uses a password reset once: every session of its member ends; answers the member.
    UseReset {
        token: String,
    },
    /// Ends every session of `email` but `except` (a session's token hash): a password changed,
    /// or signing out everywhere.
    EndSessions {
        email: AgentId,
        except: Option<String>,
    },
    /// Something the shop's webhook hears of.
    Announce {
        announcement: Announcement,
        conversation: Box<ConversationView>,
    },
    /// Sends a test event to the shop's webhook now, once; answers what the receiver said.
    TestWebhook,
    /// A page of `origin` loaded the launcher: the installation check records it.
    Sighting {
        origin: String,
    },
    /// The installation check.
    InstallReport,
    /// Every canned answer.
    CannedAnswers,
    /// Adds a canned answer (`id` none) or replaces one.
    SaveCanned {
        id: Option<String>,
        draft: CannedDraft,
    },
    DeleteCanned {
        id: String,
    },
    /// An agent inserted a canned answer.
    CannedUsed {
        id: String,
    },
}

/// What the desk answers; callers decode the one shape their request gets.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum DeskAnswer {
    Profile(ShopProfile),
    Widget(ShopWidget),
    Agent(AgentProfile),
    SignedIn(SignedIn),
    Opened { token: String, agent: AgentProfile },
    IssuedLink(IssuedLink),
    WebhookTested(WebhookTestResult),
    InstallReport(InstallReport),
    CannedAnswers(Vec<CannedAnswer>),
    CannedAnswer(CannedAnswer),
    LinkView(LinkView),
    Team(Vec<TeamMember>),
    Metrics(Box<MetricsReport>),
    Csv(String),
    UserConversation { conversation_id: Option<ConversationId> },
    DeadLetters(DeadLetterListing),
    Erased(Erased),
    Filled(u32),
    Timings(DeskTimings),
    Done {},
}

/// Who is on the other end of a console socket, kept as its hibernation attachment.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Console {
    agent: AgentProfile,
    /// Tells this socket apart from the same agent's other consoles.
    socket_id: String,
    /// The session that opened it (its token's hash): the socket closes when it ends.
    #[serde(default)]
    session: String,
}

#[durable_object]
pub struct ShopDesk {
    state: State,
    env: Env,
    store: Store,
    outbox: Outbox,
    memory: DeskMemory,
    stopwatch: Stopwatch,
    zones: ZoneMemo,
    /// Each console socket's `resync`s, counted against their limit in memory: a console asks
    /// for the whole queue only when it missed a change, and a big shop's queue is megabytes.
    console_frames: RefCell<FrameWindows>,
}

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS shop (id INTEGER PRIMARY KEY CHECK (id = 1), profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (email TEXT PRIMARY KEY, profile TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS queue (conversation_id TEXT PRIMARY KEY, item TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (user_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL)
";

/// The desk's schema, version by version (see `store`).
const MIGRATIONS: Migrations = &[
    &[SCHEMA_V1, outbox::SCHEMA_V1, Samples::SCHEMA, Webhooks::SCHEMA],
    &[outbox::RETRIES_V2, DeadLetters::SCHEMA, Sessions::WATCHED_SCHEMA, Samples::HOURS_V2],
    &[ConversationIndex::SCHEMA_V3],
    &[Team::SCHEMA_V4],
    &[Sightings::SCHEMA_V5, CannedAnswers::SCHEMA_V5],
];

impl DurableObject for ShopDesk {
    fn new(state: State, env: Env) -> Self {
        dev_counters::count_if_development(&env);
        let store = Store::new(&state, MIGRATIONS);
        // Any name unlikely to repeat will do; the clock stands in should randomness fail.
        let epoch = crypto::random_hex(8).unwrap_or_else(|_| now().0.to_string());
        let memory = DeskMemory::new(epoch);
        Self {
            state,
            env,
            store,
            outbox: Outbox::default(),
            memory,
            stopwatch: Stopwatch::default(),
            zones: ZoneMemo::default(),
            console_frames: RefCell::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::ShopDesk, &self.state, Wake::Request);
        if is_websocket_upgrade(&req) {
            return match self.accept_console(&req).await {
                Ok(response) => Ok(response),
                Err(error) => error.into_response(),
            };
        }
        let result = match read_json::<DeskRequest>(&mut req).await {
            Ok(request) => {
                let describe = || serde_json::to_string(&request).unwrap_or_default();
                match failpoints::receiving(&self.env, "desk", describe).await {
                    Ok(()) => self.handle(request).await,
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        };
        answer(result)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let _handling = dev_counters::woke(Object::ShopDesk, &self.state, Wake::WebSocketMessage);
        let frame = match decode_frame::<DeskClientFrame>(message) {
            Ok(frame) => frame,
            Err(error) => return reply(&ws, &DeskServerFrame::Error { error }),
        };
        let Some(console) = ws.deserialize_attachment::<Console>()? else {
            return ws.close(Some(4401), Some("not signed in"));
        };
        let agent = console.agent.email.clone();
        let (input, claimed) = match frame {
            DeskClientFrame::Away { away } => {
                if let Err(error) = self.team().set_away(&agent, away) {
                    return reply(&ws, &DeskServerFrame::Error { error: error.to_api() });
                }
                (desk::Input::Away { agent, away }, None)
            }
            DeskClientFrame::Claim { conversation_id } => {
                (desk::Input::Claim { conversation_id: conversation_id.clone(), agent }, Some(conversation_id))
            }
            DeskClientFrame::Transfer { conversation_id, to } => {
                (desk::Input::Transfer { conversation_id, by: agent, to }, None)
            }
            DeskClientFrame::Resync => {
                let counted = self.count_console(&console, Action::Resync).map_err(EdgeError::from);
                return match counted.and_then(|()| self.whole_queue()) {
                    Ok(frame) => reply(&ws, &frame),
                    Err(error) => reply(&ws, &DeskServerFrame::Error { error: error.to_api() }),
                };
            }
        };
        match self.apply(input).await {
            Ok(()) => match claimed {
                Some(conversation_id) => reply(&ws, &DeskServerFrame::Claimed { conversation_id }),
                None => Ok(()),
            },
            Err(error) => reply(&ws, &DeskServerFrame::Error { error: error.to_api() }),
        }
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        let _handling = dev_counters::woke(Object::ShopDesk, &self.state, Wake::WebSocketClosed);
        // Completes the closing handshake; hibernation forgets the socket afterwards.
        let _ = ws.close(Some(1000), Some("bye"));
        if let Ok(Some(console)) = ws.deserialize_attachment::<Console>() {
            let still_online = self.online_agents(&[console.socket_id]).contains(&console.agent.email);
            if !still_online {
                let input = desk::Input::Presence { agent: console.agent.email, online: false };
                if let Err(error) = self.apply(input).await {
                    worker::console_error!("presence update failed: {error}");
                }
            }
        }
        Ok(())
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _handling = dev_counters::woke(Object::ShopDesk, &self.state, Wake::Alarm);
        // A failure goes to the runtime, which retries the alarm.
        self.run_due().await.map_err(|error| alarm_failed("desk", error))?;
        Response::empty()
    }
}

impl ShopDesk {
    async fn handle(&self, request: DeskRequest) -> EdgeResult<DeskAnswer> {
        if let Some((conversation, subjects)) = request.activity() {
            self.index().record(conversation, now(), &subjects)?;
        }
        match request {
            DeskRequest::CreateShop { profile } => {
                self.store.exec(
                    "INSERT INTO shop (id, profile) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                    vec![serde_json::to_string(&profile)?.into()],
                )?;
                Ok(DeskAnswer::Profile(self.profile()?))
            }
            DeskRequest::AddAgent { profile } => {
                self.profile()?;
                self.store.exec(
                    "INSERT OR IGNORE INTO agents (email, profile) VALUES (?, ?)",
                    vec![profile.email.as_str().into(), serde_json::to_string(&profile)?.into()],
                )?;
                // The team changed other than through the desk.
                self.memory.forget();
                Ok(DeskAnswer::Agent(profile))
            }
            DeskRequest::Profile => Ok(DeskAnswer::Profile(self.profile()?)),
            DeskRequest::Widget => Ok(DeskAnswer::Widget(self.widget()?)),
            DeskRequest::Sighting { origin } => {
                let profile = self.profile()?;
                let allowed = profile.settings.allowed_origins.iter().any(|pattern| pattern.matches(&origin));
                self.sightings().record(&origin, allowed, now())?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::CannedAnswers => Ok(DeskAnswer::CannedAnswers(self.canned().all()?)),
            DeskRequest::SaveCanned { id, draft } => {
                let answer = match id {
                    Some(id) => self.canned().save(&id, draft, false)?,
                    None => self.canned().save(&crypto::random_hex(16)?, draft, true)?,
                };
                Ok(DeskAnswer::CannedAnswer(answer))
            }
            DeskRequest::DeleteCanned { id } => self.canned().delete(&id).map(|()| DeskAnswer::Done {}),
            DeskRequest::CannedUsed { id } => self.canned().used(&id).map(|()| DeskAnswer::Done {}),
            DeskRequest::InstallReport => {
                let allowed = self.profile()?.settings.allowed_origins;
                Ok(DeskAnswer::InstallReport(self.sightings().report(&allowed)?))
            }
            DeskRequest::UpdateSettings { settings } => self.update_settings(settings).await,
            DeskRequest::PatchSettings { patch } => {
                let settings = self.profile()?.settings.patched(&patch).map_err(ApiError::from)?;
                self.update_settings(settings).await
            }
            DeskRequest::OpenSession { email } => {
                if self.profile()?.disabled {
                    return Err(disabled());
                }
                let agent = self.agent(email.as_str())?;
                let token = crypto::random_hex(32)?;
                let hash = crypto::sha256_hex(&token).await?;
                self.sessions().open(&agent, &hash, UnixMillis(now().0 + SESSION_MILLIS))?;
                // The session's expiry is a deadline of the alarm's.
                self.wake().await?;
                Ok(DeskAnswer::Opened { token, agent })
            }
            DeskRequest::SetDisabled { disabled } => {
                let profile = ShopProfile { disabled, ..self.profile()? };
                self.save_profile(&profile)?;
                if disabled {
                    for member in self.team().members()? {
                        self.end_sessions(&member.profile.email, None).await?;
                    }
                }
                Ok(DeskAnswer::Profile(profile))
            }
            DeskRequest::CheckSession { token, watching } => {
                let session = crypto::sha256_hex(&token).await?;
                let (email, expires_at) =
                    self.sessions().check(&session, now())?.ok_or_else(EdgeError::unauthorized)?;
                let agent = self.agent(&email)?;
                if let Some(conversation) = watching {
                    self.sessions().watch(&session, &conversation)?;
                }
                Ok(DeskAnswer::SignedIn(SignedIn { agent, session, expires_at }))
            }
            DeskRequest::CloseSession { token } => {
                self.end_session(&crypto::sha256_hex(&token).await?).await?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::Enter { item, shop_has_webhook } => {
                // A conversation that starts a cycle is put right if it is wrong about the
                // shop's webhook: it may have changed while the conversation was closed, and no
                // one told it.
                let set = self.profile()?.settings.webhook.is_some();
                if shop_has_webhook != Some(set) {
                    let room = room_key(&item.conversation_id);
                    self.outbox.push(&self.store, Object::ConversationRoom, &room, &RoomRequest::Webhook { set })?;
                }
                self.apply(desk::Input::Enter(Box::new(item))).await.map(|()| DeskAnswer::Done {})
            }
            DeskRequest::Replied { conversation_id, agent } => {
                self.apply(desk::Input::Replied { conversation_id, agent }).await.map(|()| DeskAnswer::Done {})
            }
            DeskRequest::UserConversation { user_id } => {
                #[derive(Deserialize)]
                struct Row {
                    conversation_id: ConversationId,
                }
                let rows: Vec<Row> =
                    self.store.rows("SELECT conversation_id FROM users WHERE user_id = ?", vec![user_id.into()])?;
                Ok(DeskAnswer::UserConversation {
                    conversation_id: rows.into_iter().next().map(|row| row.conversation_id),
                })
            }
            DeskRequest::BindUser { user_id, conversation_id } => {
                // One statement, so no other request can come between the look and the write.
                #[derive(Deserialize)]
                struct Row {
                    conversation_id: ConversationId,
                }
                let bound: Vec<Row> = self.store.write_returning(
                    "INSERT INTO users (user_id, conversation_id) VALUES (?, ?) \
                     ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id RETURNING conversation_id",
                    vec![user_id.clone().into(), conversation_id.as_str().into()],
                )?;
                let bound = bound.into_iter().next().map(|row| row.conversation_id);
                if let Some(bound) = &bound {
                    self.index().record(bound, now(), &[Subject::User(user_id)])?;
                }
                Ok(DeskAnswer::UserConversation { conversation_id: bound })
            }
            DeskRequest::DeadLetter { letter } => {
                self.dead_letters().keep(&letter)?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::DeadLetters => Ok(DeskAnswer::DeadLetters(self.dead_letters().listing()?)),
            DeskRequest::Wake => self.run_due().await.map(|()| DeskAnswer::Done {}),
            DeskRequest::FillQueue { first, count } => self.fill_queue(first, count).await.map(DeskAnswer::Filled),
            DeskRequest::Timings => Ok(DeskAnswer::Timings(self.stopwatch.take())),
            DeskRequest::Team => {
                let seats = self.read_desk(Desk::seats)?;
                let members = self.team().members()?;
                let team = members
                    .into_iter()
                    .map(|member| {
                        let seat = seats.iter().find(|seat| seat.agent == member.profile.email);
                        TeamMember {
                            email: member.profile.email.clone(),
                            name: member.profile.name,
                            role: member.profile.role,
                            online: seat.is_some_and(|seat| seat.online),
                            away: member.away,
                            load: seat.map_or(0, |seat| seat.load),
                            capacity: seat.map_or(0, |seat| seat.capacity),
                        }
                    })
                    .collect();
                Ok(DeskAnswer::Team(team))
            }
            DeskRequest::SetRole { email, role } => {
                team::may_change_role(&self.team().roles()?, &email, role).map_err(ApiError::from)?;
                let member = self.team().member(&email)?.ok_or_else(EdgeError::not_found)?;
                let changed = AgentProfile { role, ..member };
                self.team().update(&changed)?;
                // The member's open consoles learn their new role when they next sign in; the
                // role is checked on every request meanwhile.
                Ok(DeskAnswer::Agent(changed))
            }
            DeskRequest::RemoveMember { email } => {
                team::may_remove(&self.team().roles()?, &email).map_err(ApiError::from)?;
                self.team().remove(&email)?;
                self.end_sessions(&email, None).await?;
                self.apply(desk::Input::Removed { agent: email }).await?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::IssueLink { email, purpose, origin } => {
                let member = self.team().member(&email)?;
                match (purpose, &member) {
                    (LinkPurpose::Invite { .. }, Some(_)) => {
                        return Err(ApiError::new(ErrorCode::Conflict, "they are on the team already")
                            .about("email")
                            .into())
                    }
                    (LinkPurpose::PasswordReset, None) => return Err(EdgeError::not_found()),
                    _ => {}
                }
                let token = crypto::random_hex(32)?;
                let link = TeamLink::new(purpose, email, now());
                let profile = self.profile()?;
                let issued = IssuedLink {
                    link: team::link_url(&origin, &profile.shop, purpose, &token),
                    expires_at: link.expires_at,
                };
                let invite = match purpose {
                    LinkPurpose::Invite { role } => Some(InviteNotice {
                        email: link.email.clone(),
                        role,
                        link: issued.link.clone(),
                        expires_at: issued.expires_at,
                    }),
                    LinkPurpose::PasswordReset => None,
                };
                let token_hash = crypto::sha256_hex(&token).await?;
                let event_id = format!("invite-{}", crypto::random_hex(8)?);
                // The link and its announcement are kept together or not at all.
                self.store.transaction(|| {
                    self.team().keep_link(&token_hash, &link, now())?;
                    match invite {
                        Some(invite) => self.queue_webhook(&profile, event_id, WebhookEvent::AgentInvited, |payload| {
                            payload.invite = Some(invite);
                        }),
                        None => Ok(()),
                    }
                })?;
                self.wake().await?;
                Ok(DeskAnswer::IssuedLink(issued))
            }
            DeskRequest::CheckLink { token } => {
                let link = self.team().usable_link(&crypto::sha256_hex(&token).await?, now())?;
                let profile = self.profile()?;
                Ok(DeskAnswer::LinkView(LinkView {
                    purpose: link.purpose,
                    email: link.email,
                    shop: profile.shop,
                    shop_name: profile.name,
                }))
            }
            DeskRequest::UseInvite { token, name } => {
                let hash = crypto::sha256_hex(&token).await?;
                let shop = self.profile()?.shop;
                let joined = self.store.transaction(|| {
                    let link = self.team().usable_link(&hash, now())?;
                    let LinkPurpose::Invite { role } = link.purpose else {
                        return Err(EdgeError::api(ErrorCode::Unauthorized, "this link is not an invite"));
                    };
                    self.team().use_link(&hash, now())?;
                    let profile = AgentProfile { email: link.email, name: name.clone(), shop: shop.clone(), role };
                    self.team().add(&profile)?;
                    Ok(profile)
                })?;
                // The team changed other than through the desk.
                self.memory.forget();
                // A new agent may take waiting chats as soon as they open a console.
                self.apply(desk::Input::Tick).await?;
                Ok(DeskAnswer::Agent(joined))
            }
            DeskRequest::UseReset { token } => {
                let hash = crypto::sha256_hex(&token).await?;
                let link = self.store.transaction(|| {
                    let link = self.team().usable_link(&hash, now())?;
                    if link.purpose != LinkPurpose::PasswordReset {
                        return Err(EdgeError::api(ErrorCode::Unauthorized, "this link is not a password reset"));
                    }
                    self.team().use_link(&hash, now())
                })?;
                let member = self.team().member(&link.email)?.ok_or_else(EdgeError::not_found)?;
                self.end_sessions(&member.email, None).await?;
                Ok(DeskAnswer::Agent(member))
            }
            DeskRequest::EndSessions { email, except } => {
                self.end_sessions(&email, except.as_deref()).await?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::Erase { request } => {
                let subject = request.subject().map_err(ApiError::from)?;
                let conversations = self.index().concerning(&subject)?;
                self.erase(&conversations).await?;
                Ok(DeskAnswer::Erased(Erased { conversations: conversations.len() as u32 }))
            }
            DeskRequest::Announce { announcement, conversation } => {
                let profile = self.profile()?;
                // The conversation's own key, so a request delivered twice is one delivery.
                let key = announcement.key;
                self.queue_webhook(&profile, key, announcement.event, |payload| {
                    payload.conversation = Some(*conversation);
                    payload.message = announcement.message;
                })?;
                self.wake().await?;
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::TestWebhook => {
                let profile = self.profile()?;
                let Some(webhook) = &profile.settings.webhook else {
                    let refusal = ApiError::new(ErrorCode::BadRequest, "set the webhook's URL and secret first");
                    return Err(refusal.about("webhook").into());
                };
                let at = now();
                let payload = webhook_payload(
                    &profile,
                    format!("test-{}", crypto::random_hex(8)?),
                    WebhookEvent::WebhookTest,
                    at,
                );
                let delivery =
                    Delivery::new(payload.id.clone(), webhook.url.clone(), serde_json::to_string(&payload)?, at);
                Ok(DeskAnswer::WebhookTested(webhooks::test(webhook, webhook_targets(&self.env), &delivery, at).await))
            }
            DeskRequest::ContactLeft { conversation_id, email } => {
                self.apply(desk::Input::ContactLeft { conversation_id, email }).await.map(|()| DeskAnswer::Done {})
            }
            DeskRequest::Resolved { conversation_id } => {
                self.apply(desk::Input::Resolved { conversation_id }).await.map(|()| DeskAnswer::Done {})
            }
            DeskRequest::Record { conversation_id, measurement } => {
                let settings = self.profile()?.settings;
                let zone = self
                    .zones
                    .zone(&settings.time_zone)
                    .ok_or_else(|| EdgeError::internal(format!("unknown time zone {}", settings.time_zone)))?;
                self.store.transaction(|| {
                    let target = settings.frt_target_seconds;
                    self.samples().record(&conversation_id, &measurement, &settings.hours, &zone, target)
                })?;
                if matches!(measurement, Measurement::FirstResponse { .. }) {
                    // A new first response moves the recent median behind the wait estimates.
                    self.memory.forget_recent();
                    self.apply(desk::Input::Tick).await?;
                }
                Ok(DeskAnswer::Done {})
            }
            DeskRequest::Metrics { from, to } => {
                let window = MetricsWindow::new(from, to).map_err(ApiError::from)?;
                let settings = self.profile()?.settings;
                let waiting: Vec<UnixMillis> = self.read_desk(|desk| {
                    desk.items().iter().filter(|item| !item.answered).map(|item| item.waiting_since).collect()
                })?;
                let hours = self.samples().hours(window.from(), window.to())?;
                let target = settings.frt_target_seconds;
                let report = metrics::report(window, target, settings.industry, &hours, &waiting, now());
                Ok(DeskAnswer::Metrics(Box::new(report)))
            }
            DeskRequest::ConversationsExport { from, to } => {
                let window = MetricsWindow::new(from, to).map_err(ApiError::from)?;
                let cycles = self.samples().cycles(window.from(), window.to())?;
                let csv =
                    self.read_desk(|desk| conversations_csv(&cycles, desk.items(), window.from(), window.to()))?;
                Ok(DeskAnswer::Csv(csv))
            }
        }
    }

    /// Runs one input through the desk and carries out everything that follows from it: the
    /// writes in one transaction, then the consoles told what changed, the conversations told,
    /// and the alarm set. Times itself (`desk_timings`).
    async fn apply(&self, input: desk::Input) -> EdgeResult<()> {
        let start = instant_millis();
        // Read before the transaction: once it commits, nothing may stop the delivery below.
        let settings = self.profile()?.settings;
        let delta = self.store.transaction(|| self.write(input, &settings)).inspect_err(|_| self.memory.forget())?;
        let told = self.broadcast(delta, &settings);
        let worked = instant_millis();
        let delivered = self.deliver().await;
        self.stopwatch.record(start, worked, instant_millis());
        told.and(delivered)
    }

    /// What follows a transaction that queued requests: the alarm first, in the same turn as
    /// the commit, so it is stored with them (a request never waits in the outbox without an
    /// alarm to deliver it, should the object die before the flush ends); then the flush; then
    /// the alarm for whatever is left.
    async fn deliver(&self) -> EdgeResult<()> {
        self.wake().await?;
        let flushed = self.flush().await;
        let woken = self.wake().await;
        flushed.and(woken)
    }

    /// The writes of [`ShopDesk::apply`], in its transaction; answers what changed in the queue.
    /// The desk is taken out of memory meanwhile: should anything fail, it is not kept, and the
    /// next event loads it from storage again.
    fn write(&self, input: desk::Input, settings: &ShopSettings) -> EdgeResult<QueueDelta> {
        let at = now();
        let mut desk = self.memory.take(|| self.load_desk(settings.assignment))?;
        desk.set_rules(settings.assignment);
        let effects = desk.handle(at, input).map_err(ApiError::from)?;
        let mut delta = QueueDelta::default();
        for effect in effects {
            match effect {
                desk::Effect::Save(item) => delta.upsert(*item),
                desk::Effect::Remove(conversation_id) => delta.remove(conversation_id),
                desk::Effect::Assign { conversation_id, assignee } => self.outbox.push(
                    &self.store,
                    Object::ConversationRoom,
                    &room_key(&conversation_id),
                    &RoomRequest::Assign { assignee },
                )?,
                desk::Effect::Unassign { conversation_id } => self.outbox.push(
                    &self.store,
                    Object::ConversationRoom,
                    &room_key(&conversation_id),
                    &RoomRequest::Unassign,
                )?,
            }
        }
        for item in self.place(&mut desk, settings, at)? {
            let request = RoomRequest::Place { place: item.place };
            self.outbox.push(&self.store, Object::ConversationRoom, &room_key(&item.conversation_id), &request)?;
            delta.upsert(item);
        }
        self.store_changes(&delta)?;
        self.memory.keep(desk);
        Ok(delta)
    }

    /// Gives waiting shoppers their places (core's rule for what is worth telling); answers
    /// the items whose place changed, to be stored.
    fn place(&self, desk: &mut Desk, settings: &ShopSettings, at: UnixMillis) -> EdgeResult<Vec<QueueItem>> {
        let recent = self.recent_first_responses(at)?;
        let open = is_open_in(&settings.hours, self.zones.zone(&settings.time_zone).as_deref(), at);
        Ok(desk.place_waiting(at, open, recent.median_millis, recent.count))
    }

    /// Stores what an event changed in the queue, [`ROWS_PER_STATEMENT`] items to a statement:
    /// a claim in a long queue changes some forty.
    fn store_changes(&self, delta: &QueueDelta) -> EdgeResult<()> {
        let upserts: Vec<&QueueItem> = delta.upserts().collect();
        for rows in upserts.chunks(ROWS_PER_STATEMENT) {
            let mut values = Vec::with_capacity(rows.len() * 2);
            for item in rows {
                values.push(item.conversation_id.as_str().into());
                values.push(serde_json::to_string(item)?.into());
            }
            let placeholders = vec!["(?, ?)"; rows.len()].join(", ");
            self.store
                .exec(&format!("INSERT OR REPLACE INTO queue (conversation_id, item) VALUES {placeholders}"), values)?;
        }
        let removed: Vec<&ConversationId> = delta.removed().collect();
        for ids in removed.chunks(ROWS_PER_STATEMENT) {
            let placeholders = vec!["?"; ids.len()].join(", ");
            let values = ids.iter().map(|id| id.as_str().into()).collect();
            self.store.exec(&format!("DELETE FROM queue WHERE conversation_id IN ({placeholders})"), values)?;
        }
        Ok(())
    }

    /// The shop's recent first responses behind wait estimates, read from the hourly samples
    /// only when the hours they cover moved on or one was recorded.
    fn recent_first_responses(&self, at: UnixMillis) -> EdgeResult<RecentFirstResponses> {
        self.memory.recent(metrics::recent_first_responses_key(at), || {
            let hours = self.samples().hours(UnixMillis(at.0.saturating_sub(ESTIMATE_LOOKBACK_MILLIS)), at)?;
            let clock = metrics::ResponseClock::Calendar;
            Ok(metrics::recent_first_responses(&hours, at, ESTIMATE_LOOKBACK_MILLIS, clock))
        })
    }

    /// Development only: made-up conversations start waiting (`dev_queue`) and are placed, with
    /// no room told (none stands behind them); every console gets the whole queue.
    async fn fill_queue(&self, first: u32, count: u32) -> EdgeResult<u32> {
        let count = count.min(dev_queue::MAX_PER_REQUEST);
        let settings = self.profile()?.settings;
        let filled = self.store.transaction(|| {
            let mut entered = QueueDelta::default();
            for i in first..first.saturating_add(count) {
                entered.upsert(dev_queue::waiting_item(i)?);
            }
            self.store_changes(&entered)?;
            // Stored behind the desk's back: it loads again, with them.
            self.memory.forget();
            let mut desk = self.memory.take(|| self.load_desk(settings.assignment))?;
            let mut placed = QueueDelta::default();
            for item in self.place(&mut desk, &settings, now())? {
                placed.upsert(item);
            }
            self.store_changes(&placed)?;
            self.memory.keep(desk);
            Ok(count)
        });
        let filled = filled.inspect_err(|_| self.memory.forget())?;
        self.broadcast_whole_queue()?;
        self.wake().await?;
        Ok(filled)
    }

    /// What the alarm does: send due webhooks, re-route overdue assignments, flag overdue
    /// waits, and retry undelivered requests. Each step runs whatever the others did, and the
    /// next alarm is set in every case.
    async fn run_due(&self) -> EdgeResult<()> {
        let expired = self.end_expired_sessions().await;
        let sent = self.send_webhooks().await;
        let ticked = self.apply(desk::Input::Tick).await;
        let retained = self.apply_retention().await;
        let woken = self.wake().await;
        expired.and(sent).and(ticked).and(retained).and(woken)
    }

    /// Deletes the conversations past the shop's retention (a batch at a time; the alarm comes
    /// back for the rest).
    async fn apply_retention(&self) -> EdgeResult<()> {
        let Some(days) = self.stored_profile()?.and_then(|profile| profile.settings.retention_days) else {
            return Ok(());
        };
        let before = UnixMillis(now().0.saturating_sub(u64::from(days) * DAY_MILLIS));
        let expired = self.index().inactive_before(before, RETENTION_BATCH)?;
        self.erase(&expired).await
    }

    /// Deletes conversations with everything that names their shopper: the rooms (messages,
    /// tokens, sockets), their queue items, verified users' bindings, index entries, the ledger
    /// rows of their measurements, their pending webhook deliveries, and their history (words,
    /// and the notes on a shopper no remaining conversation names). The metrics' hourly
    /// aggregates stay: they are anonymous.
    async fn erase(&self, conversations: &[ConversationId]) -> EdgeResult<()> {
        if conversations.is_empty() {
            return Ok(());
        }
        let profile = self.profile()?;
        let history = history_key(&profile.shop);
        let erased = self.store.transaction(|| {
            for conversation in conversations {
                let id = || vec![conversation.as_str().into()];
                self.store.exec("DELETE FROM queue WHERE conversation_id = ?", id())?;
                self.store.exec("DELETE FROM users WHERE conversation_id = ?", id())?;
                self.index().forget(conversation)?;
                self.samples().forget(conversation)?;
                self.webhooks().forget(conversation)?;
                self.outbox.push(
                    &self.store,
                    Object::ConversationRoom,
                    &room_key(conversation),
                    &RoomRequest::Erase,
                )?;
                let forget = HistoryRequest::Forget { conversation_id: conversation.clone() };
                self.outbox.push(&self.store, Object::ShopHistory, &history, &forget)?;
            }
            Ok(())
        });
        // The queue changed other than through the desk.
        self.memory.forget();
        erased?;
        self.broadcast_whole_queue()?;
        self.deliver().await
    }

    /// Ends every session of `email` but `except`.
    async fn end_sessions(&self, email: &AgentId, except: Option<&str>) -> EdgeResult<()> {
        for session in self.sessions().of(email)? {
            if Some(session.as_str()) != except {
                self.end_session(&session).await?;
            }
        }
        Ok(())
    }

    async fn end_expired_sessions(&self) -> EdgeResult<()> {
        for session in self.sessions().expired(now())? {
            self.end_session(&session).await?;
        }
        Ok(())
    }

    /// Ends a session: it is forgotten, its console sockets close, and every conversation it
    /// had a socket open to is told to close that socket too. An agent left with no console
    /// goes offline.
    async fn end_session(&self, session: &str) -> EdgeResult<()> {
        self.store.transaction(|| {
            for conversation in self.sessions().end(session)? {
                let revoke = RoomRequest::Revoke { session: session.to_owned() };
                self.outbox.push(&self.store, Object::ConversationRoom, &room_key(&conversation), &revoke)?;
            }
            Ok(())
        })?;
        let mut closed = Vec::new();
        let mut agents = BTreeSet::new();
        for socket in self.state.get_websockets() {
            let Ok(Some(console)) = socket.deserialize_attachment::<Console>() else { continue };
            if console.session == session {
                // Already closing is as good.
                let _ = socket.close(Some(SIGNED_OUT), Some("signed out"));
                closed.push(console.socket_id);
                agents.insert(console.agent.email);
            }
        }
        let online = self.online_agents(&closed);
        for agent in agents.into_iter().filter(|agent| !online.contains(agent)) {
            self.apply(desk::Input::Presence { agent, online: false }).await?;
        }
        self.deliver().await
    }

    /// Delivers what the desk owes conversations; requests given up become the shop's dead
    /// letters.
    async fn flush(&self) -> EdgeResult<()> {
        let keep = |letter: DeadLetter| self.dead_letters().keep(&letter);
        self.outbox.flush(&self.store, &self.env, &keep).await
    }

    /// Sends the webhook deliveries that are due; those given up become dead letters.
    async fn send_webhooks(&self) -> EdgeResult<()> {
        let webhook = self.profile()?.settings.webhook;
        self.webhooks().send_due(webhook.as_ref(), webhook_targets(&self.env), &self.dead_letters(), now()).await
    }

    /// Sets the alarm for the earliest deadline stored: a reply due, an estimate running out,
    /// a request or webhook to retry, and, while anyone waits, a minute's recheck (the shop may
    /// open or close). Read from storage, so it holds whatever else ran meanwhile.
    async fn wake(&self) -> EdgeResult<()> {
        let Some(profile) = self.stored_profile()? else {
            return wake_at(&self.state, Outbox::next_attempt_at(&self.store)?).await;
        };
        let rules = profile.settings.assignment;
        let (next_deadline, someone_waits) = self.memory.read(
            || self.load_desk(rules),
            |desk| (desk.next_deadline(), desk.items().iter().any(|item| item.status == Status::Waiting)),
        )?;
        let recheck = someone_waits.then(|| UnixMillis(now().0 + PLACE_RECHECK_MILLIS));
        let due = [
            next_deadline,
            recheck,
            Outbox::next_attempt_at(&self.store)?,
            self.webhooks().next_attempt_at()?,
            self.sessions().next_expiry()?,
            self.retention_due(&profile.settings)?,
        ];
        wake_at(&self.state, due.into_iter().flatten().min()).await
    }

    /// Reads the desk as it is now (loaded from storage if it is not in memory).
    fn read_desk<T>(&self, read: impl FnOnce(&Desk) -> T) -> EdgeResult<T> {
        let rules = self.profile()?.settings.assignment;
        self.memory.read(|| self.load_desk(rules), read)
    }

    /// The desk as stored, with who is online now, under the shop's `rules`.
    fn load_desk(&self, rules: AssignmentRules) -> EdgeResult<Desk> {
        let items = self.store.json_values("SELECT item AS value FROM queue", vec![])?;
        let online = self.online_agents(&[]);
        let agents: BTreeMap<AgentId, Agent> = self
            .team()
            .members()?
            .into_iter()
            .map(|Member { profile, away }| {
                let agent = Agent { name: profile.name, online: online.contains(&profile.email), away };
                (profile.email, agent)
            })
            .collect();
        Ok(Desk::new(rules, items, agents))
    }

    /// Queues the shop's webhook event `id`, if the shop has a webhook: `fill` adds what the
    /// event is about. The desk's alarm sends it.
    fn queue_webhook(
        &self,
        profile: &ShopProfile,
        id: String,
        event: WebhookEvent,
        fill: impl FnOnce(&mut WebhookPayload),
    ) -> EdgeResult<()> {
        let Some(webhook) = &profile.settings.webhook else { return Ok(()) };
        let at = now();
        let mut payload = webhook_payload(profile, id, event, at);
        fill(&mut payload);
        self.webhooks().queue(&Delivery::new(
            payload.id.clone(),
            webhook.url.clone(),
            serde_json::to_string(&payload)?,
            at,
        ))
    }

    fn webhooks(&self) -> Webhooks<'_> {
        Webhooks::new(&self.store)
    }

    fn samples(&self) -> Samples<'_> {
        Samples::new(&self.store)
    }

    fn dead_letters(&self) -> DeadLetters<'_> {
        DeadLetters::new(&self.store)
    }

    fn sessions(&self) -> Sessions<'_> {
        Sessions::new(&self.store)
    }

    fn canned(&self) -> CannedAnswers<'_> {
        CannedAnswers::new(&self.store)
    }

    fn sightings(&self) -> Sightings<'_> {
        Sightings::new(&self.store)
    }

    fn team(&self) -> Team<'_> {
        Team::new(&self.store)
    }

    fn index(&self) -> ConversationIndex<'_> {
        ConversationIndex::new(&self.store)
    }

    /// When the longest-inactive conversation passes the shop's retention, if it keeps any.
    fn retention_due(&self, settings: &ShopSettings) -> EdgeResult<Option<UnixMillis>> {
        let Some(days) = settings.retention_days else { return Ok(None) };
        let oldest = self.index().oldest_inactive()?;
        Ok(oldest.map(|at| UnixMillis(at.0.saturating_add(u64::from(days) * DAY_MILLIS))))
    }

    /// The shop and what its widget shows now: the reply time it may promise is the median of
    /// its first responses of the last seven days, counted in opening hours.
    fn widget(&self) -> EdgeResult<ShopWidget> {
        let profile = self.profile()?;
        let at = now();
        let hours = self.samples().hours(UnixMillis(at.0.saturating_sub(PROMISE_LOOKBACK_MILLIS)), at)?;
        let recent =
            metrics::recent_first_responses(&hours, at, PROMISE_LOOKBACK_MILLIS, metrics::ResponseClock::OpeningHours);
        let zone = self.zones.zone(&profile.settings.time_zone);
        let view = WidgetView::of(&profile.settings, &recent, zone.as_deref(), at);
        Ok(ShopWidget { profile, view })
    }

    fn profile(&self) -> EdgeResult<ShopProfile> {
        self.stored_profile()?.ok_or_else(|| EdgeError::api(ErrorCode::NotFound, "no such shop"))
    }

    fn stored_profile(&self) -> EdgeResult<Option<ShopProfile>> {
        self.store.json_value("SELECT profile AS value FROM shop WHERE id = 1", vec![])
    }

    /// Stores new settings once they are valid (the time zone one the runtime knows) and
    /// lets the queue follow its new rules, which may assign waiting conversations or change
    /// estimates; answers the profile.
    async fn update_settings(&self, settings: ShopSettings) -> EdgeResult<DeskAnswer> {
        let settings = settings.validated(webhook_targets(&self.env)).map_err(ApiError::from)?;
        if self.zones.zone(&settings.time_zone).is_none() {
            return Err(ApiError::from(SettingsError::TimeZone).into());
        }
        let before = self.profile()?;
        let webhook = settings.webhook.is_some();
        let profile = ShopProfile { settings, ..before.clone() };
        self.store.transaction(|| {
            self.save_profile(&profile)?;
            if webhook != before.settings.webhook.is_some() {
                // Open conversations decide by it whether the desk hears of each message.
                for conversation in self.queued()? {
                    let room = room_key(&conversation);
                    self.outbox.push(
                        &self.store,
                        Object::ConversationRoom,
                        &room,
                        &RoomRequest::Webhook { set: webhook },
                    )?;
                }
            }
            Ok(())
        })?;
        self.apply(desk::Input::Tick).await?;
        Ok(DeskAnswer::Profile(profile))
    }

    /// The conversations in the queue: the shop's open ones.
    fn queued(&self) -> EdgeResult<Vec<ConversationId>> {
        self.read_desk(|desk| desk.items().iter().map(|item| item.conversation_id.clone()).collect())
    }

    fn save_profile(&self, profile: &ShopProfile) -> EdgeResult<()> {
        self.store.exec(
            "INSERT OR REPLACE INTO shop (id, profile) VALUES (1, ?)",
            vec![serde_json::to_string(profile)?.into()],
        )
    }

    fn agent(&self, email: &str) -> EdgeResult<AgentProfile> {
        self.store
            .json_value("SELECT profile AS value FROM agents WHERE email = ?", vec![email.into()])?
            .ok_or_else(EdgeError::unauthorized)
    }

    /// Agents with a console open, not counting the sockets `closing`.
    fn online_agents(&self, closing: &[String]) -> BTreeSet<AgentId> {
        self.state
            .get_websockets()
            .iter()
            .filter_map(|socket| socket.deserialize_attachment::<Console>().ok().flatten())
            .filter(|console| !closing.contains(&console.socket_id))
            .map(|console| console.agent.email)
            .collect()
    }

    /// Accepts a console's socket; the Worker has verified the agent and passes them along.
    async fn accept_console(&self, req: &Request) -> EdgeResult<Response> {
        let header = req.headers().get(AGENT_HEADER)?.ok_or_else(EdgeError::unauthorized)?;
        let SignedIn { agent, session, .. } = serde_json::from_str(&header)?;
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        let console = Console { agent: agent.clone(), socket_id: crypto::random_hex(8)?, session };
        pair.server.serialize_attachment(&console)?;
        // The console starts from the whole queue, numbered so that it follows the changes
        // after, the first of them its own coming online (which may assign waiting
        // conversations).
        reply(&pair.server, &self.whole_queue()?)?;
        self.apply(desk::Input::Presence { agent: agent.email, online: true }).await?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Sends every console what changed: the items, and the agents and first-response target
    /// if they did; nothing when nothing did. The frame is encoded once for all of them.
    fn broadcast(&self, delta: QueueDelta, settings: &ShopSettings) -> EdgeResult<()> {
        let seats = self.memory.read(|| self.load_desk(settings.assignment), Desk::seats)?;
        let (agents, frt_target_seconds) = self.memory.untold(seats, settings.frt_target_seconds);
        if delta.is_empty() && agents.is_none() && frt_target_seconds.is_none() {
            return Ok(());
        }
        let (upserts, removed) = delta.split();
        let frame = DeskServerFrame::QueueChanged {
            epoch: self.memory.epoch().to_owned(),
            seq: self.memory.next_seq(),
            upserts,
            removed,
            agents,
            frt_target_seconds,
            now: now(),
        };
        self.send_to_consoles(&frame)
    }

    /// Counts one of a console socket's `action`s against its limit; `rate_limited` when over.
    fn count_console(&self, console: &Console, action: Action) -> Result<(), ApiError> {
        let at = now();
        let mut windows = self.console_frames.borrow_mut();
        windows.prune(at);
        windows.check(&format!("{}:{}", console.socket_id, action.key()), action.limit(), at).map_err(ApiError::from)
    }

    /// The whole queue, numbered as the last change sent: what a console starts from.
    fn whole_queue(&self) -> EdgeResult<DeskServerFrame> {
        let frt_target_seconds = self.profile()?.settings.frt_target_seconds;
        let (items, agents) = self.read_desk(|desk| (desk.items().to_vec(), desk.seats()))?;
        Ok(DeskServerFrame::Queue {
            items,
            agents,
            frt_target_seconds,
            now: now(),
            epoch: self.memory.epoch().to_owned(),
            seq: self.memory.seq(),
        })
    }

    /// Sends every console the whole queue: after a change made other than through the desk.
    fn broadcast_whole_queue(&self) -> EdgeResult<()> {
        let frame = self.whole_queue()?;
        if let DeskServerFrame::Queue { agents, frt_target_seconds, .. } = &frame {
            self.memory.told_all(agents.clone(), *frt_target_seconds);
        }
        self.send_to_consoles(&frame)
    }

    /// Sends a frame to every console, encoded once and turned into a JavaScript string once.
    fn send_to_consoles(&self, frame: &DeskServerFrame) -> EdgeResult<()> {
        let text = JsValue::from_str(&serde_json::to_string(frame)?);
        for socket in self.state.get_websockets() {
            let socket: &web_sys::WebSocket = socket.as_ref();
            // A socket that is closing cannot take the frame; it will get a fresh queue when it
            // reconnects.
            let _ = socket.unchecked_ref::<SocketSend>().send(&text);
        }
        Ok(())
    }
}

impl DeskRequest {
    /// The conversation a request shows activity in, and whom the request names it as
    /// concerning: what the desk's index records.
    fn activity(&self) -> Option<(&ConversationId, Vec<Subject>)> {
        match self {
            DeskRequest::Enter { item, .. } => Some((&item.conversation_id, Vec::new())),
            DeskRequest::Replied { conversation_id, .. }
            | DeskRequest::Record { conversation_id, .. }
            | DeskRequest::Resolved { conversation_id } => Some((conversation_id, Vec::new())),
            DeskRequest::ContactLeft { conversation_id, email } => {
                Some((conversation_id, vec![Subject::Email(email.to_lowercase())]))
            }
            DeskRequest::Announce { conversation, .. } => Some((&conversation.id, subjects_of(conversation))),
            _ => None,
        }
    }
}

/// The refusal of whatever a disabled shop is asked.
pub fn disabled() -> EdgeError {
    EdgeError::api(ErrorCode::Forbidden, "this shop is disabled")
}

/// How many queue items one statement stores or deletes: two bound values each, within the
/// runtime's 100 a statement.
const ROWS_PER_STATEMENT: usize = 50;

#[wasm_bindgen]
extern "C" {
    /// A WebSocket's `send`, taking a string already in JavaScript.
    #[wasm_bindgen(extends = js_sys::Object)]
    type SocketSend;
    #[wasm_bindgen(method, catch)]
    fn send(this: &SocketSend, data: &JsValue) -> Result<(), JsValue>;
}

/// A day, for retention.
const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// How many conversations one alarm deletes for retention at most.
const RETENTION_BATCH: usize = 100;

/// The close code of a socket whose session ended (signed out, expired, or the agent removed).
pub const SIGNED_OUT: u16 = 4401;

/// The desk object of a shop.
pub fn desk_key(shop: &ShopId) -> String {
    format!("shop:{shop}")
}

/// A shop's profile, as its desk keeps it; `not_found` for a shop that does not exist.
pub async fn shop_profile(env: &Env, shop: &ShopId) -> EdgeResult<ShopProfile> {
    rpc::call(&desk_stub(env, shop)?, &DeskRequest::Profile).await
}

/// A webhook event of the shop, about nothing yet.
fn webhook_payload(profile: &ShopProfile, id: String, event: WebhookEvent, at: UnixMillis) -> WebhookPayload {
    WebhookPayload {
        id,
        event,
        shop: profile.shop.clone(),
        created_at: at,
        conversation: None,
        message: None,
        invite: None,
    }
}

/// The profile of a shop open to its shoppers: a disabled one is refused.
pub async fn open_shop(env: &Env, shop: &ShopId) -> EdgeResult<ShopProfile> {
    open_to_shoppers(shop_profile(env, shop).await?)
}

/// The profile given, unless the shop is disabled.
pub fn open_to_shoppers(profile: ShopProfile) -> EdgeResult<ShopProfile> {
    match profile.disabled {
        true => Err(disabled()),
        false => Ok(profile),
    }
}

/// The desk object of a shop, to call.
pub fn desk_stub(env: &Env, shop: &ShopId) -> EdgeResult<ObjectStub> {
    Object::ShopDesk.stub(env, &desk_key(shop))
}

//! The wire protocol: JSON frames on the WebSockets and bodies of the HTTP API, shared by the
//! edge, the widget and the console. docs/PROTOCOL.md shows an example of every frame.
//!
//! Every frame is an object with a `type` field. A client opens a conversation socket with
//! `hello` (carrying the protocol version and the last sequence number it has seen) and gets
//! `welcome` with everything it missed; each `send` is answered by `ack` (only once the message
//! is durably stored) or by `error` naming the same `client_id`.

use crate::color::Rgb;
use crate::custom_values::CustomValues;
use crate::ids::{AgentId, ClientMessageId, ConversationId, DeviceId, ShopId};
use crate::launcher::LauncherPosition;
use crate::locale::Locale;
use crate::message::{Author, Message};
use crate::rating::Rating;
use crate::time::UnixMillis;
use crate::wait_estimate::Estimate;
use serde::{Deserialize, Serialize};

/// The protocol version this build speaks; `hello` frames carry the client's.
pub const PROTOCOL_VERSION: u32 = 1;

/// The most messages one `welcome` carries.
pub const HISTORY_PAGE: usize = 50;

/// Frames a shopper or agent sends on a conversation socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame {
    /// First frame on every connection. Shoppers prove access with the conversation token
    /// (never put in a URL); agents are already authenticated by their session cookie.
    Hello {
        v: u32,
        token: Option<String>,
        /// The highest `seq` the client already has; 0 for none.
        last_seq: u64,
    },
    /// A new message. Sending the same `client_id` again stores nothing new. Agents may send
    /// `internal` notes, which only agents see.
    Send { client_id: ClientMessageId, text: String, internal: bool },
    /// The sender started or stopped typing. Relayed to the other side, never stored.
    Typing { typing: bool },
    /// The sender has read every message up to `seq`.
    Read { seq: u64 },
    /// An agent closes the conversation; a new shopper message reopens it.
    Resolve,
    /// The shopper leaves an e-mail address to be answered at if they leave (no agent online,
    /// the shop closed, or a wait longer than promised).
    LeaveEmail { email: String },
    /// The shopper rates the resolved conversation's service cycle: a score from 1 to 5 and an
    /// optional comment.
    Rate { score: u8, comment: Option<String> },
    /// The shopper moved on (another page of a single-page shop) or the shop's code told us
    /// more (`Parley.setContext`): the page the agent sees beside the chat (shoppers only).
    Context { page: PageContext },
    /// Asks for the latest page of messages after `after` and before `before`: what a
    /// `welcome` marked `earlier` left out. Answered by a `welcome` holding that page.
    History { after: u64, before: u64 },
}

/// Frames the edge sends on a conversation socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFrame {
    /// Answer to `hello` (and to `history`): the conversation now, and the latest page of the
    /// messages the client asked for, in order: at most [`HISTORY_PAGE`] of those after its
    /// `last_seq`. `earlier` says there are more before this page, which the client fetches
    /// with `history`; every frame stays small however long the conversation grows.
    Welcome { conversation: ConversationView, missed: Vec<Message>, earlier: bool },
    /// A message stored by anyone (including the receiver's own, echoed with its `seq`).
    Message { message: Message },
    /// The sender's message with this `client_id` is durably stored as `seq`.
    Ack { client_id: ClientMessageId, seq: u64 },
    /// The conversation's status, assignee, first-response time or contact address changed
    /// (read marks travel in `read` frames).
    Conversation { conversation: ConversationView },
    /// The other side started or stopped typing.
    Typing { author: Author, typing: bool },
    /// `author`'s side has read every message up to `seq`.
    Read { author: Author, seq: u64 },
    /// The shopper's place in the shop's queue, pushed whenever it changes; `None` once an agent
    /// has the conversation.
    Place { place: Option<QueuePlace> },
    /// Something the client sent was refused; the connection stays usable. `client_id` names
    /// the refused message when the error answers a `send`.
    Error { error: ApiError, client_id: Option<ClientMessageId> },
}

/// Frames an agent's console sends on the shop desk socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskClientFrame {
    /// The agent sets themselves away (taking no new chats), or back.
    Away { away: bool },
    /// Take a waiting conversation; the first claim wins.
    Claim { conversation_id: ConversationId },
    /// Hand one of my conversations to another agent of the shop; history and the
    /// first-response clock stay as they are.
    Transfer { conversation_id: ConversationId, to: AgentId },
    /// Send me the whole queue again: a `queue_changed` frame was missed.
    Resync,
}

/// Frames the edge sends on the shop desk socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskServerFrame {
    /// Every open conversation of the shop, oldest first, the shop's agents and its
    /// first-response target. Sent on connect, when a console asks (`resync`), and to every
    /// console after a change made outside the queue's own events (an erasure). Changes then
    /// come as `queue_changed` frames numbered from `seq`.
    Queue {
        items: Vec<QueueItem>,
        agents: Vec<AgentSeat>,
        /// The shop's first-response target now, against which consoles colour waiting rows.
        frt_target_seconds: u64,
        /// The edge's clock as it sent this: consoles count waits on it, whatever their own
        /// clock says.
        now: UnixMillis,
        /// Names the run of the desk object that numbers the changes; a new run numbers anew.
        epoch: String,
        /// The number of the last change this queue includes.
        seq: u64,
    },
    /// What changed in the queue since the frame numbered `seq - 1` of the same `epoch`: sent
    /// to every console, only when something did change. A console that sees another epoch or
    /// number missed a change, and asks for the whole queue (`resync`).
    QueueChanged {
        epoch: String,
        seq: u64,
        /// Items new or changed, each whole.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        upserts: Vec<QueueItem>,
        /// Items that left the queue (resolved or erased).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        removed: Vec<ConversationId>,
        /// Every agent, when any of them changed (presence, away, load).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agents: Option<Vec<AgentSeat>>,
        /// The first-response target, when it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frt_target_seconds: Option<u64>,
        now: UnixMillis,
    },
    /// The receiving agent's claim succeeded.
    Claimed {
        conversation_id: ConversationId,
    },
    Error {
        error: ApiError,
    },
}

/// Where a conversation stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Created, the shopper has not written yet.
    New,
    /// Waiting in the shop's queue for an agent.
    Waiting,
    /// An agent has it.
    Assigned,
    /// Closed by an agent; the shopper writing again reopens it.
    Resolved,
}

/// The shopper's page, sent with a new conversation (and `context` frames as it changes) so
/// the agent knows where they are and what they look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageContext {
    pub url: String,
    pub title: String,
    /// The product the page shows, as its Open Graph tags or schema.org `Product` say (boxed:
    /// most pages have none, and page context sits in every queue item).
    pub product: Option<Box<Product>>,
    /// What the shop's own code said about the visit (`Parley.setContext`), e.g. a cart value.
    pub custom: CustomValues,
}

/// A product found on the shopper's page; every field may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    pub sku: String,
    /// As the page writes it, e.g. `129.00`.
    pub price: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// An `http(s)` URL of the product's picture.
    pub image: String,
}

/// What every party may see of a conversation (no token, no internals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationView {
    pub id: ConversationId,
    pub status: Status,
    pub assignee_name: Option<String>,
    /// When the shopper started waiting for a human (the first-response clock's start).
    pub waiting_since: Option<UnixMillis>,
    /// The measured first-response time of the current cycle, once an agent has answered.
    pub first_response_millis: Option<u64>,
    pub page: PageContext,
    /// The highest `seq` the shopper has read.
    pub shopper_read: u64,
    /// The highest `seq` an agent has read.
    pub agent_read: u64,
    /// Where the shopper stands in the queue while waiting.
    pub place: Option<QueuePlace>,
    /// Where the shopper asked to be answered if they leave.
    pub contact_email: Option<String>,
    /// The shop's user, when the shop verified who the shopper is.
    pub user: Option<VerifiedUser>,
    /// What the shopper told the shop about themselves before their first message.
    pub shopper: Option<ShopperDetails>,
    /// The shopper's rating of the current cycle, once it was resolved and rated.
    pub rating: Option<Rating>,
    /// The language the widget speaks to the shopper.
    pub locale: Option<Locale>,
}

impl ConversationView {
    /// A conversation in `status` of which nothing else is known: no page, reads, place,
    /// shopper, rating or language. Fixtures and made-up history start from it.
    pub fn bare(id: ConversationId, status: Status) -> Self {
        ConversationView {
            id,
            status,
            assignee_name: None,
            waiting_since: None,
            first_response_millis: None,
            page: PageContext::default(),
            shopper_read: 0,
            agent_read: 0,
            place: None,
            contact_email: None,
            user: None,
            shopper: None,
            rating: None,
            locale: None,
        }
    }

    /// The shopper's name as the shop knows it: given before the first message, or named by
    /// the shop's verified identity.
    pub fn shopper_name(&self) -> Option<&str> {
        let given = self.shopper.as_ref().and_then(|shopper| shopper.name.as_deref());
        given.or_else(|| self.user.as_ref().and_then(|user| user.name.as_deref()))
    }
}

/// A waiting shopper's place in the queue and the honest expected wait (docs/METRICS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    /// 1 = next in line.
    pub position: u32,
    /// The expected remaining wait, as estimated at `estimated_at`.
    pub estimate: Estimate,
    pub estimated_at: UnixMillis,
    /// The wait has run past what the shopper was told: say so, and offer to leave an e-mail.
    pub overdue: bool,
    /// The shop is outside its opening hours: say so, and offer to leave an e-mail.
    pub closed: bool,
}

/// An agent as the shop's desk sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSeat {
    pub agent: AgentId,
    pub name: String,
    /// Has a console open.
    pub online: bool,
    /// Set away: online, but taking no new chats.
    #[serde(default)]
    pub away: bool,
    /// Open conversations assigned to them.
    pub load: u32,
    /// How many conversations automatic assignment gives them at most.
    pub capacity: u32,
}

/// `GET /api/shops/{shop}/team`: a member of the shop's team, and how they are doing now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub email: AgentId,
    pub name: String,
    pub role: Role,
    /// Has a console open.
    pub online: bool,
    /// Set away: online, but taking no new chats.
    pub away: bool,
    /// Open conversations assigned to them, and how many automatic assignment gives them at most.
    pub load: u32,
    pub capacity: u32,
}

/// `GET /api/shops/{shop}/install`: the installation check. The origins whose pages loaded the
/// shop's widget lately, and those refused because they are not among its allowed origins, the
/// latest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallReport {
    pub seen: Vec<OriginSighting>,
    pub refused: Vec<OriginSighting>,
}

/// An origin a shop's widget was loaded on, and when last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginSighting {
    pub origin: String,
    pub last_at: UnixMillis,
}

/// `POST /api/shops/{shop}/webhook/tests`: what the shop's webhook receiver answered a test
/// event: its HTTP status, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTestResult {
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// A single-use link just made (an invite, a password reset): the URL to hand on, and until
/// when it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedLink {
    pub link: String,
    pub expires_at: UnixMillis,
}

/// What a link is for, as its page shows it before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub purpose: crate::team::LinkPurpose,
    pub email: AgentId,
    pub shop: ShopId,
    pub shop_name: String,
}

/// `GET /api/signup`: whether this edge takes sign-ups, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupModeView {
    pub mode: SignupMode,
}

/// Who may create a shop on an edge: its operator's choice (`PARLEY_SIGNUP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupMode {
    Open,
    /// With a code the operator issued.
    Invite,
    Closed,
}

/// `POST /api/signup`: a new shop and its first owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signup {
    pub shop: String,
    pub shop_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    /// The operator's sign-up code, when sign-up is by invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `PATCH /api/shops/{shop}/team`: a member's new role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub email: AgentId,
    pub role: Role,
}

/// `POST /api/shops/{shop}/invites`: whom to invite, as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    pub email: AgentId,
    pub role: Role,
}

/// A member named in a body: `POST /api/shops/{shop}/team/removals` and `…/team/resets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedMember {
    pub email: AgentId,
}

/// `POST /api/links/check`: a single-use link's shop and token, from its fragment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    pub shop: ShopId,
    pub token: String,
}

/// `POST /api/invites/accept`: an invite used, with the newcomer's name and password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    pub shop: ShopId,
    pub token: String,
    pub name: String,
    pub password: String,
}

/// `POST /api/password-resets`: a reset link used, with the new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub shop: ShopId,
    pub token: String,
    pub password: String,
}

/// `POST /api/password`: the signed-in agent's current password and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// One open conversation as the shop's queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub conversation_id: ConversationId,
    pub status: Status,
    pub waiting_since: UnixMillis,
    /// The shopper's first message, shortened.
    pub preview: String,
    pub page: PageContext,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<AgentId>,
    /// While assigned and the assignee has not answered yet: when the conversation goes back
    /// to the queue if they still have not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_due: Option<UnixMillis>,
    /// Whether an agent has answered since the shopper started waiting: until then the shopper
    /// still waits for a first response, assigned or not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered: bool,
    /// Agents who let this conversation go back to the queue; automatic assignment skips them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed_by: Vec<AgentId>,
    /// The place last told to the waiting shopper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<QueuePlace>,
    /// Where the shopper asked to be answered if they leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// The shopper's name, if the shop knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shopper_name: Option<String>,
}

impl QueueItem {
    /// A conversation that starts waiting at `waiting_since`, not yet assigned, placed or
    /// answered; callers fill in what else they know.
    pub fn waiting(
        conversation_id: ConversationId,
        waiting_since: UnixMillis,
        preview: String,
        page: PageContext,
    ) -> QueueItem {
        QueueItem {
            conversation_id,
            status: Status::Waiting,
            waiting_since,
            preview,
            page,
            assignee: None,
            reply_due: None,
            answered: false,
            passed_by: Vec::new(),
            place: None,
            contact_email: None,
            shopper_name: None,
        }
    }
}

/// A delivery the edge gave up on after its retries (`retry::Backoff`): a request one of the
/// shop's objects owed another, or a webhook event. Kept for the shop's owners, who see how many
/// there are and what failed (`GET /api/shops/{shop}/dead-letters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub kind: DeadLetterKind,
    /// What was being delivered: a request's name, or a webhook event's name and id.
    pub what: String,
    /// Where it was going: a conversation, the shop's desk, or the webhook's URL.
    pub target: String,
    /// The conversation it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub attempts: u32,
    /// When the delivery was queued, and when it was given up.
    pub queued_at: UnixMillis,
    pub given_up_at: UnixMillis,
    /// How the last attempt failed, in words safe to show (a status, a timeout).
    pub last_failure: String,
}

/// What a dead letter was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadLetterKind {
    /// A request between the shop's Durable Objects (its desk and a conversation).
    Request,
    /// A webhook request to the shop's receiver.
    Webhook,
}

/// `GET /api/shops/{shop}/dead-letters`: how many deliveries were given up, and the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetters {
    pub count: u64,
    /// Newest first, at most [`DeadLetters::LISTED`].
    pub latest: Vec<DeadLetter>,
}

impl DeadLetters {
    /// How many dead letters a listing shows.
    pub const LISTED: usize = 100;
}

/// `POST /api/shops/{shop}/conversations` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewConversation {
    pub page: PageContext,
    /// A token the shop signed for its signed-in user (identity verification): the user's
    /// conversation then follows them across devices.
    pub identity: Option<String>,
    /// What the shopper filled in the shop's pre-chat fields.
    pub shopper: Option<ShopperDetails>,
    /// The language the widget speaks to the shopper (`<html lang>` of its page), which
    /// agents' canned answers prefer.
    pub locale: Option<Locale>,
    /// The browser the widget runs in, so the shop's agents see this shopper's earlier
    /// conversations: the id of the first conversation it started, which the edge made that
    /// conversation's device. Without one, the new conversation's own id is its device.
    pub device: Option<DeviceId>,
}

/// What a shopper tells the shop about themselves in its pre-chat fields. Unknown fields are
/// refused: a misspelt one must not be dropped silently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopperDetails {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A shop's user, as their verified identity token names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedUser {
    pub user_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The answer to a new conversation: its id and the secret that grants the shopper access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationTicket {
    pub conversation_id: ConversationId,
    pub token: String,
}

/// `GET /api/shops/{shop}/launcher`: how the loader draws the shop's launcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LauncherView {
    pub shop_name: String,
    pub color: Rgb,
    /// Black or white, whichever reads better on `color` (WCAG AA contrast at least).
    pub text_color: Rgb,
    pub position: LauncherPosition,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The launcher's accessible name, the unread count's words (`{}` for the count) and the
    /// chat frame's title, in the shopper's language.
    pub open_label: String,
    pub unread_label: String,
    pub frame_title: String,
}

/// `POST /api/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// An agent's permissions within their shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Agent,
}

/// The signed-in agent, as `GET /api/me` and `POST /api/login` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub email: AgentId,
    pub name: String,
    pub shop: ShopId,
    pub role: Role,
}

/// Machine-readable error kinds; each maps to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    UnsupportedVersion,
    RateLimited,
    Internal,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::UnsupportedVersion => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// The error body of every HTTP error and `error` frame: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `rate_limited`: when trying again will work.
    pub retry_after_seconds: Option<u64>,
    /// The field of the request the refusal is about, as a path (`launcher.color`), so a form
    /// can show the message beside it.
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after_seconds: None, field: None }
    }

    /// This refusal, about the request's `field`.
    pub fn about(self, field: &str) -> Self {
        Self { field: Some(field.to_owned()), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_stable_json() {
        let cases: Vec<(ClientFrame, &str)> = vec![
            (
                ClientFrame::Hello { v: 1, token: Some("t".into()), last_seq: 4 },
                r#"{"type":"hello","v":1,"token":"t","last_seq":4}"#,
            ),
            (
                ClientFrame::Send {
                    client_id: ClientMessageId::parse("c1").expect("valid id"),
                    text: "hi".into(),
                    internal: false,
                },
                r#"{"type":"send","client_id":"c1","text":"hi"}"#,
            ),
            (
                ClientFrame::Send {
                    client_id: ClientMessageId::parse("n1").expect("valid id"),
                    text: "VIP".into(),
                    internal: true,
                },
                r#"{"type":"send","client_id":"n1","text":"VIP","internal":true}"#,
            ),
            (ClientFrame::Typing { typing: true }, r#"{"type":"typing","typing":true}"#),
            (ClientFrame::Read { seq: 7 }, r#"{"type":"read","seq":7}"#),
            (ClientFrame::Resolve, r#"{"type":"resolve"}"#),
            (ClientFrame::Rate { score: 4, comment: None }, r#"{"type":"rate","score":4}"#),
            (
                ClientFrame::Rate { score: 5, comment: Some("Quick and kind".into()) },
                r#"{"type":"rate","score":5,"comment":"Quick and kind"}"#,
            ),
            (
                ClientFrame::Context {
                    page: PageContext {
                        url: "https://s.test/p/1".into(),
                        title: "Shoes".into(),
                        product: Some(Box::new(Product {
                            name: "Shoe".into(),
                            price: "9.50".into(),
                            ..Product::default()
                        })),
                        custom: [("cart".to_owned(), "2".to_owned())].into_iter().collect(),
                    },
                },
                r#"{"type":"context","page":{"url":"https://s.test/p/1","title":"Shoes","product":{"name":"Shoe","price":"9.50"},"custom":{"cart":"2"}}}"#,
            ),
        ];
        for (frame, json) in cases {
            assert_eq!(serde_json::to_string(&frame).expect("serializes"), json);
            assert_eq!(serde_json::from_str::<ClientFrame>(json).expect("parses"), frame);
        }
    }

    #[test]
    fn malformed_frames_are_refused() {
        for json in [
            r#"{"type":"nope"}"#,
            r#"{"type":"send","client_id":"","text":"x"}"#,
            r#"{"type":"rate","score":256}"#,
            r#"{"type":"rate","score":-1}"#,
            "[]",
            "not json",
        ] {
            assert!(serde_json::from_str::<ClientFrame>(json).is_err(), "{json}");
        }
    }
}

//! The errors core's rules can refuse with, and how each maps onto the wire's `ApiError`.

use crate::ids::AgentId;
use crate::protocol::{ApiError, ErrorCode};
use thiserror::Error;

/// Why a message's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is {chars} characters long; the limit is {limit}")]
    TooLong { chars: usize, limit: usize },
}

/// An e-mail address that does not look like one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("that does not look like an e-mail address")]
pub struct EmailError;

/// Why a satisfaction rating's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RatingError {
    #[error("the score must be {min} to {max}")]
    Score { min: u8, max: u8 },
    #[error("the comment is {chars} characters long; the limit is {limit}")]
    CommentTooLong { chars: usize, limit: usize },
}

/// Why the details a shopper gave before their first message were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PreChatError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("email: that does not look like an e-mail address")]
    Email,
    #[error("the name is {chars} characters long; the limit is {limit}")]
    NameTooLong { chars: usize, limit: usize },
}

/// A colour that is not `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a colour must be written #rrggbb, e.g. #2f5bd3")]
pub struct ColorError;

/// Why the context a shopper's page sent (`Parley.setContext`) was refused. Texts the page
/// itself shows (URL, title, product) are shortened instead: only the shop's own values, which
/// its code chose, are held to these rules.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContextError {
    #[error("the context has {count} custom values; the limit is {max}")]
    TooManyValues { count: usize, max: usize },
    #[error("a custom context key must be 1 to {max} characters without control characters")]
    Key { max: usize },
    #[error("the custom context value of {key:?} is over {max} characters")]
    Value { key: String, max: usize },
}

/// Why an identifier from outside was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("{what} must be 1 to {max} characters of a-z, 0-9, '-' or '_'")]
    Malformed { what: &'static str, max: usize },
}

/// Text that is not the JSON core reads (see `json`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid JSON at byte {at}: {problem}")]
pub struct JsonError {
    pub problem: &'static str,
    pub at: usize,
}

/// A JSON value that is not the wire type it should be (see `wire`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    #[error(transparent)]
    Json(#[from] JsonError),
    #[error("expected {0}")]
    Expected(&'static str),
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("unknown {what} `{value}`")]
    Unknown { what: &'static str, value: String },
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("{field}: {error}")]
    InField { field: &'static str, error: Box<WireError> },
}

/// Why a conversation refused an input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConversationError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("client message ids starting with 'system-' are reserved")]
    ReservedId,
    #[error("only the agent assigned to this conversation can answer in it")]
    NotAssignee,
    #[error("the conversation is not open")]
    NotOpen,
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Rating(#[from] RatingError),
    #[error("only a resolved conversation can be rated")]
    NotResolved,
    #[error("this conversation was already rated; a rating cannot be changed")]
    AlreadyRated,
    #[error(transparent)]
    Context(#[from] ContextError),
}

/// Why the shop's desk refused a claim or a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeskError {
    #[error("that conversation is not in this shop's queue")]
    NotQueued,
    #[error("that conversation was already claimed by {by}")]
    AlreadyClaimed { by: AgentId },
    #[error("only the conversation's assignee can transfer it")]
    NotYours,
    #[error("no such agent in this shop")]
    UnknownAgent,
}

/// Why the window asked of a metrics report was refused (see `metrics_window`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MetricsWindowError {
    #[error("from must be before to")]
    FromNotBeforeTo,
    #[error("a metrics window is at most {max_days} days")]
    TooLong { max_days: u64 },
}

/// Why a shop's settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    #[error("capacity must be 1 to {max} conversations per agent")]
    Capacity { max: u32 },
    #[error("the re-route time must be between 10 seconds and a day")]
    Reroute,
    #[error("the first-response target must be at least a second")]
    Target,
    #[error("the time zone must be an IANA name such as Europe/Budapest")]
    TimeZone,
    #[error("webhook: {0}")]
    Webhook(String),
    #[error("the identity secret needs at least {min} characters")]
    IdentitySecret { min: usize },
    #[error("the launcher text must be 1 to {max} characters on one line")]
    LauncherText { max: usize },
    #[error("the greeting is at most {max} characters")]
    Greeting { max: usize },
    #[error("retention must be 1 to {max} days, or none to keep everything")]
    Retention { max: u32 },
    /// A patch whose result does not read as settings (an unknown field, a wrong type), and
    /// where, when serde could tell.
    #[error("invalid settings: {message}")]
    Patch { field: Option<String>, message: String },
}

/// Why a new shop or a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignupError {
    #[error("a shop id is {min} to {max} characters of a-z, 0-9 and '-', starting with a letter")]
    ShopId { min: usize, max: usize },
    #[error("that shop id is reserved; please choose another")]
    ReservedShopId,
    #[error("the shop's name is 1 to {max} characters on one line")]
    ShopName { max: usize },
    #[error("a name is 1 to {max} characters on one line")]
    PersonName { max: usize },
    #[error("a password needs at least {min} characters")]
    ShortPassword { min: usize },
    #[error("a password has at most {max} characters")]
    LongPassword { max: usize },
    #[error("that password is one of the most common ones; please choose another")]
    CommonPassword,
}

impl From<SignupError> for ApiError {
    fn from(error: SignupError) -> Self {
        // The sign-up form's field names.
        let field = match error {
            SignupError::ShopId { .. } | SignupError::ReservedShopId => "shop",
            SignupError::ShopName { .. } => "shop_name",
            SignupError::PersonName { .. } => "name",
            SignupError::ShortPassword { .. } | SignupError::LongPassword { .. } | SignupError::CommonPassword => {
                "password"
            }
        };
        ApiError::new(ErrorCode::BadRequest, error.to_string()).about(field)
    }
}

/// Why a canned answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CannedError {
    #[error("a title is 1 to {max} characters on one line")]
    Title { max: usize },
    #[error("a shortcut is 1 to {max} characters of a-z, 0-9, '-' and '_'")]
    Shortcut { max: usize },
    #[error("a text is 1 to {max} characters")]
    Text { which: String, max: usize },
    #[error("the chat does not speak {tag:?}: translations are for en, hu and pl")]
    Language { tag: String },
    #[error("another canned answer has that shortcut")]
    ShortcutTaken,
    #[error("a shop keeps at most {max} canned answers")]
    TooMany { max: usize },
}

impl CannedError {
    /// The draft's field the refusal is about (`translations.hu` for a translation).
    pub fn field(&self) -> String {
        match self {
            CannedError::Title { .. } => "title".to_owned(),
            CannedError::Shortcut { .. } | CannedError::ShortcutTaken => "shortcut".to_owned(),
            CannedError::Text { which, .. } if which == "text" => "text".to_owned(),
            CannedError::Text { which, .. } => format!("translations.{which}"),
            CannedError::Language { tag } => format!("translations.{tag}"),
            CannedError::TooMany { .. } => String::new(),
        }
    }
}

impl From<CannedError> for ApiError {
    fn from(error: CannedError) -> Self {
        let code = match error {
            CannedError::ShortcutTaken => ErrorCode::Conflict,
            _ => ErrorCode::BadRequest,
        };
        let field = error.field();
        let refusal = ApiError::new(code, error.to_string());
        if field.is_empty() {
            refusal
        } else {
            refusal.about(&field)
        }
    }
}

/// Why a history listing, search or shopper note was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HistoryError {
    #[error("status is one of waiting, assigned and resolved")]
    Status,
    #[error("agent is an agent's e-mail address")]
    Agent,
    #[error("{name} must be milliseconds since the Unix epoch")]
    Millis { name: String },
    #[error("from must be before to")]
    Window,
    #[error("rating is a score from 1 to 5")]
    Rating,
    #[error("a search is at most {max} characters")]
    QueryTooLong { max: usize },
    #[error("unknown filter {name:?}: the filters are status, agent, from, to, rating, q and before")]
    UnknownFilter { name: String },
    #[error("a note is 1 to {max} characters")]
    NoteText { max: usize },
}

impl HistoryError {
    /// The parameter or field the refusal is about.
    fn field(&self) -> &str {
        match self {
            HistoryError::Status => "status",
            HistoryError::Agent => "agent",
            HistoryError::Millis { name } | HistoryError::UnknownFilter { name } => name,
            HistoryError::Window => "from",
            HistoryError::Rating => "rating",
            HistoryError::QueryTooLong { .. } => "q",
            HistoryError::NoteText { .. } => "text",
        }
    }
}

impl From<HistoryError> for ApiError {
    fn from(error: HistoryError) -> Self {
        ApiError::new(ErrorCode::BadRequest, error.to_string()).about(error.field())
    }
}

/// Why a change to a shop's team, or a link of its, was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TeamError {
    #[error("a shop keeps at least one owner: make someone else an owner first")]
    LastOwner,
    #[error("no such member of the team")]
    NoSuchMember,
    #[error("this link was used already")]
    LinkUsed,
    #[error("this link has expired; ask for a new one")]
    LinkExpired,
}

impl From<TeamError> for ApiError {
    fn from(error: TeamError) -> Self {
        let code = match error {
            TeamError::LastOwner | TeamError::LinkUsed => ErrorCode::Conflict,
            TeamError::NoSuchMember => ErrorCode::NotFound,
            TeamError::LinkExpired => ErrorCode::Unauthorized,
        };
        ApiError::new(code, error.to_string())
    }
}

/// Why an erasure request was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErasureError {
    #[error("name whom to erase: an email, a user_id or a conversation_id")]
    NoSubject,
    #[error("name whom to erase one way only: an email, a user_id or a conversation_id")]
    MoreThanOne,
    #[error(transparent)]
    Email(#[from] EmailError),
}

impl From<ErasureError> for ApiError {
    fn from(error: ErasureError) -> Self {
        ApiError::new(ErrorCode::BadRequest, error.to_string())
    }
}

impl SettingsError {
    /// The setting refused, as a path into `ShopSettings` (`hours.monday[0]`); `None` when
    /// the refusal is of the whole.
    pub fn field(&self) -> Option<String> {
        Some(
            match self {
                SettingsError::Capacity { .. } => "assignment.capacity",
                SettingsError::Reroute => "assignment.reroute_after_millis",
                SettingsError::Target => "frt_target_seconds",
                SettingsError::TimeZone => "time_zone",
                SettingsError::Webhook(_) => "webhook",
                SettingsError::IdentitySecret { .. } => "identity_secret",
                SettingsError::LauncherText { .. } => "launcher.text",
                SettingsError::Retention { .. } => "retention_days",
                SettingsError::Greeting { .. } => "greeting.text",
                SettingsError::Patch { field, .. } => return field.clone(),
            }
            .to_owned(),
        )
    }
}

impl From<SettingsError> for ApiError {
    fn from(error: SettingsError) -> Self {
        let field = error.field();
        ApiError { field, ..ApiError::new(ErrorCode::BadRequest, error.to_string()) }
    }
}

impl From<MetricsWindowError> for ApiError {
    fn from(error: MetricsWindowError) -> Self {
        ApiError::new(ErrorCode::BadRequest, error.to_string())
    }
}

impl From<&TextError> for ErrorCode {
    fn from(error: &TextError) -> Self {
        match error {
            TextError::Empty => ErrorCode::BadRequest,
            TextError::TooLong { .. } => ErrorCode::TooLarge,
        }
    }
}

/// The same error as through `ConversationError`, for clients that refuse text themselves: the
/// widget then does not link every conversation refusal's words.
impl From<TextError> for ApiError {
    fn from(error: TextError) -> Self {
        ApiError::new((&error).into(), error.to_string())
    }
}

impl From<ConversationError> for ApiError {
    fn from(error: ConversationError) -> Self {
        let code = match &error {
            ConversationError::Text(text) => text.into(),
            ConversationError::Id(_) | ConversationError::ReservedId => ErrorCode::BadRequest,
            ConversationError::NotAssignee => ErrorCode::Forbidden,
            ConversationError::NotOpen | ConversationError::NotResolved | ConversationError::AlreadyRated => {
                ErrorCode::Conflict
            }
            ConversationError::Email(_) | ConversationError::Context(_) => ErrorCode::BadRequest,
            ConversationError::Rating(RatingError::Score { .. }) => ErrorCode::BadRequest,
            ConversationError::Rating(RatingError::CommentTooLong { .. }) => ErrorCode::TooLarge,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<PreChatError> for ApiError {
    fn from(error: PreChatError) -> Self {
        let code = match &error {
            PreChatError::Missing { .. } | PreChatError::Email => ErrorCode::BadRequest,
            PreChatError::NameTooLong { .. } => ErrorCode::TooLarge,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<DeskError> for ApiError {
    fn from(error: DeskError) -> Self {
        let code = match &error {
            DeskError::NotQueued | DeskError::UnknownAgent => ErrorCode::NotFound,
            DeskError::AlreadyClaimed { .. } => ErrorCode::Conflict,
            DeskError::NotYours => ErrorCode::Forbidden,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<crate::rate_limit::RateLimited> for ApiError {
    fn from(limited: crate::rate_limit::RateLimited) -> Self {
        ApiError {
            retry_after_seconds: Some(limited.retry_after_secs()),
            ..ApiError::new(ErrorCode::RateLimited, limited.to_string())
        }
    }
}

impl From<crate::signature::IdentityError> for ApiError {
    fn from(error: crate::signature::IdentityError) -> Self {
        let code = match error {
            crate::signature::IdentityError::NotEnabled => ErrorCode::BadRequest,
            _ => ErrorCode::Unauthorized,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<ColorError> for ApiError {
    fn from(error: ColorError) -> Self {
        ApiError::new(ErrorCode::BadRequest, error.to_string())
    }
}

impl From<IdError> for ApiError {
    fn from(error: IdError) -> Self {
        ApiError::new(ErrorCode::BadRequest, error.to_string())
    }
}

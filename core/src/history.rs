//! A shop's history: what it keeps of each conversation (status, agent, times, shopper, rating,
//! its words), how agents find conversations again (filters and full-text search), and the
//! keys that tie one shopper's conversations together (the same verified user, the same
//! e-mail address or the same device) so that earlier conversations and notes follow them.
//!
//! The edge keeps the history in one object per shop (`ShopHistory`), fed by each
//! conversation after every change; this module decides what is searched and how a query
//! reads, and the edge turns it into SQL.

use serde::{Deserialize, Serialize};

use crate::erasure::{subjects_of, Subject};
use crate::error::HistoryError;
use crate::ids::{AgentId, ConversationId, DeviceId};
use crate::protocol::{ConversationView, Status};
use crate::time::UnixMillis;

/// What the history keeps of one conversation, as lists and search results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub conversation_id: ConversationId,
    pub status: Status,
    /// When the shopper first wrote.
    pub started_at: UnixMillis,
    pub last_activity_at: UnixMillis,
    /// The agent who has it, or had it last.
    pub agent: Option<AgentId>,
    pub agent_name: Option<String>,
    pub shopper_name: Option<String>,
    pub email: Option<String>,
    /// The shopper's latest score, 1 to 5.
    pub rating: Option<u8>,
    /// The page the shopper was on.
    pub page_url: String,
    /// The latest thing the shopper or an agent said to the other (not a note, not a line of
    /// Parley's own).
    pub preview: String,
    /// For a search: the words around the match, from a message or the shopper's name or
    /// e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

/// `GET /api/shops/{shop}/conversations`: a page of conversations, newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub conversations: Vec<HistoryEntry>,
    /// The `before` of the next page, when there is one.
    pub next_before: Option<UnixMillis>,
}

/// Which conversations a listing wants: every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    pub status: Option<Status>,
    pub agent: Option<AgentId>,
    /// Conversations active at or after this instant.
    pub from: Option<UnixMillis>,
    /// Conversations started before this instant.
    pub to: Option<UnixMillis>,
    pub rating: Option<u8>,
    pub words: Option<SearchWords>,
    /// Paging: only conversations last active before this instant.
    pub before: Option<UnixMillis>,
}

impl HistoryQuery {
    /// How many conversations one page holds.
    pub const PAGE: usize = 50;

    /// Reads a listing's query string (`status`, `agent`, `from`, `to`, `rating`, `q`,
    /// `before`); an empty value is no filter, an unknown parameter is refused.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, HistoryError> {
        let mut query = HistoryQuery::default();
        for (name, value) in pairs {
            if value.is_empty() {
                continue;
            }
            let millis =
                || value.parse::<u64>().map(UnixMillis).map_err(|_| HistoryError::Millis { name: name.to_owned() });
            match name {
                "status" => query.status = Some(status(value)?),
                "agent" => query.agent = Some(AgentId::parse(value).map_err(|_| HistoryError::Agent)?),
                "from" => query.from = Some(millis()?),
                "to" => query.to = Some(millis()?),
                "before" => query.before = Some(millis()?),
                "rating" => {
                    query.rating =
                        Some(value.parse().ok().filter(|score| (1..=5).contains(score)).ok_or(HistoryError::Rating)?)
                }
                "q" => query.words = SearchWords::parse(value)?,
                _ => return Err(HistoryError::UnknownFilter { name: name.to_owned() }),
            }
        }
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if from >= to {
                return Err(HistoryError::Window);
            }
        }
        Ok(query)
    }
}

fn status(value: &str) -> Result<Status, HistoryError> {
    match value {
        "waiting" => Ok(Status::Waiting),
        "assigned" => Ok(Status::Assigned),
        "resolved" => Ok(Status::Resolved),
        _ => Err(HistoryError::Status),
    }
}

/// The words of a search, each a letters-and-digits run of the query (Unicode-aware, so
/// "größe" and "łódź" are words): a conversation matches when it has every word, each as a
/// word or a word's beginning. Punctuation and operators in the query are only separators, so
/// no query can be a syntax error or reach the search engine's own syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchWords(Vec<String>);

impl SearchWords {
    /// At most this many words count.
    pub const MAX_WORDS: usize = 8;
    /// A query longer than this is refused.
    pub const MAX_CHARS: usize = 200;

    /// `None` when the query has no word at all.
    pub fn parse(query: &str) -> Result<Option<Self>, HistoryError> {
        if query.chars().count() > Self::MAX_CHARS {
            return Err(HistoryError::QueryTooLong { max: Self::MAX_CHARS });
        }
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .take(Self::MAX_WORDS)
            .map(str::to_lowercase)
            .collect();
        Ok((!words.is_empty()).then_some(Self(words)))
    }

    /// The query in SQLite FTS5's syntax: every word quoted, as a prefix, all required.
    pub fn fts5(&self) -> String {
        self.0.iter().map(|word| format!("\"{word}\"*")).collect::<Vec<_>>().join(" ")
    }
}

/// One thing that identifies a shopper across conversations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShopperKey {
    /// The shop's id of a verified user.
    User(String),
    /// An e-mail address, lowercased.
    Email(String),
    /// The browser the widget ran in.
    Device(DeviceId),
    /// The conversation itself: a shopper nothing else identifies is still someone, and
    /// notes about them stay with their conversation.
    Conversation(ConversationId),
}

impl ShopperKey {
    /// The key as the edge stores it: a kind and a value.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            ShopperKey::User(user) => ("user", user),
            ShopperKey::Email(email) => ("email", email),
            ShopperKey::Device(device) => ("device", device.as_str()),
            ShopperKey::Conversation(conversation) => ("conversation", conversation.as_str()),
        }
    }
}

/// Everything that identifies the shopper of a conversation: its verified user and e-mail
/// addresses (the same ones an erasure finds it by), the device it was started on, and the
/// conversation itself.
pub fn shopper_keys(view: &ConversationView, device: Option<&DeviceId>) -> Vec<ShopperKey> {
    let named = subjects_of(view).into_iter().filter_map(|subject| match subject {
        Subject::Email(email) => Some(ShopperKey::Email(email)),
        Subject::User(user) => Some(ShopperKey::User(user)),
        Subject::Conversation(_) => None,
    });
    let mut keys: Vec<ShopperKey> = named
        .chain(device.cloned().map(ShopperKey::Device))
        .chain([ShopperKey::Conversation(view.id.clone())])
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A note agents keep about a shopper: it follows the shopper to their later conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopperNote {
    pub id: u64,
    pub author: AgentId,
    pub author_name: String,
    pub text: String,
    pub at: UnixMillis,
}

/// `POST /api/shops/{shop}/conversations/{id}/shopper-notes` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewShopperNote {
    pub text: String,
}

impl NewShopperNote {
    /// A note's longest text.
    pub const MAX_CHARS: usize = 2000;

    /// The note's text, trimmed; refused when empty or too long.
    pub fn checked_text(&self) -> Result<String, HistoryError> {
        let text = self.text.trim();
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS {
            return Err(HistoryError::NoteText { max: Self::MAX_CHARS });
        }
        Ok(text.to_owned())
    }
}

/// How many notes about one shopper are kept; the oldest go first.
pub const MAX_NOTES_PER_SHOPPER: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ShopperDetails, VerifiedUser};

    /// A query string's pairs, and what they read as.
    type QueryCase = (&'static [(&'static str, &'static str)], Result<HistoryQuery, HistoryError>);

    fn query(pairs: &[(&str, &str)]) -> Result<HistoryQuery, HistoryError> {
        HistoryQuery::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn query_strings() {
        let agent = AgentId::parse("ann@example.com").expect("an agent");
        let words = |query: &str| SearchWords::parse(query).expect("words");
        let cases: Vec<QueryCase> = vec![
            (&[], Ok(HistoryQuery::default())),
            (&[("status", ""), ("q", "")], Ok(HistoryQuery::default())),
            (&[("status", "resolved")], Ok(HistoryQuery { status: Some(Status::Resolved), ..Default::default() })),
            (&[("status", "new")], Err(HistoryError::Status)),
            (&[("agent", "ann@example.com")], Ok(HistoryQuery { agent: Some(agent), ..Default::default() })),
            (&[("agent", "not an e-mail")], Err(HistoryError::Agent)),
            (
                &[("from", "1000"), ("to", "2000")],
                Ok(HistoryQuery { from: Some(UnixMillis(1000)), to: Some(UnixMillis(2000)), ..Default::default() }),
            ),
            (&[("from", "2000"), ("to", "2000")], Err(HistoryError::Window)),
            (&[("from", "yesterday")], Err(HistoryError::Millis { name: "from".to_owned() })),
            (&[("rating", "5")], Ok(HistoryQuery { rating: Some(5), ..Default::default() })),
            (&[("rating", "0")], Err(HistoryError::Rating)),
            (&[("rating", "6")], Err(HistoryError::Rating)),
            (&[("q", "Refund please")], Ok(HistoryQuery { words: words("refund please"), ..Default::default() })),
            (&[("before", "5")], Ok(HistoryQuery { before: Some(UnixMillis(5)), ..Default::default() })),
            (&[("sort", "asc")], Err(HistoryError::UnknownFilter { name: "sort".to_owned() })),
        ];
        for (pairs, expected) in cases {
            assert_eq!(query(pairs), expected, "{pairs:?}");
        }
    }

    #[test]
    fn search_words_never_reach_the_engine_as_syntax() {
        let cases = [
            ("refund", Some("\"refund\"*")),
            ("Größe  M", Some("\"größe\"* \"m\"*")),
            ("\"quoted\" OR NEAR(x) -minus *star", Some("\"quoted\"* \"or\"* \"near\"* \"x\"* \"minus\"* \"star\"*")),
            ("ann@example.com", Some("\"ann\"* \"example\"* \"com\"*")),
            ("  ... !!! ", None),
            ("", None),
            ("a b c d e f g h i j", Some("\"a\"* \"b\"* \"c\"* \"d\"* \"e\"* \"f\"* \"g\"* \"h\"*")),
        ];
        for (query, expected) in cases {
            let parsed = SearchWords::parse(query).expect("a short query");
            assert_eq!(parsed.map(|words| words.fts5()).as_deref(), expected, "{query:?}");
        }
        let long = "x".repeat(SearchWords::MAX_CHARS + 1);
        assert_eq!(SearchWords::parse(&long), Err(HistoryError::QueryTooLong { max: SearchWords::MAX_CHARS }));
    }

    fn view(user: Option<&str>, email: Option<&str>, contact: Option<&str>) -> ConversationView {
        let id = ConversationId::parse("00000000000000000000000000000001").expect("an id");
        ConversationView {
            contact_email: contact.map(str::to_owned),
            user: user.map(|user_id| VerifiedUser { user_id: user_id.to_owned(), name: None, email: None }),
            shopper: email.map(|email| ShopperDetails { name: None, email: Some(email.to_owned()) }),
            ..ConversationView::bare(id, Status::Waiting)
        }
    }

    #[test]
    fn shopper_keys_name_the_shopper_every_way_known() {
        let device = DeviceId::parse("0123456789abcdef0123456789abcdef").expect("a device");
        let conversation = ShopperKey::Conversation(view(None, None, None).id);
        let cases = [
            (view(None, None, None), None, vec![conversation.clone()]),
            (view(None, None, None), Some(&device), vec![ShopperKey::Device(device.clone()), conversation.clone()]),
            (
                view(Some("u-7"), Some("Ann@Example.com"), Some("ann@example.com")),
                Some(&device),
                vec![
                    ShopperKey::User("u-7".to_owned()),
                    ShopperKey::Email("ann@example.com".to_owned()),
                    ShopperKey::Device(device.clone()),
                    conversation.clone(),
                ],
            ),
        ];
        for (view, device, expected) in cases {
            assert_eq!(shopper_keys(&view, device), expected);
        }
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        let note = |text: &str| NewShopperNote { text: text.to_owned() }.checked_text();
        assert_eq!(note("  prefers e-mail \n"), Ok("prefers e-mail".to_owned()));
        assert_eq!(note("   "), Err(HistoryError::NoteText { max: NewShopperNote::MAX_CHARS }));
        assert!(note(&"x".repeat(NewShopperNote::MAX_CHARS)).is_ok());
        assert!(note(&"x".repeat(NewShopperNote::MAX_CHARS + 1)).is_err());
    }
}

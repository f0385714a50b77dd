//! Erasing a shopper's personal data: the shop's owner names the shopper by an e-mail address,
//! by the shop's user id (identity verification), or by one conversation, and the edge deletes
//! every conversation that names them, messages and all. Metrics stay: they are anonymous
//! aggregates. Retention deletes conversations the same way, by age.

use serde::{Deserialize, Serialize};

use crate::error::ErasureError;
use crate::ids::ConversationId;
use crate::protocol::ConversationView;
use crate::validation::email_address;

/// Whom an erasure concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An e-mail address, as stored: lowercased.
    Email(String),
    /// The shop's id of a verified user.
    User(String),
    /// One conversation.
    Conversation(ConversationId),
}

/// `POST /api/shops/{shop}/erasures`: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ErasureRequest {
    pub email: Option<String>,
    pub user_id: Option<String>,
    pub conversation_id: Option<ConversationId>,
}

impl ErasureRequest {
    /// The one subject named, the e-mail address checked and lowercased as the edge stores it.
    pub fn subject(self) -> Result<Subject, ErasureError> {
        match (self.email, self.user_id, self.conversation_id) {
            (Some(email), None, None) => Ok(Subject::Email(email_address(&email)?)),
            (None, Some(user_id), None) if !user_id.is_empty() => Ok(Subject::User(user_id)),
            (None, None, Some(conversation)) => Ok(Subject::Conversation(conversation)),
            (None, None, None) | (None, Some(_), None) => Err(ErasureError::NoSubject),
            _ => Err(ErasureError::MoreThanOne),
        }
    }
}

/// The answer to an erasure: how many conversations were deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    pub conversations: u32,
}

/// Whom a conversation concerns, as its view names them: every e-mail address of its shopper
/// (given before chatting, left to be answered at, or the verified user's) and the verified
/// user's id.
pub fn subjects_of(view: &ConversationView) -> Vec<Subject> {
    let given = view.shopper.as_ref().and_then(|shopper| shopper.email.clone());
    let user_email = view.user.as_ref().and_then(|user| user.email.clone());
    let emails = [given, view.contact_email.clone(), user_email].into_iter().flatten();
    let named = emails
        .map(|email| Subject::Email(email.to_lowercase()))
        .chain(view.user.as_ref().map(|user| Subject::User(user.user_id.clone())));
    let mut subjects = Vec::new();
    for subject in named {
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }
    subjects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ShopperDetails, Status, VerifiedUser};

    fn request(email: Option<&str>, user_id: Option<&str>, conversation: Option<&str>) -> ErasureRequest {
        ErasureRequest {
            email: email.map(str::to_owned),
            user_id: user_id.map(str::to_owned),
            conversation_id: conversation.map(|id| ConversationId::parse(id).expect("a valid id")),
        }
    }

    #[test]
    fn an_erasure_names_exactly_one_subject() {
        let id = "0123456789abcdef0123456789abcdef";
        let cases = [
            (request(Some("Kata@Example.com"), None, None), Ok(Subject::Email("kata@example.com".into()))),
            (request(None, Some("u-42"), None), Ok(Subject::User("u-42".into()))),
            (request(None, None, Some(id)), Ok(Subject::Conversation(ConversationId::parse(id).expect("a valid id")))),
            (request(None, None, None), Err(ErasureError::NoSubject)),
            (request(None, Some(""), None), Err(ErasureError::NoSubject)),
            (request(Some("kata@example.com"), Some("u-42"), None), Err(ErasureError::MoreThanOne)),
            (request(Some("kata@example.com"), None, Some(id)), Err(ErasureError::MoreThanOne)),
        ];
        for (request, expected) in cases {
            assert_eq!(request.clone().subject(), expected, "{request:?}");
        }
        assert!(matches!(request(Some("not an address"), None, None).subject(), Err(ErasureError::Email(_))));
        let unknown = serde_json::from_str::<ErasureRequest>(r#"{"phone": "+36 1 234 5678"}"#);
        assert!(unknown.is_err(), "an unknown way of naming someone is refused, not ignored");
    }

    #[test]
    fn a_conversation_concerns_its_shoppers_addresses_and_user() {
        let id = ConversationId::parse("0123456789abcdef0123456789abcdef").expect("a valid id");
        let view = ConversationView {
            contact_email: Some("kata@example.com".into()),
            user: Some(VerifiedUser { user_id: "u-42".into(), name: None, email: Some("Kata@Work.example".into()) }),
            shopper: Some(ShopperDetails { name: Some("Kata".into()), email: Some("kata@example.com".into()) }),
            ..ConversationView::bare(id, Status::Waiting)
        };
        assert_eq!(
            subjects_of(&view),
            vec![
                Subject::Email("kata@example.com".into()),
                Subject::Email("kata@work.example".into()),
                Subject::User("u-42".into()),
            ]
        );
        let anonymous = ConversationView { contact_email: None, user: None, shopper: None, ..view };
        assert_eq!(subjects_of(&anonymous), Vec::new());
    }
}

//! The JSON of the protocol types the shopper widget exchanges with the edge (`Wire`; see
//! `wire` for why this is written by hand). docs/PROTOCOL.md shows each frame; the tests at
//! the bottom pin the exact text.

use crate::error::WireError;
use crate::json::Json;
use crate::locale::Locale;
use crate::protocol::{
    ApiError, ClientFrame, ConversationTicket, ConversationView, ErrorCode, NewConversation, PageContext, Product,
    QueuePlace, ServerFrame, ShopperDetails, Status, VerifiedUser,
};
use crate::wire::{unknown_tag, wire_names, Fields, Object, Wire};
use crate::wire_serde::serde_via_wire;

wire_names!(Status, "status", {
    New => "new",
    Waiting => "waiting",
    Assigned => "assigned",
    Resolved => "resolved",
});

wire_names!(ErrorCode, "error code", {
    BadRequest => "bad_request",
    Unauthorized => "unauthorized",
    Forbidden => "forbidden",
    NotFound => "not_found",
    Conflict => "conflict",
    TooLarge => "too_large",
    UnsupportedVersion => "unsupported_version",
    RateLimited => "rate_limited",
    Internal => "internal",
});

impl Wire for ClientFrame {
    fn to_json(&self) -> Json {
        match self {
            ClientFrame::Hello { v, token, last_seq } => {
                Object::tagged("type", "hello").field("v", v).field("token", token).field("last_seq", last_seq)
            }
            ClientFrame::Send { client_id, text, internal } => Object::tagged("type", "send")
                .field("client_id", client_id)
                .field("text", text)
                .flag("internal", *internal),
            ClientFrame::Typing { typing } => Object::tagged("type", "typing").field("typing", typing),
            ClientFrame::Read { seq } => Object::tagged("type", "read").field("seq", seq),
            ClientFrame::Resolve => Object::tagged("type", "resolve"),
            ClientFrame::LeaveEmail { email } => Object::tagged("type", "leave_email").field("email", email),
            ClientFrame::Rate { score, comment } => {
                Object::tagged("type", "rate").field("score", score).field("comment", comment)
            }
            ClientFrame::Context { page } => Object::tagged("type", "context").field("page", page),
            ClientFrame::History { after, before } => {
                Object::tagged("type", "history").field("after", after).field("before", before)
            }
        }
        .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(match fields.tag("type")? {
            "hello" => ClientFrame::Hello {
                v: fields.required("v")?,
                token: fields.required("token")?,
                last_seq: fields.required("last_seq")?,
            },
            "send" => ClientFrame::Send {
                client_id: fields.required("client_id")?,
                text: fields.required("text")?,
                internal: fields.or_default("internal")?,
            },
            "typing" => ClientFrame::Typing { typing: fields.required("typing")? },
            "read" => ClientFrame::Read { seq: fields.required("seq")? },
            "resolve" => ClientFrame::Resolve,
            "leave_email" => ClientFrame::LeaveEmail { email: fields.required("email")? },
            "rate" => ClientFrame::Rate { score: fields.required("score")?, comment: fields.required("comment")? },
            "context" => ClientFrame::Context { page: fields.required("page")? },
            "history" => ClientFrame::History { after: fields.required("after")?, before: fields.required("before")? },
            other => return Err(unknown_tag("frame type", other)),
        })
    }
}

impl Wire for ServerFrame {
    fn to_json(&self) -> Json {
        match self {
            ServerFrame::Welcome { conversation, missed, earlier } => Object::tagged("type", "welcome")
                .field("conversation", conversation)
                .field("missed", missed)
                .flag("earlier", *earlier),
            ServerFrame::Message { message } => Object::tagged("type", "message").field("message", message),
            ServerFrame::Ack { client_id, seq } => {
                Object::tagged("type", "ack").field("client_id", client_id).field("seq", seq)
            }
            ServerFrame::Conversation { conversation } => {
                Object::tagged("type", "conversation").field("conversation", conversation)
            }
            ServerFrame::Typing { author, typing } => {
                Object::tagged("type", "typing").field("author", author).field("typing", typing)
            }
            ServerFrame::Read { author, seq } => {
                Object::tagged("type", "read").field("author", author).field("seq", seq)
            }
            ServerFrame::Place { place } => Object::tagged("type", "place").field("place", &PlaceOrNull(*place)),
            ServerFrame::Error { error, client_id } => {
                Object::tagged("type", "error").field("error", error).field("client_id", client_id)
            }
        }
        .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(match fields.tag("type")? {
            "welcome" => ServerFrame::Welcome {
                conversation: fields.required("conversation")?,
                missed: fields.required("missed")?,
                earlier: fields.or_default("earlier")?,
            },
            "message" => ServerFrame::Message { message: fields.required("message")? },
            "ack" => ServerFrame::Ack { client_id: fields.required("client_id")?, seq: fields.required("seq")? },
            "conversation" => ServerFrame::Conversation { conversation: fields.required("conversation")? },
            "typing" => ServerFrame::Typing { author: fields.required("author")?, typing: fields.required("typing")? },
            "read" => ServerFrame::Read { author: fields.required("author")?, seq: fields.required("seq")? },
            "place" => ServerFrame::Place { place: fields.required::<PlaceOrNull>("place")?.0 },
            "error" => {
                ServerFrame::Error { error: fields.required("error")?, client_id: fields.required("client_id")? }
            }
            other => return Err(unknown_tag("frame type", other)),
        })
    }
}

/// A `place` frame always carries its field: `null` once an agent has the conversation.
struct PlaceOrNull(Option<QueuePlace>);

impl Wire for PlaceOrNull {
    fn to_json(&self) -> Json {
        let Self(place) = self;
        place.to_json()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        Option::from_json(json).map(PlaceOrNull)
    }
}

impl Wire for PageContext {
    fn to_json(&self) -> Json {
        let Self { url, title, product, custom } = self;
        Object::new()
            .field("url", url)
            .field("title", title)
            .field("product", &product.as_deref().cloned())
            .field("custom", custom)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(PageContext {
            url: fields.or_default("url")?,
            title: fields.or_default("title")?,
            product: fields.required::<Option<Product>>("product")?.map(Box::new),
            custom: fields.required("custom")?,
        })
    }
}

impl Wire for Product {
    fn to_json(&self) -> Json {
        let Self { name, sku, price, currency, image } = self;
        Object::new()
            .text("name", name)
            .text("sku", sku)
            .text("price", price)
            .text("currency", currency)
            .text("image", image)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(Product {
            name: fields.or_default("name")?,
            sku: fields.or_default("sku")?,
            price: fields.or_default("price")?,
            currency: fields.or_default("currency")?,
            image: fields.or_default("image")?,
        })
    }
}

impl Wire for ConversationView {
    fn to_json(&self) -> Json {
        let Self {
            id,
            status,
            assignee_name,
            waiting_since,
            first_response_millis,
            page,
            shopper_read,
            agent_read,
            place,
            contact_email,
            user,
            shopper,
            rating,
            locale,
        } = self;
        Object::new()
            .field("id", id)
            .field("status", status)
            .field("assignee_name", assignee_name)
            .field("waiting_since", waiting_since)
            .field("first_response_millis", first_response_millis)
            .field("page", page)
            .field("shopper_read", shopper_read)
            .field("agent_read", agent_read)
            .field("place", place)
            .field("contact_email", contact_email)
            .field("user", user)
            .field("shopper", shopper)
            .field("rating", rating)
            .field("locale", locale)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(ConversationView {
            id: fields.required("id")?,
            status: fields.required("status")?,
            assignee_name: fields.required("assignee_name")?,
            waiting_since: fields.required("waiting_since")?,
            first_response_millis: fields.required("first_response_millis")?,
            page: fields.required("page")?,
            shopper_read: fields.or_default("shopper_read")?,
            agent_read: fields.or_default("agent_read")?,
            place: fields.required("place")?,
            contact_email: fields.required("contact_email")?,
            user: fields.required("user")?,
            shopper: fields.required("shopper")?,
            rating: fields.required("rating")?,
            locale: fields.required("locale")?,
        })
    }
}

impl Wire for QueuePlace {
    fn to_json(&self) -> Json {
        let Self { position, estimate, estimated_at, overdue, closed } = self;
        Object::new()
            .field("position", position)
            .field("estimate", estimate)
            .field("estimated_at", estimated_at)
            .field("overdue", overdue)
            .field("closed", closed)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(QueuePlace {
            position: fields.required("position")?,
            estimate: fields.required("estimate")?,
            estimated_at: fields.required("estimated_at")?,
            overdue: fields.required("overdue")?,
            closed: fields.or_default("closed")?,
        })
    }
}

impl Wire for NewConversation {
    fn to_json(&self) -> Json {
        let Self { page, identity, shopper, locale, device } = self;
        Object::new()
            .field("page", page)
            .field("identity", identity)
            .field("shopper", shopper)
            .field("locale", locale)
            .field("device", device)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(NewConversation {
            page: fields.or_default("page")?,
            identity: fields.required("identity")?,
            shopper: fields.required("shopper")?,
            locale: fields.required("locale")?,
            device: fields.required("device")?,
        })
    }
}

impl Wire for Locale {
    fn to_json(&self) -> Json {
        Json::String(self.tag().to_owned())
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::String(tag) => Locale::ALL
                .into_iter()
                .find(|locale| locale.tag() == tag)
                .ok_or_else(|| WireError::Unknown { what: "language", value: tag.clone() }),
            _ => Err(WireError::Expected("a string")),
        }
    }
}

impl Wire for ShopperDetails {
    fn to_json(&self) -> Json {
        let Self { name, email } = self;
        Object::new().field("name", name).field("email", email).build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        // A misspelt field must not be dropped silently.
        let fields = Fields::of(json)?.only(&["name", "email"])?;
        Ok(ShopperDetails { name: fields.required("name")?, email: fields.required("email")? })
    }
}

impl Wire for VerifiedUser {
    fn to_json(&self) -> Json {
        let Self { user_id, name, email } = self;
        Object::new().field("user_id", user_id).field("name", name).field("email", email).build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(VerifiedUser {
            user_id: fields.required("user_id")?,
            name: fields.required("name")?,
            email: fields.required("email")?,
        })
    }
}

impl Wire for ConversationTicket {
    fn to_json(&self) -> Json {
        let Self { conversation_id, token } = self;
        Object::new().field("conversation_id", conversation_id).field("token", token).build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(ConversationTicket {
            conversation_id: fields.required("conversation_id")?,
            token: fields.required("token")?,
        })
    }
}

impl Wire for ApiError {
    fn to_json(&self) -> Json {
        let Self { code, message, retry_after_seconds, field } = self;
        Object::new()
            .field("code", code)
            .field("message", message)
            .field("retry_after_seconds", retry_after_seconds)
            .field("field", field)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(ApiError {
            code: fields.required("code")?,
            message: fields.required("message")?,
            retry_after_seconds: fields.required("retry_after_seconds")?,
            field: fields.required("field")?,
        })
    }
}

serde_via_wire!(
    Locale,
    ClientFrame,
    ServerFrame,
    Status,
    ErrorCode,
    PageContext,
    Product,
    ConversationView,
    QueuePlace,
    NewConversation,
    ShopperDetails,
    VerifiedUser,
    ConversationTicket,
    ApiError,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ClientMessageId, ConversationId};
    use crate::message::{Author, Message};
    use crate::time::UnixMillis;
    use crate::wait_estimate::Estimate;

    fn view() -> ConversationView {
        let id = ConversationId::parse("0123456789abcdef0123456789abcdef").expect("valid id");
        ConversationView {
            waiting_since: Some(UnixMillis(5)),
            page: PageContext { url: "https://shop.test/p".into(), title: "Shoe".into(), ..PageContext::default() },
            agent_read: 2,
            ..ConversationView::bare(id, Status::Waiting)
        }
    }

    #[test]
    fn server_frames_have_stable_json() {
        let id = |raw: &str| ClientMessageId::parse(raw).expect("valid id");
        let place = QueuePlace {
            position: 2,
            estimate: Estimate::Wait { millis: 60_000 },
            estimated_at: UnixMillis(9),
            overdue: false,
            closed: false,
        };
        let message = Message {
            seq: 3,
            client_id: id("c3"),
            author: Author::Agent,
            sender: Some("Ana".into()),
            text: "Hi \"there\"".into(),
            at: UnixMillis(7),
            internal: false,
        };
        let cases = vec![
            (
                ServerFrame::Welcome { conversation: view(), missed: vec![message.clone()], earlier: false },
                concat!(
                    r#"{"type":"welcome","conversation":{"id":"0123456789abcdef0123456789abcdef","status":"waiting","#,
                    r#""waiting_since":5,"page":{"url":"https://shop.test/p","title":"Shoe"},"shopper_read":0,"agent_read":2},"#,
                    r#""missed":[{"seq":3,"client_id":"c3","author":"agent","sender":"Ana","text":"Hi \"there\"","at":7}]}"#
                ),
            ),
            (
                ServerFrame::Welcome { conversation: view(), missed: Vec::new(), earlier: true },
                concat!(
                    r#"{"type":"welcome","conversation":{"id":"0123456789abcdef0123456789abcdef","status":"waiting","#,
                    r#""waiting_since":5,"page":{"url":"https://shop.test/p","title":"Shoe"},"shopper_read":0,"agent_read":2},"#,
                    r#""missed":[],"earlier":true}"#
                ),
            ),
            (ServerFrame::Ack { client_id: id("c1"), seq: 4 }, r#"{"type":"ack","client_id":"c1","seq":4}"#),
            (ServerFrame::Place { place: None }, r#"{"type":"place","place":null}"#),
            (
                ServerFrame::Place { place: Some(place) },
                r#"{"type":"place","place":{"position":2,"estimate":{"kind":"wait","millis":60000},"estimated_at":9,"overdue":false,"closed":false}}"#,
            ),
            (
                ServerFrame::Typing { author: Author::Shopper, typing: true },
                r#"{"type":"typing","author":"shopper","typing":true}"#,
            ),
            (ServerFrame::Read { author: Author::Agent, seq: 3 }, r#"{"type":"read","author":"agent","seq":3}"#),
            (
                ServerFrame::Error {
                    error: ApiError {
                        retry_after_seconds: Some(30),
                        ..ApiError::new(ErrorCode::RateLimited, "slow down")
                    },
                    client_id: Some(id("c2")),
                },
                r#"{"type":"error","error":{"code":"rate_limited","message":"slow down","retry_after_seconds":30},"client_id":"c2"}"#,
            ),
        ];
        for (frame, text) in cases {
            assert_eq!(frame.encode(), text);
            assert_eq!(ServerFrame::decode(text), Ok(frame.clone()), "{text}");
            assert_eq!(serde_json::to_string(&frame).expect("serializes"), text, "serde goes through Wire");
        }
    }

    #[test]
    fn decoding_says_what_is_wrong() {
        let cases = [
            (r#"{"type":"ack","seq":1}"#, "missing field `client_id`"),
            (r#"{"type":"ack","client_id":"c1","seq":"1"}"#, "seq: expected a whole number"),
            (r#"{"type":"nope"}"#, "unknown frame type `nope`"),
            (r#"{"seq":1}"#, "missing field `type`"),
            (r#"[]"#, "expected an object"),
            (r#"{"type":"read","author":"robot","seq":1}"#, "author: unknown author `robot`"),
            (
                r#"{"type":"ack","client_id":"","seq":1}"#,
                "client_id: a client message id must be 1 to 64 characters of a-z, 0-9, '-' or '_'",
            ),
            ("{", "invalid JSON at byte 1: expected a field name"),
        ];
        for (text, message) in cases {
            assert_eq!(ServerFrame::decode(text).map_err(|error| error.to_string()), Err(message.to_owned()), "{text}");
        }
    }

    #[test]
    fn absent_optional_fields_read_as_their_defaults() {
        let text = r#"{"id":"0123456789abcdef0123456789abcdef","status":"waiting","waiting_since":5,"page":{"url":"https://shop.test/p","title":"Shoe"},"agent_read":2}"#;
        assert_eq!(ConversationView::decode(text), Ok(view()));
        assert_eq!(NewConversation::decode("{}"), Ok(NewConversation::default()));
    }
}

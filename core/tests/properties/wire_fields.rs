//! Every field of every `Wire` type reaches the other side. Each value below sets every field
//! to something other than what a missing field reads as, so a `to_json` that left a field out
//! would lose it and the value would not come back as it went. (The struct literals make a
//! new field show up here too: the compiler asks for its value.)

use crate::round_trip::round_trip;
use parley_core::custom_values::CustomValues;
use parley_core::greeting::ReplyTime;
use parley_core::ids::{ClientMessageId, ConversationId, DeviceId};
use parley_core::locale::Locale;
use parley_core::message::{Author, Message};
use parley_core::pre_chat::{FieldRule, PreChatFields};
use parley_core::protocol::{
    ApiError, ClientFrame, ConversationTicket, ConversationView, ErrorCode, NewConversation, PageContext, Product,
    QueuePlace, ServerFrame, ShopperDetails, Status, VerifiedUser,
};
use parley_core::rating::Rating;
use parley_core::time::UnixMillis;
use parley_core::wait_estimate::Estimate;
use parley_core::widget_view::WidgetView;

const AT: UnixMillis = UnixMillis(1_700_000_000_000);

fn client_id() -> ClientMessageId {
    ClientMessageId::parse("c-7").expect("valid id")
}

fn conversation_id() -> ConversationId {
    ConversationId::parse("0123456789abcdef0123456789abcdef").expect("valid id")
}

fn custom() -> CustomValues {
    [("cart".to_owned(), "2".to_owned()), ("coupon".to_owned(), "SPRING".to_owned())].into_iter().collect()
}

fn product() -> Product {
    Product {
        name: "Trail shoe".into(),
        sku: "TS-42".into(),
        price: "129.00".into(),
        currency: "EUR".into(),
        image: "https://shop.test/ts.png".into(),
    }
}

fn page() -> PageContext {
    PageContext {
        url: "https://shop.test/p/ts".into(),
        title: "Trail shoe".into(),
        product: Some(Box::new(product())),
        custom: custom(),
    }
}

fn place() -> QueuePlace {
    QueuePlace {
        position: 3,
        estimate: Estimate::Wait { millis: 90_000 },
        estimated_at: AT,
        overdue: true,
        closed: true,
    }
}

fn rating() -> Rating {
    Rating { score: 4, comment: Some("Quick and kind".into()), at: AT }
}

fn user() -> VerifiedUser {
    VerifiedUser { user_id: "u-1".into(), name: Some("Kata".into()), email: Some("kata@shop.test".into()) }
}

fn shopper() -> ShopperDetails {
    ShopperDetails { name: Some("Kata".into()), email: Some("kata@mail.test".into()) }
}

fn view() -> ConversationView {
    ConversationView {
        id: conversation_id(),
        status: Status::Resolved,
        assignee_name: Some("Ana".into()),
        waiting_since: Some(AT),
        first_response_millis: Some(42_000),
        page: page(),
        shopper_read: 3,
        agent_read: 4,
        place: Some(place()),
        contact_email: Some("kata@mail.test".into()),
        user: Some(user()),
        shopper: Some(shopper()),
        rating: Some(rating()),
        locale: Some(Locale::Polish),
    }
}

fn message() -> Message {
    Message {
        seq: 7,
        client_id: client_id(),
        author: Author::Agent,
        sender: Some("Ana".into()),
        text: "Hi \"there\"\n".into(),
        at: AT,
        internal: true,
    }
}

fn pre_chat() -> PreChatFields {
    PreChatFields { name: FieldRule::Required, email: FieldRule::Optional }
}

fn widget_view() -> WidgetView {
    WidgetView {
        greeting: Some("Hi! Sizes run small.".into()),
        reply_time: Some(ReplyTime::FewHours),
        pre_chat: pre_chat(),
        open: true,
    }
}

fn error() -> ApiError {
    ApiError {
        code: ErrorCode::RateLimited,
        message: "slow down".into(),
        retry_after_seconds: Some(30),
        field: Some("text".into()),
    }
}

#[test]
fn every_field_of_every_wire_type_survives_the_wire() {
    let cases = [
        ("UnixMillis", round_trip(&AT)),
        ("Estimate::Wait", round_trip(&Estimate::Wait { millis: 90_000 })),
        ("Product", round_trip(&product())),
        ("PageContext", round_trip(&page())),
        ("QueuePlace", round_trip(&place())),
        ("Rating", round_trip(&rating())),
        ("VerifiedUser", round_trip(&user())),
        ("ShopperDetails", round_trip(&shopper())),
        ("ConversationView", round_trip(&view())),
        ("Message", round_trip(&message())),
        ("ApiError", round_trip(&error())),
        ("PreChatFields", round_trip(&pre_chat())),
        ("WidgetView", round_trip(&widget_view())),
        (
            "NewConversation",
            round_trip(&NewConversation {
                page: page(),
                identity: Some("token".into()),
                shopper: Some(shopper()),
                locale: Some(Locale::Hungarian),
                device: Some(DeviceId::parse("0123456789abcdef0123456789abcdef").expect("a device id")),
            }),
        ),
        (
            "ConversationTicket",
            round_trip(&ConversationTicket { conversation_id: conversation_id(), token: "secret".into() }),
        ),
        ("ClientFrame::Hello", round_trip(&ClientFrame::Hello { v: 2, token: Some("secret".into()), last_seq: 9 })),
        (
            "ClientFrame::Send",
            round_trip(&ClientFrame::Send { client_id: client_id(), text: "a note".into(), internal: true }),
        ),
        ("ClientFrame::Typing", round_trip(&ClientFrame::Typing { typing: true })),
        ("ClientFrame::Read", round_trip(&ClientFrame::Read { seq: 5 })),
        ("ClientFrame::LeaveEmail", round_trip(&ClientFrame::LeaveEmail { email: "kata@mail.test".into() })),
        ("ClientFrame::Rate", round_trip(&ClientFrame::Rate { score: 5, comment: Some("great".into()) })),
        ("ClientFrame::Context", round_trip(&ClientFrame::Context { page: page() })),
        ("ClientFrame::History", round_trip(&ClientFrame::History { after: 3, before: 9 })),
        (
            "ServerFrame::Welcome",
            round_trip(&ServerFrame::Welcome { conversation: view(), missed: vec![message()], earlier: true }),
        ),
        ("ServerFrame::Message", round_trip(&ServerFrame::Message { message: message() })),
        ("ServerFrame::Ack", round_trip(&ServerFrame::Ack { client_id: client_id(), seq: 7 })),
        ("ServerFrame::Conversation", round_trip(&ServerFrame::Conversation { conversation: view() })),
        ("ServerFrame::Typing", round_trip(&ServerFrame::Typing { author: Author::Shopper, typing: true })),
        ("ServerFrame::Read", round_trip(&ServerFrame::Read { author: Author::Agent, seq: 7 })),
        ("ServerFrame::Place", round_trip(&ServerFrame::Place { place: Some(place()) })),
        ("ServerFrame::Error", round_trip(&ServerFrame::Error { error: error(), client_id: Some(client_id()) })),
    ];
    for (name, outcome) in cases {
        assert_eq!(outcome, Ok(()), "{name}");
    }
}

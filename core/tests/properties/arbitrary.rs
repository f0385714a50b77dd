//! Strategies that generate any valid value of the protocol's types (what `Arbitrary` would give
//! if core could derive it without linking proptest into the widget), and JSON-ish documents:
//! trees made of the protocol's own words, and valid frames with a few things broken.
//!
//! Each strategy is boxed: the value trees of these nested types are so large unboxed that
//! generating one overflows a test thread's stack in a debug build.

use parley_core::custom_values::CustomValues;
use parley_core::greeting::ReplyTime;
use parley_core::ids::{ClientMessageId, ConversationId, DeviceId};
use parley_core::json::Json;
use parley_core::locale::Locale;
use parley_core::message::{Author, Message};
use parley_core::pre_chat::{FieldRule, PreChatFields};
use parley_core::protocol::{
    ApiError, ClientFrame, ConversationView, ErrorCode, NewConversation, PageContext, Product, QueuePlace, ServerFrame,
    ShopperDetails, Status, VerifiedUser,
};
use parley_core::rating::Rating;
use parley_core::time::UnixMillis;
use parley_core::wait_estimate::Estimate;
use parley_core::widget_view::WidgetView;
use parley_core::wire::Wire;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

/// Any text, leaning on what JSON must escape (quotes, backslashes, control characters) and on
/// characters that take more than one byte or a surrogate pair in a `\u` escape.
fn text() -> BoxedStrategy<String> {
    const TRICKY: &[char] =
        &['"', '\\', '/', '\n', '\t', '\u{0}', '\u{8}', '\u{c}', '\u{1f}', '\u{7f}', 'é', '\u{2028}', '😀'];
    let character = prop_oneof![3 => any::<char>(), 1 => select(TRICKY)];
    vec(character, 0..12).prop_map(String::from_iter).boxed()
}

fn conversation_id() -> BoxedStrategy<ConversationId> {
    "[0-9a-f]{32}".prop_map(|raw| ConversationId::parse(&raw).expect("32 hex digits")).boxed()
}

pub fn client_message_id() -> BoxedStrategy<ClientMessageId> {
    "[A-Za-z0-9_-]{1,64}".prop_map(|raw| ClientMessageId::parse(&raw).expect("an id's characters")).boxed()
}

fn millis() -> BoxedStrategy<UnixMillis> {
    any::<u64>().prop_map(UnixMillis).boxed()
}

fn status() -> BoxedStrategy<Status> {
    select(&[Status::New, Status::Waiting, Status::Assigned, Status::Resolved][..]).boxed()
}

pub fn author() -> BoxedStrategy<Author> {
    select(&[Author::Shopper, Author::Agent, Author::System][..]).boxed()
}

fn error_code() -> BoxedStrategy<ErrorCode> {
    select(
        &[
            ErrorCode::BadRequest,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::TooLarge,
            ErrorCode::UnsupportedVersion,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
        ][..],
    )
    .boxed()
}

fn estimate() -> BoxedStrategy<Estimate> {
    prop_oneof![Just(Estimate::NoAgents), any::<u64>().prop_map(|millis| Estimate::Wait { millis })].boxed()
}

pub fn queue_place() -> BoxedStrategy<QueuePlace> {
    (any::<u32>(), estimate(), millis(), any::<bool>(), any::<bool>())
        .prop_map(|(position, estimate, estimated_at, overdue, closed)| QueuePlace {
            position,
            estimate,
            estimated_at,
            overdue,
            closed,
        })
        .boxed()
}

fn product() -> BoxedStrategy<Product> {
    (text(), text(), text(), text(), text())
        .prop_map(|(name, sku, price, currency, image)| Product { name, sku, price, currency, image })
        .boxed()
}

fn custom_values() -> BoxedStrategy<CustomValues> {
    vec((text(), text()), 0..4).prop_map(CustomValues::from_iter).boxed()
}

pub fn page_context() -> BoxedStrategy<PageContext> {
    (text(), text(), option::of(product().prop_map(Box::new)), custom_values())
        .prop_map(|(url, title, product, custom)| PageContext { url, title, product, custom })
        .boxed()
}

fn rating() -> BoxedStrategy<Rating> {
    (any::<u8>(), option::of(text()), millis()).prop_map(|(score, comment, at)| Rating { score, comment, at }).boxed()
}

fn verified_user() -> BoxedStrategy<VerifiedUser> {
    (text(), option::of(text()), option::of(text()))
        .prop_map(|(user_id, name, email)| VerifiedUser { user_id, name, email })
        .boxed()
}

fn shopper_details() -> BoxedStrategy<ShopperDetails> {
    (option::of(text()), option::of(text())).prop_map(|(name, email)| ShopperDetails { name, email }).boxed()
}

pub fn conversation_view() -> BoxedStrategy<ConversationView> {
    let who = (option::of(text()), option::of(verified_user()), option::of(shopper_details()), option::of(text()));
    let clocks = (option::of(millis()), option::of(any::<u64>()), any::<u64>(), any::<u64>());
    let locale = option::of(locale());
    (conversation_id(), status(), page_context(), option::of(queue_place()), option::of(rating()), who, clocks, locale)
        .prop_map(|(id, status, page, place, rating, who, clocks, locale)| {
            let (assignee_name, user, shopper, contact_email) = who;
            let (waiting_since, first_response_millis, shopper_read, agent_read) = clocks;
            ConversationView {
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
            }
        })
        .boxed()
}

pub fn message() -> BoxedStrategy<Message> {
    (any::<u64>(), client_message_id(), author(), option::of(text()), text(), millis(), any::<bool>())
        .prop_map(|(seq, client_id, author, sender, text, at, internal)| Message {
            seq,
            client_id,
            author,
            sender,
            text,
            at,
            internal,
        })
        .boxed()
}

fn api_error() -> BoxedStrategy<ApiError> {
    (error_code(), text(), option::of(any::<u64>()), option::of(text()))
        .prop_map(|(code, message, retry_after_seconds, field)| ApiError { code, message, retry_after_seconds, field })
        .boxed()
}

fn device_id() -> BoxedStrategy<DeviceId> {
    "[0-9a-f]{32}".prop_map(|hex| DeviceId::parse(&hex).expect("32 hex digits")).boxed()
}

fn locale() -> BoxedStrategy<Locale> {
    select(Locale::ALL.to_vec()).boxed()
}

pub fn new_conversation() -> BoxedStrategy<NewConversation> {
    (page_context(), option::of(text()), option::of(shopper_details()), option::of(locale()), option::of(device_id()))
        .prop_map(|(page, identity, shopper, locale, device)| NewConversation {
            page,
            identity,
            shopper,
            locale,
            device,
        })
        .boxed()
}

pub fn client_frame() -> BoxedStrategy<ClientFrame> {
    prop_oneof![
        (any::<u32>(), option::of(text()), any::<u64>()).prop_map(|(v, token, last_seq)| ClientFrame::Hello {
            v,
            token,
            last_seq
        }),
        (client_message_id(), text(), any::<bool>()).prop_map(|(client_id, text, internal)| ClientFrame::Send {
            client_id,
            text,
            internal
        }),
        any::<bool>().prop_map(|typing| ClientFrame::Typing { typing }),
        any::<u64>().prop_map(|seq| ClientFrame::Read { seq }),
        Just(ClientFrame::Resolve),
        text().prop_map(|email| ClientFrame::LeaveEmail { email }),
        (any::<u8>(), option::of(text())).prop_map(|(score, comment)| ClientFrame::Rate { score, comment }),
        page_context().prop_map(|page| ClientFrame::Context { page }),
        (any::<u64>(), any::<u64>()).prop_map(|(after, before)| ClientFrame::History { after, before }),
    ]
    .boxed()
}

fn field_rule() -> BoxedStrategy<FieldRule> {
    select(&[FieldRule::Off, FieldRule::Optional, FieldRule::Required][..]).boxed()
}

fn reply_time() -> BoxedStrategy<ReplyTime> {
    select(&[ReplyTime::FewMinutes, ReplyTime::UnderAnHour, ReplyTime::FewHours, ReplyTime::ADay][..]).boxed()
}

pub fn widget_view() -> BoxedStrategy<WidgetView> {
    (option::of(text()), option::of(reply_time()), field_rule(), field_rule(), any::<bool>())
        .prop_map(|(greeting, reply_time, name, email, open)| WidgetView {
            greeting,
            reply_time,
            pre_chat: PreChatFields { name, email },
            open,
        })
        .boxed()
}

/// Server frames that carry no message: what may come between messages without adding any.
pub fn server_notice() -> BoxedStrategy<ServerFrame> {
    prop_oneof![
        conversation_view().prop_map(|conversation| ServerFrame::Welcome {
            conversation,
            missed: Vec::new(),
            earlier: false
        }),
        (client_message_id(), any::<u64>()).prop_map(|(client_id, seq)| ServerFrame::Ack { client_id, seq }),
        conversation_view().prop_map(|conversation| ServerFrame::Conversation { conversation }),
        (author(), any::<bool>()).prop_map(|(author, typing)| ServerFrame::Typing { author, typing }),
        (author(), any::<u64>()).prop_map(|(author, seq)| ServerFrame::Read { author, seq }),
        option::of(queue_place()).prop_map(|place| ServerFrame::Place { place }),
        (api_error(), option::of(client_message_id()))
            .prop_map(|(error, client_id)| ServerFrame::Error { error, client_id }),
    ]
    .boxed()
}

pub fn server_frame() -> BoxedStrategy<ServerFrame> {
    prop_oneof![
        (conversation_view(), vec(message(), 0..3), any::<bool>())
            .prop_map(|(conversation, missed, earlier)| ServerFrame::Welcome { conversation, missed, earlier }),
        message().prop_map(|message| ServerFrame::Message { message }),
        server_notice(),
    ]
    .boxed()
}

/// The protocol's tags, field names and names of values: JSON built from them gets past the
/// first checks of a decoder far more often than random text.
const WORDS: &str = "type kind hello send typing read resolve leave_email rate context welcome message ack \
    conversation place error v token last_seq client_id text internal seq email score comment page url title \
    product custom name sku price currency image id status assignee_name waiting_since first_response_millis \
    shopper_read agent_read contact_email user shopper rating missed author position estimate estimated_at \
    overdue closed wait no_agents millis code retry_after_seconds field locale device user_id identity at sender new waiting \
    assigned resolved agent system rate_limited greeting reply_time pre_chat open off optional required \
    few_minutes under_an_hour few_hours a_day c1 0123456789abcdef0123456789abcdef";

fn word() -> BoxedStrategy<String> {
    select(WORDS.split_whitespace().collect::<Vec<_>>()).prop_map(str::to_owned).boxed()
}

/// A JSON document of the protocol's words, small numbers and any text.
pub fn json() -> BoxedStrategy<Json> {
    let word = prop_oneof![3 => word(), 1 => text()];
    let number = prop_oneof![3 => 0..10u64, 1 => any::<u64>()];
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number.prop_map(Json::Number),
        word.clone().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Json::Array),
            vec((word.clone(), inner), 0..6).prop_map(Json::Object)
        ]
    })
    .boxed()
}

/// One thing broken in a document: at the value reached by taking the `path`'s turns into
/// arrays and objects, a field or item dropped, repeated with another value, replaced or added.
#[derive(Debug, Clone)]
struct Breakage {
    path: Vec<usize>,
    pick: usize,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Drop,
    Repeat(Json),
    Replace(Json),
    Add(String, Json),
}

impl Breakage {
    fn apply(&self, json: &mut Json) {
        self.apply_along(json, &self.path);
    }

    fn apply_along(&self, json: &mut Json, path: &[usize]) {
        if let Some((&turn, rest)) = path.split_first() {
            match json {
                Json::Array(items) if !items.is_empty() => {
                    let len = items.len();
                    return self.apply_along(&mut items[turn % len], rest);
                }
                Json::Object(fields) if !fields.is_empty() => {
                    let len = fields.len();
                    return self.apply_along(&mut fields[turn % len].1, rest);
                }
                _ => {}
            }
        }
        match (&self.change, json) {
            (Change::Drop, Json::Array(items)) if !items.is_empty() => {
                items.remove(self.pick % items.len());
            }
            (Change::Drop, Json::Object(fields)) if !fields.is_empty() => {
                fields.remove(self.pick % fields.len());
            }
            (Change::Repeat(value), Json::Object(fields)) if !fields.is_empty() => {
                let name = fields[self.pick % fields.len()].0.clone();
                fields.push((name, value.clone()));
            }
            (Change::Add(_, value), Json::Array(items)) => items.push(value.clone()),
            (Change::Add(name, value), Json::Object(fields)) => fields.push((name.clone(), value.clone())),
            // Nothing there to drop or repeat: the value itself is broken instead.
            (Change::Drop, json) => *json = Json::Null,
            (Change::Repeat(value) | Change::Replace(value) | Change::Add(_, value), json) => *json = value.clone(),
        }
    }
}

fn breakage() -> impl Strategy<Value = Breakage> {
    let change = prop_oneof![
        Just(Change::Drop),
        json().prop_map(Change::Repeat),
        json().prop_map(Change::Replace),
        (word(), json()).prop_map(|(name, value)| Change::Add(name, value)),
    ];
    (vec(any::<usize>(), 0..4), any::<usize>(), change).prop_map(|(path, pick, change)| Breakage { path, pick, change })
}

/// The JSON of a valid value with up to two things broken in it.
pub fn broken<T: Wire + std::fmt::Debug + 'static>(valid: BoxedStrategy<T>) -> BoxedStrategy<Json> {
    (valid, vec(breakage(), 0..3))
        .prop_map(|(value, breakages)| {
            let mut json = value.to_json();
            breakages.iter().for_each(|breakage| breakage.apply(&mut json));
            json
        })
        .boxed()
}

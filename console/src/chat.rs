//! The conversation shown in the main area: the shopper's page, the conversation's status
//! (`data-testid="status"`) and first-response time (`data-testid="frt"`, with the shopper's
//! running wait beside it until then), what the shopper told us before chatting and their
//! rating once resolved, transfer and resolve (`data-testid="resolve"`) on top, then the messages, whether the shopper is typing (`data-testid="typing"`) and the composer.

use crate::canned_answers::CannedAnswers;
use crate::composer::Composer;
use crate::desk::Desk;
use crate::earlier_conversations::EarlierConversations;
use crate::format;
use crate::link_notice::LinkNotice;
use crate::message_log::MessageLog;
use crate::open_chats::{OpenChat, OpenChats};
use crate::rating::RatingFact;
use crate::shopper_details::ShopperDetailsFacts;
use crate::shopper_notes::ShopperNotes;
use crate::shopper_page::ShopperPage;
use crate::transfer::Transfer;
use leptos::prelude::*;
use parley_client::Link;
use parley_core::ids::{AgentId, ConversationId, ShopId};
use parley_core::protocol::{ConversationView, Status};
use parley_core::time::UnixMillis;

/// The shown chat, or a hint while none is.
#[component]
pub fn ChatPane(chats: OpenChats, desk: Desk, me: AgentId, shop: ShopId, now: Signal<UnixMillis>) -> impl IntoView {
    let shown = Memo::new(move |_| chats.shown());
    let canned = CannedAnswers::of(&shop);
    move || match shown.get().and_then(|conversation_id| Some((chats.get(&conversation_id)?, conversation_id))) {
        Some((chat, conversation_id)) => {
            view! { <Chat chat conversation_id desk me=me.clone() canned now /> }.into_any()
        }
        None => view! { <p class="placeholder">"Claim a conversation from the queue, or pick one of your chats."</p> }
            .into_any(),
    }
}

#[component]
fn Chat(
    chat: OpenChat,
    conversation_id: ConversationId,
    desk: Desk,
    me: AgentId,
    canned: CannedAnswers,
    now: Signal<UnixMillis>,
) -> impl IntoView {
    let live = chat.live;
    let agent_name = {
        let me = me.clone();
        Signal::derive(move || desk.name_of(&me))
    };
    // Whatever arrives while this chat is shown is seen, and the shopper is told so.
    Effect::new(move || chat.mark_seen());
    let conversation = Memo::new(move |_| live.with_transcript(|transcript| transcript.conversation().cloned()));
    let resolvable = move || {
        conversation.with(|conversation| conversation.as_ref().is_some_and(|view| view.status != Status::Resolved))
            && live.link() == Link::Online
    };
    let shopper_typing = Memo::new(move |_| live.with_transcript(|transcript| transcript.other_side_typing()));
    view! {
        <article class="chat" aria-label="Conversation">
            <header class="chat-header">
                {move || {
                    conversation
                        .with(|conversation| conversation.as_ref().map(|conversation| conversation.page.clone()))
                        .map(|page| view! { <ShopperPage page /> })
                }}
                <dl class="facts">
                    <div class="fact">
                        <dt>"Status"</dt>
                        <dd data-testid="status">
                            {move || conversation.with(|conversation| status(conversation.as_ref()))}
                        </dd>
                    </div>
                    <div class="fact">
                        <dt>"First response"</dt>
                        <dd>
                            <span data-testid="frt">
                                {move || conversation.with(|conversation| first_response(conversation.as_ref()))}
                            </span>
                            <span class="running">
                                {move || conversation.with(|conversation| running_wait(conversation.as_ref(), now.get()))}
                            </span>
                        </dd>
                    </div>
                    {move || {
                        conversation
                            .with(|conversation| conversation.as_ref().and_then(|view| view.shopper.clone()))
                            .map(|details| view! { <ShopperDetailsFacts details /> })
                    }}
                    {move || {
                        conversation
                            .with(|conversation| conversation.as_ref().and_then(|view| view.rating.clone()))
                            .map(|rating| view! { <RatingFact rating /> })
                    }}
                </dl>
                <div class="chat-actions">
                    <Transfer desk conversation_id=conversation_id.clone() me />
                    <button
                        type="button"
                        class="button small"
                        data-testid="resolve"
                        disabled=move || !resolvable()
                        on:click=move |_| live.resolve()
                    >
                        "Resolve"
                    </button>
                </div>
            </header>
            <details class="shopper-memory" open>
                <summary>"Earlier conversations and notes"</summary>
                <EarlierConversations conversation_id=conversation_id.clone() />
                <ShopperNotes conversation_id=conversation_id.clone() />
            </details>
            <LinkNotice link=Signal::derive(move || live.link()) meanwhile="Messages you send go out once the connection is back." />
            {move || live.error().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            <MessageLog live />
            // Always present, so screen readers announce the change.
            <p class="typing" role="status">
                {move || {
                    shopper_typing.get().then(|| view! { <span data-testid="typing">"Shopper is typing…"</span> })
                }}
            </p>
            <Composer chat canned agent_name />
        </article>
    }
}

fn status(conversation: Option<&ConversationView>) -> String {
    let Some(conversation) = conversation else { return "Loading…".to_owned() };
    match (conversation.status, conversation.assignee_name.as_deref()) {
        (Status::New, _) => "New".to_owned(),
        (Status::Waiting, _) => "Waiting for an agent".to_owned(),
        (Status::Assigned, Some(name)) => format!("Assigned to {name}"),
        (Status::Assigned, None) => "Assigned".to_owned(),
        (Status::Resolved, _) => "Resolved".to_owned(),
    }
}

/// The measured first-response time; "—" until an agent has answered.
fn first_response(conversation: Option<&ConversationView>) -> String {
    format::maybe_duration(conversation.and_then(|conversation| conversation.first_response_millis))
}

/// How long the shopper has waited so far, until the first response stops the clock. Kept out
/// of `data-testid="frt"` so that element only ever holds a measured time.
fn running_wait(conversation: Option<&ConversationView>, now: UnixMillis) -> Option<String> {
    let conversation = conversation.filter(|conversation| conversation.first_response_millis.is_none())?;
    conversation.waiting_since.map(|since| format!("waiting {}", format::stopwatch(now.millis_since(since))))
}

//! The conversations assigned to the signed-in agent, with the shopper's name if the shop knows
//! it and how many new shopper messages each opened one holds; picking one shows it. Test hook: `data-testid="my-chat"`.

use crate::contact_email::ContactEmail;
use crate::desk::Desk;
use crate::open_chats::OpenChats;
use leptos::prelude::*;
use parley_core::ids::AgentId;
use parley_core::protocol::QueueItem;

#[component]
pub fn MyChats(desk: Desk, chats: OpenChats, me: AgentId) -> impl IntoView {
    let mine = Memo::new(move |_| desk.assigned_to(&me));
    view! {
        <section class="panel" aria-labelledby="my-chats-heading">
            <h2 class="panel-heading" id="my-chats-heading">
                "My chats"
                <span class="count">{move || mine.with(Vec::len)}</span>
            </h2>
            <Show when=move || mine.with(Vec::is_empty)>
                <p class="empty">"Claim a conversation to answer it."</p>
            </Show>
            <ul class="items">
                <For
                    each=move || mine.get()
                    key=|item| item.conversation_id.clone()
                    children=move |item| view! { <Mine item chats /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn Mine(item: QueueItem, chats: OpenChats) -> impl IntoView {
    let conversation_id = item.conversation_id;
    let shown = {
        let conversation_id = conversation_id.clone();
        move || chats.is_shown(&conversation_id)
    };
    let unread = {
        let conversation_id = conversation_id.clone();
        move || Some(chats.unread(&conversation_id)).filter(|&unread| unread > 0)
    };
    let title = if item.page.title.trim().is_empty() { item.page.url } else { item.page.title };
    view! {
        <li>
            <button
                type="button"
                class="item my-chat"
                class:shown=shown.clone()
                data-testid="my-chat"
                aria-current=move || shown().then_some("true")
                on:click=move |_| chats.show(conversation_id.clone())
            >
                {item.shopper_name.map(|name| view! { <span class="shopper-name">{name}</span> })}
                <span class="preview">{item.preview}</span>
                <span class="page-title">{title}</span>
                {item.contact_email.map(|email| view! { <ContactEmail email /> })}
                {move || {
                    unread().map(|unread| view! { <span class="unread">{unread} <span class="visually-hidden">" unread"</span></span> })
                }}
            </button>
        </li>
    }
}

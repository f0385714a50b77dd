//! The shop's waiting conversations, oldest first, each with the shopper's name if the shop
//! knows it, how long they have been waiting and a button to claim it. Test hooks: `data-testid="queue-item"` and `"claim"`.

use crate::contact_email::ContactEmail;
use crate::desk::Desk;
use crate::format;
use crate::shopper_page::ShopperPage;
use leptos::prelude::*;
use parley_client::Link;
use parley_core::protocol::QueueItem;
use parley_core::time::UnixMillis;

#[component]
pub fn Queue(desk: Desk, now: Signal<UnixMillis>) -> impl IntoView {
    let waiting = Memo::new(move |_| desk.waiting());
    view! {
        <section class="panel" aria-labelledby="queue-heading">
            <h2 class="panel-heading" id="queue-heading">
                "Queue"
                <span class="count">{move || waiting.with(Vec::len)}</span>
            </h2>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class="empty">"Nobody is waiting."</p>
            </Show>
            <ul class="items">
                <For
                    each=move || waiting.get()
                    key=|item| item.conversation_id.clone()
                    children=move |item| view! { <Waiting item desk now /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn Waiting(item: QueueItem, desk: Desk, now: Signal<UnixMillis>) -> impl IntoView {
    let conversation_id = item.conversation_id;
    let waiting_since = item.waiting_since;
    let label = format!("Claim: {}", item.preview);
    view! {
        <li class="item" data-testid="queue-item">
            {item.shopper_name.map(|name| view! { <p class="shopper-name">{name}</p> })}
            <p class="preview">{item.preview}</p>
            <ShopperPage page=item.page />
            {item.contact_email.map(|email| view! { <ContactEmail email /> })}
            <div class="item-footer">
                <span class="age">"waiting " {move || format::stopwatch(now.get().millis_since(waiting_since))}</span>
                <button
                    type="button"
                    class="button primary small"
                    data-testid="claim"
                    aria-label=label
                    disabled=move || desk.link().get() != Link::Online
                    on:click=move |_| desk.claim(conversation_id.clone())
                >
                    "Claim"
                </button>
            </div>
        </li>
    }
}

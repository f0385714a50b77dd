//! The shop's waiting conversations, oldest first, each with the shopper's name if the shop
//! knows it, how long they have been waiting (amber, then red against the shop's
//! first-response target, with words and an icon too: `wait_urgency`) and a button to claim
//! it. The row the keyboard picked (`j`/`k`) is marked and its claim button has the keyboard.
//! Test hooks: `data-testid="queue-item"` (with `data-urgency`: `calm`, `amber`, `red`) and
//! `"claim"`.

use crate::contact_email::ContactEmail;
use crate::desk::Desk;
use crate::format;
use crate::shopper_page::ShopperPage;
use crate::wait_urgency::Urgency;
use leptos::html::Button;
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
    let waited = move || desk.edge_time(now.get()).millis_since(waiting_since);
    let urgency = Memo::new(move |_| Urgency::of(waited(), desk.frt_target_seconds()));
    let picked = {
        let conversation_id = conversation_id.clone();
        Memo::new(move |_| desk.is_picked(&conversation_id))
    };
    let claim_button = NodeRef::<Button>::new();
    // The keyboard follows the pick, so Enter claims it too and a screen reader hears which.
    Effect::new(move || {
        if let (true, Some(button)) = (picked.get(), claim_button.get()) {
            // Focus is a convenience; the pick is marked either way.
            let _ = button.focus();
        }
    });
    view! {
        <li
            class="item waiting"
            class:amber=move || urgency.get() == Urgency::Amber
            class:red=move || urgency.get() == Urgency::Red
            class:picked=move || picked.get()
            data-testid="queue-item"
            data-urgency=move || urgency.get().as_str()
        >
            {item.shopper_name.map(|name| view! { <p class="shopper-name">{name}</p> })}
            <p class="preview">{item.preview}</p>
            <ShopperPage page=item.page />
            {item.contact_email.map(|email| view! { <ContactEmail email /> })}
            <div class="item-footer">
                <span class="age">
                    {move || urgency.get().label().map(|(icon, _)| view! { <span class="urgency-icon" aria-hidden="true">{icon}" "</span> })}
                    "waiting " {move || format::stopwatch(waited())}
                    {move || urgency.get().label().map(|(_, words)| view! { <span class="urgency-words">", "{words}</span> })}
                </span>
                <button
                    type="button"
                    class="button primary small"
                    data-testid="claim"
                    node_ref=claim_button
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

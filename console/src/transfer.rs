//! Hands the shown chat to another agent of the shop: a list of the desk's other agents, each
//! with whether they are online, and a button. Test hooks: `data-testid="transfer"` (the list)
//! and `"transfer-submit"`. Shown only while the chat is the signed-in agent's, since only the
//! assignee may transfer it; refusals appear with the desk's other errors.

use crate::desk::Desk;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use parley_client::Link;
use parley_core::ids::{AgentId, ConversationId};
use parley_core::protocol::AgentSeat;

#[component]
pub fn Transfer(desk: Desk, conversation_id: ConversationId, me: AgentId) -> impl IntoView {
    let conversation_id = StoredValue::new(conversation_id);
    let mine = {
        let me = me.clone();
        move || conversation_id.with_value(|conversation_id| desk.is_assigned(conversation_id, &me))
    };
    let colleagues = Memo::new(move |_| desk.colleagues_of(&me));
    // The chosen agent's e-mail; empty while the list shows its prompt.
    let choice = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        // Only someone still listed: the list may have changed since they were picked.
        let to = choice.with_untracked(|choice| {
            colleagues.with_untracked(|colleagues| {
                colleagues.iter().find(|seat| seat.agent.as_str() == choice).map(|seat| seat.agent.clone())
            })
        });
        if let Some(to) = to {
            desk.transfer(conversation_id.get_value(), to);
            choice.set(String::new());
        }
    };
    view! {
        <Show when=mine>
            <form class="transfer" on:submit=submit>
                <select
                    class="field small"
                    data-testid="transfer"
                    aria-label="Transfer to"
                    disabled=move || colleagues.with(Vec::is_empty)
                    on:change=move |event| choice.set(event_target_value(&event))
                >
                    <option value="" prop:selected=move || choice.with(String::is_empty)>
                        {move || {
                            if colleagues.with(Vec::is_empty) { "No other agents" } else { "Transfer to…" }
                        }}
                    </option>
                    <For
                        each=move || colleagues.get()
                        key=|seat| (seat.agent.clone(), seat.name.clone(), seat.online)
                        children=move |seat| view! { <Colleague seat choice /> }
                    />
                </select>
                <button
                    type="submit"
                    class="button small"
                    data-testid="transfer-submit"
                    disabled=move || choice.with(String::is_empty) || desk.link().get() != Link::Online
                >
                    "Transfer"
                </button>
            </form>
        </Show>
    }
}

/// One agent to transfer to. Selected from `choice`, so a redrawn list keeps the pick.
#[component]
fn Colleague(seat: AgentSeat, choice: RwSignal<String>) -> impl IntoView {
    let email = seat.agent.as_str().to_owned();
    let presence = if seat.online { "online" } else { "offline" };
    let selected = {
        let email = email.clone();
        move || choice.with(|choice| choice == &email)
    };
    view! {
        <option value=email prop:selected=selected>
            {format!("{} ({presence})", seat.name)}
        </option>
    }
}

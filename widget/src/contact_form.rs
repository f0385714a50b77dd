//! "Leave your e-mail": offered while the shopper waits and nobody can answer now (no agent
//! online, the shop closed, or a wait running past what we said), so they can leave and be
//! answered by e-mail. Test hooks: `leave-email`, `leave-email-submit`, `contact-email`.
//!
//! Both the form and the confirmation are always in the page and shown or hidden: switching
//! views costs the widget far more code than an attribute.

use crate::chat::Chat;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use parley_core::protocol::{ConversationView, Status};
use parley_core::wait_estimate::Estimate;

#[component]
pub fn ContactForm(chat: Chat) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let conversation = move || chat.live.get().and_then(|live| live.transcript().with(|t| t.conversation().cloned()));
    let left = move || conversation().and_then(|conversation| conversation.contact_email);
    let offered = move || conversation().is_some_and(|conversation| nobody_can_answer_now(&conversation));
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if let Some(live) = chat.live.get_untracked() {
            live.leave_email(&email.get_untracked());
        }
    };
    view! {
        <p class="parley-notice" data-testid="contact-email" hidden=move || left().is_none()>
            "We'll answer at " {move || left().unwrap_or_default()} "."
        </p>
        <form class="parley-contact" on:submit=submit hidden=move || left().is_some() || !offered()>
            <label class="parley-contact-label" for="parley-contact-email">
                "Leave your e-mail and we'll answer there:"
            </label>
            <div class="parley-contact-row">
                <input
                    id="parley-contact-email"
                    class="parley-contact-input"
                    type="email"
                    autocomplete="email"
                    required
                    placeholder="you@example.com"
                    data-testid="leave-email"
                    on:input=move |event| email.set(event_target_value(&event))
                />
                <button type="submit" class="parley-send" data-testid="leave-email-submit">
                    "Save"
                </button>
            </div>
        </form>
    }
}

/// Waiting, and nobody can be expected soon.
fn nobody_can_answer_now(conversation: &ConversationView) -> bool {
    conversation.status == Status::Waiting
        && conversation.place.is_some_and(|place| place.closed || place.overdue || place.estimate == Estimate::NoAgents)
}

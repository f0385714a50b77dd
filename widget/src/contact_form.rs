//! "Leave your e-mail": offered while the shopper waits and nobody can answer now (no agent
//! online, the shop closed, or a wait running past what we said), so they can leave and be
//! answered by e-mail. Test hooks: `leave-email`, `leave-email-submit`, `contact-email`.
//!
//! Both the form and the confirmation are always in the page and shown or hidden: switching
//! views costs the widget far more code than an attribute.

use crate::attention::focus_composer;
use crate::chat::Chat;
use crate::live::{keep_in, live, on_submit};
use crate::text::{refusal, t, t_with};
use leptos::prelude::*;
use parley_core::protocol::{ConversationView, Status};
use parley_core::wait_estimate::Estimate;
use parley_core::widget_text::Text;

#[component]
pub fn ContactForm(chat: Chat) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let left = move || chat.conversation().and_then(|conversation| conversation.contact_email);
    let offered = move || chat.conversation().is_some_and(|conversation| nobody_can_answer_now(&conversation));
    let submit = on_submit(move || {
        let Some(live) = chat.live.get_untracked() else { return };
        // A mistyped address is refused in the shopper's words.
        let refused = live.leave_email(&email.get_untracked()).err();
        if refused.is_none() {
            focus_composer();
        }
        chat.error.set(refused.map(|_| refusal(t(Text::NotAnEmail).to_owned())));
    });
    view! {
        <p class="parley-notice" data-testid="contact-email" role="status" hidden=live(move || left().is_none())>
            {live(move || left().map(|address| t_with(Text::AnswerAt, &[&address])))}
        </p>
        <form class="parley-contact" on:submit=submit hidden=live(move || left().is_some() || !offered())>
            <label class="parley-contact-label" for="parley-contact-email">
                {t(Text::LeaveEmailLabel)}
            </label>
            <div class="parley-contact-row">
                <input
                    id="parley-contact-email"
                    class="parley-contact-input"
                    type="email"
                    autocomplete="email"
                    required
                    placeholder=t(Text::EmailPlaceholder)
                    data-testid="leave-email"
                    on:input=keep_in(email)
                />
                <button type="submit" class="parley-send" data-testid="leave-email-submit">
                    {t(Text::Save)}
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

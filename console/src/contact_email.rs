//! The address a shopper left to be answered at when nobody could answer in time, shown on
//! their conversation in the queue and in My chats. Test hook: `data-testid="contact-email"`.

use leptos::prelude::*;

#[component]
pub fn ContactEmail(email: String) -> impl IntoView {
    let href = format!("mailto:{email}");
    view! {
        <span class="contact-email" data-testid="contact-email">
            "Answer by e-mail: " <a href=href>{email}</a>
        </span>
    }
}

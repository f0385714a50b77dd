//! What the shopper told the shop before their first message (its pre-chat fields), as facts
//! in the chat's header. Test hooks: `data-testid="shopper-name"` and `"shopper-email"`.

use leptos::prelude::*;
use parley_core::protocol::ShopperDetails;

#[component]
pub fn ShopperDetailsFacts(details: ShopperDetails) -> impl IntoView {
    let email = details.email.map(|email| {
        let href = format!("mailto:{email}");
        view! {
            <div class="fact">
                <dt>"E-mail"</dt>
                <dd data-testid="shopper-email">
                    <a href=href>{email}</a>
                </dd>
            </div>
        }
    });
    view! {
        {details.name.map(|name| view! {
            <div class="fact">
                <dt>"Name"</dt>
                <dd data-testid="shopper-name">{name}</dd>
            </div>
        })}
        {email}
    }
}

//! An owner invites someone by e-mail, as an agent or an owner (`invite-email`, `invite-role`,
//! `invite-submit`). Parley sends no mail: `POST /api/shops/{shop}/invites` answers a link that
//! works once, for 7 days, shown whole to copy and hand on (`invite-link`, `invite-link-copy`).
//! The getting-started checklist hears of it (`shop_changed`).

use crate::api::post_json;
use crate::checklist::remember_invite;
use crate::form_errors::{FieldError, FormErrors, GeneralError};
use crate::issued_link::IssuedLinkField;
use crate::roles::{role_from_value, role_name, role_value, ROLES};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{ApiError, ErrorCode, Invite, IssuedLink, Role};

const FIELDS: &[&str] = &["email", "role"];

#[component]
pub fn InviteForm(shop: ShopId, shop_changed: Trigger) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let errors = FormErrors::new(FIELDS);
    let issued = RwSignal::new(None::<(String, IssuedLink)>);
    let sending = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/shops/{shop}/invites"));
    let shop = StoredValue::new(shop);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        errors.clear();
        let address = email.get_untracked().trim().to_lowercase();
        let Ok(invitee) = AgentId::parse(&address) else {
            errors.show(
                ApiError::new(ErrorCode::BadRequest, "That does not look like an e-mail address.").about("email"),
            );
            return;
        };
        sending.set(true);
        let invite = Invite { email: invitee, role: role.get_untracked() };
        spawn_local_scoped(async move {
            match post_json::<_, IssuedLink>(&path.get_value(), &invite).await {
                Ok(link) => {
                    issued.set(Some((address, link)));
                    email.set(String::new());
                    remember_invite(&shop.get_value());
                    shop_changed.notify();
                }
                Err(refused) => errors.show(refused),
            }
            sending.set(false);
        });
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <GeneralError errors testid="invite-error" />
            <div class="form-row">
                <div class="form-field grow">
                    <label class="field-label" for="invite-email">
                        "E-mail"
                    </label>
                    <input
                        id="invite-email"
                        class="field"
                        type="email"
                        autocomplete="off"
                        required
                        data-testid="invite-email"
                        aria-describedby="invite-email-error"
                        aria-invalid=move || errors.about("email").map(|_| "true")
                        bind:value=email
                    />
                </div>
                <div class="form-field">
                    <label class="field-label" for="invite-role">
                        "Role"
                    </label>
                    <select
                        id="invite-role"
                        class="field"
                        data-testid="invite-role"
                        on:change=move |event| {
                            if let Some(chosen) = role_from_value(&event_target_value(&event)) {
                                role.set(chosen);
                            }
                        }
                    >
                        {ROLES
                            .map(|choice| {
                                view! {
                                    <option value=role_value(choice) prop:selected=move || role.get() == choice>
                                        {role_name(choice)}
                                    </option>
                                }
                            })}
                    </select>
                </div>
                <button type="submit" class="button primary" data-testid="invite-submit" disabled=move || sending.get()>
                    "Invite"
                </button>
            </div>
            <FieldError errors field="email" id="invite-email-error" />
        </form>
        {move || {
            issued
                .get()
                .map(|(address, link)| {
                    view! {
                        <IssuedLinkField link id="invite-link".to_owned() testid="invite-link" label=format!("Invite link for {address}") />
                    }
                })
        }}
    }
}

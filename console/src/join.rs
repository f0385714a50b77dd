//! Joining a shop's team by an invite: whom it is for and as what, then a name and a password
//! (`accept-name`, `accept-password`, `accept-submit`). `POST /api/invites/accept` answers the
//! new member's profile and sets the session cookie, which opens the console signed in.

use crate::api::post_json;
use crate::entry_card::{EntryCard, SignInInstead};
use crate::form_errors::{FormErrors, GeneralError};
use crate::session::Session;
use crate::text_field::TextField;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{AcceptInvite, AgentProfile, LinkToken, LinkView, Role};

const FIELDS: &[&str] = &["name", "password"];

#[component]
pub fn JoinForm(view: LinkView, role: Role, link: LinkToken, session: RwSignal<Session>) -> impl IntoView {
    let (name, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new(FIELDS);
    let sending = RwSignal::new(false);
    let link = StoredValue::new(link);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        errors.clear();
        let LinkToken { shop, token } = link.get_value();
        let accept = AcceptInvite { shop, token, name: name.get_untracked(), password: password.get_untracked() };
        spawn_local_scoped(async move {
            match post_json::<_, AgentProfile>("/api/invites/accept", &accept).await {
                Ok(member) => session.set(Session::SignedIn(member)),
                Err(refused) => {
                    errors.show(refused);
                    sending.set(false);
                }
            }
        });
    };
    let role = match role {
        Role::Owner => "an owner",
        Role::Agent => "an agent",
    };
    view! {
        <EntryCard title="Join your team on Parley">
            <p class="login-subtitle" data-testid="link-purpose">
                {format!("{} invites {} to answer its shoppers as {role}.", view.shop_name, view.email)}
            </p>
            <form class="entry-form" on:submit=submit>
                <GeneralError errors testid="accept-error" />
                <TextField
                    id="accept-name"
                    label="Your name"
                    hint="Shoppers see it when you answer"
                    value=name
                    errors
                    field="name"
                    autocomplete="name"
                    required=true
                />
                <TextField
                    id="accept-password"
                    label="Choose a password"
                    hint="At least 10 characters, and not a common one"
                    kind="password"
                    value=password
                    errors
                    field="password"
                    autocomplete="new-password"
                    required=true
                />
                <button type="submit" class="button primary" data-testid="accept-submit" disabled=move || sending.get()>
                    {move || if sending.get() { "Joining…" } else { "Join the team" }}
                </button>
            </form>
            <p class="entry-aside">"Already on the team? " <SignInInstead session label="Sign in" /></p>
        </EntryCard>
    }
}

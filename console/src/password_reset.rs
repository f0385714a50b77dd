//! Choosing a new password by a reset link: whose it is, then the new password twice
//! (`reset-password`, `reset-password-again`, `reset-submit`), checked equal here before
//! `POST /api/password-resets`, which ends every session of the member. Then the sign-in form
//! says the password is changed.

use crate::api::post_no_answer;
use crate::entry_card::{EntryCard, SignInInstead};
use crate::form_errors::{FormErrors, GeneralError};
use crate::session::Session;
use crate::text_field::TextField;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{ApiError, ErrorCode, LinkToken, LinkView, PasswordReset};

/// The form's fields: the new password as the edge names it, and its repetition, which only
/// this form checks.
const FIELDS: &[&str] = &["password", "again"];

#[component]
pub fn PasswordResetForm(view: LinkView, link: LinkToken, session: RwSignal<Session>) -> impl IntoView {
    let (password, again) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new(FIELDS);
    let sending = RwSignal::new(false);
    let link = StoredValue::new(link);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        if password.get_untracked() != again.get_untracked() {
            errors.show(
                ApiError::new(ErrorCode::BadRequest, "The two passwords differ; type the same twice.").about("again"),
            );
            return;
        }
        sending.set(true);
        errors.clear();
        let LinkToken { shop, token } = link.get_value();
        let reset = PasswordReset { shop, token, password: password.get_untracked() };
        spawn_local_scoped(async move {
            match post_no_answer("/api/password-resets", &reset).await {
                Ok(()) => {
                    session.set(Session::SignedOut { notice: Some("Your password is changed; sign in.".to_owned()) })
                }
                Err(refused) => {
                    errors.show(refused);
                    sending.set(false);
                }
            }
        });
    };
    view! {
        <EntryCard title="Choose a new password">
            <p class="login-subtitle" data-testid="link-purpose">
                {format!("For {} at {}. Every place you are signed in signs out.", view.email, view.shop_name)}
            </p>
            <form class="entry-form" on:submit=submit>
                <GeneralError errors testid="reset-error" />
                <TextField
                    id="reset-password"
                    label="New password"
                    hint="At least 10 characters, and not a common one"
                    kind="password"
                    value=password
                    errors
                    field="password"
                    autocomplete="new-password"
                    required=true
                />
                <TextField
                    id="reset-password-again"
                    label="The new password again"
                    kind="password"
                    value=again
                    errors
                    field="again"
                    autocomplete="new-password"
                    required=true
                />
                <button type="submit" class="button primary" data-testid="reset-submit" disabled=move || sending.get()>
                    {move || if sending.get() { "Saving…" } else { "Save the new password" }}
                </button>
            </form>
            <p class="entry-aside">"Remembered it after all? " <SignInInstead session label="Sign in" /></p>
        </EntryCard>
    }
}

//! What every member does for themselves: go away (online, but given no new chats) and back
//! (`away-toggle`, sent on the desk socket), change their password (`password-current`,
//! `password-new`, `password-submit`; the other sessions end), and sign out everywhere
//! (`sign-out-everywhere`; every session ends, this one too).

use crate::api::{post_empty, post_no_answer};
use crate::desk::Desk;
use crate::form_errors::{FormErrors, GeneralError};
use crate::session::Session;
use crate::text_field::TextField;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_client::Link;
use parley_core::protocol::{AgentProfile, ErrorCode, PasswordChange};

/// The change-password form's fields: the current one, and the new one as the edge names it.
const FIELDS: &[&str] = &["current", "password"];

#[component]
pub fn MyAccount(me: AgentProfile, desk: Desk, session: RwSignal<Session>) -> impl IntoView {
    let email = me.email;
    let away = Memo::new(move |_| desk.seat_of(&email).is_some_and(|seat| seat.away));
    let sign_out_everywhere = move |_| {
        spawn_local_scoped(async move {
            match post_empty("/api/logout/everywhere").await {
                Ok(()) => session.set(Session::SignedOut { notice: Some("You are signed out everywhere.".to_owned()) }),
                Err(refused) => desk.report(refused),
            }
        });
    };
    view! {
        <div class="account">
            <div class="away">
                <button
                    type="button"
                    role="switch"
                    class="switch"
                    data-testid="away-toggle"
                    aria-checked=move || away.get().to_string()
                    aria-describedby="away-hint"
                    disabled=move || desk.link().get() != Link::Online
                    on:click=move |_| desk.set_away(!away.get_untracked())
                >
                    <span class="switch-track" aria-hidden="true"></span>
                    "Away"
                </button>
                <p class="field-hint" id="away-hint">
                    {move || {
                        if away.get() {
                            "You are away: you keep your chats, and are given no new ones."
                        } else {
                            "You are available: automatic assignment may give you chats."
                        }
                    }}
                </p>
            </div>
            <PasswordChangeForm />
            <div class="account-end">
                <button type="button" class="button" data-testid="sign-out-everywhere" on:click=sign_out_everywhere>
                    "Sign out everywhere"
                </button>
                <p class="field-hint">"Ends every session of yours, on every device, this one too."</p>
            </div>
        </div>
    }
}

#[component]
fn PasswordChangeForm() -> impl IntoView {
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new(FIELDS);
    let done = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        errors.clear();
        done.set(false);
        let change = PasswordChange { current: current.get_untracked(), new: new.get_untracked() };
        spawn_local_scoped(async move {
            match post_no_answer("/api/password", &change).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    done.set(true);
                }
                // Here a 401 is about the current password, which the edge does not name.
                Err(refused) if refused.code == ErrorCode::Unauthorized && refused.field.is_none() => {
                    errors.show(refused.about("current"));
                }
                Err(refused) => errors.show(refused),
            }
            sending.set(false);
        });
    };
    view! {
        <form class="password-change" on:submit=submit aria-labelledby="password-change-heading">
            <h4 class="card-subheading" id="password-change-heading">
                "Change your password"
            </h4>
            <GeneralError errors testid="password-error" />
            <TextField
                id="password-current"
                label="Current password"
                kind="password"
                value=current
                errors
                field="current"
                autocomplete="current-password"
                required=true
            />
            <TextField
                id="password-new"
                label="New password"
                hint="At least 10 characters, and not a common one. Your other sessions end."
                kind="password"
                value=new
                errors
                field="password"
                autocomplete="new-password"
                required=true
            />
            <button type="submit" class="button" data-testid="password-submit" disabled=move || sending.get()>
                "Change password"
            </button>
            <Show when=move || done.get()>
                <p class="success" role="status" data-testid="password-changed">
                    "Your password is changed; your other sessions are signed out."
                </p>
            </Show>
        </form>
    }
}

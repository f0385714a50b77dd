//! The sign-up screen (`/console/signup`): a new shop and its first owner, as the edge allows
//! (`GET /api/signup`): open, with the operator's code (`data-testid="signup-code"`), or not at
//! all, which it says. `POST /api/signup` answers the owner's profile and sets the session
//! cookie, which opens the workspace; a refusal shows beside the field it names. Test hooks:
//! `signup-shop`, `signup-shop-name`, `signup-name`, `signup-email`, `signup-password`,
//! `signup-submit`, and `{hook}-error` beside each.

use crate::api::{get_json, post_json};
use crate::entry_card::{EntryCard, SignInInstead};
use crate::form_errors::{FormErrors, GeneralError};
use crate::session::Session;
use crate::text_field::TextField;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{AgentProfile, ApiError, Signup, SignupMode, SignupModeView};

/// The fields of `Signup` the form has a place for.
const FIELDS: &[&str] = &["shop", "shop_name", "name", "email", "password", "code"];

#[component]
pub fn SignUp(session: RwSignal<Session>) -> impl IntoView {
    let mode = RwSignal::new(None::<Result<SignupMode, ApiError>>);
    spawn_local_scoped(async move {
        mode.set(Some(get_json::<SignupModeView>("/api/signup").await.map(|view| view.mode)));
    });
    view! {
        <EntryCard title="Create your shop">
            {move || match mode.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(error)) => {
                    view! { <p class="error" role="alert">{format!("Cannot reach Parley: {}", error.message)}</p> }
                        .into_any()
                }
                Some(Ok(SignupMode::Closed)) => {
                    view! {
                        <p class="notice" role="status" data-testid="signup-closed">
                            "This Parley does not take sign-ups. Ask its operator for a link to your shop."
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(mode)) => view! { <SignUpForm session with_code=mode == SignupMode::Invite /> }.into_any(),
            }}
            <p class="entry-aside">"Already on a team? " <SignInInstead session label="Sign in" /></p>
        </EntryCard>
    }
}

#[component]
fn SignUpForm(session: RwSignal<Session>, with_code: bool) -> impl IntoView {
    let [shop, shop_name, name, email, password, code] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors = FormErrors::new(FIELDS);
    let sending = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        errors.clear();
        let signup = Signup {
            shop: shop.get_untracked().trim().to_owned(),
            shop_name: shop_name.get_untracked(),
            name: name.get_untracked(),
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            code: with_code.then(|| code.get_untracked().trim().to_owned()),
        };
        spawn_local_scoped(async move {
            match post_json::<_, AgentProfile>("/api/signup", &signup).await {
                // Replaces this screen with the new owner's workspace.
                Ok(owner) => session.set(Session::SignedIn(owner)),
                Err(refused) => {
                    errors.show(refused);
                    sending.set(false);
                }
            }
        });
    };
    view! {
        <p class="login-subtitle">"A shop on Parley, and you as its owner. You invite your team next."</p>
        <form class="entry-form" on:submit=submit>
            <GeneralError errors testid="signup-error" />
            <TextField
                id="signup-shop"
                label="Shop id"
                hint="3 to 40 of a–z, 0–9 and -, starting with a letter; it goes in your embed tag"
                value=shop
                errors
                field="shop"
                required=true
            />
            <TextField
                id="signup-shop-name"
                label="Shop name"
                value=shop_name
                errors
                field="shop_name"
                autocomplete="organization"
                required=true
            />
            <TextField id="signup-name" label="Your name" value=name errors field="name" autocomplete="name" required=true />
            <TextField
                id="signup-email"
                label="Your e-mail"
                kind="email"
                value=email
                errors
                field="email"
                autocomplete="email"
                required=true
            />
            <TextField
                id="signup-password"
                label="Password"
                hint="At least 10 characters, and not a common one"
                kind="password"
                value=password
                errors
                field="password"
                autocomplete="new-password"
                required=true
            />
            {with_code
                .then(|| {
                    view! {
                        <TextField
                            id="signup-code"
                            label="Sign-up code"
                            hint="The code this Parley's operator gave you"
                            value=code
                            errors
                            field="code"
                            autocomplete="off"
                            required=true
                        />
                    }
                })}
            <button type="submit" class="button primary" data-testid="signup-submit" disabled=move || sending.get()>
                {move || if sending.get() { "Creating your shop…" } else { "Create shop" }}
            </button>
        </form>
    }
}

//! The sign-in form. A successful `POST /api/login` sets the session cookie and answers with
//! the agent's profile, which opens the workspace. A notice above the form says why it is
//! shown, when something sent the agent here (`data-testid="login-notice"`); a refused sign-in
//! says why below it (`data-testid="login-error"`). Where the edge takes sign-ups, the form
//! links to them.

use crate::api::{get_json, post_json};
use crate::session::Session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{AgentProfile, LoginRequest, SignupMode, SignupModeView};

#[component]
pub fn Login(session: RwSignal<Session>, notice: Option<String>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let signing_in = RwSignal::new(false);
    let signup_open = RwSignal::new(false);
    spawn_local_scoped(async move {
        // Without an answer the link is simply not offered.
        if let Ok(view) = get_json::<SignupModeView>("/api/signup").await {
            signup_open.set(view.mode != SignupMode::Closed);
        }
    });
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if signing_in.get_untracked() {
            return;
        }
        signing_in.set(true);
        error.set(None);
        let request =
            LoginRequest { email: email.get_untracked().trim().to_owned(), password: password.get_untracked() };
        spawn_local_scoped(async move {
            match post_json::<_, AgentProfile>("/api/login", &request).await {
                // Replaces this form (and its signals) with the workspace.
                Ok(agent) => session.set(Session::SignedIn(agent)),
                Err(refused) => {
                    error.set(Some(refused.message));
                    signing_in.set(false);
                }
            }
        });
    };
    view! {
        <main class="login">
            <form class="login-card" on:submit=submit>
                <h1 class="login-title">"Parley"</h1>
                <p class="login-subtitle">"Sign in to answer your shop's visitors."</p>
                {notice.map(|notice| view! { <p class="notice" role="status" data-testid="login-notice">{notice}</p> })}
                <label class="field-label" for="login-email">
                    "E-mail"
                </label>
                <input
                    id="login-email"
                    class="field"
                    type="email"
                    autocomplete="username"
                    required
                    data-testid="login-email"
                    bind:value=email
                />
                <label class="field-label" for="login-password">
                    "Password"
                </label>
                <input
                    id="login-password"
                    class="field"
                    type="password"
                    autocomplete="current-password"
                    required
                    data-testid="login-password"
                    bind:value=password
                />
                {move || {
                    error.get().map(|message| view! { <p class="error" role="alert" data-testid="login-error">{message}</p> })
                }}
                <button type="submit" class="button primary" data-testid="login-submit" disabled=move || signing_in.get()>
                    {move || if signing_in.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <Show when=move || signup_open.get()>
                    <p class="entry-aside">"New to Parley? " <a href="/console/signup" data-testid="signup-link">"Create a shop"</a></p>
                </Show>
            </form>
        </main>
    }
}

//! The card the ways into the console are drawn on (sign-up, joining by an invite, choosing a
//! new password), and their way to the sign-in form (`data-testid="entry-sign-in"`).

use crate::session::Session;
use leptos::prelude::*;

#[component]
pub fn EntryCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="login">
            <div class="login-card entry-card">
                <h1 class="login-title">{title}</h1>
                {children()}
            </div>
        </main>
    }
}

/// A button to the sign-in form, for whoever has an account already or a link that no longer
/// works.
#[component]
pub fn SignInInstead(session: RwSignal<Session>, label: &'static str) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button link-button"
            data-testid="entry-sign-in"
            on:click=move |_| session.set(Session::SignedOut { notice: None })
        >
            {label}
        </button>
    }
}

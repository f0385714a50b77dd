//! The page of a single-use link (`/console/join#…`, `/console/reset#…`): `POST
//! /api/links/check` says what the link is for while it works, which picks the form: joining
//! the shop's team, or choosing a new password. A link that was used, has expired or was cut
//! short says so, with the way to the sign-in form (`data-testid="link-refused"`).

use crate::api::post_json;
use crate::entry::LinkFragment;
use crate::entry_card::{EntryCard, SignInInstead};
use crate::join::JoinForm;
use crate::password_reset::PasswordResetForm;
use crate::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{ApiError, LinkToken, LinkView};
use parley_core::team::LinkPurpose;

#[component]
pub fn LinkPage(fragment: LinkFragment, session: RwSignal<Session>) -> impl IntoView {
    let LinkFragment::Complete(link) = fragment else {
        let cut_short = "This link is incomplete: copy the whole link from its message and open it again.";
        return view! { <Refused message=cut_short.to_owned() session /> }.into_any();
    };
    let checked = RwSignal::new(None::<Result<LinkView, ApiError>>);
    let token = link.clone();
    spawn_local_scoped(async move {
        checked.set(Some(post_json::<_, LinkView>("/api/links/check", &token).await));
    });
    let link = StoredValue::new(link);
    (move || match checked.get() {
        None => view! {
            <EntryCard title="Parley">
                <p class="loading" role="status">"Checking your link…"</p>
            </EntryCard>
        }
        .into_any(),
        Some(Err(refused)) => view! { <Refused message=refused.message session /> }.into_any(),
        Some(Ok(view)) => purpose_form(view, link.get_value(), session),
    })
    .into_any()
}

/// The form for what the link is for.
fn purpose_form(view: LinkView, link: LinkToken, session: RwSignal<Session>) -> AnyView {
    match view.purpose {
        LinkPurpose::Invite { role } => view! { <JoinForm view role link session /> }.into_any(),
        LinkPurpose::PasswordReset => view! { <PasswordResetForm view link session /> }.into_any(),
    }
}

/// A link that does not work (any more), and why.
#[component]
fn Refused(message: String, session: RwSignal<Session>) -> impl IntoView {
    view! {
        <EntryCard title="This link does not work">
            <p class="error" role="alert" data-testid="link-refused">{message}</p>
            <p class="entry-aside">
                "Ask whoever sent it for a new one, or if you have an account: " <SignInInstead session label="Sign in" />
            </p>
        </EntryCard>
    }
}

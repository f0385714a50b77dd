//! One member of the team (`data-testid="team-member"`): name, e-mail, role
//! (`member-role`), presence (`member-presence`: online, away or offline) and load against
//! capacity (`member-load`). An owner changes anyone's role (a shop keeps an owner: the edge
//! refuses to demote the last one, and the refusal shows here), and for anyone else makes a
//! password-reset link to hand on (`reset-link-issue`, then `reset-link`) or removes them
//! (`remove`, then `remove-confirm` or `remove-cancel`): their sessions end at once and their
//! chats go back to the queue.

use crate::api::{patch_json, post_json, post_no_answer};
use crate::issued_link::IssuedLinkField;
use crate::roles::{role_from_value, role_name, role_value, ROLES};
use leptos::html::Button;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::{AgentId, ShopId};
use parley_core::protocol::{AgentProfile, IssuedLink, NamedMember, Role, RoleChange, TeamMember};

#[component]
pub fn MemberRow(
    member: Memo<Option<TeamMember>>,
    me: AgentId,
    shop: ShopId,
    owner: bool,
    /// Notified after a change the list must show.
    changed: Trigger,
) -> impl IntoView {
    let Some(email) = member.with_untracked(|member| member.as_ref().map(|member| member.email.clone())) else {
        return ().into_any();
    };
    let itself = email == me;
    let read = move |part: fn(&TeamMember) -> String| move || member.with(|member| member.as_ref().map(part));
    let name = read(|member| member.name.clone());
    let presence_word = read(presence);
    let role = Memo::new(move |_| member.with(|member| member.as_ref().map_or(Role::Agent, |member| member.role)));
    let error = RwSignal::new(None::<String>);
    let team_path = StoredValue::new(format!("/api/shops/{shop}/team"));
    let email = StoredValue::new(email);
    view! {
        <li class="member" data-testid="team-member">
            <div class="member-who">
                <span class="member-name">{name} {itself.then_some(" (you)")}</span>
                <span class="member-email">{email.get_value().to_string()}</span>
            </div>
            <span class=move || format!("presence presence-{}", presence_word().unwrap_or_default().to_lowercase()) data-testid="member-presence">
                {presence_word}
            </span>
            <span class="member-load" data-testid="member-load">
                {read(|member| format!("{} of {} chats", member.load, member.capacity))}
            </span>
            {if owner {
                view! { <RoleSelect role name=Signal::derive(name) email team_path error changed /> }.into_any()
            } else {
                view! { <span class="role-badge" data-testid="member-role">{move || role_name(role.get())}</span> }.into_any()
            }}
            {(owner && !itself).then(|| view! { <MemberActions email name=Signal::derive(name) team_path error changed /> })}
            {move || error.get().map(|message| view! { <p class="error member-error" role="alert">{message}</p> })}
        </li>
    }
    .into_any()
}

/// An owner's choice of a member's role, sent at once.
#[component]
fn RoleSelect(
    role: Memo<Role>,
    name: Signal<Option<String>>,
    email: StoredValue<AgentId>,
    team_path: StoredValue<String>,
    error: RwSignal<Option<String>>,
    changed: Trigger,
) -> impl IntoView {
    // What the select shows: set again (even to the same role) after a refusal, so it springs
    // back from the choice the edge refused.
    let shown = RwSignal::new(role.get_untracked());
    Effect::new(move || shown.set(role.get()));
    let choose = move |choice: String| {
        let Some(to) = role_from_value(&choice) else { return };
        let before = shown.get_untracked();
        shown.set(to);
        error.set(None);
        let change = RoleChange { email: email.get_value(), role: to };
        spawn_local_scoped(async move {
            match patch_json::<_, AgentProfile>(&team_path.get_value(), &change).await {
                Ok(_) => changed.notify(),
                Err(refused) => {
                    error.set(Some(refused.message));
                    shown.set(before);
                }
            }
        });
    };
    view! {
        <select
            class="field small"
            data-testid="member-role"
            aria-label=move || format!("Role of {}", name.get().unwrap_or_default())
            on:change=move |event| choose(event_target_value(&event))
        >
            {ROLES
                .map(|role| {
                    view! {
                        <option value=role_value(role) prop:selected=move || shown.get() == role>
                            {role_name(role)}
                        </option>
                    }
                })}
        </select>
    }
}

/// An owner's actions on another member: a password-reset link, and removal after a second
/// look.
#[component]
fn MemberActions(
    email: StoredValue<AgentId>,
    name: Signal<Option<String>>,
    team_path: StoredValue<String>,
    error: RwSignal<Option<String>>,
    changed: Trigger,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let reset_link = RwSignal::new(None::<IssuedLink>);
    let confirm_button = NodeRef::<Button>::new();
    // The second look takes the keyboard, so it is where the owner's attention is.
    Effect::new(move || {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let who = move || name.get().unwrap_or_default();
    let issue_reset = move |_| {
        error.set(None);
        let member = NamedMember { email: email.get_value() };
        spawn_local_scoped(async move {
            match post_json::<_, IssuedLink>(&format!("{}/resets", team_path.get_value()), &member).await {
                Ok(link) => reset_link.set(Some(link)),
                Err(refused) => error.set(Some(refused.message)),
            }
        });
    };
    let remove = move |_| {
        error.set(None);
        let member = NamedMember { email: email.get_value() };
        spawn_local_scoped(async move {
            match post_no_answer(&format!("{}/removals", team_path.get_value()), &member).await {
                Ok(()) => changed.notify(),
                Err(refused) => {
                    confirming.set(false);
                    error.set(Some(refused.message));
                }
            }
        });
    };
    view! {
        <div class="member-actions">
            <button type="button" class="button small" data-testid="reset-link-issue" on:click=issue_reset>
                "Password reset link"
            </button>
            <button
                type="button"
                class="button small danger"
                data-testid="remove"
                aria-expanded=move || confirming.get().to_string()
                on:click=move |_| confirming.set(true)
            >
                "Remove"
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div class="confirm" role="group" aria-label=move || format!("Remove {}?", who())>
                <p>{move || format!("Remove {} from the team? They are signed out at once, and their chats go back to the queue.", who())}</p>
                <button type="button" class="button small danger" data-testid="remove-confirm" node_ref=confirm_button on:click=remove>
                    {move || format!("Remove {}", who())}
                </button>
                <button type="button" class="button small" data-testid="remove-cancel" on:click=move |_| confirming.set(false)>
                    "Keep"
                </button>
            </div>
        </Show>
        {move || {
            reset_link
                .get()
                .map(|link| {
                    view! {
                        <IssuedLinkField
                            link
                            id=format!("reset-link-{}", email.get_value())
                            testid="reset-link"
                            label=format!("Password reset link for {}", who())
                        />
                    }
                })
        }}
    }
}

fn presence(member: &TeamMember) -> String {
    match (member.online, member.away) {
        (true, true) => "Away",
        (true, false) => "Online",
        (false, _) => "Offline",
    }
    .to_owned()
}

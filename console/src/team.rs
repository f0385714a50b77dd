//! The Team view: everyone on the shop's team (`GET /api/shops/{shop}/team`) with their role,
//! presence and load, looked at again whenever the desk lists its agents anew (someone came
//! online, went away, took a chat) and every 30 s. Agents read it; owners also change roles,
//! remove members, make password-reset links and invite people. Everyone sets themselves away,
//! changes their password and signs out everywhere. Test hook: `data-testid="team"`.

use crate::api::get_json;
use crate::card::Card;
use crate::clock;
use crate::desk::Desk;
use crate::invite_form::InviteForm;
use crate::my_account::MyAccount;
use crate::session::Session;
use crate::team_member::MemberRow;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::protocol::{AgentProfile, ApiError, Role, TeamMember};
use std::time::Duration;

/// How often the shown team is looked at again, besides the desk's news.
const REFRESH_EVERY: Duration = Duration::from_secs(30);

#[component]
pub fn TeamTab(me: AgentProfile, desk: Desk, session: RwSignal<Session>, shop_changed: Trigger) -> impl IntoView {
    let owner = me.role == Role::Owner;
    let members = RwSignal::new(None::<Vec<TeamMember>>);
    let error = RwSignal::new(None::<ApiError>);
    // A change made here (a role, a removal): the list is looked at again.
    let changed = Trigger::new();
    let loading = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/shops/{}/team", me.shop));
    let refresh = move || {
        // One request at a time: the desk's news may come in bursts.
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        spawn_local_scoped(async move {
            // The last good list stays on screen when a look fails.
            match get_json::<Vec<TeamMember>>(&path.get_value()).await {
                Ok(fresh) => {
                    members.set(Some(fresh));
                    error.set(None);
                }
                Err(refused) => error.set(Some(refused)),
            }
            loading.set(false);
        });
    };
    let seats = Memo::new(move |_| desk.seats());
    Effect::new(move || {
        seats.track();
        changed.track();
        refresh();
    });
    clock::every(REFRESH_EVERY, refresh);
    let emails = Memo::new(move |_| {
        members.with(|members| members.iter().flatten().map(|member| member.email.clone()).collect::<Vec<_>>())
    });
    let me_email = me.email.clone();
    let shop = me.shop.clone();
    let invite_shop = me.shop.clone();
    view! {
        <section class="page" aria-labelledby="team-heading" data-testid="team">
            <header class="page-header">
                <h2 class="page-heading" id="team-heading">
                    "Team"
                </h2>
                <p class="page-intro">
                    {if owner {
                        "Who answers your shoppers, and what each may do."
                    } else {
                        "Who answers your shoppers. The shop's owners manage the team."
                    }}
                </p>
            </header>
            {move || error.get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            <div class="cards">
                <Card id="members" title="Members" wide=true>
                    {move || members.with(Option::is_none).then(|| view! { <p class="loading" role="status">"Loading…"</p> })}
                    <ul class="members">
                        <For
                            each=move || emails.get()
                            key=|email| email.clone()
                            children=move |email| {
                                let member = Memo::new({
                                    let email = email.clone();
                                    move |_| {
                                        members
                                            .with(|members| {
                                                members.iter().flatten().find(|member| member.email == email).cloned()
                                            })
                                    }
                                });
                                view! { <MemberRow member me=me_email.clone() shop=shop.clone() owner changed /> }
                            }
                        />
                    </ul>
                </Card>
                {owner.then(|| view! {
                    <Card id="invite" title="Invite someone">
                        <InviteForm shop=invite_shop.clone() shop_changed />
                    </Card>
                })}
                <Card id="you" title="You">
                    <MyAccount me=me.clone() desk session />
                </Card>
            </div>
        </section>
    }
}

//! Getting a shop live, for its owners: three steps that tick themselves once done. The tag is
//! pasted once the installation check has seen the widget on a page of the shop
//! (`GET /api/shops/{shop}/install`; an edge without the check has seen nothing), the team is
//! invited once the desk lists more than one member or an owner made an invite in this browser
//! (the edge lists no pending invites), and the hours are set once they differ from
//! the default (open around the clock, in UTC). Each step opens the view that does it. Shown
//! until all three are done, or until an owner dismisses it in this browser. Test hooks:
//! `checklist`, `checklist-step` (with `data-step` and `data-done`) and `checklist-dismiss`.

use crate::api::get_json;
use crate::clock;
use crate::desk::Desk;
use crate::main_view::MainView;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::protocol::{ErrorCode, InstallReport};
use parley_core::settings::ShopSettings;
use std::time::Duration;

/// How often the shown checklist looks again (the tag is pasted elsewhere, on the shop's site).
const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// Where this browser remembers that the checklist of a shop was dismissed.
fn dismissal_key(shop: &ShopId) -> String {
    format!("parley-checklist-dismissed:{shop}")
}

/// Where this browser remembers that an owner of a shop invited someone.
fn invite_key(shop: &ShopId) -> String {
    format!("parley-checklist-invited:{shop}")
}

/// Ticks the team step in this browser: an owner of `shop` just invited someone.
pub fn remember_invite(shop: &ShopId) {
    remember(&invite_key(shop));
}

#[component]
pub fn Checklist(shop: ShopId, desk: Desk, main_view: RwSignal<MainView>, shop_changed: Trigger) -> impl IntoView {
    let dismissed = RwSignal::new(remembered(&dismissal_key(&shop)));
    // Not known until the edge answers: a shop set up long ago must not flash an empty list.
    let tag_pasted = RwSignal::new(None::<bool>);
    let hours_set = RwSignal::new(None::<bool>);
    let invited_here = RwSignal::new(false);
    let team_invited = Memo::new(move |_| invited_here.get() || desk.seats().len() > 1);
    let paths = StoredValue::new((format!("/api/shops/{shop}/settings"), format!("/api/shops/{shop}/install")));
    let invited = StoredValue::new(invite_key(&shop));
    let look = move || {
        invited_here.set(remembered(&invited.get_value()));
        spawn_local_scoped(async move {
            let (settings_path, install_path) = paths.get_value();
            // A failed look leaves the step as it was; the next one may succeed.
            if let Ok(settings) = get_json::<ShopSettings>(&settings_path).await {
                hours_set.set(Some(hours_are_set(&settings)));
            }
            match get_json::<InstallReport>(&install_path).await {
                Ok(report) => tag_pasted.set(Some(!report.seen.is_empty())),
                Err(refused) if refused.code == ErrorCode::NotFound => tag_pasted.set(Some(false)),
                Err(_) => {}
            }
        });
    };
    // On start, when the owner goes to another view (they may have just done a step there),
    // and whenever the shop changes here.
    Effect::new(move || {
        main_view.track();
        shop_changed.track();
        look();
    });
    clock::every(REFRESH_EVERY, look);
    let steps = move || {
        let (tag, hours) = (tag_pasted.get()?, hours_set.get()?);
        Some([
            Step {
                hook: "tag",
                title: "Paste your tag",
                why: "on your shop's pages",
                done: tag,
                view: MainView::Install,
            },
            Step {
                hook: "team",
                title: "Invite your team",
                why: "so more of you can answer",
                done: team_invited.get(),
                view: MainView::Team,
            },
            Step {
                hook: "hours",
                title: "Set your hours",
                why: "and your time zone",
                done: hours,
                view: MainView::Settings,
            },
        ])
    };
    let shown = move || !dismissed.get() && steps().is_some_and(|steps| steps.iter().any(|step| !step.done));
    let dismiss = move |_| {
        remember(&dismissal_key(&shop));
        dismissed.set(true);
    };
    view! {
        <Show when=shown>
            <section class="checklist" aria-labelledby="checklist-heading" data-testid="checklist">
                <div class="checklist-header">
                    <h2 class="checklist-heading" id="checklist-heading">
                        "Get your shop live"
                    </h2>
                    <p class="checklist-progress">
                        {move || {
                            let done = steps().map_or(0, |steps| steps.iter().filter(|step| step.done).count());
                            format!("{done} of 3 done")
                        }}
                    </p>
                    <button type="button" class="button small" data-testid="checklist-dismiss" on:click=dismiss.clone()>
                        "Dismiss"
                    </button>
                </div>
                <ol class="checklist-steps">
                    {move || {
                        steps()
                            .into_iter()
                            .flatten()
                            .map(|Step { hook, title, why, done, view }| {
                                view! {
                                    <li class="checklist-step" class:done=done data-testid="checklist-step" data-step=hook data-done=done.to_string()>
                                        <span class="checklist-mark" aria-hidden="true">
                                            {if done { "✓" } else { "" }}
                                        </span>
                                        <button type="button" class="link-button" on:click=move |_| main_view.set(view)>
                                            {title}
                                        </button>
                                        <span class="checklist-why">{why}</span>
                                        <span class="visually-hidden">{if done { " (done)" } else { " (to do)" }}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ol>
            </section>
        </Show>
    }
}

/// One step of getting live, and the view where it is done.
struct Step {
    /// Its test hook (`data-step`).
    hook: &'static str,
    title: &'static str,
    why: &'static str,
    done: bool,
    view: MainView,
}

/// Whether the shop's opening hours or time zone differ from the defaults.
fn hours_are_set(settings: &ShopSettings) -> bool {
    let defaults = ShopSettings::default();
    settings.hours != defaults.hours || settings.time_zone != defaults.time_zone
}

/// Whether this browser keeps `key` (in its local storage).
fn remembered(key: &str) -> bool {
    let storage = window().local_storage().ok().flatten();
    storage.and_then(|storage| storage.get_item(key).ok().flatten()).is_some()
}

/// Keeps `key` in this browser; where storage is refused, it is forgotten with the page.
fn remember(key: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(key, "1");
    }
}

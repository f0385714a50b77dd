//! The Install view, for the shop's owners: the exact tag to paste (`snippet`, copied with
//! `snippet-copy`), the optional `window.Parley` stub (`stub`, `stub-copy`), the shop's allowed
//! origins, and the installation check (`GET /api/shops/{shop}/install`): each origin whose
//! pages loaded the widget lately (`install-seen`), and each refused because it is not allowed
//! (`install-refused`), with a button that adds it to the allowed origins
//! (`install-allow`, a merge patch of `allowed_origins`).

use crate::api::{get_json, patch_json};
use crate::card::Card;
use crate::clock;
use crate::copy_button::CopyButton;
use crate::format::ago;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::origin::OriginPattern;
use parley_core::protocol::{ApiError, ErrorCode, InstallReport, OriginSighting};
use parley_core::settings::ShopSettings;
use parley_core::time::UnixMillis;
use std::time::Duration;

/// The stub that queues calls to `window.Parley` until the loader arrives, as README.md gives it.
const STUB: &str = r#"<script>window.Parley=window.Parley||{q:[]};"open close toggle identify setLocale setContext on".split(" ").forEach(function(m){Parley[m]=Parley[m]||function(){Parley.q.push([m,[].slice.call(arguments)])}});</script>"#;

/// How often the shown check looks again: the tag is pasted elsewhere, on the shop's site.
const REFRESH_EVERY: Duration = Duration::from_secs(15);

/// The tag a shop pastes into its pages to load the widget from the edge at `edge_origin`.
pub fn snippet(edge_origin: &str, shop: &ShopId) -> String {
    format!(r#"<script async src="{edge_origin}/widget.js" data-shop="{shop}"></script>"#)
}

#[component]
pub fn InstallTab(shop: ShopId, shop_changed: Trigger, now: Signal<UnixMillis>) -> impl IntoView {
    // The console is served by the edge the widget comes from.
    let tag = snippet(&window().location().origin().unwrap_or_default(), &shop);
    let origins = RwSignal::new(None::<Result<Vec<OriginPattern>, ApiError>>);
    let report = RwSignal::new(None::<Result<InstallReport, ApiError>>);
    let paths = StoredValue::new((format!("/api/shops/{shop}/settings"), format!("/api/shops/{shop}/install")));
    let look = move || {
        spawn_local_scoped(async move {
            let (settings_path, install_path) = paths.get_value();
            let settings = get_json::<ShopSettings>(&settings_path).await;
            origins.set(Some(settings.map(|settings| settings.allowed_origins)));
            report.set(Some(get_json::<InstallReport>(&install_path).await));
        });
    };
    Effect::new(move || {
        shop_changed.track();
        look();
    });
    clock::every(REFRESH_EVERY, look);
    let adding_error = RwSignal::new(None::<String>);
    let allow = move |origin: String| {
        adding_error.set(None);
        spawn_local_scoped(async move {
            match allowed_with(&paths.get_value().0, &origin).await {
                Ok(()) => shop_changed.notify(),
                Err(refused) => adding_error.set(Some(refused.message)),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="install-heading" data-testid="install">
            <header class="page-header">
                <h2 class="page-heading" id="install-heading">
                    "Install"
                </h2>
                <p class="page-intro">"Paste the tag into every page of your shop, before the closing </body>."</p>
            </header>
            <div class="cards">
                <Card id="install-tag" title="Your tag" wide=true>
                    <pre class="code">
                        <code id="install-snippet" data-testid="snippet">{tag.clone()}</code>
                    </pre>
                    <CopyButton text=tag source="install-snippet".to_owned() testid="snippet-copy" label="Copy the tag" />
                </Card>
                <Card id="install-stub" title="Calling Parley before it loads (optional)" wide=true>
                    <p class="field-hint">
                        "To call window.Parley (identify, setContext, open…) before the tag has loaded, paste this line before the tag; the calls wait and run in order."
                    </p>
                    <pre class="code">
                        <code id="install-stub-code" data-testid="stub">{STUB}</code>
                    </pre>
                    <CopyButton text=STUB.to_owned() source="install-stub-code".to_owned() testid="stub-copy" label="Copy the stub" />
                </Card>
                <Card id="install-origins" title="Allowed origins">
                    <p class="field-hint">"The widget shows only on these sites; change them in Settings."</p>
                    {move || match origins.get() {
                        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                        Some(Err(refused)) => view! { <p class="error" role="alert">{refused.message}</p> }.into_any(),
                        Some(Ok(origins)) if origins.is_empty() => {
                            view! { <p class="empty-rows">"None yet: the widget shows on no site."</p> }.into_any()
                        }
                        Some(Ok(origins)) => view! {
                            <ul class="rows" data-testid="install-origins">
                                {origins.iter().map(|origin| view! { <li class="row">{origin.as_str().to_owned()}</li> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }}
                </Card>
                <Card id="install-check" title="Installation check">
                    <p class="error" role="alert">{move || adding_error.get()}</p>
                    {move || match report.get() {
                        None => view! { <p class="loading" role="status">"Checking…"</p> }.into_any(),
                        Some(Err(refused)) if refused.code == ErrorCode::NotFound => {
                            view! { <p>"The widget has not loaded anywhere yet."</p> }.into_any()
                        }
                        Some(Err(refused)) => view! { <p class="error" role="alert">{refused.message}</p> }.into_any(),
                        Some(Ok(report)) => view! { <Sightings report now allow /> }.into_any(),
                    }}
                </Card>
            </div>
        </section>
    }
}

/// What the installation check saw: where the widget loaded, and where it was refused.
#[component]
fn Sightings(report: InstallReport, now: Signal<UnixMillis>, allow: impl Fn(String) + Copy + 'static) -> impl IntoView {
    if report.seen.is_empty() && report.refused.is_empty() {
        return view! { <p>"The widget has not loaded anywhere yet. Paste the tag, then open one of your pages."</p> }
            .into_any();
    }
    let seen = report.seen.into_iter().map(|OriginSighting { origin, last_at }| {
        let hook = origin.clone();
        view! {
            <li class="sighting success" data-testid="install-seen" data-origin=hook>
                {move || format!("Seen on {origin} {}", ago(now.get(), last_at))}
            </li>
        }
    });
    let refused = report.refused.into_iter().map(|OriginSighting { origin, last_at }| {
        let to_allow = origin.clone();
        let label = format!("Allow {origin}");
        let hook = origin.clone();
        view! {
            <li class="sighting refused" data-testid="install-refused" data-origin=hook>
                {move || format!("Refused on {origin} {}: add it? ", ago(now.get(), last_at))}
                <button
                    type="button"
                    class="button small"
                    data-testid="install-allow"
                    aria-label=label
                    on:click=move |_| allow(to_allow.clone())
                >
                    "Add it"
                </button>
            </li>
        }
    });
    view! {
        <ul class="sightings">{seen.collect_view()} {refused.collect_view()}</ul>
    }
    .into_any()
}

/// Adds `origin` to the allowed origins of the settings at `path`, as they are now.
async fn allowed_with(path: &str, origin: &str) -> Result<(), ApiError> {
    let settings = get_json::<ShopSettings>(path).await?;
    let mut origins: Vec<String> = settings.allowed_origins.iter().map(|allowed| allowed.as_str().to_owned()).collect();
    if !origins.iter().any(|allowed| allowed == origin) {
        origins.push(origin.to_owned());
    }
    let patch = serde_json::json!({ "allowed_origins": origins });
    patch_json::<_, ShopSettings>(path, &patch).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_is_the_loaders_tag() {
        let shop = ShopId::parse("trail-shoes").expect("a shop id");
        assert_eq!(
            snippet("https://parley.example", &shop),
            r#"<script async src="https://parley.example/widget.js" data-shop="trail-shoes"></script>"#
        );
    }
}

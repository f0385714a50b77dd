//! The shop's service at a glance, from `GET /api/shops/{shop}/metrics` (the edge's default
//! window, the last 7 days): first-response time (median, p90, p99, mean, count, the
//! business-hours median, the share within the shop's target, and how the times spread), each
//! agent's share, resolution and handle times, shoppers' satisfaction (CSAT) and who is waiting
//! now; and for owners, what the edge gave up delivering (`dead_letters`). Refreshed on demand
//! and every 30 s while shown. Test hooks: `data-testid="frt-median"`, `"frt-p90"`,
//! `"csat-percent"`, `"csat-average"`, `"csat-count"` and `"dashboard-refresh"`.

use crate::api::get_json;
use crate::card::Card;
use crate::clock;
use crate::dead_letters::DeadLetterList;
use crate::desk::Desk;
use crate::format;
use crate::frt_histogram::FrtHistogram;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::metrics::{AgentMetrics, MetricsReport};
use parley_core::protocol::{ApiError, DeadLetters};
use std::time::Duration;

/// How often the shown dashboard asks for fresh figures.
const REFRESH_EVERY: Duration = Duration::from_secs(30);

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The dashboard of `shop`; an `owner` also sees what was given up delivering.
#[component]
pub fn Dashboard(shop: ShopId, desk: Desk, owner: bool) -> impl IntoView {
    let report = RwSignal::new(None::<MetricsReport>);
    let dead_letters = RwSignal::new(None::<DeadLetters>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/shops/{shop}/metrics"));
    let dead_letters_path = StoredValue::new(owner.then(|| format!("/api/shops/{shop}/dead-letters")));
    let refresh = move || {
        // One request at a time: a slow edge must not pile them up.
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        spawn_local_scoped(async move {
            // The last good figures stay on screen when a refresh fails.
            match get_json::<MetricsReport>(&path.get_value()).await {
                Ok(fresh) => {
                    report.set(Some(fresh));
                    error.set(None);
                }
                Err(refused) => error.set(Some(refused)),
            }
            if let Some(letters_path) = dead_letters_path.get_value() {
                match get_json::<DeadLetters>(&letters_path).await {
                    Ok(fresh) => dead_letters.set(Some(fresh)),
                    Err(refused) => error.set(Some(refused)),
                }
            }
            loading.set(false);
        });
    };
    refresh();
    clock::every(REFRESH_EVERY, refresh);
    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading" data-testid="dashboard">
            <header class="dashboard-header">
                <h2 class="dashboard-heading" id="dashboard-heading">
                    "Dashboard"
                </h2>
                <p class="dashboard-window">{move || report.with(|report| report.as_ref().map(window))}</p>
                <button
                    type="button"
                    class="button small"
                    data-testid="dashboard-refresh"
                    // Not disabled while loading: that would drop the keyboard focus.
                    aria-busy=move || loading.get().then_some("true")
                    on:click=move |_| refresh()
                >
                    {move || if loading.get() { "Refreshing…" } else { "Refresh" }}
                </button>
            </header>
            {move || error.get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            {move || match report.get() {
                Some(report) => view! { <Figures report desk dead_letters=dead_letters.get() /> }.into_any(),
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
            }}
        </section>
    }
}

/// "Last 7 days, as of 09:41".
fn window(report: &MetricsReport) -> String {
    let days = report.to.millis_since(report.from).div_ceil(DAY_MILLIS);
    let days = if days == 1 { "day".to_owned() } else { format!("{days} days") };
    format!("Last {days}, as of {}", format::time_of_day(report.to))
}

#[component]
fn Figures(report: MetricsReport, desk: Desk, dead_letters: Option<DeadLetters>) -> impl IntoView {
    let frt = report.frt_seconds;
    let target = format!("Within {}", format::round_duration(report.frt_target_seconds));
    view! {
        <div class="cards">
            <Card id="frt" title="First response" wide=true>
                <dl class="stats">
                    <Stat label="Median" value=format::seconds(frt.median) testid="frt-median" />
                    <Stat label="90th percentile" value=format::seconds(frt.p90) testid="frt-p90" />
                    <Stat label="99th percentile" value=format::seconds(frt.p99) testid="frt-p99" />
                    <Stat label="Mean" value=format::seconds(frt.mean) testid="frt-mean" />
                    <Stat label="Responses" value=frt.count.to_string() testid="frt-count" />
                    <Stat
                        label="Median in opening hours"
                        value=format::seconds(report.frt_business_seconds.median)
                        testid="frt-business-median"
                    />
                    <Stat label=target value=format::percent(report.within_target_percent) testid="frt-within-target" />
                </dl>
                <FrtHistogram buckets=report.frt_histogram />
            </Card>
            <Card id="now" title="Right now">
                <dl class="stats">
                    <Stat label="Waiting" value=report.waiting_now.to_string() testid="waiting-now" />
                    <Stat
                        label="Longest wait"
                        value=format::maybe_duration(report.oldest_wait_seconds.map(|seconds| seconds * 1000))
                        testid="oldest-wait"
                    />
                </dl>
            </Card>
            <Card id="resolution" title="Resolution">
                <dl class="stats">
                    <Stat
                        label="Median to resolve"
                        value=format::seconds(report.resolution_seconds.median)
                        testid="resolution-median"
                    />
                    <Stat
                        label="Median handling"
                        value=format::seconds(report.handle_seconds.median)
                        testid="handle-median"
                    />
                    <Stat label="Resolved" value=report.resolution_seconds.count.to_string() testid="resolved-count" />
                </dl>
            </Card>
            <Card id="csat" title="Satisfaction">
                <dl class="stats">
                    <Stat
                        label="Rated 4 or 5 (CSAT)"
                        value=format::percent(report.csat.satisfied_percent)
                        testid="csat-percent"
                    />
                    <Stat
                        label="Average rating"
                        value=format::average_score(report.csat.average_score)
                        testid="csat-average"
                    />
                    <Stat label="Ratings" value=report.csat.count.to_string() testid="csat-count" />
                </dl>
            </Card>
            <Card id="agents" title="Agents" wide=true>
                <AgentTable agents=report.per_agent desk />
            </Card>
            {dead_letters
                .map(|listing| {
                    view! {
                        <Card id="undelivered" title="Undelivered" wide=true>
                            <DeadLetterList listing />
                        </Card>
                    }
                })}
        </div>
    }
}

/// One figure with what it is.
#[component]
fn Stat(#[prop(into)] label: String, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="stat">
            <dt>{label}</dt>
            <dd data-testid=testid>{value}</dd>
        </div>
    }
}

/// Each agent with a first response or a resolution in the window.
#[component]
fn AgentTable(agents: Vec<AgentMetrics>, desk: Desk) -> impl IntoView {
    if agents.is_empty() {
        return view! { <p class="empty">"No first responses or resolutions yet."</p> }.into_any();
    }
    view! {
        <table class="agent-table" data-testid="agent-metrics">
            <thead>
                <tr>
                    <th scope="col">"Agent"</th>
                    <th scope="col">"First response, median"</th>
                    <th scope="col">"Responses"</th>
                    <th scope="col">"Resolved"</th>
                </tr>
            </thead>
            <tbody>
                {agents
                    .into_iter()
                    .map(|agent| {
                        let email = agent.agent.to_string();
                        view! {
                            <tr>
                                <th scope="row">
                                    {move || desk.name_of(&agent.agent).unwrap_or_else(|| email.clone())}
                                </th>
                                <td>{format::seconds(agent.frt_seconds.median)}</td>
                                <td>{agent.frt_seconds.count}</td>
                                <td>{agent.resolved}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

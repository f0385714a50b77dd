//! The shop's service at a glance, from `GET /api/shops/{shop}/metrics` over a window the agent
//! picks (`date_range`; at first the edge's default, the last 7 days): who is unanswered now
//! and for how long (`unanswered`), first-response time (median, p90, p99, mean, count, the
//! business-hours median, the share within the shop's target, and how the times spread), its
//! median and p90 per day beside the shop's industry average (`frt_chart`), each agent's share,
//! resolution and handle times and shoppers' satisfaction (CSAT); and for owners, the window as
//! CSV (`exports`) and what the edge gave up delivering (`dead_letters`). Refreshed on demand
//! and every 30 s while shown. Test hooks: `data-testid="frt-median"`, `"frt-p90"`,
//! `"industry-benchmark"`, `"csat-percent"`, `"csat-average"`, `"csat-count"` and
//! `"dashboard-refresh"`.

use crate::api::get_json;
use crate::card::Card;
use crate::clock;
use crate::date_range::{shown_days, DateRange, Window};
use crate::dead_letters::DeadLetterList;
use crate::desk::Desk;
use crate::exports::ExportLinks;
use crate::format;
use crate::frt_chart::{benchmark_range, comparison, FrtChart};
use crate::frt_histogram::FrtHistogram;
use crate::unanswered::Unanswered;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::industry::Industry;
use parley_core::metrics::{AgentMetrics, MetricsReport};
use parley_core::protocol::{ApiError, DeadLetters};
use std::time::Duration;

/// How often the shown dashboard asks for fresh figures.
const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// The dashboard of `shop`; an `owner` also gets the exports and sees what was given up
/// delivering.
#[component]
pub fn Dashboard(shop: ShopId, desk: Desk, owner: bool) -> impl IntoView {
    let report = RwSignal::new(None::<MetricsReport>);
    let dead_letters = RwSignal::new(None::<DeadLetters>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(false);
    // The window picked; `None` until a pick, for the edge's default.
    let picked = RwSignal::new(None::<Window>);
    // Each request's number: only the latest one's answer is shown, so a slow answer for an
    // earlier window never replaces the one picked since.
    let latest = StoredValue::new(0u64);
    let path = StoredValue::new(format!("/api/shops/{shop}/metrics"));
    let dead_letters_path = StoredValue::new(owner.then(|| format!("/api/shops/{shop}/dead-letters")));
    let fetch = move || {
        let number = latest.get_value() + 1;
        latest.set_value(number);
        let window = picked.get_untracked().map(|(from, to)| format!("?from={}&to={}", from.0, to.0));
        let metrics_path = format!("{}{}", path.get_value(), window.unwrap_or_default());
        loading.set(true);
        spawn_local_scoped(async move {
            let fresh = get_json::<MetricsReport>(&metrics_path).await;
            if latest.get_value() != number {
                return;
            }
            // The last good figures stay on screen when a refresh fails.
            match fresh {
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
    let refresh = move || {
        // One refresh at a time: a slow edge must not pile them up.
        if !loading.get_untracked() {
            fetch();
        }
    };
    let pick = move |window: Window| {
        picked.set(Some(window));
        fetch();
    };
    refresh();
    clock::every(REFRESH_EVERY, refresh);
    let shown = Signal::derive(move || report.with(|report| report.as_ref().map(|report| (report.from, report.to))));
    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading" data-testid="dashboard">
            <header class="dashboard-header">
                <h2 class="dashboard-heading" id="dashboard-heading">
                    "Dashboard"
                </h2>
                <p class="dashboard-window" data-testid="dashboard-window">
                    {move || report.with(|report| report.as_ref().map(window))}
                </p>
                {owner.then(|| view! { <ExportLinks shop=shop.clone() window=shown /> })}
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
            <DateRange shown pick />
            {move || error.get().map(|error| view! { <p class="error" role="alert">{error.message}</p> })}
            {move || match report.get() {
                Some(report) => view! { <Figures report desk dead_letters=dead_letters.get() /> }.into_any(),
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
            }}
        </section>
    }
}

/// "2024-03-04 to 2024-03-10 (UTC), as of 09:41".
fn window(report: &MetricsReport) -> String {
    let (first, last) = shown_days((report.from, report.to));
    let days = if first == last { first } else { format!("{first} to {last}") };
    format!("{days} (UTC), as of {}", format::time_of_day(report.to))
}

/// The shop's median beside its industry's published average, or how to choose one.
fn industry_benchmark(industry: Option<Industry>, median_seconds: Option<f64>) -> (String, String) {
    let Some(industry) = industry else {
        return ("Industry average".to_owned(), "Choose your industry in the settings".to_owned());
    };
    let benchmark = industry.benchmark();
    let compared = median_seconds
        .map(|median| format!(" · your median is {} it", comparison(median, benchmark)))
        .unwrap_or_default();
    (format!("{} industry average", industry.name()), format!("{}{compared}", benchmark_range(benchmark)))
}

#[component]
fn Figures(report: MetricsReport, desk: Desk, dead_letters: Option<DeadLetters>) -> impl IntoView {
    let frt = report.frt_seconds;
    let target = format!("Within {}", format::round_duration(report.frt_target_seconds));
    let (industry_label, industry_value) = industry_benchmark(report.industry, frt.median);
    view! {
        <Unanswered
            waiting=report.waiting_now
            oldest_seconds=report.oldest_wait_seconds
            past_target=report.waiting_past_target
            target_seconds=report.frt_target_seconds
        />
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
                    <Stat label=industry_label value=industry_value testid="industry-benchmark" />
                </dl>
                <FrtChart days=report.by_day industry=report.industry />
                <FrtHistogram buckets=report.frt_histogram />
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

//! The dashboard in headless Chromium: who is unanswered now, the first-response chart per day
//! with the shop's industry average beside it, the date-range picker changing the window, and
//! the owner's CSV links following it; axe finds nothing serious on it. The page object reads
//! the dashboard by its test hooks.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::accessibility::{ensure_accessible, Scope};
use crate::browser::{eventually, Console};
use crate::case;
use crate::client::Api;
use crate::engine::{resolved_conversation, waiting_conversation};
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::time::UnixMillis;
use parley_core::utc_date;

pub fn cases() -> Vec<Case> {
    vec![case!(browser the_dashboard_charts_each_day_follows_the_picked_window_and_shows_the_unanswered)]
}

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The dashboard of a signed-in console.
struct DashboardPage<'a> {
    driver: &'a WebDriver,
}

impl<'a> DashboardPage<'a> {
    async fn open(console: &'a Console) -> Result<Self> {
        let tab = eventually("the dashboard's tab", || async {
            Ok(console.driver.find(By::Css("[data-testid=dashboard-tab]")).await.ok())
        })
        .await?;
        tab.click().await?;
        Ok(Self { driver: &console.driver })
    }

    /// The text of `testid` once `ready` holds for it, asking for fresh figures meanwhile (the
    /// edge records a first response just after the reply).
    async fn figure(&self, testid: &str, ready: impl Fn(&str) -> bool) -> Result<String> {
        eventually(&format!("the dashboard's {testid}"), || async {
            if let Ok(figure) = self.driver.find(By::Css(format!("[data-testid={testid}]"))).await {
                let text = figure.text().await?;
                if ready(&text) {
                    return Ok(Some(text));
                }
            }
            self.driver.find(By::Css("[data-testid=dashboard-refresh]")).await?.click().await?;
            tokio::time::sleep(Duration::from_millis(400)).await;
            Ok(None)
        })
        .await
    }

    /// An attribute of `testid`, once it is there.
    async fn attribute(&self, testid: &str, name: &str) -> Result<String> {
        eventually(&format!("{testid}'s {name}"), || async {
            let Ok(element) = self.driver.find(By::Css(format!("[data-testid={testid}]"))).await else {
                return Ok(None);
            };
            Ok(element.attr(name).await?)
        })
        .await
    }

    /// How many days the chart draws, once it is `days`.
    async fn wait_for_chart_days(&self, days: &str) -> Result<()> {
        eventually(&format!("a chart of {days} days"), || async {
            let Ok(chart) = self.driver.find(By::Css("[data-testid=frt-chart]")).await else { return Ok(None) };
            Ok((chart.attr("data-days").await?.as_deref() == Some(days)).then_some(()))
        })
        .await
    }

    /// Picks the days from `first` to `last` (`YYYY-MM-DD`) as a person would with the date
    /// inputs: each gets its value and the browser's `change`.
    async fn pick(&self, first: &str, last: &str) -> Result<()> {
        let script = "const [testid, value] = arguments; \
                      const input = document.querySelector(`[data-testid=${testid}]`); \
                      input.value = value; input.dispatchEvent(new Event('change', {bubbles: true}));";
        for (testid, value) in [("range-from", first), ("range-to", last)] {
            self.driver.execute(script, vec![json!(testid), json!(value)]).await?;
        }
        Ok(())
    }
}

async fn the_dashboard_charts_each_day_follows_the_picked_window_and_shows_the_unanswered(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"industry": "retail", "frt_target_seconds": 1});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    // One shopper answered and one still waiting, past the 1 s target by the time it is read.
    resolved_conversation(&api, &shop, &ana, &mut desk, "Do you ship to Norway?").await?;
    let (_, _waiting, _) = waiting_conversation(&api, &shop, "Is anyone there?").await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let console = Console::sign_in_as(&env, &shop, "ana").await?;
    let outcome = async {
        let dashboard = DashboardPage::open(&console).await?;
        dashboard.figure("unanswered-count", |text| text == "1").await.context("one unanswered")?;
        dashboard.figure("waiting-past-target", |text| text == "1").await.context("past the target")?;
        let oldest = dashboard.figure("oldest-wait", |text| text.ends_with(" s")).await?;
        ensure!(oldest != "0 s", "the oldest wait reads {oldest:?}");
        dashboard.figure("frt-median", |text| text.ends_with(" s")).await.context("a first response")?;

        // The chart: every day of the default window, the median drawn, the industry beside it.
        let days: usize = dashboard.attribute("frt-chart", "data-days").await?.parse()?;
        ensure!((7..=8).contains(&days), "the last 7 days touch {days} UTC days");
        let median = dashboard.attribute("frt-chart-median", "d").await?;
        ensure!(median.starts_with('M'), "today's median is drawn: {median:?}");
        dashboard.driver.find(By::Css("[data-testid=frt-chart-benchmark]")).await.context("the industry band")?;
        let industry = dashboard.figure("industry-benchmark", |text| !text.is_empty()).await?;
        ensure!(industry.contains("1–3 h") && industry.contains("faster than"), "beside the median: {industry:?}");
        ensure_accessible(dashboard.driver, "the dashboard", Scope::Document).await?;

        // Picking three days makes the window, the chart and the downloads follow.
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
        let today = UnixMillis(now - now % DAY_MILLIS);
        let first = utc_date::date(UnixMillis(today.0 - 2 * DAY_MILLIS));
        dashboard.pick(&first, &utc_date::date(today)).await?;
        dashboard.wait_for_chart_days("3").await.context("the picked window")?;
        let window = dashboard.figure("dashboard-window", |text| text.contains(&first)).await?;
        ensure!(window.contains(&utc_date::date(today)), "the window reads {window:?}");
        dashboard.figure("unanswered-count", |text| text == "1").await.context("still unanswered")?;
        let href = dashboard.attribute("export-conversations", "href").await?;
        let expected =
            format!("/exports/conversations.csv?from={}&to={}", today.0 - 2 * DAY_MILLIS, today.0 + DAY_MILLIS);
        ensure!(href.ends_with(&expected), "the download follows the window: {href}");

        // A start after the end is refused where it was picked.
        dashboard.pick(&utc_date::date(today), &first).await?;
        dashboard.figure("dashboard", |text| text.contains("The start date is after the end date.")).await?;
        dashboard.driver.find(By::Css("[data-testid=range-30]")).await?.click().await?;
        dashboard.wait_for_chart_days("30").await.context("the 30-day preset")?;
        Ok(())
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

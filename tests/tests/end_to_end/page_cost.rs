//! What the loader costs a shop's page, in headless Chromium: the page's main-thread script
//! time and task time (Chromium's own counters, `Performance.getMetrics` over DevTools) and its
//! total blocking time (the long tasks' time past 50 ms each), on the same product page of a
//! shop's site with the script tag pasted and without it. With `PARLEY_BENCH_LIGHTHOUSE` naming
//! Lighthouse's command (npm `lighthouse`, which `cargo xtask bench` installs for itself, not
//! for CI), its performance audit runs on both pages too, driving the same Chromium. Figures are printed as `BENCH page-cost …` lines for `cargo xtask bench`; the case
//! checks that the measures were taken, never how fast.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, ensure, Context, Result};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::browser::{browser, eventually};
use crate::case;
use crate::client::Api;
use crate::runner::{Case, Env};
use crate::shop_site::ShopSite;
use crate::shops::seed;

pub fn cases() -> Vec<Case> {
    vec![case!(browser the_loaders_cost_to_a_shops_page_is_measured_with_and_without_it)]
}

/// What one page load cost the main thread, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct MainThread {
    /// Time spent running scripts.
    script_ms: f64,
    /// Time spent in all the main thread's tasks (scripts, style, layout, parsing…).
    task_ms: f64,
    /// The long tasks' time past 50 ms each: what kept the page from answering input.
    blocking_ms: f64,
}

/// The page's main-thread cost so far, once it has loaded and (with the tag) drawn the launcher.
async fn measure(driver: &WebDriver) -> Result<MainThread> {
    let metrics = driver.cdp().performance().get_metrics().await?;
    let metric = |name: &str| -> Result<f64> {
        metrics
            .iter()
            .find(|metric| metric.name == name)
            .map(|metric| metric.value)
            .ok_or_else(|| anyhow!("Chromium reported no {name}: {metrics:?}"))
    };
    // Long tasks are kept in the page's timeline from its start: a buffered observer reads them.
    let blocking = r#"
        return new Promise((resolve) => {
            let blocking = 0;
            new PerformanceObserver((list) => {
                for (const task of list.getEntries()) blocking += Math.max(0, task.duration - 50);
            }).observe({ type: 'longtask', buffered: true });
            setTimeout(() => resolve(blocking), 100);
        });
    "#;
    let blocking_ms = driver.execute(blocking, Vec::new()).await?.json().as_f64().context("the blocking time")?;
    Ok(MainThread {
        script_ms: metric("ScriptDuration")? * 1000.0,
        task_ms: metric("TaskDuration")? * 1000.0,
        blocking_ms,
    })
}

/// Loads `url` in a fresh browser (nothing cached), waits until it has loaded, drawn the
/// launcher if `with_loader`, and settled, and measures it.
async fn load_and_measure(env: &Env, url: &str, with_loader: bool) -> Result<MainThread> {
    let driver = browser(env).await?;
    let outcome = async {
        driver.cdp().performance().enable().await?;
        driver.goto(url).await?;
        let loaded = "return document.readyState === 'complete';";
        eventually("the page loaded", || async {
            Ok(driver.execute(loaded, Vec::new()).await?.json().as_bool().filter(|&loaded| loaded))
        })
        .await?;
        if with_loader {
            let drawn = "const root = document.querySelector('#parley-root'); \
                 return !!(root && root.shadowRoot && root.shadowRoot.querySelector('[data-testid=parley-launcher]'));";
            eventually("the launcher", || async {
                Ok(driver.execute(drawn, Vec::new()).await?.json().as_bool().filter(|&drawn| drawn))
            })
            .await?;
        }
        // Whatever the page set off (the launcher's fetch, its drawing) ends within a moment.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        measure(&driver).await
    }
    .await;
    let _ = driver.quit().await;
    outcome
}

/// Runs Lighthouse's performance audit on `url` in the tests' Chromium: its score (0 to 100),
/// total blocking time and main-thread work, in milliseconds, under its default simulated
/// mobile throttling.
async fn lighthouse(lighthouse: &Path, url: &str) -> Result<(f64, f64, f64)> {
    let output = tokio::process::Command::new(lighthouse)
        .args([
            url,
            "--chrome-path=/usr/bin/chromium",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            "--only-categories=performance",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ])
        .output()
        .await
        .with_context(|| format!("running {}", lighthouse.display()))?;
    ensure!(output.status.success(), "lighthouse failed: {}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).context("reading Lighthouse's report")?;
    let number = |pointer: &str| report.pointer(pointer).and_then(Value::as_f64).context(pointer.to_owned());
    Ok((
        number("/categories/performance/score")? * 100.0,
        number("/audits/total-blocking-time/numericValue")?,
        number("/audits/mainthread-work-breakdown/numericValue")?,
    ))
}

async fn the_loaders_cost_to_a_shops_page_is_measured_with_and_without_it(env: Arc<Env>) -> Result<()> {
    let site = ShopSite::start().await?;
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"allowed_origins": [site.origin]}), &[]).await?;
    let tag = format!(r#"<script async src="{}/widget.js" data-shop="{shop}"></script>"#, env.origin);
    let runs: usize = std::env::var("PARLEY_BENCH_RUNS").ok().and_then(|runs| runs.parse().ok()).unwrap_or(1);
    for (label, pasted) in [("without", ""), ("with", tag.as_str())] {
        site.paste(pasted);
        for _ in 0..runs {
            let cost = load_and_measure(&env, &site.origin, !pasted.is_empty()).await.context(label)?;
            ensure!(cost.task_ms > 0.0, "Chromium counted no main-thread work {label} the loader: {cost:?}");
            println!(
                "BENCH page-cost {label} script_ms={:.1} task_ms={:.1} blocking_ms={:.1}",
                cost.script_ms, cost.task_ms, cost.blocking_ms
            );
        }
        if let Some(command) = std::env::var_os("PARLEY_BENCH_LIGHTHOUSE") {
            let (score, blocking_ms, main_thread_ms) =
                lighthouse(Path::new(&command), &site.origin).await.context(label)?;
            println!(
                "BENCH lighthouse {label} score={score:.0} blocking_ms={blocking_ms:.0} main_thread_ms={main_thread_ms:.0}"
            );
        }
    }
    Ok(())
}

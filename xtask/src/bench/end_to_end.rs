//! Benchmarks that are end-to-end cases run with a size set in the environment: how soon a
//! shopper can type after clicking the launcher (headless Chromium), how fast a search answers
//! over a shop's history, and what the loader costs a shop's page (headless Chromium and
//! Lighthouse). Each case prints its figures after `BENCH {label} `.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::paths::root;
use crate::run::run;

/// Runs the end-to-end case `case` with `envs` set, and answers what it printed.
fn run_case(case: &str, envs: &[(&str, String)]) -> Result<String> {
    let output = Command::new("cargo")
        .args(["test", "-p", "parley-tests", "--test", "end_to_end", "--", case])
        .envs(envs.iter().map(|(name, value)| (name, value)))
        .current_dir(root())
        .output()
        .with_context(|| format!("running {case}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    anyhow::ensure!(output.status.success(), "{case} failed:\n{stdout}{}", String::from_utf8_lossy(&output.stderr));
    Ok(stdout)
}

/// What a case printed after `BENCH {label} `, line by line (at least one).
fn bench_lines(printed: &str, label: &str) -> Result<Vec<String>> {
    let prefix = format!("BENCH {label} ");
    let lines: Vec<String> =
        printed.lines().filter_map(|line| line.strip_prefix(prefix.as_str())).map(str::to_owned).collect();
    anyhow::ensure!(!lines.is_empty(), "the case printed no `BENCH {label}` line");
    Ok(lines)
}

/// Runs `case` with `env` set, and answers the one line it printed after `BENCH {label} `.
fn bench_line(case: &str, env: (&str, String), label: &str) -> Result<String> {
    Ok(bench_lines(&run_case(case, &[env])?, label)?.swap_remove(0))
}

/// Times `runs` cold first opens with the browser case that measures them, and summarizes them.
pub fn first_open_timing(runs: usize) -> Result<String> {
    let line = bench_line(
        "a_shopper_can_type_as_soon_as_the_chat_opens",
        ("PARLEY_BENCH_RUNS", runs.to_string()),
        "first-open-click-to-ready-ms",
    )?;
    let mut millis: Vec<f64> = line
        .split_whitespace()
        .map(|ms| ms.parse::<f64>().context("a timing that is not a number"))
        .collect::<Result<_>>()?;
    anyhow::ensure!(!millis.is_empty(), "the case timed no open");
    millis.sort_by(f64::total_cmp);
    let median = millis[millis.len() / 2];
    let worst = millis[millis.len() - 1];
    Ok(format!(
        "Headless Chromium on this machine, the local edge (`wrangler dev`), {runs} cold opens: from the launcher's click (read in the shop page) to the chat's `parley-ready` mark, set once the chat is on screen with the keyboard in its composer (read in the chat's frame), on the browsers' own clocks. The issue's target is 300 ms.\n\n| median | slowest | all runs (ms) |\n|---:|---:|---|\n| {median:.0} ms | {worst:.0} ms | {all} |\n",
        runs = millis.len(),
        all = millis.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(", "),
    ))
}

/// Times searches over a shop with `conversations` conversations of 10 messages.
pub fn history_search_timing(conversations: u32) -> Result<String> {
    let line = bench_line(
        "searches_over_a_big_history_find_the_one_conversation",
        ("PARLEY_BENCH_CONVERSATIONS", conversations.to_string()),
        "history-search-median-ms",
    )?;
    let mut rows = String::from("| query | median of 9 (ms) |\n|---|---:|\n");
    for pair in line.split_whitespace().skip(1) {
        let (what, millis) = pair.split_once('=').context("a timing without its query")?;
        rows.push_str(&format!("| {} | {millis} |\n", what.replace('_', " ")));
    }
    Ok(format!(
        "`GET /api/shops/{{shop}}/conversations` through the local edge (`wrangler dev`: the Worker signs the agent in, counts the search, and asks the shop's `ShopHistory` object, whose SQLite FTS5 index answers), for a shop with {conversations} conversations of 10 messages each, filled by the development route `POST /api/dev/history`; round trips timed by the end-to-end case `searches_over_a_big_history_find_the_one_conversation`. The issue's target is 200 ms.\n\n{rows}"
    ))
}

/// The shop desk's time per event with `waiting` conversations in its queue and `consoles`
/// consoles open, from the end-to-end case that fills a queue and claims from it.
pub fn desk_event_timing(waiting: u32, consoles: u32) -> Result<String> {
    let case = "a_big_desk_tells_consoles_only_what_changed";
    let line = bench_line(case, ("PARLEY_BENCH_DESK", format!("{waiting},{consoles}")), "desk-event")?;
    let figure = |name: &str| -> Result<String> {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
            .with_context(|| format!("the case printed no {name}: {line}"))
    };
    Ok(format!(
        "{waiting} waiting, {consoles} consoles, {events} claims, by the end-to-end case `{case}`:\n\n| work per event, mean | slowest | claim round trip, median |\n|---:|---:|---:|\n| {} ms | {} ms | {} ms |\n",
        figure("work_mean_ms")?,
        figure("work_max_ms")?,
        figure("claim_median_ms")?,
        events = figure("events")?,
    ))
}

/// Lighthouse's pinned version: installed for the benchmark only, in `target/bench-tools`, so
/// CI's `npm ci` does not carry it.
const LIGHTHOUSE: &str = "lighthouse@13.5.0";

/// Lighthouse's command, installed first if missing.
fn lighthouse() -> Result<PathBuf> {
    let prefix = root().join("target/bench-tools");
    let command = prefix.join("node_modules/.bin/lighthouse");
    if !command.exists() {
        std::fs::create_dir_all(&prefix)?;
        let mut install = Command::new("npm");
        install.args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&prefix).arg(LIGHTHOUSE);
        run(&mut install)?;
    }
    Ok(command)
}

/// The loader's cost to a shop's page: `runs` fresh loads of the same product page without and
/// with the script tag, in headless Chromium, and Lighthouse's performance audit of each
/// unless `quick`.
pub fn page_cost(runs: usize, quick: bool) -> Result<String> {
    let mut envs = vec![("PARLEY_BENCH_RUNS", runs.to_string())];
    if !quick {
        envs.push(("PARLEY_BENCH_LIGHTHOUSE", lighthouse()?.display().to_string()));
    }
    let case = "the_loaders_cost_to_a_shops_page_is_measured_with_and_without_it";
    let printed = run_case(case, &envs)?;
    let lines = bench_lines(&printed, "page-cost")?;
    let lighthouse = if quick { Vec::new() } else { bench_lines(&printed, "lighthouse")? };
    // Each line: `without|with name=value …`; the medians of each figure, per page.
    let medians = |lines: &[String]| -> Result<BTreeMap<(String, String), f64>> {
        let mut figures: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
        for line in lines {
            let mut words = line.split_whitespace();
            let page = words.next().context("a line without its page")?;
            for pair in words {
                let (name, value) = pair.split_once('=').context("a figure without its name")?;
                let value = value.parse::<f64>().with_context(|| format!("{name} is not a number"))?;
                figures.entry((page.to_owned(), name.to_owned())).or_default().push(value);
            }
        }
        Ok(figures
            .into_iter()
            .map(|(key, mut values)| {
                values.sort_by(f64::total_cmp);
                (key, values[values.len() / 2])
            })
            .collect())
    };
    let browser = medians(&lines)?;
    let audited = medians(&lighthouse)?;
    let figure = |figures: &BTreeMap<(String, String), f64>, page: &str, name: &str| {
        figures.get(&(page.to_owned(), name.to_owned())).map_or("–".to_owned(), |value| format!("{value:.1}"))
    };
    let mut table = String::from(
        "| page | script (ms) | all tasks (ms) | total blocking time (ms) | Lighthouse score | Lighthouse total blocking time (ms) | Lighthouse main-thread work (ms) |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (page, shown) in [("without", "without the loader"), ("with", "with the loader")] {
        table.push_str(&format!(
            "| {shown} | {} | {} | {} | {} | {} | {} |\n",
            figure(&browser, page, "script_ms"),
            figure(&browser, page, "task_ms"),
            figure(&browser, page, "blocking_ms"),
            figure(&audited, page, "score"),
            figure(&audited, page, "blocking_ms"),
            figure(&audited, page, "main_thread_ms"),
        ));
    }
    let audit = if quick {
        "Lighthouse is left out of `--quick`.".to_owned()
    } else {
        format!("Lighthouse ({LIGHTHOUSE}, performance only, its default simulated mobile throttling, one run each) audits the same two pages in the same Chromium.")
    };
    Ok(format!(
        "A shop's product page (the tests' shop site, another origin than the edge), loaded in a fresh headless Chromium with nothing cached, {runs} times without the script tag and {runs} with it, by the end-to-end case `{case}`: Chromium's own main-thread counters (`Performance.getMetrics`: script time, all tasks) and the long tasks' time past 50 ms each (total blocking time), medians of the runs, once the page has loaded and the launcher is drawn. {audit}\n\n{table}"
    ))
}

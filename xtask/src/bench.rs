//! `cargo xtask bench [--quick] [--json]`: every benchmark, each owning its block of
//! BENCHMARKS.md (see `sections`): what Parley costs the network (artifact sizes), how soon a
//! shopper can type after clicking the launcher, how fast a search answers over a shop's
//! 10,000 conversations, the shop desk's time per event with 10,000 waiting and 50 consoles,
//! what the loader costs a shop's page (main-thread time, total blocking
//! time, Lighthouse), message latency under load against three baselines, at the
//! issue's reference load (20 conversations, 190 messages/s) and at 1,000 conversations, and
//! what whole conversations cost in Cloudflare's billing units.
//! `--quick` runs smaller versions of each and prints them without touching BENCHMARKS.md;
//! `--json` also prints the load runs' figures as JSON, for tools.
//!
//! `cargo xtask bench load …` runs only the load generator, and `cargo xtask bench cost …` only
//! the cost of conversations, each with its own options (`load`).

mod artifacts;
mod end_to_end;
mod load;
mod sections;

use anyhow::{bail, Result};

use crate::paths::root;

pub use load::smoke as load_smoke;

pub fn run(args: &[String]) -> Result<()> {
    if let Some(subcommand @ ("load" | "cost")) = args.first().map(String::as_str) {
        return load::run_with(subcommand, &args[1..]);
    }
    let mut quick = false;
    let mut json = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--json" => json = true,
            other => bail!(
                "unknown option {other:?}; usage: cargo xtask bench [--quick] [--json] | bench load --help | bench cost --help"
            ),
        }
    }
    all(quick, json)
}

/// A benchmark's block: its name in the markers, its heading, its text.
struct Section {
    name: &'static str,
    heading: &'static str,
    text: String,
}

fn all(quick: bool, json: bool) -> Result<()> {
    let mut done = vec![
        Section { name: "sizes", heading: "Artifact sizes", text: artifacts::sizes()? },
        Section {
            name: "first-open",
            heading: "First open: from the click to typing",
            text: end_to_end::first_open_timing(if quick { 3 } else { 9 })?,
        },
        Section {
            name: "history-search",
            heading: "Searching a shop's history",
            text: end_to_end::history_search_timing(if quick { 1_000 } else { 10_000 })?,
        },
        Section {
            name: "desk-event",
            heading: "A big shop's desk: time per event",
            text: if quick {
                end_to_end::desk_event_timing(1_000, 10)?
            } else {
                end_to_end::desk_event_timing(10_000, 50)?
            },
        },
        Section {
            name: "page-cost",
            heading: "What the loader costs a shop's page",
            text: end_to_end::page_cost(if quick { 1 } else { 5 }, quick)?,
        },
    ];
    let loads: &[(&str, &str, &[&str])] = if quick {
        &[("load-quick", "Load (quick)", &["--quick"])]
    } else {
        &[
            ("load-reference", "Load: the issue's reference load", &["--conversations", "20", "--rate", "190"]),
            ("load-1000", "Load: 1,000 conversations", &["--conversations", "1000", "--rate", "200"]),
        ]
    };
    let mut reports = serde_json::Map::new();
    let mut unclean = Vec::new();
    for (name, heading, args) in loads {
        let measured = load::measure("load", args)?;
        if !measured.clean {
            unclean.push(*name);
        }
        reports.insert((*name).to_owned(), measured.json);
        done.push(Section { name, heading, text: measured.table });
    }
    let conversations = if quick { "10" } else { "100" };
    let cost = load::measure("cost", &["--conversations", conversations])?;
    reports.insert("cost".to_owned(), cost.json);
    done.push(Section {
        name: "cost",
        heading: "What a conversation costs in Cloudflare's billing units",
        text: cost.table,
    });
    if quick {
        for section in &done {
            println!("## {}\n\n{}", section.heading, section.text);
        }
    } else {
        let path = root().join("BENCHMARKS.md");
        let mut document = std::fs::read_to_string(&path).unwrap_or_default();
        for section in &done {
            document = sections::replace(&document, section.name, section.heading, &section.text);
        }
        std::fs::write(&path, document)?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(reports))?);
    }
    if !unclean.is_empty() {
        bail!("load runs that lost, duplicated or had refused messages: {}", unclean.join(", "));
    }
    Ok(())
}

//! `cargo xtask bench [--quick] [--json]`: every benchmark, each owning its block of
//! BENCHMARKS.md (see `sections`): what Parley costs the network (artifact sizes), how soon a
//! shopper can type after clicking the launcher, how fast a search answers over a shop's
//! 10,000 conversations, the shop desk's time per event with 10,000 waiting and 50 consoles,
//! what the loader costs a shop's page (main-thread time, total blocking
//! time, Lighthouse), and message latency under load against three baselines, at the
//! issue's reference load (20 conversations, 190 messages/s) and at 1,000 conversations (and
//! where the time goes there, from a profile), how many waiting shoppers one local edge holds
//! (through wrangler's proxy and past it), and what whole conversations cost in Cloudflare's
//! billing units.
//! `--quick` runs smaller versions of each and prints them without touching BENCHMARKS.md;
//! `--json` also prints the load runs' figures as JSON, for tools.
//!
//! `cargo xtask bench load|capacity|cost …` runs only that command of the load generator, with
//! its own options (`load`).

mod artifacts;
mod end_to_end;
mod load;
mod sections;

use anyhow::{bail, Result};

use crate::paths::root;

pub use load::smoke as load_smoke;

pub fn run(args: &[String]) -> Result<()> {
    if matches!(args.first().map(String::as_str), Some("load" | "capacity" | "cost")) {
        return load::run_with(args);
    }
    let mut quick = false;
    let mut json = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--json" => json = true,
            other => bail!(
                "unknown option {other:?}; usage: cargo xtask bench [--quick] [--json] | bench load|capacity|cost …"
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
        &[
            ("load-quick", "Load (quick)", &["load", "--quick"]),
            ("capacity-quick", "Capacity (quick)", &["capacity", "--quick", "--direct"]),
            ("cost-quick", "Cost (quick)", &["cost", "--conversations", "10"]),
        ]
    } else {
        &[
            ("load-reference", "Load: the issue's reference load", &["load", "--conversations", "20", "--rate", "190"]),
            ("load-1000", "Load: 1,000 conversations", &["load", "--conversations", "1000", "--rate", "200"]),
            (
                "load-1000-profile",
                "Load: where the time goes at 1,000 conversations",
                &["load", "--targets", "parley", "--conversations", "1000", "--rate", "200", "--profile"],
            ),
            ("capacity-dev", "Capacity: through wrangler's proxy", &["capacity", "--max", "5000"]),
            ("capacity", "Capacity: past the proxy, as in production", &["capacity", "--direct"]),
            ("cost", "What a conversation costs in Cloudflare's billing units", &["cost", "--conversations", "100"]),
        ]
    };
    let mut reports = serde_json::Map::new();
    let mut unclean = Vec::new();
    for (name, heading, args) in loads {
        let measured = load::measure(args)?;
        if !measured.clean {
            unclean.push(*name);
        }
        reports.insert((*name).to_owned(), measured.json);
        done.push(Section { name, heading, text: measured.table });
    }
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
        bail!(
            "load runs that lost, duplicated or had refused messages, or capacity that held nothing: {}",
            unclean.join(", ")
        );
    }
    Ok(())
}

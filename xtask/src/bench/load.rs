//! `cargo xtask bench load|capacity|cost …`: the load generator (the `parley-bench` crate,
//! built with the optimised `load` profile), each run on a local edge of its own. The command
//! and its options are passed through: `load [--quick] [--conversations N] [--rate R]
//! [--seconds S] [--agents A] [--targets …] [--profile] [--json]`, `capacity [--quick]
//! [--step N] [--max N] [--direct] [--json]`, `cost [--conversations N] [--json]`.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

use crate::paths::root;
use crate::run::run;

/// The generator with `args` (its command first).
fn generator(args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(["run", "--quiet", "--profile", "load", "-p", "parley-bench", "--"]).args(args).current_dir(root());
    command
}

/// Runs the generator as asked (`load …`, `capacity …` or `cost …`), printing what it prints;
/// fails if anything was lost, duplicated or refused, the edge held no step of capacity, or a
/// conversation could not be held to its end.
pub fn run_with(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&mut generator(&args))
}

/// What `cargo xtask test` runs: a short, gentle quick load through every target (a message
/// each way in every conversation), two small steps of capacity, and the cost of five whole
/// conversations. They fail on any loss, duplicate or refusal, or a conversation that cannot
/// end, and never on how fast it went.
pub fn smoke() -> Result<()> {
    run(&mut generator(&["load", "--quick", "--seconds", "2", "--rate", "50"]))?;
    run(&mut generator(&["capacity", "--step", "50", "--max", "100"]))?;
    run(&mut generator(&["cost", "--conversations", "5"]))
}

/// A measured run: its JSON report (for `--json`) and its Markdown table (for BENCHMARKS.md).
pub struct Measured {
    pub json: serde_json::Value,
    pub table: String,
    pub clean: bool,
}

/// Runs the generator with `args` (its command first) and reads its report, even when the run
/// was not clean (the figures are written down all the same, and the failure reported after).
pub fn measure(args: &[&str]) -> Result<Measured> {
    let mut command = generator(&[args, &["--json"]].concat());
    eprintln!("$ cargo xtask bench {}", args.join(" "));
    let output = command.stderr(Stdio::inherit()).output().context("running the load generator")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code().is_some_and(|code| code > 1) || output.status.code().is_none() {
        bail!("the load generator failed ({}):\n{stdout}", output.status);
    }
    // The edge it ran passes its own output on to the same standard output, before the report:
    // the report is the one object that starts at the beginning of a line.
    let report = if stdout.starts_with('{') { 0 } else { stdout.find("\n{\n").map_or(0, |at| at + 1) };
    let json: serde_json::Value = serde_json::from_str(&stdout[report..]).context("the load generator's report")?;
    let table = json["table"].as_str().context("a report without its table")?.to_owned();
    Ok(Measured { json, table, clean: output.status.success() })
}

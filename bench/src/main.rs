//! `parley-bench`, run by `cargo xtask bench load|capacity|cost`, each on a local edge of its
//! own.
//!
//! `load` opens N conversations (a shopper's socket and an answering agent's each) against
//! Parley and against three baselines driven the same way: (a) a bare WebSocket relay in this
//! process, (b) an echo Durable Object on the same workerd, (c) a Socket.IO room relay on Node.
//! It sends messages both ways at a chosen rate, checks that each arrives exactly once and in
//! order, and reports latency percentiles each way; `--profile` adds what each process spent
//! and where the Worker's time went (`run_profile`).
//!
//! `capacity` steps up idle shopper sockets until delivery over a probe slows past 100 ms p99,
//! reporting both workerd processes' memory and open files at each step (`capacity`).
//!
//! `cost` holds whole conversations and reports what they cost in Cloudflare's billing units
//! (`cost`).
//!
//! Exits 1 when anything was lost, duplicated or refused, or the edge held no step.

mod billing;
mod capacity;
mod capacity_report;
mod clock;
mod cost;
mod cpu_profile;
mod drive;
mod edge_counters;
mod http;
mod link;
mod machine;
mod options;
mod payload;
mod report;
mod run_profile;
mod tally;
mod targets;
mod workerd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use parley_tests::{free_port, EdgeOptions, EdgeProcess};
use serde::Serialize;

use crate::capacity::step_up;
use crate::capacity_report::CapacityReport;
use crate::cpu_profile::Inspector;
use crate::drive::{drive, Conversation, Dialect, Load};
use crate::machine::Machine;
use crate::options::{CapacityOptions, CostOptions, Options, Target, USAGE};
use crate::report::{Report, Run};
use crate::run_profile::profile_for;
use crate::targets::{echo_object, loopback, parley, socket_io, Verbatim};
use crate::workerd::EdgeProcesses;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("the run lost, duplicated or had refused messages, or held nothing (see above)");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command; whether every run was clean.
fn run() -> Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shown: Vec<&str> = args.iter().map(String::as_str).filter(|arg| *arg != "--json").collect();
    let command = format!("cargo xtask bench {}", shown.join(" "));
    match args.split_first().map(|(name, rest)| (name.as_str(), rest)) {
        Some(("load", rest)) => load(command, &Options::parse(rest)?),
        Some(("capacity", rest)) => capacity(command, &CapacityOptions::parse(rest)?),
        Some(("cost", rest)) => cost(command, &CostOptions::parse(rest)?),
        _ => bail!("usage: parley-bench {USAGE}"),
    }
}

/// `load`: whether every run was clean.
fn load(command: String, options: &Options) -> Result<bool> {
    let machine = Machine::now();
    let edge = match options.targets.iter().any(|target| target.on_the_edge()) {
        true => Some(OwnEdge::start()?),
        false => None,
    };
    let runtime = runtime()?;
    // Connected before anything is set up (see `cpu_profile`).
    let inspector = match (options.profile, &edge) {
        (true, Some(edge)) => Some(runtime.block_on(Inspector::connect(edge.process.inspector_port()))?),
        _ => None,
    };
    let runs = runtime.block_on(measure(options, edge.as_ref(), inspector));
    drop(runtime);
    drop(edge);
    let report =
        Report::new(command, machine, options.conversations, options.rate, options.seconds, options.agents, runs);
    print_report(&report, report.table(), options.json)?;
    Ok(report.is_clean())
}

/// `capacity`: whether the edge held at least its first step.
fn capacity(command: String, options: &CapacityOptions) -> Result<bool> {
    let machine = Machine::now();
    let edge = OwnEdge::start()?;
    let runtime = runtime()?;
    let steps = runtime.block_on(async {
        // Connected before anything is set up (see `cpu_profile`).
        let inspector = match options.profile {
            true => Some(Inspector::connect(edge.process.inspector_port()).await?),
            false => None,
        };
        let port = match options.direct {
            true => edge.processes.worker.entry_port().await?,
            false => edge.port(),
        };
        let parley = parley::Parley::seed(port, 1).await?;
        anyhow::Ok(step_up(&parley, &edge.processes, options, inspector).await)
    });
    drop(runtime);
    drop(edge);
    let report = CapacityReport::new(command, machine, options.direct, steps?);
    print_report(&report, report.table(), options.json)?;
    Ok(report.held > 0)
}

/// `cost`: true once every conversation was held to its end (an error otherwise).
fn cost(command: String, options: &CostOptions) -> Result<bool> {
    let machine = Machine::now();
    let edge = OwnEdge::start()?;
    let runtime = runtime()?;
    let report = runtime.block_on(cost::measure(edge.port(), edge.processes, options, command, machine));
    drop(runtime);
    drop(edge);
    let report = report?;
    print_report(&report, report.table(), options.json)?;
    Ok(true)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// Prints the table, or with `json` the report as JSON with its table.
fn print_report(report: &impl Serialize, table: String, json: bool) -> Result<()> {
    if json {
        // The table too, so that BENCHMARKS.md shows what a person running it would see.
        let mut value = serde_json::to_value(report)?;
        value["table"] = table.into();
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!("{table}");
    }
    Ok(())
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// A development edge of the run's own on a free port, with fresh state and the benchmark's
/// shop named, and its two workerd processes; dropping it stops it (its process group) and
/// removes its state.
struct OwnEdge {
    // Fields drop in order: the edge stops before its state goes.
    process: EdgeProcess,
    processes: EdgeProcesses,
    _state: StateFolder,
}

/// A folder removed when dropped.
struct StateFolder(PathBuf);

impl Drop for StateFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl OwnEdge {
    fn start() -> Result<Self> {
        let state = root().join(format!("target/bench-state/{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&state);
        std::fs::create_dir_all(&state)?;
        let options = EdgeOptions {
            vars: vec![("PARLEY_BENCH_SHOP".to_owned(), parley::SHOP.to_owned())],
            ..EdgeOptions::default()
        };
        eprintln!("starting a local edge…");
        let process = EdgeProcess::start_with(free_port()?, &state, &options).context("starting the local edge")?;
        let processes = EdgeProcesses::find(process.process_group(), process.port())?;
        Ok(Self { process, processes, _state: StateFolder(state) })
    }

    fn port(&self) -> u16 {
        self.process.port()
    }
}

/// Runs every target asked for, one after another, profiling Parley's over `inspector` if
/// given. A target that cannot be set up is reported as such, and the others still run.
async fn measure(options: &Options, edge: Option<&OwnEdge>, mut inspector: Option<Inspector>) -> Vec<Run> {
    let load = Load { rate: options.rate, seconds: options.seconds };
    let mut runs = Vec::new();
    for &target in &options.targets {
        eprintln!("{}: opening {} conversations…", target.name(), options.conversations);
        let started = Instant::now();
        let run = match open(target, options, edge.map(OwnEdge::port)).await {
            Ok((dialect, conversations, _keep)) => {
                let setup_seconds = started.elapsed().as_secs_f64();
                eprintln!("{}: open in {setup_seconds:.1} s; sending…", target.name());
                // The profile covers the sending only: a target that falls behind drains for
                // minutes after, and the profile of those would be too large to pass.
                let (outcome, profile) = match (target, edge, inspector.as_mut()) {
                    (Target::Parley, Some(edge), Some(inspector)) => {
                        let period = Duration::from_secs_f64(options.seconds);
                        let (outcome, profile) = tokio::join!(
                            drive(dialect, conversations, load),
                            profile_for(period, edge.processes, inspector)
                        );
                        (outcome, Some(profile.map_err(|error| format!("profiling failed: {error:#}"))))
                    }
                    _ => (drive(dialect, conversations, load).await, None),
                };
                Run::measured(target.name(), setup_seconds, outcome, profile)
            }
            Err(error) => Run::failed(target.name(), started.elapsed().as_secs_f64(), format!("{error:#}")),
        };
        eprintln!(
            "{}: {} delivered, {} lost, {} errors",
            target.name(),
            run.outcome.delivered,
            run.outcome.lost,
            run.outcome.errors
        );
        runs.push(run);
        // Lets the closed sockets go before the next target starts.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    runs
}

/// What a target's run needs kept alive until it ends (its relay, or Parley's signed-in agents).
type Keep = Box<dyn std::any::Any + Send>;

/// Opens the conversations of `target`: how they speak, and what must stay alive meanwhile.
async fn open(
    target: Target,
    options: &Options,
    edge: Option<u16>,
) -> Result<(Arc<dyn Dialect>, Vec<Conversation>, Keep)> {
    let count = options.conversations;
    let edge = || edge.context("the edge is not running");
    Ok(match target {
        Target::Loopback => {
            let relay = loopback::Relay::start().await?;
            let conversations = relay.open(count).await?;
            (Arc::new(Verbatim), conversations, Box::new(relay))
        }
        Target::SocketIo => {
            let relay = socket_io::Relay::start(&root())?;
            let conversations = relay.open(count).await?;
            (Arc::new(socket_io::SocketIo), conversations, Box::new(relay))
        }
        Target::EchoObject => (Arc::new(Verbatim), echo_object::open(edge()?, count).await?, Box::new(())),
        Target::Parley => {
            let parley = parley::Parley::seed(edge()?, options.agents).await?;
            let conversations = parley.open(count).await?;
            (Arc::new(parley::ParleyProtocol), conversations, Box::new(parley))
        }
    })
}

//! `capacity`: how many waiting shoppers one local edge holds. It steps up the number of open
//! shopper sockets (each a conversation started and `hello` said, as the widget leaves a
//! shopper who opened it), and at each step drives a probe load over a few answered
//! conversations. It stops at the first step whose probe p99 passes the limit, loses
//! anything, or cannot open its sockets, and names what bound it: a process's open files, or
//! delivery time, or the error the edge answered.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::task::JoinHandle;

use crate::cpu_profile::Inspector;
use crate::drive::{drive, Load};
use crate::edge_counters::Counters;
use crate::link::{next_text, Link, Writer};
use crate::options::CapacityOptions;
use crate::run_profile::{profile_for, RunProfile};
use crate::tally::Outcome;
use crate::targets::parley::{Parley, ParleyProtocol};
use crate::workerd::{EdgeProcesses, EdgeUsage, Usage};

/// The p99 shopper→agent delivery a step must stay under to count as held.
pub const P99_LIMIT_MS: f64 = 100.0;

/// The probe at each step: answered conversations, and the load over them.
pub const PROBE_CONVERSATIONS: usize = 20;
pub const PROBE: Load = Load { rate: 100.0, seconds: 20.0 };

/// Before each probe, the edge is given until its Worker's workerd has gone quiet (under
/// [`QUIET_CPU`] of a core over [`QUIET_SPELL`]) or [`QUIET_LIMIT`] has passed, so that the
/// probe measures the sockets held rather than the work of opening them.
const QUIET_CPU: f64 = 0.1;
const QUIET_SPELL: Duration = Duration::from_secs(1);
const QUIET_LIMIT: Duration = Duration::from_secs(30);

/// How long opening one shopper's socket may take: an edge out of descriptors can leave a
/// connection accepted by the kernel and never answered.
const OPENING_WAIT: Duration = Duration::from_secs(60);

/// Shopper sockets opened at once.
const OPENING_AT_ONCE: usize = 32;

/// A process is taken to be out of open files from this share of its limit on.
const OPEN_FILES_FULL: f64 = 0.98;

/// Whether `open_files` (held or foreseen) leave the process of `usage` out of open files.
pub fn is_out_of_files(open_files: f64, usage: &Usage) -> bool {
    open_files >= OPEN_FILES_FULL * usage.open_files_limit as f64
}

/// One step: the sockets held, the probe's outcome, and what the edge held then.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub shopper_sockets: usize,
    /// How long opening this step's new sockets took.
    pub opening_seconds: f64,
    /// Why the step's sockets could not all be opened, if they could not (no probe ran).
    pub opening_failure: Option<String>,
    pub probe: Option<Outcome>,
    /// Calls objects received while the probe ran, by kind (alarms included): what the edge
    /// did besides the probe's own messages shows here.
    pub probe_object_calls: BTreeMap<String, u64>,
    /// With `--profile`: what each process spent and where the Worker's time went while the
    /// probe ran, or why that could not be told.
    pub profile: Option<Result<RunProfile, String>>,
    pub edge: Option<EdgeUsage>,
    /// Open shopper sockets that the edge closed or that failed, by the end of the step.
    pub shopper_sockets_lost: usize,
}

impl Step {
    /// Whether the edge held this step: everything opened, nothing lost, p99 under the limit.
    pub fn held(&self) -> bool {
        self.opening_failure.is_none()
            && self.shopper_sockets_lost == 0
            && self
                .probe
                .as_ref()
                .is_some_and(|probe| probe.is_clean() && probe.shopper_to_agent.p99_ms <= P99_LIMIT_MS)
    }

    /// What stopped the edge at this step, in words; `None` if it held.
    pub fn bound_by(&self) -> Option<String> {
        if self.held() {
            return None;
        }
        if let Some(edge) = &self.edge {
            for (name, usage) in edge.named() {
                if is_out_of_files(usage.open_files as f64, &usage) {
                    return Some(format!(
                        "{name} ran out of open files ({} of its limit of {})",
                        usage.open_files, usage.open_files_limit
                    ));
                }
            }
        }
        if let Some(failure) = &self.opening_failure {
            return Some(format!("opening shopper sockets failed: {failure}"));
        }
        if self.shopper_sockets_lost > 0 {
            return Some(format!("the edge dropped {} open shopper sockets", self.shopper_sockets_lost));
        }
        Some(match &self.probe {
            Some(probe) if !probe.is_clean() => {
                format!("the probe lost {} messages and had {} errors", probe.lost, probe.errors)
            }
            Some(probe) => format!(
                "delivery time: p99 shopper→agent {:.1} ms, over {P99_LIMIT_MS} ms",
                probe.shopper_to_agent.p99_ms
            ),
            None => "the probe could not run".to_owned(),
        })
    }
}

/// Steps up until the edge stops holding, or `options.max` sockets are held.
/// `processes` are the edge's workerd processes, read after each step; each probe is profiled
/// over `inspector` if given.
pub async fn step_up(
    parley: &Parley,
    processes: &EdgeProcesses,
    options: &CapacityOptions,
    mut inspector: Option<Inspector>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut open: Vec<Shopper> = Vec::new();
    while open.len() < options.max {
        let target = (open.len() + options.step).min(options.max);
        let started = Instant::now();
        let (opened, failure) = open_shoppers(parley, open.len()..target).await;
        open.extend(opened);
        let opening_seconds = started.elapsed().as_secs_f64();
        let probe = match failure {
            Some(failure) => Err(failure),
            None => {
                eprintln!("{} shopper sockets open ({opening_seconds:.1} s); probing…", open.len());
                quiet(processes).await;
                // The probe's shoppers are numbered after every possible idle one: new clients each time.
                let first = options.max + steps.len() * PROBE_CONVERSATIONS;
                match parley.open_range(first..first + PROBE_CONVERSATIONS).await {
                    Ok(conversations) => {
                        let before = Counters::read(parley.port()).await.unwrap_or_default();
                        let probing = drive(Arc::new(ParleyProtocol), conversations, PROBE);
                        let (outcome, profile) = match inspector.as_mut() {
                            Some(inspector) => {
                                let period = Duration::from_secs_f64(PROBE.seconds);
                                let (outcome, profile) =
                                    tokio::join!(probing, profile_for(period, *processes, inspector));
                                (outcome, Some(profile.map_err(|error| format!("profiling failed: {error:#}"))))
                            }
                            None => (probing.await, None),
                        };
                        let after = Counters::read(parley.port()).await.unwrap_or_default();
                        Ok((outcome, after.calls_since(&before), profile))
                    }
                    Err(error) => Err(format!("opening the probe's conversations: {error:#}")),
                }
            }
        };
        let step = Step {
            shopper_sockets: open.len(),
            opening_seconds,
            edge: processes.usage().ok(),
            shopper_sockets_lost: open.iter().filter(|shopper| shopper.lost()).count(),
            opening_failure: probe.as_ref().err().cloned(),
            probe_object_calls: probe.as_ref().map(|(_, calls, _)| calls.clone()).unwrap_or_default(),
            profile: probe.as_ref().ok().and_then(|(_, _, profile)| profile.clone()),
            probe: probe.ok().map(|(outcome, _, _)| outcome),
        };
        eprintln!("{}", step.summary());
        let held = step.held();
        steps.push(step);
        if !held {
            break;
        }
    }
    steps
}

/// Waits until the Worker's workerd is quiet, or [`QUIET_LIMIT`] has passed.
async fn quiet(processes: &EdgeProcesses) {
    let cpu_seconds = || processes.worker.usage().map(|usage| usage.cpu_seconds).unwrap_or_default();
    let started = Instant::now();
    let mut before = cpu_seconds();
    while started.elapsed() < QUIET_LIMIT {
        tokio::time::sleep(QUIET_SPELL).await;
        let now = cpu_seconds();
        if now - before < QUIET_CPU * QUIET_SPELL.as_secs_f64() {
            return;
        }
        before = now;
    }
}

/// An idle shopper's open socket, read until it closes (the frames it is sent are dropped).
struct Shopper {
    /// Keeps the socket open.
    _writer: Writer,
    reading: JoinHandle<()>,
}

impl Shopper {
    fn new(link: Link) -> Self {
        let Link { writer, mut reader } = link;
        let reading = tokio::spawn(async move { while let Ok(Some(_)) = next_text(&mut reader).await {} });
        Self { _writer: writer, reading }
    }

    /// Whether its socket has ended.
    fn lost(&self) -> bool {
        self.reading.is_finished()
    }
}

/// Opens the sockets of shoppers `numbers`: those that opened, and the first failure if any
/// did not (the others are still opened, so that what is held when the edge fails is known).
async fn open_shoppers(parley: &Parley, numbers: Range<usize>) -> (Vec<Shopper>, Option<String>) {
    let results: Vec<Result<Shopper>> = futures_util::stream::iter(numbers)
        .map(|number| async move {
            let opened = tokio::time::timeout(OPENING_WAIT, parley.shopper(number)).await;
            let (link, _) = opened
                .map_err(|_| anyhow!("no answer within {OPENING_WAIT:?}"))
                .and_then(|opened| opened)
                .with_context(|| format!("shopper {number}"))?;
            Ok(Shopper::new(link))
        })
        .buffer_unordered(OPENING_AT_ONCE)
        .collect()
        .await;
    let mut failures = 0;
    let mut first_failure = None;
    let mut opened = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(shopper) => opened.push(shopper),
            Err(error) => {
                failures += 1;
                first_failure.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    (opened, first_failure.map(|first| format!("{failures} could not be opened; the first: {first}")))
}

impl Step {
    /// One line for the run's progress.
    pub fn summary(&self) -> String {
        let probe = match &self.probe {
            Some(probe) => format!(
                "p99 shopper→agent {:.1} ms, agent→shopper {:.1} ms",
                probe.shopper_to_agent.p99_ms, probe.agent_to_shopper.p99_ms
            ),
            None => "no probe".to_owned(),
        };
        let edge = match &self.edge {
            Some(edge) => format!(
                "; proxy {:.0} MiB, {} files; Worker {:.0} MiB, {} files",
                edge.proxy.memory_mib, edge.proxy.open_files, edge.worker.memory_mib, edge.worker.open_files
            ),
            None => String::new(),
        };
        format!("{} sockets: {probe}{edge}", self.shopper_sockets)
    }
}

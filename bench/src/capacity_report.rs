//! A capacity run's figures: each step as a row of a Markdown table, the most shopper sockets
//! the edge held under the limit, what each socket costs its two workerd processes, and what
//! bound it; the same as JSON for tools.

use serde::Serialize;

use crate::capacity::{Step, P99_LIMIT_MS};
use crate::machine::Machine;
use crate::workerd::Usage;

#[derive(Debug, Clone, Serialize)]
pub struct CapacityReport {
    /// The command that reproduces it.
    pub command: String,
    pub machine: Machine,
    /// Whether the sockets went straight to the Worker's workerd, past wrangler's proxy.
    pub direct: bool,
    pub steps: Vec<Step>,
    /// The most shopper sockets of a step the edge held.
    pub held: usize,
    /// What stopped it, when something did before the last step.
    pub bound_by: Option<String>,
    /// What one more socket cost each process, from the first step to the last measured.
    pub per_socket: Option<PerSocket>,
}

/// What one shopper socket costs a process: memory and open files.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PerSocket {
    pub proxy_kib: f64,
    pub proxy_open_files: f64,
    pub worker_kib: f64,
    pub worker_open_files: f64,
}

impl CapacityReport {
    pub fn new(command: String, machine: Machine, direct: bool, steps: Vec<Step>) -> Self {
        let held = steps.iter().filter(|step| step.held()).map(|step| step.shopper_sockets).max().unwrap_or_default();
        let bound_by = steps.last().and_then(Step::bound_by);
        let measured: Vec<&Step> = steps.iter().filter(|step| step.edge.is_some()).collect();
        let per_socket = match (measured.first(), measured.last()) {
            (Some(first), Some(last)) if last.shopper_sockets > first.shopper_sockets => {
                let sockets = (last.shopper_sockets - first.shopper_sockets) as f64;
                let (from, to) = (first.edge.unwrap_or_default(), last.edge.unwrap_or_default());
                let kib = |from: &Usage, to: &Usage| (to.memory_mib - from.memory_mib) * 1024.0 / sockets;
                let files = |from: &Usage, to: &Usage| (to.open_files as f64 - from.open_files as f64) / sockets;
                Some(PerSocket {
                    proxy_kib: kib(&from.proxy, &to.proxy),
                    proxy_open_files: files(&from.proxy, &to.proxy),
                    worker_kib: kib(&from.worker, &to.worker),
                    worker_open_files: files(&from.worker, &to.worker),
                })
            }
            _ => None,
        };
        Self { command, machine, direct, steps, held, bound_by, per_socket }
    }

    /// The Markdown table and what it was measured on.
    pub fn table(&self) -> String {
        let path = if self.direct {
            "straight to the Worker's workerd, past wrangler's proxy (as production is reached)"
        } else {
            "through wrangler's proxy on the dev port (as `cargo xtask dev` is reached)"
        };
        let mut text = format!(
            "Idle shopper sockets (conversation started, `hello` said) {path}; at each step, once the edge had gone quiet, a probe of {} answered conversations at {} messages/s for {} s.\n\n| shopper sockets | opened in (s) | probe shopper→agent p50 / p99 (ms) | agent→shopper p99 (ms) | proxy workerd MiB / open files | Worker's workerd MiB / open files | object calls during the probe | held |\n|---:|---:|---|---:|---|---|---|---|\n",
            crate::capacity::PROBE_CONVERSATIONS,
            crate::capacity::PROBE.rate,
            crate::capacity::PROBE.seconds,
        );
        for step in &self.steps {
            let (probe, back) = match &step.probe {
                Some(probe) => (
                    format!("{:.1} / {:.1}", probe.shopper_to_agent.p50_ms, probe.shopper_to_agent.p99_ms),
                    format!("{:.1}", probe.agent_to_shopper.p99_ms),
                ),
                None => ("–".to_owned(), "–".to_owned()),
            };
            let usage = |usage: Option<Usage>| match usage {
                Some(usage) => format!("{:.0} / {} of {}", usage.memory_mib, usage.open_files, usage.open_files_limit),
                None => "–".to_owned(),
            };
            let calls: Vec<String> =
                step.probe_object_calls.iter().map(|(kind, count)| format!("{kind} {count}")).collect();
            text.push_str(&format!(
                "| {} | {:.1} | {probe} | {back} | {} | {} | {} | {} |\n",
                step.shopper_sockets,
                step.opening_seconds,
                usage(step.edge.map(|edge| edge.proxy)),
                usage(step.edge.map(|edge| edge.worker)),
                calls.join(", "),
                if step.held() { "yes" } else { "no" },
            ));
        }
        text.push_str(&format!(
            "\nHeld under p99 {P99_LIMIT_MS} ms: **{} shopper sockets**. {}\n",
            self.held,
            match &self.bound_by {
                Some(bound) => format!("Bound by {}.", bound.replace('|', "/")),
                None => "Every step held: the bound lies further.".to_owned(),
            }
        ));
        if let Some(per) = &self.per_socket {
            text.push_str(&format!(
                "Each socket cost wrangler's proxy {:.0} KiB and {:.1} open files, the Worker's workerd {:.0} KiB and {:.2} open files.\n",
                per.proxy_kib, per.proxy_open_files, per.worker_kib, per.worker_open_files
            ));
        }
        // The profile of the step that bound the edge (or of the last one), if one was taken.
        match self.steps.last().and_then(|step| step.profile.as_ref()) {
            Some(Ok(profile)) => text.push_str(&format!("\nThe last step's probe, profiled. {}", profile.table())),
            Some(Err(failure)) => text.push_str(&format!("\nThe last step's probe: {failure}\n")),
            None => {}
        }
        text.push_str(&self.machine.measured_with(&self.command));
        text
    }
}

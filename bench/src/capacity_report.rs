//! A capacity run's figures: each step as a row of a Markdown table, the most shopper sockets
//! the edge held under the limit, what each socket costs its two workerd processes, and what
//! bound it; the same as JSON for tools.

use serde::Serialize;

use crate::capacity::{is_out_of_files, Step, P99_LIMIT_MS};
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

/// When the edge could no longer be read at the last step (a process gone), which process the
/// sockets of that step took past its open-files limit, at what the step before measured and
/// what each socket cost it: the failure named from the last figures the edge gave.
fn out_of_files(steps: &[Step], before: Option<&Step>, per_socket: Option<PerSocket>) -> Option<String> {
    let (last, before, per) = (steps.last()?, before?, per_socket?);
    let usage = before.edge.filter(|_| last.edge.is_none())?;
    let more = last.shopper_sockets.saturating_sub(before.shopper_sockets) as f64;
    let failure = last.opening_failure.as_deref().unwrap_or("the edge could not be read");
    let [(proxy, proxy_usage), (worker, worker_usage)] = usage.named();
    [(proxy, proxy_usage, per.proxy_open_files), (worker, worker_usage, per.worker_open_files)]
        .into_iter()
        .find(|(_, usage, each)| is_out_of_files(usage.open_files as f64 + each * more, usage))
        .map(|(name, usage, each)| {
            format!(
                "{name} running out of open files: it held {} of its limit of {} at {} sockets, and {each:.1} more for each, so {} sockets took it to the limit and the edge stopped answering ({failure})",
                usage.open_files, usage.open_files_limit, before.shopper_sockets, last.shopper_sockets
            )
        })
}

impl CapacityReport {
    pub fn new(command: String, machine: Machine, direct: bool, steps: Vec<Step>) -> Self {
        let held = steps.iter().filter(|step| step.held()).map(|step| step.shopper_sockets).max().unwrap_or_default();
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
        let bound_by = out_of_files(&steps, measured.last().copied(), per_socket)
            .or_else(|| steps.last().and_then(Step::bound_by));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workerd::EdgeUsage;

    fn step(sockets: usize, proxy_files: usize, worker_files: usize, read: bool) -> Step {
        let usage = |files| Usage { memory_mib: 0.0, open_files: files, open_files_limit: 20_000, cpu_seconds: 0.0 };
        Step {
            shopper_sockets: sockets,
            opening_seconds: 0.0,
            opening_failure: (!read).then(|| "708 could not be opened".to_owned()),
            probe: None,
            probe_object_calls: Default::default(),
            profile: None,
            edge: read.then(|| EdgeUsage { proxy: usage(proxy_files), worker: usage(worker_files) }),
            shopper_sockets_lost: 0,
        }
    }

    #[test]
    fn a_process_gone_at_the_last_step_is_named_from_the_files_each_socket_took() {
        let report = |steps| CapacityReport::new("c".to_owned(), Machine::now(), false, steps);
        let proxy_ran_out =
            report(vec![step(1_000, 6_030, 1_123, true), step(3_000, 18_038, 3_123, true), step(3_292, 0, 0, false)]);
        let bound = proxy_ran_out.bound_by.expect("a bound");
        assert!(bound.starts_with("wrangler's proxy workerd running out of open files: it held 18038"), "{bound}");
        // Sockets that could not take any process to its limit: the opening's own failure is told.
        let too_few =
            report(vec![step(1_000, 6_030, 1_123, true), step(2_000, 12_034, 2_123, true), step(2_100, 0, 0, false)]);
        assert!(too_few.bound_by.expect("a bound").starts_with("opening shopper sockets failed"));
    }
}

//! A load run's figures: a table for people (Markdown, which reads as plain text too, and is
//! what BENCHMARKS.md embeds) and the same figures as JSON for tools, with Parley's latency as
//! a multiple of the echo Durable Object's.

use serde::Serialize;

use crate::machine::Machine;
use crate::options::Target;
use crate::tally::{Latency, Outcome};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The command that reproduces it.
    pub command: String,
    pub machine: Machine,
    pub conversations: usize,
    /// Messages a second asked for, both directions together.
    pub rate: f64,
    pub seconds: f64,
    pub agents: usize,
    pub runs: Vec<Run>,
    /// Parley's latencies divided by the echo object's, when both ran.
    pub parley_to_echo_object: Option<Ratios>,
}

/// One target's run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub target: &'static str,
    pub setup_seconds: f64,
    /// Why its conversations could not all be opened, when they could not (nothing was sent).
    pub setup_failure: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl Run {
    pub fn measured(target: &'static str, setup_seconds: f64, outcome: Outcome) -> Self {
        Self { target, setup_seconds, setup_failure: None, outcome }
    }

    pub fn failed(target: &'static str, setup_seconds: f64, failure: String) -> Self {
        Self { target, setup_seconds, setup_failure: Some(failure), outcome: Outcome::default() }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Ratios {
    pub shopper_to_agent_p50: f64,
    pub shopper_to_agent_p99: f64,
    pub agent_to_shopper_p50: f64,
    pub agent_to_shopper_p99: f64,
}

impl Report {
    pub fn new(
        command: String,
        machine: Machine,
        conversations: usize,
        rate: f64,
        seconds: f64,
        agents: usize,
        runs: Vec<Run>,
    ) -> Self {
        let find = |target: Target| {
            runs.iter().find(|run| run.target == target.name() && run.setup_failure.is_none()).map(|run| &run.outcome)
        };
        let ratio = |parley: f64, echo: f64| if echo > 0.0 { parley / echo } else { 0.0 };
        let parley_to_echo_object = find(Target::Parley).zip(find(Target::EchoObject)).map(|(parley, echo)| Ratios {
            shopper_to_agent_p50: ratio(parley.shopper_to_agent.p50_ms, echo.shopper_to_agent.p50_ms),
            shopper_to_agent_p99: ratio(parley.shopper_to_agent.p99_ms, echo.shopper_to_agent.p99_ms),
            agent_to_shopper_p50: ratio(parley.agent_to_shopper.p50_ms, echo.agent_to_shopper.p50_ms),
            agent_to_shopper_p99: ratio(parley.agent_to_shopper.p99_ms, echo.agent_to_shopper.p99_ms),
        });
        Self { command, machine, conversations, rate, seconds, agents, runs, parley_to_echo_object }
    }

    /// Every run delivered everything exactly once, in order, with nothing refused.
    pub fn is_clean(&self) -> bool {
        self.runs.iter().all(|run| run.setup_failure.is_none() && run.outcome.is_clean())
    }

    /// The Markdown table and what it was measured on.
    pub fn table(&self) -> String {
        let mut text = format!(
            "{} conversations, {} messages/s asked for (both directions together) for {} s; Parley's conversations answered by {} agents.\n\n| target | shopper→agent p50 / p90 / p99 / max (ms) | agent→shopper p50 / p90 / p99 / max (ms) | delivered/s | lost / duplicated / errors | set-up (s) |\n|---|---|---|---:|---|---:|\n",
            self.conversations, self.rate, self.seconds, self.agents
        );
        for run in &self.runs {
            if let Some(failure) = &run.setup_failure {
                text.push_str(&format!(
                    "| {} | set-up failed after {:.1} s: {} | | | | |\n",
                    run.target,
                    run.setup_seconds,
                    failure.replace('|', "/")
                ));
                continue;
            }
            let outcome = &run.outcome;
            text.push_str(&format!(
                "| {} | {} | {} | {:.0} | {} / {} / {} | {:.1} |\n",
                run.target,
                latencies(&outcome.shopper_to_agent),
                latencies(&outcome.agent_to_shopper),
                outcome.messages_per_second,
                outcome.lost,
                outcome.duplicates,
                outcome.errors,
                run.setup_seconds,
            ));
        }
        if let Some(ratios) = &self.parley_to_echo_object {
            text.push_str(&format!(
                "\nParley ÷ echo Durable Object: shopper→agent p50 ×{:.1}, p99 ×{:.1}; agent→shopper p50 ×{:.1}, p99 ×{:.1}.\n",
                ratios.shopper_to_agent_p50, ratios.shopper_to_agent_p99, ratios.agent_to_shopper_p50, ratios.agent_to_shopper_p99
            ));
        }
        for run in &self.runs {
            for (what, lines) in [("errors", &run.outcome.first_errors), ("losses", &run.outcome.first_losses)] {
                if !lines.is_empty() {
                    text.push_str(&format!("\n{} {what}, the first ones:\n", run.target));
                    for line in lines {
                        text.push_str(&format!("- {line}\n"));
                    }
                }
            }
        }
        text.push_str(&self.machine.measured_with(&self.command));
        text
    }
}

fn latencies(latency: &Latency) -> String {
    if latency.count == 0 {
        return "–".to_owned();
    }
    format!("{:.1} / {:.1} / {:.1} / {:.1}", latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms)
}

//! `cost`, run by `cargo xtask bench cost [--conversations N] [--json]`: what whole
//! conversations cost in Cloudflare's billing units. On an edge of its own it seeds the
//! benchmark shop, signs its agent in, resets the development counters, then holds N
//! conversations of 10 messages, 5 from the shopper and 5 from the agent in turn, each sent once
//! the one before is acknowledged, started over HTTP, claimed over the desk socket and resolved
//! by the agent ([`Parley::hold_whole`]). It waits until what they owe (the history's delayed
//! feed, alarms) is done, reads the counters and the Worker's CPU seconds, and reports them per
//! 1,000 conversations ([`crate::billing`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;

use crate::billing::{Bill, Spent};
use crate::edge_counters::Counters;
use crate::http::post_json;
use crate::machine::Machine;
use crate::options::CostOptions;
use crate::targets::parley::{Parley, SETTING_UP_AT_ONCE};
use crate::workerd::EdgeProcesses;

/// Messages in each conversation.
pub const MESSAGES: usize = 10;

/// How often, and how long at most, the run reads the counters after the last conversation
/// until two readings in a row agree: nothing owed is still running.
const SETTLE_EVERY: Duration = Duration::from_secs(2);
const SETTLE_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// The command that reproduces it.
    pub command: String,
    pub machine: Machine,
    pub conversations: usize,
    pub messages_per_conversation: usize,
    /// Conversations held at once.
    pub at_once: usize,
    pub seconds: f64,
    /// How long the run waited afterwards for what the conversations owed.
    pub settle_seconds: f64,
    /// CPU time of wrangler's proxy in front of the Worker (there is none in production).
    pub proxy_cpu_seconds: f64,
    pub spent: Spent,
    pub per_thousand: Bill,
    /// The counters as read, by kind of object.
    pub counters: Counters,
}

/// Holds the conversations on the edge at `port` run by `processes`; the report.
pub async fn measure(
    port: u16,
    processes: EdgeProcesses,
    options: &CostOptions,
    command: String,
    machine: Machine,
) -> Result<CostReport> {
    let parley = Parley::seed(port, 1).await?;
    let reset = post_json(port, "/api/dev/counters/reset", "{}", &[]).await?;
    ensure!(reset.status == 200, "resetting the counters answered {}: {}", reset.status, reset.body);
    let before = processes.usage()?;
    let started = Instant::now();
    futures_util::stream::iter(0..options.conversations)
        .map(|index| parley.hold_whole(index, MESSAGES))
        .buffer_unordered(SETTING_UP_AT_ONCE)
        .try_collect::<Vec<()>>()
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let (counters, readings) = settled(port).await?;
    let settle_seconds = started.elapsed().as_secs_f64() - seconds;
    let after = processes.usage()?;
    let cpu_seconds = after.worker.cpu_seconds - before.worker.cpu_seconds;
    let sum = |counts: &BTreeMap<String, u64>| counts.values().sum::<u64>();
    let spent = Spent {
        conversations: options.conversations as u64,
        messages: (options.conversations * MESSAGES) as u64,
        // Each reading of the counters was a request to the Worker, counted before it answered.
        worker_requests: counters.worker_requests.saturating_sub(readings),
        object_calls: sum(&counters.requests_received),
        alarms: sum(&counters.alarms),
        websocket_messages: sum(&counters.websocket_messages),
        active_seconds: counters.activity.values().map(|kind| kind.active_millis).sum::<f64>() / 1_000.0,
        active_with_idle_tail_seconds: counters
            .activity
            .values()
            .map(|kind| kind.active_with_idle_tail_millis)
            .sum::<f64>()
            / 1_000.0,
        rows_read: counters.rows_read,
        rows_written: counters.rows_written,
        bytes_written: counters.bytes_written,
        cpu_seconds,
    };
    drop(parley);
    let proxy_cpu_seconds = after.proxy.cpu_seconds - before.proxy.cpu_seconds;
    Ok(CostReport {
        command,
        machine,
        conversations: options.conversations,
        messages_per_conversation: MESSAGES,
        at_once: SETTING_UP_AT_ONCE,
        seconds,
        settle_seconds,
        proxy_cpu_seconds,
        per_thousand: Bill::per_thousand(&spent),
        spent,
        counters,
    })
}

/// Reads the counters until two readings in a row agree on everything but the readings
/// themselves; that reading, and how many were made.
async fn settled(port: u16) -> Result<(Counters, u64)> {
    let deadline = Instant::now() + SETTLE_LIMIT;
    let mut readings = 0;
    let mut last: Option<Counters> = None;
    loop {
        tokio::time::sleep(SETTLE_EVERY).await;
        let mut counters = Counters::read(port).await?;
        readings += 1;
        let worker_requests = counters.worker_requests;
        // Compared without the one request each reading adds.
        counters.worker_requests = worker_requests.saturating_sub(readings);
        if last.as_ref() == Some(&counters) || Instant::now() > deadline {
            counters.worker_requests = worker_requests;
            return Ok((counters, readings));
        }
        last = Some(counters);
    }
}

impl CostReport {
    /// The Markdown tables and what they were measured on.
    pub fn table(&self) -> String {
        let bill = &self.per_thousand;
        let spent = &self.spent;
        let mut text = format!(
            "{} whole conversations of {} messages (the shopper's and the agent's in turn, each sent once the one before is acknowledged; started over HTTP, claimed over the desk socket, resolved by the agent), {} at a time, in {:.1} s; then {:.1} s until the counters stopped moving. Per 1,000 conversations:\n\n| billing unit | per 1,000 conversations | counted |\n|---|---:|---|\n",
            self.conversations, self.messages_per_conversation, self.at_once, self.seconds, self.settle_seconds
        );
        let rows = [
            (
                "Workers requests",
                whole(bill.workers_requests),
                "requests from outside to the Worker, WebSocket upgrades included".to_owned(),
            ),
            (
                "Durable Object requests",
                whole(bill.object_requests),
                format!(
                    "{} calls + {} alarms + {} WebSocket messages ÷ 20",
                    whole(bill.object_calls),
                    whole(bill.alarms),
                    whole(bill.websocket_messages)
                ),
            ),
            (
                "Duration (GB-s)",
                format!("{:.2}", bill.duration_gb_s),
                format!("{:.1} s of objects running handlers × 128 MB", spent.active_seconds * self.scale()),
            ),
            (
                "Duration if the 10 s before hibernation were billed (GB-s)",
                whole(bill.duration_with_idle_tail_gb_s),
                "an upper bound".to_owned(),
            ),
            ("SQLite rows read", whole(bill.rows_read), "SQLite's `rowsRead`".to_owned()),
            ("SQLite rows written", whole(bill.rows_written), "SQLite's `rowsWritten`".to_owned()),
            ("bytes written", whole(bill.bytes_written), "values bound to writes: a lower bound".to_owned()),
            (
                "CPU (ms)",
                format!("{:.1} a conversation, {:.2} a message", bill.cpu_ms_per_conversation, bill.cpu_ms_per_message),
                format!(
                    "{:.2} s of the Worker's workerd process for the whole run (wrangler's proxy in front of it, not in production: {:.2} s more)",
                    spent.cpu_seconds, self.proxy_cpu_seconds
                ),
            ),
        ];
        for (unit, figure, counted) in rows {
            text.push_str(&format!("| {unit} | {figure} | {counted} |\n"));
        }
        text.push_str("\nBy kind of object, per 1,000 conversations:\n\n| object | calls | alarms | WebSocket messages | objects woken | handlers | active (s) | with the 10 s tail (s) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        let counters = &self.counters;
        let scale = self.scale();
        for (kind, activity) in &counters.activity {
            let count = |counts: &BTreeMap<String, u64>| whole(counts.get(kind).copied().unwrap_or(0) as f64 * scale);
            text.push_str(&format!(
                "| {kind} | {} | {} | {} | {} | {} | {:.2} | {} |\n",
                count(&counters.requests_received),
                count(&counters.alarms),
                count(&counters.websocket_messages),
                whole(activity.objects as f64 * scale),
                whole(activity.handlers as f64 * scale),
                activity.active_millis / 1_000.0 * scale,
                whole(activity.active_with_idle_tail_millis / 1_000.0 * scale),
            ));
        }
        text.push_str(&self.machine.measured_with(&self.command));
        text
    }

    /// From the run's conversations to 1,000.
    fn scale(&self) -> f64 {
        1_000.0 / self.conversations.max(1) as f64
    }
}

/// A count, rounded, with thousands separated.
fn whole(count: f64) -> String {
    let digits = format!("{:.0}", count.max(0.0));
    let mut grouped = String::new();
    for (k, digit) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

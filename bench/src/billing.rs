//! What a run of whole conversations spent, turned into Cloudflare's billing units per 1,000
//! conversations (BENCHMARKS.md cites the pages these rules come from):
//! - **Workers requests**: every request from outside reaching the Worker, WebSocket upgrades
//!   included.
//! - **Durable Object requests**: calls (HTTP `fetch`, RPC sessions, WebSocket upgrades) and
//!   alarms count one each; incoming WebSocket messages count one for every 20.
//! - **Duration**: wall-clock seconds an object is billed for, times the 128 MB every object is
//!   billed for whatever it uses, in GB-s (the pricing page's examples divide MB by 1,000).
//! - **Rows read and written**: SQLite's own counts, billed as they are.

use serde::Serialize;

/// Incoming WebSocket messages billed as one Durable Object request.
pub const WEBSOCKET_MESSAGES_PER_REQUEST: f64 = 20.0;

/// The memory every Durable Object is billed for, in GB.
pub const BILLED_GB_PER_OBJECT: f64 = 0.128;

/// What the run spent, as the development edge's counters and the Worker's process report it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Spent {
    pub conversations: u64,
    pub messages: u64,
    pub worker_requests: u64,
    /// Calls objects received.
    pub object_calls: u64,
    pub alarms: u64,
    pub websocket_messages: u64,
    /// Seconds objects ran handlers, summed over objects.
    pub active_seconds: f64,
    /// The same, each stretch followed by the 10 s an idle object waits before hibernating.
    pub active_with_idle_tail_seconds: f64,
    pub rows_read: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
    /// CPU time of the workerd process running the Worker and every object.
    pub cpu_seconds: f64,
}

/// The same in billing units, per 1,000 conversations, and CPU per message and conversation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bill {
    pub workers_requests: f64,
    pub object_calls: f64,
    pub alarms: f64,
    pub websocket_messages: f64,
    /// Calls and alarms, and WebSocket messages at 20 to one.
    pub object_requests: f64,
    pub duration_gb_s: f64,
    /// Duration if the idle time before hibernation were billed: an upper bound.
    pub duration_with_idle_tail_gb_s: f64,
    pub rows_read: f64,
    pub rows_written: f64,
    pub bytes_written: f64,
    pub cpu_ms_per_conversation: f64,
    pub cpu_ms_per_message: f64,
}

impl Bill {
    /// `spent` per 1,000 conversations; zeros for a run of none.
    pub fn per_thousand(spent: &Spent) -> Self {
        let scale = if spent.conversations == 0 { 0.0 } else { 1_000.0 / spent.conversations as f64 };
        let per = |count: u64| count as f64 * scale;
        let cpu_ms = spent.cpu_seconds * 1_000.0;
        let each = |count: u64| if count == 0 { 0.0 } else { cpu_ms / count as f64 };
        let websocket_messages = per(spent.websocket_messages);
        Self {
            workers_requests: per(spent.worker_requests),
            object_calls: per(spent.object_calls),
            alarms: per(spent.alarms),
            websocket_messages,
            object_requests: per(spent.object_calls)
                + per(spent.alarms)
                + websocket_messages / WEBSOCKET_MESSAGES_PER_REQUEST,
            duration_gb_s: spent.active_seconds * scale * BILLED_GB_PER_OBJECT,
            duration_with_idle_tail_gb_s: spent.active_with_idle_tail_seconds * scale * BILLED_GB_PER_OBJECT,
            rows_read: per(spent.rows_read),
            rows_written: per(spent.rows_written),
            bytes_written: per(spent.bytes_written),
            cpu_ms_per_conversation: each(spent.conversations),
            cpu_ms_per_message: each(spent.messages),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_is_scaled_to_a_thousand_conversations_in_billing_units() {
        let nothing = Bill {
            workers_requests: 0.0,
            object_calls: 0.0,
            alarms: 0.0,
            websocket_messages: 0.0,
            object_requests: 0.0,
            duration_gb_s: 0.0,
            duration_with_idle_tail_gb_s: 0.0,
            rows_read: 0.0,
            rows_written: 0.0,
            bytes_written: 0.0,
            cpu_ms_per_conversation: 0.0,
            cpu_ms_per_message: 0.0,
        };
        let hundred = Spent {
            conversations: 100,
            messages: 1_000,
            worker_requests: 300,
            object_calls: 500,
            alarms: 100,
            websocket_messages: 1_200,
            active_seconds: 50.0,
            active_with_idle_tail_seconds: 2_050.0,
            rows_read: 4_000,
            rows_written: 1_500,
            bytes_written: 250_000,
            cpu_seconds: 2.0,
        };
        let cases = [
            (
                "a hundred conversations",
                hundred,
                Bill {
                    workers_requests: 3_000.0,
                    object_calls: 5_000.0,
                    alarms: 1_000.0,
                    websocket_messages: 12_000.0,
                    // 5,000 calls + 1,000 alarms + 12,000 messages / 20.
                    object_requests: 6_600.0,
                    // 500 s × 0.128 GB.
                    duration_gb_s: 64.0,
                    duration_with_idle_tail_gb_s: 2_624.0,
                    rows_read: 40_000.0,
                    rows_written: 15_000.0,
                    bytes_written: 2_500_000.0,
                    cpu_ms_per_conversation: 20.0,
                    cpu_ms_per_message: 2.0,
                },
            ),
            (
                "messages alone, fewer than 20",
                Spent { conversations: 1_000, messages: 10, websocket_messages: 10, ..Spent::default() },
                Bill { websocket_messages: 10.0, object_requests: 0.5, ..nothing },
            ),
            ("no conversations", Spent { worker_requests: 7, cpu_seconds: 1.0, ..Spent::default() }, nothing),
        ];
        for (what, spent, expected) in cases {
            let bill = Bill::per_thousand(&spent);
            let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
            let pairs = [
                (bill.workers_requests, expected.workers_requests),
                (bill.object_calls, expected.object_calls),
                (bill.alarms, expected.alarms),
                (bill.websocket_messages, expected.websocket_messages),
                (bill.object_requests, expected.object_requests),
                (bill.duration_gb_s, expected.duration_gb_s),
                (bill.duration_with_idle_tail_gb_s, expected.duration_with_idle_tail_gb_s),
                (bill.rows_read, expected.rows_read),
                (bill.rows_written, expected.rows_written),
                (bill.bytes_written, expected.bytes_written),
                (bill.cpu_ms_per_conversation, expected.cpu_ms_per_conversation),
                (bill.cpu_ms_per_message, expected.cpu_ms_per_message),
            ];
            assert!(pairs.iter().all(|&(got, want)| close(got, want)), "{what}: {bill:?}, expected {expected:?}");
        }
    }
}

//! The development edge's cost counters (`GET /api/dev/counters`, edge/src/dev_counters.rs),
//! as the benchmarks read them: only what is billed or explains a cost.

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};
use serde::{Deserialize, Serialize};

use crate::http::get;

/// The counters' answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Counters {
    pub worker_requests: u64,
    pub requests_received: BTreeMap<String, u64>,
    pub websocket_messages: BTreeMap<String, u64>,
    pub alarms: BTreeMap<String, u64>,
    pub activity: BTreeMap<String, Activity>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
}

/// How long one kind of object was active.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Activity {
    pub objects: u64,
    pub handlers: u64,
    pub active_millis: f64,
    pub active_with_idle_tail_millis: f64,
}

impl Counters {
    /// Reads the counters of the edge at `port` (itself a request to the Worker, counted).
    pub async fn read(port: u16) -> Result<Self> {
        let response = get(port, "/api/dev/counters").await?;
        ensure!(response.status == 200, "the counters answered {}: {}", response.status, response.body);
        serde_json::from_str(&response.body).context("the counters")
    }

    /// Calls objects received since `before`, by kind, alarms included.
    pub fn calls_since(&self, before: &Counters) -> BTreeMap<String, u64> {
        let mut calls: BTreeMap<String, u64> = BTreeMap::new();
        for counts in [&self.requests_received, &self.alarms] {
            for (kind, count) in counts {
                *calls.entry(kind.clone()).or_default() += count;
            }
        }
        for counts in [&before.requests_received, &before.alarms] {
            for (kind, count) in counts {
                let now = calls.entry(kind.clone()).or_default();
                *now = now.saturating_sub(*count);
            }
        }
        calls.retain(|_, count| *count > 0);
        calls
    }
}

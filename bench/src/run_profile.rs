//! What Parley's run of `load --profile` cost the machine while its messages were sent: the
//! CPU each process spent, in cores (the generator itself, wrangler's proxy, the Worker's
//! workerd, all on the same machine), and a CPU profile of the Worker's workerd naming where
//! its time went.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::cpu_profile::{CpuProfile, Inspector};
use crate::workerd::{cpu_seconds, EdgeProcesses};

#[derive(Debug, Clone, Serialize)]
pub struct RunProfile {
    pub seconds: f64,
    pub generator_cores: f64,
    pub proxy_cores: f64,
    pub worker_cores: f64,
    pub cpu: CpuProfile,
}

/// Measures the edge whose processes are `processes` for `period` from now, profiling its
/// Worker over `inspector`.
pub async fn profile_for(period: Duration, processes: EdgeProcesses, inspector: &mut Inspector) -> Result<RunProfile> {
    inspector.start_profile().await?;
    let (edge_before, generator_before) = (processes.usage()?, cpu_seconds(std::process::id())?);
    let started = Instant::now();
    tokio::time::sleep(period).await;
    let seconds = started.elapsed().as_secs_f64();
    let (edge, generator) = (processes.usage()?, cpu_seconds(std::process::id())?);
    let cores = |after: f64, before: f64| (after - before) / seconds;
    Ok(RunProfile {
        seconds,
        generator_cores: cores(generator, generator_before),
        proxy_cores: cores(edge.proxy.cpu_seconds, edge_before.proxy.cpu_seconds),
        worker_cores: cores(edge.worker.cpu_seconds, edge_before.worker.cpu_seconds),
        cpu: inspector.stop_profile().await?,
    })
}

impl RunProfile {
    /// The processes' CPU and the profile, as Markdown.
    pub fn table(&self) -> String {
        format!(
            "While Parley's messages were sent ({:.1} s), the CPU in use, in cores: the Worker's workerd {:.2}, wrangler's proxy {:.2}, the load generator {:.2}.\n\n{}",
            self.seconds,
            self.worker_cores,
            self.proxy_cores,
            self.generator_cores,
            self.cpu.table()
        )
    }
}

//! What Parley's run of `load --profile` cost the machine while its messages flowed: the CPU
//! each process spent, in cores (the generator itself, wrangler's proxy, the Worker's workerd,
//! all on the same machine), and a CPU profile of the Worker's workerd naming where its time
//! went.

use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::cpu_profile::{CpuProfile, Recording};
use crate::workerd::{cpu_seconds, EdgeProcesses, EdgeUsage};

/// A profile being taken.
pub struct Profiling {
    recording: Recording,
    processes: EdgeProcesses,
    edge_before: EdgeUsage,
    generator_before: f64,
    started: Instant,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunProfile {
    pub seconds: f64,
    pub generator_cores: f64,
    pub proxy_cores: f64,
    pub worker_cores: f64,
    pub cpu: CpuProfile,
}

impl Profiling {
    /// Starts measuring the edge whose processes are `processes` and whose DevTools are served
    /// at `inspector_port`.
    pub async fn start(processes: EdgeProcesses, inspector_port: u16) -> Result<Self> {
        let recording = Recording::start(inspector_port).await?;
        Ok(Self {
            recording,
            edge_before: processes.usage()?,
            processes,
            generator_before: cpu_seconds(std::process::id())?,
            started: Instant::now(),
        })
    }

    pub async fn stop(self) -> Result<RunProfile> {
        let seconds = self.started.elapsed().as_secs_f64();
        let edge = self.processes.usage()?;
        let generator = cpu_seconds(std::process::id())?;
        let cores = |after: f64, before: f64| (after - before) / seconds;
        Ok(RunProfile {
            seconds,
            generator_cores: cores(generator, self.generator_before),
            proxy_cores: cores(edge.proxy.cpu_seconds, self.edge_before.proxy.cpu_seconds),
            worker_cores: cores(edge.worker.cpu_seconds, self.edge_before.worker.cpu_seconds),
            cpu: self.recording.stop().await?,
        })
    }
}

impl RunProfile {
    /// The processes' CPU and the profile, as Markdown.
    pub fn table(&self) -> String {
        format!(
            "While Parley's messages flowed ({:.1} s), the CPU in use, in cores: the Worker's workerd {:.2}, wrangler's proxy {:.2}, the load generator {:.2}.\n\n{}",
            self.seconds,
            self.worker_cores,
            self.proxy_cores,
            self.generator_cores,
            self.cpu.table()
        )
    }
}

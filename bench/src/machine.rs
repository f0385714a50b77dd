//! The machine a run measured, as BENCHMARKS.md records it beside each figure: processor,
//! cores, memory and how busy it was, read from /proc, and the date.

use std::process::Command;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_mib: u64,
    /// The 1, 5 and 15 minute load averages as the run started.
    pub load_average: String,
    /// UTC, `YYYY-MM-DD HH:MM`.
    pub date: String,
}

impl Machine {
    pub fn now() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split_once(':')))
            .map_or_else(|| "unknown".to_owned(), |(_, name)| name.trim().to_owned());
        let cores = cpuinfo.lines().filter(|line| line.starts_with("processor")).count();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: u64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_default();
        let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load_average = loadavg.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        let date = Command::new("date")
            .args(["-u", "+%Y-%m-%d %H:%M"])
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .unwrap_or_default();
        Self { cpu, cores, memory_mib: memory_kib / 1024, load_average, date }
    }

    /// The line under a report's table: when, on what, how busy, and the command run.
    pub fn measured_with(&self, command: &str) -> String {
        format!(
            "\nMeasured {} UTC on {} ({} cores, {} MiB), load average {} at the start, with `{}`.\n",
            self.date, self.cpu, self.cores, self.memory_mib, self.load_average, command
        )
    }
}

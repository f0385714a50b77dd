//! The local edge's two workerd processes as /proc shows them, for what a load costs the
//! machine: wrangler's proxy (it listens on the dev port and forwards every request and socket;
//! there is none in production) and the Worker's own (it runs the Worker and every object),
//! each with its memory, open files and their limit, and CPU time.

use std::fs;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::http::get;

/// One workerd process of the edge.
#[derive(Debug, Clone, Copy)]
pub struct Workerd {
    pub pid: u32,
}

/// The edge's two workerd processes.
#[derive(Debug, Clone, Copy)]
pub struct EdgeProcesses {
    pub proxy: Workerd,
    pub worker: Workerd,
}

/// What one process holds at a moment.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Usage {
    /// Resident memory.
    pub memory_mib: f64,
    pub open_files: usize,
    /// The soft open-files limit it runs under.
    pub open_files_limit: u64,
    /// User and system CPU time since it started.
    pub cpu_seconds: f64,
}

/// Both processes' usage at a moment.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct EdgeUsage {
    pub proxy: Usage,
    pub worker: Usage,
}

impl EdgeUsage {
    /// Each process's usage with its name in reports.
    pub fn named(&self) -> [(&'static str, Usage); 2] {
        [("wrangler's proxy workerd", self.proxy), ("the Worker's workerd", self.worker)]
    }
}

impl EdgeProcesses {
    /// Finds the workerd processes of the edge whose processes are in `process_group` and
    /// which serves on `port`: the proxy is the one whose entry socket is that port.
    pub fn find(process_group: u32, port: u16) -> Result<Self> {
        let entry = format!("--socket-addr=entry=127.0.0.1:{port}");
        let (mut proxy, mut worker) = (None, None);
        for pid in fs::read_dir("/proc")?.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok()) {
            let Ok(stat) = Stat::read(pid) else { continue };
            if stat.command != "workerd" || stat.process_group != process_group {
                continue;
            }
            let command_line = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let is_proxy = command_line.split(|byte| *byte == 0).any(|arg| arg == entry.as_bytes());
            *(if is_proxy { &mut proxy } else { &mut worker }) = Some(Workerd { pid });
        }
        match (proxy, worker) {
            (Some(proxy), Some(worker)) => Ok(Self { proxy, worker }),
            _ => bail!("the edge in process group {process_group} does not run its two workerd processes"),
        }
    }

    pub fn usage(&self) -> Result<EdgeUsage> {
        Ok(EdgeUsage { proxy: self.proxy.usage()?, worker: self.worker.usage()? })
    }
}

impl Workerd {
    pub fn usage(&self) -> Result<Usage> {
        let pid = self.pid;
        let stat = Stat::read(pid)?;
        let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
        let resident_kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")?;
        let limits = fs::read_to_string(format!("/proc/{pid}/limits"))?;
        let open_files_limit = limits
            .lines()
            .find_map(|line| line.strip_prefix("Max open files"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .context("no open-files limit")?;
        Ok(Usage {
            memory_mib: resident_kib / 1024.0,
            open_files: fs::read_dir(format!("/proc/{pid}/fd"))?.count(),
            open_files_limit,
            cpu_seconds: stat.cpu_seconds,
        })
    }

    /// The port where it answers `/healthz` itself: the Worker's own entry, past the proxy,
    /// as production's edge is reached. It also listens for its inspector and loopback calls.
    pub async fn entry_port(&self) -> Result<u16> {
        for port in self.listening_ports()? {
            let answer = tokio::time::timeout(Duration::from_secs(5), get(port, "/healthz")).await;
            if matches!(answer, Ok(Ok(ref response)) if response.status == 200 && response.body.trim() == "ok") {
                return Ok(port);
            }
        }
        bail!("workerd {} answers /healthz on none of its ports", self.pid)
    }

    /// The loopback TCP ports it listens on: its sockets' inodes, looked up in /proc/net/tcp.
    fn listening_ports(&self) -> Result<Vec<u16>> {
        let inodes: Vec<String> = fs::read_dir(format!("/proc/{}/fd", self.pid))?
            .filter_map(|fd| {
                let target = fs::read_link(fd.ok()?.path()).ok()?;
                Some(target.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
            })
            .collect();
        let table = fs::read_to_string("/proc/net/tcp")?;
        // Columns: sl local_address rem_address st … inode; state 0A is LISTEN.
        Ok(table
            .lines()
            .skip(1)
            .filter_map(|line| {
                let columns: Vec<&str> = line.split_whitespace().collect();
                let (local, state, inode) = (columns.get(1)?, columns.get(3)?, columns.get(9)?);
                let port = u16::from_str_radix(local.rsplit_once(':')?.1, 16).ok()?;
                (*state == "0A" && inodes.iter().any(|own| own == inode)).then_some(port)
            })
            .collect())
    }
}

/// The user and system CPU time process `pid` has spent since it started.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    Ok(Stat::read(pid)?.cpu_seconds)
}

/// The unit of CPU times in /proc: `USER_HZ`, part of Linux's interface to user space and 100 on
/// every architecture Parley's machines run.
const USER_HZ: f64 = 100.0;

/// The fields of `/proc/{pid}/stat` used here.
struct Stat {
    command: String,
    process_group: u32,
    cpu_seconds: f64,
}

impl Stat {
    fn read(pid: u32) -> Result<Self> {
        let text = fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // `pid (comm) state ppid pgrp …`: the command may hold spaces, so split at its brackets.
        let (open, close) = (text.find('(').context("stat")?, text.rfind(')').context("stat")?);
        let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
        // After the command: state is field 3 of the file, pgrp 5, utime 14 and stime 15.
        let field = |number: usize| fields.get(number - 3).copied().context("a short stat");
        let ticks: f64 = field(14)?.parse::<f64>()? + field(15)?.parse::<f64>()?;
        Ok(Self {
            command: text[open + 1..close].to_owned(),
            process_group: field(5)?.parse()?,
            cpu_seconds: ticks / USER_HZ,
        })
    }
}

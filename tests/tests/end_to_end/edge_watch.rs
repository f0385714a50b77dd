//! The watcher `cargo xtask dev` runs over its edge (`EdgeProcess::watch`): when workerd dies,
//! as it does when it runs out of files, the watcher says so with the edge's last lines and
//! ends, instead of watching a dead port for ever. And the edge starts with the open-files
//! limit raised as far as this process may raise it.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use parley_tests::{free_port, EdgeDown, EdgeProcess};

use crate::case;
use crate::runner::{Case, Env};

pub fn cases() -> Vec<Case> {
    vec![case!(a_dead_edge_is_reported_by_its_watcher)]
}

/// How long the watcher may take to notice: far more than its checks need.
const NOTICE_LIMIT: Duration = Duration::from_secs(60);

async fn a_dead_edge_is_reported_by_its_watcher(_env: Arc<Env>) -> Result<()> {
    let state = std::env::temp_dir().join(format!("parley-watched-edge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    // Set only if the watcher has not ended by itself in time, so that its thread ends too.
    let give_up = Arc::new(AtomicBool::new(false));
    let watching = {
        let (state, give_up) = (state.clone(), Arc::clone(&give_up));
        tokio::task::spawn_blocking(move || kill_workerd_and_watch(&state, &give_up))
    };
    let watched = tokio::time::timeout(NOTICE_LIMIT, watching).await;
    give_up.store(true, Ordering::Relaxed);
    let outcome = match watched {
        Ok(joined) => joined?,
        Err(_) => bail!("the watcher had not noticed the dead edge after {NOTICE_LIMIT:?}"),
    };
    let _ = std::fs::remove_dir_all(&state);
    let down = outcome?;
    ensure!(
        down.reason.contains("exited") || down.reason.contains("stopped answering"),
        "the watcher gave an unclear reason: {down}"
    );
    Ok(())
}

/// Starts an edge, checks the open-files limit its workerd processes got, kills them by their
/// process ids, and watches the edge until the watcher reports it down.
fn kill_workerd_and_watch(state: &Path, give_up: &AtomicBool) -> Result<EdgeDown> {
    let mut edge = EdgeProcess::start(free_port()?, state)?;
    let (_, hard) = rlimit::Resource::NOFILE.get()?;
    ensure!(edge.open_files_limit() == hard, "the limit was not raised to the hard limit {hard}");
    for workerd in workerds_of(&edge)? {
        let limits = std::fs::read_to_string(format!("/proc/{workerd}/limits"))?;
        let open_files =
            limits.lines().find(|line| line.starts_with("Max open files")).context("no open-files limit")?;
        ensure!(
            open_files.split_whitespace().nth(3) == Some(edge.open_files_limit().to_string().as_str()),
            "workerd runs with {open_files:?}, not the raised limit {}",
            edge.open_files_limit()
        );
        let killed = Command::new("kill").args(["-s", "KILL", &workerd]).status()?;
        ensure!(killed.success(), "could not kill workerd {workerd}");
    }
    match edge.watch(give_up) {
        Ok(()) => bail!("the watcher went on watching a dead edge"),
        Err(down) => Ok(down),
    }
}

/// The process ids of the edge's workerd processes (wrangler runs two: its proxy in front, and
/// the Worker's), found in the edge's process group.
fn workerds_of(edge: &EdgeProcess) -> Result<Vec<String>> {
    let group = edge.process_group().to_string();
    let found = Command::new("pgrep").args(["-g", &group, "-x", "workerd"]).output()?;
    let pids: Vec<String> = String::from_utf8_lossy(&found.stdout).split_whitespace().map(str::to_owned).collect();
    ensure!(!pids.is_empty(), "no workerd in the edge's process group {group}");
    Ok(pids)
}

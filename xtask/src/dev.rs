//! `cargo xtask dev`: the local edge on 127.0.0.1:8787 with the demo shop seeded, taking
//! sign-ups (`PARLEY_SIGNUP=open`) and with an operator key in `edge/.dev.vars`, so every way a
//! shop comes to exist can be tried locally. It watches the edge: when the edge dies (workerd
//! out of files, say) it says so with the edge's last lines and exits with a failure, rather
//! than leave a port that answers nothing.

use std::io::Read;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{Context, Result};
use parley_tests::{EdgeOptions, EdgeProcess};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use crate::paths::{dev_state, edge};

const PORT: u16 = 8787;

pub fn run() -> Result<()> {
    let state = dev_state();
    std::fs::create_dir_all(&state)?;
    let operator_key = dev_operator_key()?;
    // The edge runs in a process group of its own, which the terminal's Ctrl-C does not reach:
    // Ctrl-C (or the terminal closing) asks us to stop, and dropping the edge stops its group.
    // Asked before the edge starts, so that no signal can end us with the edge left running.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("listening for Ctrl-C")?;
    }
    eprintln!("starting the edge (state in {}; delete it to start over)…", state.display());
    let options = EdgeOptions { vars: vec![("PARLEY_SIGNUP".into(), "open".into())], ..EdgeOptions::default() };
    let mut edge = EdgeProcess::start_with(PORT, &state, &options).context("starting the edge")?;
    edge.seed("").context("seeding the demo shop")?;
    println!(
        "\nParley is running.\n\n  Demo shop:  http://127.0.0.1:{PORT}/demo/\n  Console:    http://127.0.0.1:{PORT}/console\n              sign in as agent@demo.test / parley-demo (dev only)\n  Sign-up:    http://127.0.0.1:{PORT}/console/signup\n  Operator:   PARLEY_OPERATOR_KEY={operator_key} cargo xtask shop list --edge http://127.0.0.1:{PORT}\n  Open files: the edge may hold {limit} (each open conversation takes about 3)\n\nPress Ctrl-C to stop.\n",
        limit = edge.open_files_limit(),
    );
    edge.watch(&stop).context("the local edge failed, so `cargo xtask dev` stops")?;
    eprintln!("stopping the edge…");
    Ok(())
}

/// The local edge's operator key, kept in `edge/.dev.vars` (which wrangler reads, and git
/// ignores): made once, from the system's randomness, and kept if someone set their own.
fn dev_operator_key() -> Result<String> {
    let path = edge().join(".dev.vars");
    let vars = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(key) = vars.lines().find_map(|line| line.strip_prefix("PARLEY_OPERATOR_KEY=")) {
        return Ok(key.trim().trim_matches('"').to_owned());
    }
    let mut random = [0u8; 24];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut random).context("reading /dev/urandom")?;
    let key: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    let separator = if vars.is_empty() || vars.ends_with('\n') { "" } else { "\n" };
    std::fs::write(&path, format!("{vars}{separator}PARLEY_OPERATOR_KEY={key}\n"))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

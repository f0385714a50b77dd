//! `cargo xtask dev`: the local edge on 127.0.0.1:8787 with the demo shop seeded.

use anyhow::{Context, Result};
use parley_tests::{EdgeProcess, Stop};

use crate::paths::dev_state;

const PORT: u16 = 8787;

pub fn run() -> Result<()> {
    let state = dev_state();
    std::fs::create_dir_all(&state)?;
    eprintln!("starting the edge (state in {}; delete it to start over)…", state.display());
    let mut edge = EdgeProcess::start(PORT, &state, Stop::WithTerminal).context("starting the edge")?;
    edge.seed("").context("seeding the demo shop")?;
    println!(
        "\nParley is running.\n\n  Demo shop:  http://127.0.0.1:{PORT}/demo/\n  Console:    http://127.0.0.1:{PORT}/console\n              sign in as agent@demo.test / parley-demo (dev only)\n\nPress Ctrl-C to stop.\n"
    );
    edge.wait()?;
    Ok(())
}

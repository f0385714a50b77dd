//! `cargo xtask dev`: the local edge on 127.0.0.1:8787 with the demo shop seeded, taking
//! sign-ups (`PARLEY_SIGNUP=open`) and with an operator key in `edge/.dev.vars`, so every way a
//! shop comes to exist can be tried locally.

use std::io::Read;

use anyhow::{Context, Result};
use parley_tests::{EdgeOptions, EdgeProcess, Stop};

use crate::paths::{dev_state, edge};

const PORT: u16 = 8787;

pub fn run() -> Result<()> {
    let state = dev_state();
    std::fs::create_dir_all(&state)?;
    let operator_key = dev_operator_key()?;
    eprintln!("starting the edge (state in {}; delete it to start over)…", state.display());
    let options = EdgeOptions { vars: vec![("PARLEY_SIGNUP".into(), "open".into())], ..EdgeOptions::default() };
    let mut edge = EdgeProcess::start_with(PORT, &state, Stop::WithTerminal, &options).context("starting the edge")?;
    edge.seed("").context("seeding the demo shop")?;
    println!(
        "\nParley is running.\n\n  Demo shop:  http://127.0.0.1:{PORT}/demo/\n  Console:    http://127.0.0.1:{PORT}/console\n              sign in as agent@demo.test / parley-demo (dev only)\n  Sign-up:    http://127.0.0.1:{PORT}/console/signup\n  Operator:   PARLEY_OPERATOR_KEY={operator_key} cargo xtask shop list --edge http://127.0.0.1:{PORT}\n\nPress Ctrl-C to stop.\n"
    );
    edge.wait()?;
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

//! `cargo xtask test`: every check CI runs, cheapest first so a mistake fails fast.

use anyhow::Result;
use std::process::Command;

use crate::bench;
use crate::build;
use crate::paths::root;
use crate::run::run;

/// Crates that only make sense in the browser or the Worker (wasm32 only).
const WASM_ONLY: [&str; 4] = ["parley-client", "parley-edge", "parley-widget", "parley-console"];

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(args).current_dir(root());
    command
}

fn excluding_wasm_only(mut command: Command) -> Command {
    for package in WASM_ONLY {
        command.args(["--exclude", package]);
    }
    command
}

pub fn all() -> Result<()> {
    run(&mut cargo(&["fmt", "--all", "--", "--check"]))?;
    let mut native = excluding_wasm_only(cargo(&["clippy", "--workspace", "--all-targets"]));
    run(native.args(["--", "-D", "warnings"]))?;
    let mut wasm = cargo(&["clippy", "--target", "wasm32-unknown-unknown", "-p", "parley-core"]);
    for package in WASM_ONLY {
        wasm.args(["-p", package]);
    }
    run(wasm.args(["--", "-D", "warnings"]))?;
    build::all()?;
    // The console's unit tests are of plain functions, so they run natively like core's.
    run(&mut cargo(&["test", "-p", "parley-console", "--lib"]))?;
    // Unit tests, then the integration and browser tests, which start their own edge from the
    // artifacts just built.
    run(&mut excluding_wasm_only(cargo(&["test", "--workspace"])))?;
    // The load generator against its own edge and baselines, two small steps of capacity and a
    // few conversations priced, briefly: for crashes, losses, duplicates and refusals, never
    // for speed.
    bench::load_smoke()
}

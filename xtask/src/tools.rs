//! Installs what the build and the tests need, skipping whatever is already there: the wasm32
//! target, the pinned nightly (with its std's source) that builds the browser apps, wasm-bindgen-cli pinned to the version in Cargo.lock, worker-build, the npm tools
//! from package-lock.json (wrangler, binaryen's wasm-opt, esbuild, axe-core, which the browser
//! tests inject to check accessibility, and socket.io, the load benchmark's Node baseline), and for tests Chromium and ChromeDriver from
//! Debian's packages. Fuzzing needs only the pinned nightly and cargo-fuzz.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

use crate::paths::{cargo_bin, node_bin, root};
use crate::run::{run, stdout};

/// axe-core's script, as the browser tests read it (tests/tests/end_to_end/accessibility.rs).
const AXE_CORE_SCRIPT: &str = "node_modules/axe-core/axe.min.js";

/// Socket.IO's server, which the load benchmark's Node baseline imports (bench/socketio-relay.mjs).
const SOCKET_IO_PACKAGE: &str = "node_modules/socket.io/package.json";

/// The toolchain the browser apps are built with. A nightly, because only a nightly rebuilds
/// std without panic messages, `Debug` formatting and caller locations (`build::APP_RUSTFLAGS`),
/// which is about 16 KB of the widget's gzipped wasm; pinned by date, so every machine builds the
/// same bytes. Everything else (edge, core, tests, xtask) builds with stable.
pub const APPS_TOOLCHAIN: &str = "nightly-2026-05-20";

/// The worker-build release matching the `worker` crate.
const WORKER_BUILD_VERSION: &str = "0.8.7";

pub enum Needs {
    /// Everything to build and run the edge.
    Build,
    /// That, plus a browser and its driver.
    Browser,
}

pub fn install(needs: Needs) -> Result<()> {
    wasm_target()?;
    apps_toolchain()?;
    wasm_bindgen_cli()?;
    worker_build()?;
    npm_tools()?;
    if let Needs::Browser = needs {
        chromium()?;
    }
    Ok(())
}

/// What `cargo xtask fuzz` needs: the pinned nightly (libFuzzer's sanitizer flags are
/// nightly-only) and cargo-fuzz.
pub fn fuzzing() -> Result<()> {
    apps_toolchain()?;
    if stdout(Command::new(cargo_bin("cargo-fuzz")).arg("--version")).is_some() {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

fn wasm_target() -> Result<()> {
    let installed = stdout(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The apps' nightly with `rust-src`, which `-Zbuild-std` compiles std from.
fn apps_toolchain() -> Result<()> {
    let sysroot = stdout(Command::new("rustup").args(["run", APPS_TOOLCHAIN, "rustc", "--print", "sysroot"]));
    if sysroot.is_some_and(|s| Path::new(s.trim()).join("lib/rustlib/src/rust/library/std").exists()) {
        return Ok(());
    }
    run(Command::new("rustup").args([
        "toolchain",
        "install",
        APPS_TOOLCHAIN,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
    ]))
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen")
}

fn wasm_bindgen_cli() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let installed = stdout(Command::new(cargo_bin("wasm-bindgen")).arg("--version")).unwrap_or_default();
    if installed.split_whitespace().nth(1) == Some(version.as_str()) {
        return Ok(());
    }
    // Not --locked: the CLI's own lock file pins a webpki-roots release the registry lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version, "--force"]))
}

fn worker_build() -> Result<()> {
    let installed = stdout(Command::new(cargo_bin("worker-build")).arg("--version")).unwrap_or_default();
    if installed.contains(WORKER_BUILD_VERSION) {
        return Ok(());
    }
    run(Command::new("cargo").args([
        "install",
        "worker-build",
        "--version",
        WORKER_BUILD_VERSION,
        "--locked",
        "--force",
    ]))
}

fn npm_tools() -> Result<()> {
    let lock = root().join("package-lock.json");
    let installed = root().join("node_modules/.package-lock.json");
    let fresh = modified(&installed).is_some_and(|i| modified(&lock).is_some_and(|l| i >= l));
    // axe-core and socket.io have no binary: the browser tests read axe-core's script, the load
    // benchmark's relay imports socket.io. Checked too, so a node_modules installed before they
    // joined the lockfile gets them.
    let complete = ["wrangler", "wasm-opt", "esbuild"].iter().all(|tool| node_bin(tool).exists())
        && [AXE_CORE_SCRIPT, SOCKET_IO_PACKAGE].iter().all(|file| root().join(file).exists());
    if fresh && complete {
        return Ok(());
    }
    // A worktree that borrows another checkout's node_modules through a symlink must not
    // reinstall it: `npm ci` would empty the tree the other checkout is using.
    if complete && std::fs::symlink_metadata(root().join("node_modules")).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root()))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let root_user = stdout(Command::new("id").arg("-u")).is_some_and(|id| id.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if root_user { Command::new("apt-get") } else { Command::new("sudo") };
        if !root_user {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "chromium", "chromium-driver"])
}

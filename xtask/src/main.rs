//! `cargo xtask <command>`: Parley's developer commands, in Rust so they run wherever cargo does.
//!
//! - `dev`: install what is missing, build what changed, run the edge locally on 127.0.0.1:8787
//!   with a seeded demo shop, print the demo shop's and the console's URLs, and watch the edge
//!   until Ctrl-C, or until it dies, which ends `dev` with a failure.
//! - `test`: every check CI runs: format, lints (native and wasm), unit tests, integration and
//!   browser tests against a real local edge.
//! - `build`: the release artifacts (apps, loader, Worker) without running anything; steps
//!   whose inputs did not change are skipped (`stamp.rs`).
//! - `bench [--quick] [--json]`: every benchmark (sizes, first open, history search, load
//!   against three baselines), written to BENCHMARKS.md; `bench load …` the load generator alone.
//! - `install`: only the tools.
//! - `shop …`: the operator's commands against a running edge: create a shop and its owner's
//!   link, list shops, disable or enable one, issue sign-up codes.
//! - `fuzz <target> [--seconds N]`: fuzz one of core's decoders (`fuzz/`) for N seconds on the
//!   pinned nightly, installing cargo-fuzz if it is missing. On demand only: not part of `test`.

mod bench;
mod build;
mod dev;
mod fuzz;
mod paths;
mod run;
mod shop;
mod stamp;
mod test;
mod tools;
mod wasm_interface;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("help");
    match command {
        "install" => tools::install(tools::Needs::Build),
        "build" => {
            tools::install(tools::Needs::Build)?;
            build::all()
        }
        "dev" => {
            tools::install(tools::Needs::Build)?;
            build::all()?;
            dev::run()
        }
        "test" => {
            tools::install(tools::Needs::Browser)?;
            test::all()
        }
        "bench" => {
            tools::install(tools::Needs::Build)?;
            build::all()?;
            bench::run(&args[1..])
        }
        "fuzz" => fuzz::run_target(&args[1..]),
        "shop" => shop::run(&args[1..]),
        "help" | "--help" | "-h" => {
            println!("usage: cargo xtask <dev|test|build|bench|install|shop|fuzz>");
            println!("       bench [--quick] [--json] | bench load [--quick] [--conversations N] [--rate R] [--seconds S] [--agents A] [--targets …] [--json]");
            println!("       {}", shop::USAGE);
            println!("       {}", fuzz::USAGE);
            Ok(())
        }
        other => bail!("unknown command {other:?}; try `cargo xtask help`"),
    }
}

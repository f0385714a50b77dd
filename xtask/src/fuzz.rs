//! `cargo xtask fuzz <target> [--seconds N]`: runs one of core's fuzz targets (`fuzz/`, a
//! cargo-fuzz crate outside the workspace: `client_frame`, `json`, `desk_frame`) for N seconds,
//! on the apps' pinned nightly, with the protocol's dictionary. On demand only: fuzzing is not
//! part of `cargo xtask test`. The corpus it grows and any crash it finds stay under `fuzz/`.

use anyhow::{bail, Context, Result};
use std::process::Command;

use crate::paths::root;
use crate::run::run;
use crate::tools::{self, APPS_TOOLCHAIN};

/// How long a target runs when not told.
const DEFAULT_SECONDS: u64 = 60;

pub const USAGE: &str = "cargo xtask fuzz <client_frame|json|desk_frame> [--seconds N]";

/// Which target, for how many seconds.
#[derive(Debug, PartialEq, Eq)]
struct Run<'a> {
    target: &'a str,
    seconds: u64,
}

fn parse(args: &[String]) -> Result<Run<'_>> {
    match args {
        [target] => Ok(Run { target, seconds: DEFAULT_SECONDS }),
        [target, flag, seconds] if flag == "--seconds" => {
            let seconds =
                seconds.parse().with_context(|| format!("--seconds wants a whole number, not {seconds:?}"))?;
            Ok(Run { target, seconds })
        }
        _ => bail!("usage: {USAGE}"),
    }
}

/// Runs the target `args` name (cargo-fuzz itself refuses a name `fuzz/Cargo.toml` lacks),
/// installing what fuzzing needs once the arguments are known to be right.
pub fn run_target(args: &[String]) -> Result<()> {
    let Run { target, seconds } = parse(args)?;
    tools::fuzzing()?;
    let fuzz = root().join("fuzz");
    let mut cargo = Command::new("rustup");
    cargo
        .args(["run", APPS_TOOLCHAIN, "cargo", "fuzz", "run", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-dict={}", fuzz.join("protocol.dict").display()))
        .current_dir(&fuzz);
    run(&mut cargo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_a_target_and_maybe_seconds() {
        let cases: [(&[&str], Option<Run>); 6] = [
            (&["json"], Some(Run { target: "json", seconds: DEFAULT_SECONDS })),
            (&["client_frame", "--seconds", "30"], Some(Run { target: "client_frame", seconds: 30 })),
            (&[], None),
            (&["json", "--seconds"], None),
            (&["json", "--seconds", "soon"], None),
            (&["json", "--minutes", "3"], None),
        ];
        for (args, expected) in cases {
            let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
            assert_eq!(parse(&args).ok(), expected, "{args:?}");
        }
    }
}

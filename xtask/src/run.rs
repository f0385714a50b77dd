//! Running commands: echo them, fail with the command line when they fail.

use anyhow::{bail, Context, Result};
use std::process::{Command, Output};

/// Runs `command` with inherited output; fails if it does not succeed.
pub fn run(command: &mut Command) -> Result<()> {
    eprintln!("$ {}", describe(command));
    let status = command.status().with_context(|| format!("could not start {}", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed with {status}", describe(command));
    }
    Ok(())
}

/// Runs `command` like [`run`], but keeps what it prints on standard output and returns it.
pub fn run_for_output(command: &mut Command) -> Result<String> {
    eprintln!("$ {}", describe(command));
    let output = command.stderr(std::process::Stdio::inherit()).output();
    let output = output.with_context(|| format!("could not start {}", describe(command)))?;
    if !output.status.success() {
        bail!("`{}` failed with {}", describe(command), output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `command` quietly and returns its output, whatever its status (None if it cannot start).
pub fn capture(command: &mut Command) -> Option<Output> {
    command.output().ok()
}

/// Runs `command` quietly and returns stdout if it succeeded.
pub fn stdout(command: &mut Command) -> Option<String> {
    capture(command).filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program().to_string_lossy().into_owned())
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

//! Skipping a build step whose inputs did not change: each step leaves a stamp in
//! `target/stamps/` holding a digest of what it ran on (the files it reads, the tools and the
//! options it runs with, the xtask code that says how) and what it answered, such as a bundle's
//! folder name. The next build runs the step again only if the digest differs or one of the
//! step's outputs is gone; cargo's own incremental builds run every time, and are quick when
//! nothing changed, so a step's input is the artifact cargo left.

use anyhow::{Context, Result};
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::paths::stamps;

/// What a step runs on, hashed as it is listed. (std's SipHash with its fixed keys: stable for
/// a toolchain, and a new toolchain only costs one rebuild.)
#[derive(Default)]
pub struct Inputs {
    hasher: DefaultHasher,
}

impl Inputs {
    /// The bytes of `path`, which must exist.
    pub fn file(mut self, path: &Path) -> Result<Self> {
        path.hash(&mut self.hasher);
        fs::read(path).with_context(|| format!("reading {}", path.display()))?.hash(&mut self.hasher);
        Ok(self)
    }

    /// A tool, by where it really is (after symlinks), its size and when it was written: a
    /// reinstalled or upgraded tool reruns the step, without running the tool to ask its version.
    pub fn tool(mut self, path: &Path) -> Result<Self> {
        let real = fs::canonicalize(path).with_context(|| format!("finding {}", path.display()))?;
        let metadata = fs::metadata(&real).with_context(|| format!("reading {}", real.display()))?;
        (real, metadata.len(), metadata.modified().ok()).hash(&mut self.hasher);
        Ok(self)
    }

    /// Anything else the step depends on: its options, the source of the code that runs it.
    pub fn value(mut self, value: impl Hash) -> Self {
        value.hash(&mut self.hasher);
        self
    }

    fn digest(&self) -> String {
        format!("{:016x}", self.hasher.finish())
    }
}

/// Runs `step` through `build` unless its stamp holds the same digest of `inputs` and every
/// path `outputs` names (given what the step answered last time) exists. Answers what `build`
/// answered, now or when it last ran.
pub fn unless_unchanged(
    step: &str,
    inputs: Inputs,
    outputs: impl Fn(&str) -> Vec<PathBuf>,
    build: impl FnOnce() -> Result<String>,
) -> Result<String> {
    unless_unchanged_in(&stamps(), step, inputs, outputs, build)
}

/// [`unless_unchanged`], with the stamps in `folder`.
fn unless_unchanged_in(
    folder: &Path,
    step: &str,
    inputs: Inputs,
    outputs: impl Fn(&str) -> Vec<PathBuf>,
    build: impl FnOnce() -> Result<String>,
) -> Result<String> {
    let stamp = folder.join(format!("{step}.stamp"));
    let digest = inputs.digest();
    let recorded = fs::read_to_string(&stamp).ok();
    if let Some(answer) = recorded.as_deref().and_then(|text| text.strip_prefix(&format!("{digest}\n"))) {
        if outputs(answer).iter().all(|path| path.exists()) {
            eprintln!("· {step}: inputs unchanged, skipped");
            return Ok(answer.to_owned());
        }
    }
    // Gone while the step runs: a step that fails half way must not leave a stamp that an
    // earlier state of its inputs would match.
    if recorded.is_some() {
        fs::remove_file(&stamp).with_context(|| format!("removing {}", stamp.display()))?;
    }
    let answer = build()?;
    fs::create_dir_all(folder)?;
    fs::write(&stamp, format!("{digest}\n{answer}")).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What happens to a step's stamp and output between two builds.
    enum Change {
        Nothing,
        Input,
        OutputDeleted,
        /// The build before this one failed half way, after its inputs changed back.
        FailedBetween,
    }

    #[test]
    fn a_step_reruns_exactly_when_an_input_changed_or_an_output_is_gone() {
        let cases = [
            (Change::Nothing, false),
            (Change::Input, true),
            (Change::OutputDeleted, true),
            (Change::FailedBetween, true),
        ];
        for (number, (change, reruns)) in cases.into_iter().enumerate() {
            let folder = std::env::temp_dir().join(format!("parley-stamp-test-{}-{number}", std::process::id()));
            let _ = fs::remove_dir_all(&folder);
            fs::create_dir_all(&folder).expect("a temporary folder");
            let (input, output) = (folder.join("input"), folder.join("output"));
            let outputs = |answer: &str| vec![folder.join(answer)];
            let build = |ran: &mut bool| {
                *ran = true;
                fs::write(&output, "built").expect("the output");
                Ok("output".to_owned())
            };
            let step = |ran: &mut bool| {
                let inputs = Inputs::default().file(&input).expect("the input").value("options");
                unless_unchanged_in(&folder, "step", inputs, outputs, || build(ran)).expect("the step")
            };
            fs::write(&input, "first").expect("the input");
            let mut ran = false;
            assert_eq!(step(&mut ran), "output");
            assert!(ran, "a step without a stamp runs");
            match change {
                Change::Nothing => {}
                Change::Input => fs::write(&input, "second").expect("the input"),
                Change::OutputDeleted => fs::remove_file(&output).expect("the output"),
                Change::FailedBetween => {
                    fs::write(&input, "second").expect("the input");
                    let inputs = Inputs::default().file(&input).expect("the input").value("options");
                    let failed = unless_unchanged_in(&folder, "step", inputs, outputs, || anyhow::bail!("broken"));
                    assert!(failed.is_err());
                    fs::write(&input, "first").expect("the input");
                }
            }
            let mut ran = false;
            assert_eq!(step(&mut ran), "output", "the answer is kept");
            assert_eq!(ran, reruns, "case {number}");
            fs::remove_dir_all(&folder).expect("removing the temporary folder");
        }
    }
}

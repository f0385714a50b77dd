//! A child process we started and must stop, with everything it started in turn.

use std::io;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How a spawned process stops.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// With the terminal's Ctrl-C (it shares our process group), as in `cargo xtask dev`.
    WithTerminal,
    /// When dropped: it gets its own process group and the whole group is terminated, so no
    /// wrangler, workerd or chromedriver outlives a test run.
    OnDrop,
}

pub struct Spawned {
    child: Child,
    stop: Stop,
}

impl Spawned {
    pub fn start(mut command: Command, stop: Stop) -> io::Result<Self> {
        use std::os::unix::process::CommandExt;
        if stop == Stop::OnDrop {
            command.process_group(0);
        }
        Ok(Self { child: command.spawn()?, stop })
    }

    pub fn wait(&mut self) -> io::Result<()> {
        self.child.wait().map(drop)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let target = match self.stop {
            Stop::OnDrop => format!("-{}", self.child.id()),
            Stop::WithTerminal => self.child.id().to_string(),
        };
        // Some children (chromedriver) ignore TERM: give them a moment, then insist.
        for (signal, grace) in [("TERM", GRACE), ("KILL", GRACE)] {
            signal_process(signal, &target);
            let deadline = Instant::now() + grace;
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_)) | Err(_)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// How long a stopped process may take to exit before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Sends `signal` to a process, or to a process group when `target` is `-{pgid}`. The `--`
/// keeps `kill` from reading a negative id as an option.
fn signal_process(signal: &str, target: &str) {
    let _ = Command::new("kill").args(["-s", signal, "--", target]).status();
}

//! A child process we started and must stop, with everything it started in turn: it gets a
//! process group of its own, and the whole group is stopped when it is dropped, so no wrangler,
//! workerd or chromedriver outlives a test run or `cargo xtask dev`.

use std::io;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Spawned {
    child: Child,
}

impl Spawned {
    pub fn start(mut command: Command) -> io::Result<Self> {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        Ok(Self { child: command.spawn()? })
    }

    /// Its process id, which is also its process group's.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its standard output and error, where the command piped them; each can be taken once.
    pub fn take_output(&mut self) -> (Option<ChildStdout>, Option<ChildStderr>) {
        (self.child.stdout.take(), self.child.stderr.take())
    }

    /// How it ended, once it has (`None` while it runs).
    pub fn exited(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Ends it as a crash would: SIGKILL to it and everything it started,
    /// all at once, so that nothing gets to shut down cleanly. Returns once the whole group has
    /// gone (and with it every port it listened on), or fails after [`GRACE`].
    pub fn crash(mut self) -> io::Result<()> {
        let target = self.target();
        signal_process("KILL", &target);
        self.child.wait()?;
        // The children outlive their parent for a moment; a group with nobody left in it
        // cannot be signalled.
        let deadline = Instant::now() + GRACE;
        while signal_process("0", &target) {
            if Instant::now() > deadline {
                return Err(io::Error::other(format!("process {target} outlived SIGKILL")));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// What a signal goes to: its whole process group.
    fn target(&self) -> String {
        format!("-{}", self.child.id())
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let target = self.target();
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

/// Sends `signal` to a process, or to a process group when `target` is `-{pgid}`; whether
/// anything received it. The `--` keeps `kill` from reading a negative id as an option; signal
/// `0` only asks whether the target exists.
fn signal_process(signal: &str, target: &str) -> bool {
    Command::new("kill")
        .args(["-s", signal, "--", target])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

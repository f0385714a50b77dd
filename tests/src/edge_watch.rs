//! Watching a running edge until it is asked to stop or fails: its process ending, or its port
//! no longer answering, which a local edge does when workerd runs out of files (issue 12).
//! `cargo xtask dev` watches its edge so that a dead edge ends it with the reason, instead of
//! leaving a port that answers nothing.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::edge_process::EdgeProcess;

/// How often the watcher asks the edge's `GET /healthz`.
const HEALTH_CHECK_EVERY: Duration = Duration::from_secs(3);

/// How long one answer may take: long, so that an edge busy under a load test is not taken for
/// a dead one (a dead edge refuses the connection at once).
const HEALTH_CHECK_LIMIT: Duration = Duration::from_secs(10);

/// Health checks failed in a row after which the edge counts as dead: one slow answer under
/// load is not a failure of the edge.
const FAILED_CHECKS_FOR_DEAD: u32 = 3;

/// How often the watcher looks at the process and at the request to stop.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// Why a watched edge is no longer serving, with what it printed last.
#[derive(Debug)]
pub struct EdgeDown {
    pub reason: String,
    pub last_lines: Vec<String>,
}

impl fmt::Display for EdgeDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.reason)?;
        match self.last_lines.is_empty() {
            true => write!(f, "\nThe edge printed nothing."),
            false => write!(f, "\nThe edge's last lines:\n  {}", self.last_lines.join("\n  ")),
        }
    }
}

impl std::error::Error for EdgeDown {}

impl EdgeProcess {
    /// Watches the edge until `stop` is set (`Ok`) or the edge fails (`Err`): wrangler exits,
    /// or `GET /healthz` fails [`FAILED_CHECKS_FOR_DEAD`] times in a row. Whichever way it
    /// ends, dropping the edge stops whatever is left of its process group.
    pub fn watch(&mut self, stop: &AtomicBool) -> Result<(), EdgeDown> {
        let mut failed_checks = 0;
        let mut next_check = Instant::now() + HEALTH_CHECK_EVERY;
        while !stop.load(Ordering::Relaxed) {
            match self.process.exited() {
                Ok(None) => {}
                Ok(Some(status)) => {
                    return Err(self.down(format!("The edge on port {} exited ({status}).", self.port())))
                }
                Err(error) => return Err(self.down(format!("The edge's process can't be watched: {error}."))),
            }
            if Instant::now() >= next_check {
                match self.health_check(HEALTH_CHECK_LIMIT) {
                    Ok(()) => failed_checks = 0,
                    Err(error) => {
                        failed_checks += 1;
                        if failed_checks == FAILED_CHECKS_FOR_DEAD {
                            return Err(self.down(format!(
                                "The edge on port {} stopped answering: GET /healthz failed {failed_checks} times in a row (last: {error}).",
                                self.port()
                            )));
                        }
                    }
                }
                next_check = Instant::now() + HEALTH_CHECK_EVERY;
            }
            std::thread::sleep(POLL_EVERY);
        }
        Ok(())
    }

    /// The edge's failure, told with `reason` and the edge's last lines.
    pub(crate) fn down(&self, reason: String) -> EdgeDown {
        EdgeDown { reason, last_lines: self.log.last_lines() }
    }
}

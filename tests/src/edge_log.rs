//! What the edge prints: passed on as it comes, and its last lines kept, so that when the edge
//! fails the message can show what it said last.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// How many of the edge's last lines are kept.
const KEPT_LINES: usize = 30;

/// The edge's last lines, filled by one thread per output stream.
#[derive(Clone, Default)]
pub struct EdgeLog {
    lines: Arc<Mutex<VecDeque<String>>>,
}

impl EdgeLog {
    /// Reads `output` line by line on a thread of its own until it closes, writing each line to
    /// `forward` (our own stdout or stderr) and keeping it.
    pub fn follow(&self, output: impl Read + Send + 'static, mut forward: impl Write + Send + 'static) {
        let lines = Arc::clone(&self.lines);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).is_ok_and(|read| read > 0) {
                // Our own output closing is no reason to stop reading: the edge would block.
                let _ = forward.write_all(&line);
                let text = String::from_utf8_lossy(&line).trim_end().to_owned();
                let mut kept = lines.lock().unwrap_or_else(PoisonError::into_inner);
                if kept.len() == KEPT_LINES {
                    kept.pop_front();
                }
                kept.push_back(text);
                line.clear();
            }
        });
    }

    /// The last lines the edge printed, oldest first.
    pub fn last_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }
}

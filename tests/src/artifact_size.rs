//! The size of a built artifact as it travels: gzip at level 9, the measure both the byte
//! budgets in the tests and `cargo xtask bench` use.

use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Bytes of `path` after `gzip -9`.
pub fn gzip_size(path: &Path) -> io::Result<u64> {
    gzipped_size(&std::fs::read(path)?)
}

/// Bytes of `data` after `gzip -9` (e.g. a page the edge renders).
pub fn gzipped_size(data: &[u8]) -> io::Result<u64> {
    let mut gzip =
        Command::new("gzip").args(["-9", "-n", "-c"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    // Written from a thread: gzip's output pipe could fill before all input is read.
    let mut input = gzip.stdin.take().ok_or_else(|| io::Error::other("gzip has no stdin"))?;
    let data = data.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let output = gzip.wait_with_output()?;
    writer.join().map_err(|_| io::Error::other("writing to gzip panicked"))??;
    if !output.status.success() {
        return Err(io::Error::other("gzip failed"));
    }
    Ok(output.stdout.len() as u64)
}

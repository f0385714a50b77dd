//! The size of a built artifact as it travels: gzip at level 9, the measure both the byte
//! budgets in the tests and `cargo xtask bench` use.

use std::io;
use std::path::Path;
use std::process::Command;

/// Bytes of `path` after `gzip -9`.
pub fn gzip_size(path: &Path) -> io::Result<u64> {
    let output = Command::new("gzip").arg("-9").arg("-c").arg(path).output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!("gzip of {} failed", path.display())));
    }
    Ok(output.stdout.len() as u64)
}

//! Where things are: the workspace root and the folders xtask reads and writes.

use std::path::{Path, PathBuf};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Built static assets the edge serves: `widget.js` and `assets/{app}/…`.
pub fn dist() -> PathBuf {
    root().join("target/dist")
}

/// The edge crate, where `wrangler.toml` lives and worker-build writes `build/`.
pub fn edge() -> PathBuf {
    root().join("edge")
}

/// Tools installed from npm (`package-lock.json`).
pub fn node_bin(tool: &str) -> PathBuf {
    root().join("node_modules/.bin").join(tool)
}

/// Tools installed by `cargo install`.
pub fn cargo_bin(tool: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(tool)
}

/// Local Durable Object state of `cargo xtask dev` (delete it to start over).
pub fn dev_state() -> PathBuf {
    root().join(".parley-state")
}

/// The build steps' stamps: what each step last ran on (`stamp.rs`). In the target folder, so a
/// fresh clone, or `cargo clean`, has none and builds everything.
pub fn stamps() -> PathBuf {
    root().join("target/stamps")
}

//! Where `cargo xtask build` puts an app's bundle: `target/dist/assets/{app}-{hash}/` holding
//! `{app}.js`, `{app}_bg.wasm` and `{app}.css` (each beside its `.gz`).

use std::io;
use std::path::{Path, PathBuf};

/// The three files of the bundle in `dir`: glue JS, wasm, stylesheet.
pub fn bundle_files(dir: &Path, app: &str) -> Vec<PathBuf> {
    [format!("{app}.js"), format!("{app}_bg.wasm"), format!("{app}.css")].iter().map(|file| dir.join(file)).collect()
}

/// The built bundle folder of `app` under `assets`, e.g. `…/assets/widget-3f9c0a1b2c`.
pub fn find_bundle(assets: &Path, app: &str) -> io::Result<PathBuf> {
    let prefix = format!("{app}-");
    std::fs::read_dir(assets)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with(&prefix)))
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no {app} bundle in {}", assets.display())))
}

//! What Parley costs the network: the shipped artifacts' sizes, raw and gzip -9 (the same
//! measure as the budgets in the tests).

use anyhow::{Context, Result};
use std::path::Path;

use crate::build::APPS;
use crate::paths::{dist, edge};

fn gzip_size(path: &Path) -> Result<u64> {
    parley_tests::gzip_size(path).with_context(|| format!("measuring {}", path.display()))
}

fn raw_size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len())
}

/// The sizes' table.
pub fn sizes() -> Result<String> {
    let mut rows = vec![("loader `/widget.js`".to_owned(), vec![dist().join("widget.js")])];
    for (_, name) in APPS {
        let dir = parley_tests::find_bundle(&dist().join("assets"), name)?;
        rows.push((format!("{name} app (JS + wasm + CSS)"), parley_tests::bundle_files(&dir, name)));
    }
    rows.push(("Worker wasm".to_owned(), vec![edge().join("build/index_bg.wasm")]));
    let mut table = String::from("| artifact | raw bytes | gzip -9 bytes |\n|---|---:|---:|\n");
    for (name, files) in rows {
        let raw: u64 = files.iter().map(|f| raw_size(f)).sum::<Result<u64>>()?;
        let gzip: u64 = files.iter().map(|f| gzip_size(f)).sum::<Result<u64>>()?;
        table.push_str(&format!("| {name} | {raw} | {gzip} |\n"));
    }
    Ok(table)
}

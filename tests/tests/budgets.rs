//! Byte budgets of what Parley ships, checked on the built artifacts (`cargo xtask build`;
//! `cargo xtask test` builds first). Sizes are gzip -9, deterministic for a given build.

use std::path::PathBuf;

/// What the loader may cost a shop's page (issue: "at most 2,048 bytes gzipped").
const LOADER_BUDGET_BYTES: u64 = 2048;

fn dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/dist")
}

#[test]
fn the_loader_fits_its_budget() {
    let loader = dist().join("widget.js");
    let size = parley_tests::gzip_size(&loader)
        .unwrap_or_else(|error| panic!("{}: {error}; run `cargo xtask build` first", loader.display()));
    assert!(size <= LOADER_BUDGET_BYTES, "the loader is {size} bytes gzipped; its budget is {LOADER_BUDGET_BYTES}");
}

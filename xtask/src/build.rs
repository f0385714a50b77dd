//! Builds the release artifacts into `target/dist` (served by the edge as static assets) and
//! `edge/build` (the Worker): both Leptos apps through wasm-bindgen and wasm-opt, the loader
//! through esbuild, and the Worker through worker-build.

use anyhow::{Context, Result};
use std::fs;
use std::process::Command;

use crate::paths::{cargo_bin, dist, edge, node_bin, root};
use crate::run::run;

/// The Leptos apps: crate, and the name of their bundle under `/assets/{name}/`.
pub const APPS: [(&str, &str); 2] = [("parley-widget", "widget"), ("parley-console", "console")];

/// wasm features the Rust compiler emits for wasm32-unknown-unknown, which wasm-opt must accept.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn all() -> Result<()> {
    apps()?;
    loader()?;
    worker()
}

fn apps() -> Result<()> {
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--release", "--target", "wasm32-unknown-unknown"]).current_dir(root());
    for (package, _) in APPS {
        cargo.args(["-p", package]);
    }
    run(&mut cargo)?;
    for (package, name) in APPS {
        let out = dist().join("assets").join(name);
        if out.exists() {
            fs::remove_dir_all(&out).with_context(|| format!("clearing {}", out.display()))?;
        }
        let wasm =
            root().join("target/wasm32-unknown-unknown/release").join(format!("{}.wasm", package.replace('-', "_")));
        run(Command::new(cargo_bin("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
            .arg(&out)
            .arg(&wasm))?;
        let bundle = out.join(format!("{name}_bg.wasm"));
        run(Command::new(node_bin("wasm-opt")).arg("-Oz").args(WASM_FEATURES).arg(&bundle).arg("-o").arg(&bundle))?;
        let css = root().join(name).join("style.css");
        fs::copy(&css, out.join(format!("{name}.css"))).with_context(|| format!("copying {}", css.display()))?;
    }
    Ok(())
}

/// The loader shops embed: plain JS, minified, without its `//!` doc comments (esbuild would
/// keep them as legal comments, and every byte counts against the loader's budget).
fn loader() -> Result<()> {
    run(Command::new(node_bin("esbuild"))
        .arg(root().join("widget/loader/widget.js"))
        .args(["--minify", "--target=es2017", "--legal-comments=none", "--log-level=warning"])
        .arg(format!("--outfile={}", dist().join("widget.js").display())))
}

fn worker() -> Result<()> {
    run(Command::new(cargo_bin("worker-build")).arg("--release").current_dir(edge()).envs(worker_build_env()))
}

/// Points worker-build at the pinned local tools instead of letting it download its own.
pub fn worker_build_env() -> Vec<(&'static str, std::path::PathBuf)> {
    vec![
        ("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen")),
        ("WASM_OPT_BIN", node_bin("wasm-opt")),
        ("ESBUILD_BIN", node_bin("esbuild")),
    ]
}

//! Builds the release artifacts into `target/dist` (served by the edge as static assets) and
//! `edge/build` (the Worker): both Leptos apps through wasm-bindgen, wasm-opt and esbuild into
//! content-hashed, pre-compressed bundles, the loader through esbuild, and the Worker through
//! worker-build, which learns the bundles' names. cargo builds every time (it is quick when
//! nothing changed); each step after it is skipped when what it runs on did not change
//! (`stamp.rs`), which makes a rebuild with nothing changed take seconds, not minutes.

use anyhow::{Context, Result};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::paths::{cargo_bin, dist, edge, node_bin, root};
use crate::run::{run, run_for_output};
use crate::stamp::{self, Inputs};
use crate::tools::APPS_TOOLCHAIN;
use crate::wasm_interface;

/// The code that says how the steps make their outputs: part of every step's inputs, so that
/// changing it reruns them. (Not `stamp.rs`, which only decides whether they run.)
const RECIPE: [&str; 2] = [include_str!("build.rs"), include_str!("wasm_interface.rs")];

/// What every step runs on besides its own files: the lock files, which pin the crates' and the
/// npm tools' versions, and [`RECIPE`].
fn common_inputs() -> Result<Inputs> {
    Inputs::default().value(RECIPE).file(&root().join("Cargo.lock"))?.file(&root().join("package-lock.json"))
}

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

/// wasm-opt's passes for the apps, for size. Flattening and re-looping the control flow
/// before `-Oz`, then repeating it until nothing shrinks, beats a single `-Oz` by about 2 KB
/// of the widget's gzipped wasm; the producers and target-features sections only describe
/// the build. `--low-memory-unused` (1 KB more) lets wasm-opt fold constant offsets into
/// addresses, which is sound when nothing lives in the first 1 KiB of memory: Rust lays the
/// stack out first, growing down from 1 MiB towards 0, with data and heap above it, so only a
/// stack already overflowed by a whole megabyte would reach it. Functions sorted by name sit
/// beside their like (the copies of one generic function), which gzip compresses better
/// (almost 1 KB).
const SHRINK_PASSES: [&str; 9] = [
    "--low-memory-unused",
    "--reorder-functions-by-name",
    "--flatten",
    "--rereloop",
    "-Oz",
    "-Oz",
    "--converge",
    "--strip-producers",
    "--strip-target-features",
];

pub fn all() -> Result<()> {
    let bundles = apps()?;
    loader()?;
    worker(&bundles)
}

/// Rust flags of the browser apps (with `-Zbuild-std`, on `tools::APPS_TOOLCHAIN`): a panic
/// traps at once instead of formatting a message nobody reads, `{:?}` prints nothing, and no
/// source locations are embedded. Together they drop most of `core::fmt` from the wasm. std
/// itself is built with `optimize_for_size`, its smaller (slower) algorithms (1 KB more).
const APP_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none";

/// Where the apps' nightly builds go, apart from the stable builds in `target/`.
fn apps_target() -> PathBuf {
    root().join("target/apps")
}

/// Builds both apps; returns each app's bundle folder under `/assets/`, e.g. `widget-3f9c0a1b2c`.
fn apps() -> Result<Vec<(&'static str, String)>> {
    let mut cargo = Command::new("rustup");
    cargo
        .args(["run", APPS_TOOLCHAIN, "cargo", "build", "--release", "--target", "wasm32-unknown-unknown"])
        .args(["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size", "--target-dir"])
        .arg(apps_target())
        .env("RUSTFLAGS", APP_RUSTFLAGS)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .current_dir(root());
    for (package, _) in APPS {
        cargo.args(["-p", package]);
    }
    run(&mut cargo)?;
    APPS.iter().map(|&(package, name)| Ok((name, app(package, name)?))).collect()
}

/// One app's bundle (see [`bundle`]), unless the app's wasm as cargo built it, its stylesheet
/// and the tools are what its last bundle was made of and that bundle is still there.
fn app(package: &str, name: &str) -> Result<String> {
    let wasm = apps_target().join("wasm32-unknown-unknown/release").join(format!("{}.wasm", package.replace('-', "_")));
    let style = root().join(name).join("style.css");
    let inputs = common_inputs()?
        .value(name)
        .file(&wasm)?
        .file(&style)?
        .tool(&cargo_bin("wasm-bindgen"))?
        .tool(&node_bin("wasm-opt"))?
        .tool(&node_bin("esbuild"))?;
    let outputs = |folder: &str| with_gzips(parley_tests::bundle_files(&dist().join("assets").join(folder), name));
    stamp::unless_unchanged(&format!("app-{name}"), inputs, outputs, || bundle(name, &wasm, &style))
}

/// Each file, and the gzip [`gzip`] writes beside it.
fn with_gzips(files: Vec<PathBuf>) -> Vec<PathBuf> {
    files.into_iter().flat_map(|file| [gzip_of(&file), file]).collect()
}

/// One app's bundle: the wasm-bindgen glue with its start (bundled, minified), the optimized
/// wasm and the stylesheet (minified), in a folder named by their content's hash so browsers
/// may cache them forever, each beside its gzip so the edge serves them pre-compressed.
/// Answers the folder's name.
fn bundle(name: &str, wasm: &Path, style: &Path) -> Result<String> {
    let staging = root().join("target/app-build").join(name);
    if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| format!("clearing {}", staging.display()))?;
    }
    run(Command::new(cargo_bin("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
        .arg(&staging)
        .arg(wasm))?;
    let bundle = staging.join(format!("{name}_bg.wasm"));
    let renames = run_for_output(
        Command::new(node_bin("wasm-opt"))
            .args(wasm_interface::drop_stream_exports())
            .args(SHRINK_PASSES)
            .arg(wasm_interface::MINIFY_NAMES)
            .args(WASM_FEATURES)
            .arg(&bundle)
            .arg("-o")
            .arg(&bundle),
    )?;
    let glue = staging.join(format!("{name}.js"));
    wasm_interface::rewrite_glue(&glue, name, &renames)?;
    // The app's one script: the glue and the call that starts it, bundled so that what the
    // start does not use (synchronous init, the old ways of calling it) is shaken out. The
    // page loads it as a plain module script, so its CSP needs no nonce.
    let start = staging.join("start.js");
    fs::write(&start, format!("import init from './{name}.js';\ninit();\n"))?;
    run(Command::new(node_bin("esbuild"))
        .arg(&start)
        .args(["--bundle", "--minify", "--format=esm", "--target=es2020", "--log-level=warning", "--allow-overwrite"])
        .arg(format!("--outfile={}", glue.display())))?;
    fs::remove_file(&start)?;
    // Minified like the glue: the stylesheet's comments say why, and browsers need none of it.
    run(Command::new(node_bin("esbuild"))
        .arg(style)
        .args(["--minify", "--log-level=warning"])
        .arg(format!("--outfile={}", staging.join(format!("{name}.css")).display())))?;

    let files = parley_tests::bundle_files(&staging, name);
    let folder = format!("{name}-{}", content_hash(&files)?);
    let assets = dist().join("assets");
    fs::create_dir_all(&assets)?;
    // Older bundles of this app go: only the one the Worker points at is served.
    for entry in fs::read_dir(&assets)? {
        let path = entry?.path();
        let stale =
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == name || n.starts_with(&format!("{name}-")));
        if stale {
            fs::remove_dir_all(&path).with_context(|| format!("clearing {}", path.display()))?;
        }
    }
    let out = assets.join(&folder);
    fs::rename(&staging, &out).with_context(|| format!("moving the bundle to {}", out.display()))?;
    for file in parley_tests::bundle_files(&out, name) {
        gzip(&file)?;
    }
    Ok(folder)
}

/// Ten hex digits of a hash over the files' bytes: a new build of different code gets a new
/// name. (std's SipHash with its fixed keys: stable for a toolchain, which is all a cache key needs.)
fn content_hash(files: &[PathBuf]) -> Result<String> {
    let mut hasher = std::hash::DefaultHasher::new();
    for file in files {
        fs::read(file).with_context(|| format!("reading {}", file.display()))?.hash(&mut hasher);
    }
    Ok(format!("{:010x}", hasher.finish() & 0xff_ffff_ffff))
}

/// Writes `file.gz` beside `file` (gzip -9, without a timestamp so builds are reproducible).
fn gzip(file: &Path) -> Result<()> {
    let output = Command::new("gzip").args(["-9", "-n", "-c"]).arg(file).output().context("running gzip")?;
    anyhow::ensure!(output.status.success(), "gzip of {} failed", file.display());
    let gz = gzip_of(file);
    fs::write(&gz, output.stdout).with_context(|| format!("writing {}", gz.display()))
}

/// `file.gz`, beside `file`.
fn gzip_of(file: &Path) -> PathBuf {
    let mut gz = file.as_os_str().to_owned();
    gz.push(".gz");
    PathBuf::from(gz)
}

/// The loader shops embed: plain JS, minified, beside its gzip, without its `//!` doc comments
/// (esbuild would keep them as legal comments, and every byte counts against its budget).
fn loader() -> Result<()> {
    let source = root().join("widget/loader/widget.js");
    let out = dist().join("widget.js");
    let inputs = common_inputs()?.file(&source)?.tool(&node_bin("esbuild"))?;
    stamp::unless_unchanged(
        "loader",
        inputs,
        |_| with_gzips(vec![out.clone()]),
        || {
            run(Command::new(node_bin("esbuild"))
                .arg(&source)
                .args(["--minify", "--target=es2017", "--legal-comments=none", "--log-level=warning"])
                .arg(format!("--outfile={}", out.display())))?;
            gzip(&out)?;
            Ok(String::new())
        },
    )
    .map(drop)
}

/// What worker-build writes into `edge/build`.
const WORKER_FILES: [&str; 3] = ["index.js", "index_bg.wasm", "worker/shim.mjs"];

/// Variables worker-build itself reads (a custom shim, core dumps, no minifying…).
const WORKER_BUILD_VARS: [&str; 5] = ["CUSTOM_SHIM", "COREDUMP", "COREDUMP_FLAGS", "RUN_TO_COMPLETION", "NO_MINIFY"];

/// The Worker, told where each app's bundle is (`PARLEY_ASSETS_WIDGET`, `PARLEY_ASSETS_CONSOLE`,
/// read at compile time by `edge/src/pages.rs`). worker-build compiles, then runs wasm-bindgen,
/// wasm-opt (minutes) and esbuild; its compile is run here first, the same command in the same
/// environment (so worker-build's own finds nothing to do), for its wasm to be hashed, and
/// worker-build is skipped when that wasm and the tools are what the last Worker was made of.
fn worker(bundles: &[(&str, String)]) -> Result<()> {
    let bundle_vars: Vec<(String, &String)> =
        bundles.iter().map(|(name, folder)| (format!("PARLEY_ASSETS_{}", name.to_uppercase()), folder)).collect();
    run(Command::new("cargo")
        .args(["build", "--lib", "--release", "--target", "wasm32-unknown-unknown"])
        .current_dir(edge())
        // worker-build sets it for wasm-bindgen's macros, which read it without telling cargo:
        // a compile without it would look fresh to worker-build and yet differ.
        .env("WASM_BINDGEN_USE_JS_SYS", "1")
        .envs(bundle_vars.iter().map(|(name, folder)| (name, folder))))?;
    let wasm = root().join("target/wasm32-unknown-unknown/release/parley_edge.wasm");
    let inputs = common_inputs()?
        .file(&wasm)?
        .file(&edge().join("Cargo.toml"))?
        .value(&bundle_vars)
        .value(WORKER_BUILD_VARS.map(std::env::var_os))
        .tool(&cargo_bin("worker-build"))?
        .tool(&cargo_bin("wasm-bindgen"))?
        .tool(&node_bin("wasm-opt"))?
        .tool(&node_bin("esbuild"))?;
    let outputs = |_: &str| WORKER_FILES.iter().map(|file| edge().join("build").join(file)).collect();
    stamp::unless_unchanged("worker", inputs, outputs, || {
        run(Command::new(cargo_bin("worker-build"))
            .arg("--release")
            .current_dir(edge())
            .envs(worker_build_env())
            .envs(bundle_vars.iter().map(|(name, folder)| (name, folder))))?;
        Ok(String::new())
    })
    .map(drop)
}

/// Points worker-build at the pinned local tools instead of letting it download its own.
pub fn worker_build_env() -> Vec<(&'static str, std::path::PathBuf)> {
    vec![
        ("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen")),
        ("WASM_OPT_BIN", node_bin("wasm-opt")),
        ("ESBUILD_BIN", node_bin("esbuild")),
    ]
}

//! The test runner: starts the edge (and ChromeDriver when a browser case is selected), runs
//! each case with a time limit, in the order listed or shuffled (`--shuffle`, or
//! `--shuffle-seed=N` to repeat an order), reports like libtest, and stops everything it started.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use parley_tests::{free_port, ChromeDriver, EdgeProcess, WebDriverEndpoint};

/// What each case gets: where the edge is, for browser cases the WebDriver endpoint, and the
/// case's own name, which names its shops (`shops::seed`).
#[derive(Clone)]
pub struct Env {
    pub origin: String,
    /// The shared edge's state folder (its Durable Objects' SQLite files).
    pub state: std::path::PathBuf,
    pub webdriver: Option<WebDriverEndpoint>,
    pub case: &'static str,
}

pub type CaseFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

pub struct Case {
    pub name: &'static str,
    pub needs_browser: bool,
    /// The longest it may take.
    pub limit: Duration,
    pub run: fn(std::sync::Arc<Env>) -> CaseFuture,
}

/// Builds a case from an async fn. It may take [`CASE_LIMIT`], unless given a limit of its own
/// (`case!(limit expr, name)`), as the fault suite does when asked to run longer.
#[macro_export]
macro_rules! case {
    ($name:ident) => {
        $crate::case!(limit $crate::runner::CASE_LIMIT, $name)
    };
    (limit $limit:expr, $name:ident) => {
        $crate::runner::Case {
            name: stringify!($name),
            needs_browser: false,
            limit: $limit,
            run: |env| Box::pin($name(env)),
        }
    };
    (browser $name:ident) => {
        $crate::runner::Case {
            name: stringify!($name),
            needs_browser: true,
            limit: $crate::runner::CASE_LIMIT,
            run: |env| Box::pin($name(env)),
        }
    };
}

/// The longest one case may take, unless it says otherwise.
pub const CASE_LIMIT: Duration = Duration::from_secs(120);

pub fn run(cases: Vec<Case>) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let total = cases.len();
    let mut selected: Vec<Case> = cases
        .into_iter()
        .filter(|c| filters.is_empty() || filters.iter().any(|f| c.name.contains(f.as_str())))
        .collect();
    let filtered_out = total - selected.len();
    match shuffle_seed(&args) {
        Ok(Some(seed)) => {
            shuffle(&mut selected, seed);
            println!("\nshuffled; this order again: --shuffle-seed={seed}");
        }
        Ok(None) => {}
        Err(error) => {
            eprintln!("{error:#}");
            return ExitCode::FAILURE;
        }
    }
    let started = Instant::now();
    match run_selected(&selected) {
        Ok(failed) => {
            let passed = selected.len() - failed;
            let verdict = if failed == 0 { "ok" } else { "FAILED" };
            println!(
                "\ntest result: {verdict}. {passed} passed; {failed} failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s",
                started.elapsed().as_secs_f64()
            );
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("could not set up the end-to-end tests: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The seed to shuffle the cases with: `N` of `--shuffle-seed=N`, one from the clock for
/// `--shuffle`, or none.
fn shuffle_seed(args: &[String]) -> anyhow::Result<Option<u64>> {
    if let Some(seed) = args.iter().find_map(|arg| arg.strip_prefix("--shuffle-seed=")) {
        let seed = seed.parse().map_err(|_| anyhow::anyhow!("--shuffle-seed takes a number, not {seed:?}"))?;
        return Ok(Some(seed));
    }
    if !args.iter().any(|arg| arg == "--shuffle") {
        return Ok(None);
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Ok(Some(now.as_nanos() as u64))
}

/// Puts `cases` in an order that only `seed` decides (a Fisher-Yates shuffle drawing from
/// SplitMix64), so that a failure in a shuffled run can be repeated.
fn shuffle(cases: &mut [Case], seed: u64) {
    let mut state = seed;
    for last in (1..cases.len()).rev() {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut draw = state;
        draw = (draw ^ (draw >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        draw = (draw ^ (draw >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        draw ^= draw >> 31;
        cases.swap(last, (draw % (last as u64 + 1)) as usize);
    }
}

/// Runs the cases; returns how many failed.
fn run_selected(cases: &[Case]) -> anyhow::Result<usize> {
    if cases.is_empty() {
        return Ok(0);
    }
    let state = std::env::temp_dir().join(format!("parley-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state)?;
    let edge = EdgeProcess::start(free_port()?, &state)?;
    edge.seed("")?;
    let driver = match cases.iter().any(|c| c.needs_browser) {
        true => Some(ChromeDriver::start()?),
        false => None,
    };
    let webdriver = driver.as_ref().map(ChromeDriver::endpoint);
    let shared = Env { origin: edge.origin(), state: state.clone(), webdriver, case: "" };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    println!("\nrunning {} tests", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let env = std::sync::Arc::new(Env { case: case.name, ..shared.clone() });
        let outcome = runtime.block_on(async {
            match tokio::time::timeout(case.limit, tokio::spawn((case.run)(env))).await {
                Ok(Ok(result)) => result,
                Ok(Err(join)) => Err(anyhow::anyhow!("panicked: {join}")),
                Err(_) => Err(anyhow::anyhow!("timed out after {:?}", case.limit)),
            }
        });
        match outcome {
            Ok(()) => println!("test {} ... ok", case.name),
            Err(error) => {
                println!("test {} ... FAILED", case.name);
                failures.push((case.name, error));
            }
        }
    }
    for (name, error) in &failures {
        println!("\n---- {name} ----\n{error:#}");
    }
    drop(runtime);
    drop(driver);
    drop(edge);
    let _ = std::fs::remove_dir_all(&state);
    Ok(failures.len())
}

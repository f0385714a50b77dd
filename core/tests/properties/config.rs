//! How many cases a property runs: `default_cases` unless proptest's own `PROPTEST_CASES` asks
//! for another number, so `cargo test` stays fast and a longer hunt is one variable away.

use proptest::test_runner::Config;

pub fn config(default_cases: u32) -> Config {
    // `Config::default()` reads `PROPTEST_CASES`; only its absence gets our small default.
    let config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        config
    } else {
        Config { cases: default_cases, ..config }
    }
}

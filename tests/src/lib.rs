//! The harness for Parley's integration and browser tests, and for `cargo xtask dev`: it starts
//! the real edge (`wrangler dev` on workerd) from the prebuilt artifacts, with the open-files
//! limit raised, watches it, and starts ChromeDriver, and stops them with everything they
//! spawned. It needs nothing but std and `rlimit`, so xtask can use it without building the
//! test-only dependencies.

mod artifact_size;
mod bundle;
mod chrome_driver;
mod edge_log;
mod edge_process;
mod edge_watch;
mod open_files;
mod spawned;

pub use artifact_size::{gzip_size, gzipped_size};
pub use bundle::{bundle_files, find_bundle};
pub use chrome_driver::{ChromeDriver, WebDriverEndpoint};
pub use edge_process::{free_port, wait_for_port, EdgeOptions, EdgeProcess};
pub use edge_watch::EdgeDown;
pub use spawned::Spawned;

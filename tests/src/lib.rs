//! The harness for Parley's integration and browser tests, and for `cargo xtask dev`: it starts
//! the real edge (`wrangler dev` on workerd) from the prebuilt artifacts, and ChromeDriver, and
//! stops them with everything they spawned. It needs nothing but std, so xtask can use it
//! without building the test-only dependencies.

mod artifact_size;
mod bundle;
mod chrome_driver;
mod edge_process;
mod spawned;

pub use artifact_size::{gzip_size, gzipped_size};
pub use bundle::{bundle_files, find_bundle};
pub use chrome_driver::{ChromeDriver, WebDriverEndpoint};
pub use edge_process::{free_port, wait_for_port, EdgeOptions, EdgeProcess};
pub use spawned::{Spawned, Stop};

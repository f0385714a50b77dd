//! ChromeDriver (Debian's `chromium-driver`) on a free port, for the browser tests, and the
//! folder the browsers it starts keep their profiles in, removed when it stops.

use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::edge_process::{free_port, wait_for_port};
use crate::spawned::Spawned;

pub struct ChromeDriver {
    process: Option<Spawned>,
    port: u16,
    profiles: PathBuf,
}

/// Numbers the profiles of one test run's browsers.
static PROFILES: AtomicU64 = AtomicU64::new(0);

impl ChromeDriver {
    pub fn start() -> io::Result<Self> {
        let port = free_port()?;
        let profiles = std::env::temp_dir().join(format!("parley-chrome-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profiles)?;
        let mut command = Command::new("/usr/bin/chromedriver");
        command.arg(format!("--port={port}")).arg("--log-level=WARNING");
        let process = Spawned::start(command)?;
        wait_for_port(port, Duration::from_secs(20))?;
        Ok(Self { process: Some(process), port, profiles })
    }

    /// Where tests reach it, and where its browsers' profiles go.
    pub fn endpoint(&self) -> WebDriverEndpoint {
        WebDriverEndpoint { url: format!("http://127.0.0.1:{}", self.port), profiles: self.profiles.clone() }
    }
}

/// A running ChromeDriver as the tests see it.
#[derive(Clone)]
pub struct WebDriverEndpoint {
    pub url: String,
    profiles: PathBuf,
}

impl WebDriverEndpoint {
    /// A fresh folder for one browser's profile (so each browser has its own cookies), inside
    /// the folder ChromeDriver removes when it stops.
    pub fn new_profile(&self) -> PathBuf {
        self.profiles.join(PROFILES.fetch_add(1, Ordering::Relaxed).to_string())
    }
}

impl Drop for ChromeDriver {
    /// Stops ChromeDriver (and so the browsers it still runs), then removes their profiles.
    fn drop(&mut self) {
        drop(self.process.take());
        let _ = std::fs::remove_dir_all(&self.profiles);
    }
}

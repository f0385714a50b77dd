//! ChromeDriver (Debian's `chromium-driver`) on a free port, for the browser tests.

use std::io;
use std::process::Command;
use std::time::Duration;

use crate::edge_process::{free_port, wait_for_port};
use crate::spawned::{Spawned, Stop};

pub struct ChromeDriver {
    _process: Spawned,
    port: u16,
}

impl ChromeDriver {
    pub fn start() -> io::Result<Self> {
        let port = free_port()?;
        let mut command = Command::new("/usr/bin/chromedriver");
        command.arg(format!("--port={port}")).arg("--log-level=WARNING");
        let process = Spawned::start(command, Stop::OnDrop)?;
        wait_for_port(port, Duration::from_secs(20))?;
        Ok(Self { _process: process, port })
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

//! An edge of one case's own, for the cases that stop the edge they talk to as a deploy would,
//! or kill it as a crash would: the shared edge serves every other case and must stay up under
//! them. It has its own port and state folder and the demo shop, and starts again on the same
//! port with the same state. Dropping it stops the edge and removes the folder, so a failing case
//! leaves nothing behind.

use std::path::PathBuf;

use anyhow::Result;
use parley_tests::{free_port, EdgeOptions, EdgeProcess};

pub struct PrivateEdge {
    port: u16,
    state: PathBuf,
    origin: String,
    /// How it differs from the usual development edge, kept across restarts.
    options: EdgeOptions,
    /// `None` while stopped.
    running: Option<EdgeProcess>,
}

impl PrivateEdge {
    /// Starts an edge on a free port with a fresh state folder named after `case`, and seeds the
    /// demo shop (its agent `agent@demo.test`, password `parley-demo`).
    pub async fn start(case: &str) -> Result<Self> {
        Self::start_with(case, EdgeOptions::default()).await
    }

    /// Like [`PrivateEdge::start`], with `options` (failpoints, HTTPS).
    pub async fn start_with(case: &str, options: EdgeOptions) -> Result<Self> {
        let state = std::env::temp_dir().join(format!("parley-{case}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&state);
        let port = free_port()?;
        // A production edge has no seeding: its shops come from its operator or sign-up.
        let seed = if options.production { Seed::Nothing } else { Seed::DemoShop };
        let running = launch(port, state.clone(), options.clone(), seed).await?;
        Ok(Self { port, state, origin: running.origin(), options, running: Some(running) })
    }

    /// An edge started the production way (no `PARLEY_DEV`, nothing seeded), taking sign-ups
    /// as `signup` says (`open`, `invite`, `closed`) and its operator's key `operator_key`.
    pub async fn production(case: &str, signup: &str, operator_key: &str) -> Result<Self> {
        let vars = vec![
            ("PARLEY_SIGNUP".to_owned(), signup.to_owned()),
            ("PARLEY_OPERATOR_KEY".to_owned(), operator_key.to_owned()),
        ];
        Self::start_with(case, EdgeOptions { vars, production: true, ..EdgeOptions::default() }).await
    }

    /// An edge whose Worker variable `PARLEY_FAILPOINTS` is `failpoints` (edge/src/failpoints.rs).
    pub async fn with_failpoints(case: &str, failpoints: &str) -> Result<Self> {
        let vars = vec![("PARLEY_FAILPOINTS".to_owned(), failpoints.to_owned())];
        Self::start_with(case, EdgeOptions { vars, ..EdgeOptions::default() }).await
    }

    /// `http://127.0.0.1:{port}`, the same across restarts.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Stops the edge as a deploy does: its processes are told to end, and every connection to
    /// it drops; what it stored stays in its state folder.
    pub async fn stop(&mut self) -> Result<()> {
        if let Some(edge) = self.running.take() {
            // Dropping waits for the processes to end: off the runtime's threads.
            tokio::task::spawn_blocking(move || drop(edge)).await?;
        }
        Ok(())
    }

    /// Kills the edge with SIGKILL, all its processes at once, as a crash does: unlike
    /// [`PrivateEdge::stop`], nothing gets to finish what it was doing.
    pub async fn crash(&mut self) -> Result<()> {
        if let Some(edge) = self.running.take() {
            // Crashing waits for the processes to end: off the runtime's threads.
            tokio::task::spawn_blocking(move || edge.crash()).await??;
        }
        Ok(())
    }

    /// The port it listens on, the same across restarts.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts the stopped edge again on the same port with the same state, as a deploy's new
    /// version comes up. Nothing is seeded again: what it serves is what it had stored.
    pub async fn start_again(&mut self) -> Result<()> {
        anyhow::ensure!(self.running.is_none(), "the edge on port {} is still running", self.port);
        self.running = Some(launch(self.port, self.state.clone(), self.options.clone(), Seed::Nothing).await?);
        Ok(())
    }
}

impl Drop for PrivateEdge {
    fn drop(&mut self) {
        // The edge first: its workerd writes into the folder until it ends.
        drop(self.running.take());
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// What a start seeds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Seed {
    DemoShop,
    Nothing,
}

/// Starts the edge on `port` with `state` and waits until it answers.
async fn launch(port: u16, state: PathBuf, options: EdgeOptions, seed: Seed) -> Result<EdgeProcess> {
    // Starting waits for the edge to answer, which blocks: off the runtime's threads.
    tokio::task::spawn_blocking(move || -> Result<EdgeProcess> {
        let edge = EdgeProcess::start_with(port, &state, &options)?;
        if seed == Seed::DemoShop {
            edge.seed("")?;
        }
        Ok(edge)
    })
    .await?
}

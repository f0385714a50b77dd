//! A running local edge: `wrangler dev` serving the built Worker and assets, with Durable
//! Object state persisted in a folder of the caller's choosing, started with the open-files
//! limit raised (`open_files`), its output passed on and its last lines kept (`edge_log`).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::edge_log::EdgeLog;
use crate::open_files::raise_open_files_limit;
use crate::spawned::Spawned;

/// How a test's edge differs from the usual development edge.
#[derive(Clone, Debug, Default)]
pub struct EdgeOptions {
    /// More Worker variables (name, value), such as the fault suite's failpoints.
    pub vars: Vec<(String, String)>,
    /// The Worker sees every request as made over HTTPS to its address, as it does behind
    /// Cloudflare, while clients still speak plain HTTP to it (wrangler's upstream protocol).
    pub as_https: bool,
    /// Started the production way: without `PARLEY_DEV` (no demo pages, no seeding, no clock),
    /// as `wrangler deploy` runs it.
    pub production: bool,
}

/// How long a request to the edge may take to answer.
const REQUEST_LIMIT: Duration = Duration::from_secs(30);

pub struct EdgeProcess {
    pub(crate) process: Spawned,
    port: u16,
    /// Where wrangler serves the Worker's DevTools (its inspector proxy).
    inspector_port: u16,
    /// The open-files limit wrangler and workerd started with.
    open_files_limit: u64,
    pub(crate) log: EdgeLog,
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// A TCP port that was free a moment ago.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until a plain TCP connection to `port` succeeds.
pub fn wait_for_port(port: u16, limit: Duration) -> io::Result<()> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(io::Error::new(io::ErrorKind::TimedOut, format!("nothing listens on port {port}")))
}

/// Reads one HTTP/1.1 response as text: the head, then as many bytes as its `Content-Length`
/// says (or all until the connection closes, without one). Not until the close: wrangler's
/// proxy keeps the connection open for seconds after answering, `Connection: close` or not.
fn read_response(stream: TcpStream) -> io::Result<String> {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        if reader.read_line(&mut head)? == 0 {
            return Ok(head);
        }
    }
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
    });
    let mut body = Vec::new();
    match length {
        Some(length) => {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        }
        None => {
            reader.read_to_end(&mut body)?;
        }
    }
    Ok(head + &String::from_utf8_lossy(&body))
}

impl EdgeProcess {
    /// Starts the edge on 127.0.0.1:`port` in dev mode (demo pages and seeding on), offline,
    /// persisting state under `state`, and waits until it answers.
    pub fn start(port: u16, state: &Path) -> io::Result<Self> {
        Self::start_with(port, state, &EdgeOptions::default())
    }

    /// Like [`EdgeProcess::start`], with `options`.
    pub fn start_with(port: u16, state: &Path, options: &EdgeOptions) -> io::Result<Self> {
        let root = root();
        if !root.join("edge/build/index.js").exists() || !root.join("target/dist/widget.js").exists() {
            return Err(io::Error::other("the edge is not built: run `cargo xtask build` (or `cargo xtask test`)"));
        }
        let mut command = Command::new(root.join("node_modules/.bin/wrangler"));
        // A free port for wrangler's debugger too: several edges run at once (a case's own
        // beside the shared one), and each would otherwise try the same.
        let inspector = free_port()?;
        command
            .args(["dev", "--local", "--ip", "127.0.0.1", "--port", &port.to_string()])
            .args(["--inspector-port", &inspector.to_string()])
            .args(["--show-interactive-dev-session=false", "--log-level=warn"])
            .args(if options.production { &[][..] } else { &["--var", "PARLEY_DEV:1"][..] })
            .arg("--persist-to")
            .arg(state)
            .args(options.vars.iter().flat_map(|(name, value)| ["--var".to_owned(), format!("{name}:{value}")]))
            .args(match options.as_https {
                true => {
                    vec!["--local-upstream".to_owned(), format!("127.0.0.1:{port}"), "--upstream-protocol=https".into()]
                }
                false => Vec::new(),
            })
            .current_dir(root.join("edge"))
            .env("PARLEY_PREBUILT", "1")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("WRANGLER_HIDE_BANNER", "true")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let open_files_limit = raise_open_files_limit()?;
        let mut process = Spawned::start(command)?;
        let log = EdgeLog::default();
        let (stdout, stderr) = process.take_output();
        if let (Some(stdout), Some(stderr)) = (stdout, stderr) {
            log.follow(stdout, io::stdout());
            log.follow(stderr, io::stderr());
        }
        let mut edge = Self { process, port, inspector_port: inspector, open_files_limit, log };
        edge.wait_ready(Duration::from_secs(90))?;
        Ok(edge)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where wrangler serves the Worker's DevTools: one client at a time, as its inspector
    /// proxy holds the Worker's only inspector session.
    pub fn inspector_port(&self) -> u16 {
        self.inspector_port
    }

    /// wrangler's process id, which is also the process group of everything the edge runs
    /// (workerd among it).
    pub fn process_group(&self) -> u32 {
        self.process.id()
    }

    /// The open-files limit the edge started with.
    pub fn open_files_limit(&self) -> u64 {
        self.open_files_limit
    }

    /// `http://127.0.0.1:{port}`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the edge answers; fails at once, with its last lines, if it exits first (its
    /// port taken, say).
    fn wait_ready(&mut self, limit: Duration) -> io::Result<()> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.health_check(REQUEST_LIMIT).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.process.exited()? {
                let reason = format!("The edge exited ({status}) before it answered on port {}.", self.port);
                return Err(io::Error::other(self.down(reason).to_string()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(io::Error::new(io::ErrorKind::TimedOut, format!("the edge did not answer on port {}", self.port)))
    }

    /// `GET /healthz`, answered 200 within `limit`; otherwise what went wrong.
    pub(crate) fn health_check(&self, limit: Duration) -> io::Result<()> {
        let response = self.request_within("GET", "/healthz", "", limit)?;
        match response.starts_with("HTTP/1.1 200") {
            true => Ok(()),
            false => Err(io::Error::other(format!("answered {:?}", response.lines().next().unwrap_or_default()))),
        }
    }

    /// A minimal blocking HTTP/1.1 request; returns the whole response as text.
    pub fn request(&self, method: &str, path: &str, body: &str) -> io::Result<String> {
        self.request_within(method, path, body, REQUEST_LIMIT)
    }

    /// [`EdgeProcess::request`], given up after `limit` without an answer.
    fn request_within(&self, method: &str, path: &str, body: &str, limit: Duration) -> io::Result<String> {
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut stream = TcpStream::connect_timeout(&address, limit)?;
        stream.set_read_timeout(Some(limit))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        read_response(stream)
    }

    /// Seeds a shop (JSON body of `POST /api/dev/seed`; empty for the demo shop).
    pub fn seed(&self, body: &str) -> io::Result<()> {
        let response = self.request("POST", "/api/dev/seed", body)?;
        match response.starts_with("HTTP/1.1 200") {
            true => Ok(()),
            false => Err(io::Error::other(format!("seeding failed:\n{response}"))),
        }
    }

    /// Kills wrangler and workerd at once with SIGKILL, as a crash would: whatever the edge had
    /// not committed is lost, every connection drops, and what it stored stays in its state
    /// folder. Returns once nothing of it runs.
    pub fn crash(self) -> io::Result<()> {
        self.process.crash()
    }
}

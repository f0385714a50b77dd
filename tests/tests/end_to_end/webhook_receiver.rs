//! A webhook receiver for the tests: a plain HTTP/1.1 server on a free local port that records
//! every request and answers each with the next status of a script (then 200), so a test can
//! make the edge's first attempts fail and watch it retry.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

pub struct WebhookReceiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    server: JoinHandle<()>,
}

impl WebhookReceiver {
    /// Starts listening; the first requests are answered with `statuses`, the rest with 200.
    pub async fn start(statuses: &[u16]) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(statuses.iter().copied().collect::<VecDeque<u16>>()));
        let log = received.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, script) = (log.clone(), script.clone());
                tokio::spawn(async move {
                    let status = script.lock().ok().and_then(|mut script| script.pop_front()).unwrap_or(200);
                    if let Ok(request) = answer(stream, status).await {
                        if let Ok(mut log) = log.lock() {
                            log.push(request);
                        }
                    }
                });
            }
        });
        Ok(Self { url, received, server })
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Reads one request and answers it with `status`.
async fn answer(stream: tokio::net::TcpStream, status: u16) -> Result<Received> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((key, value)) = header.split_once(':') {
            headers.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.parse())
        .transpose()?
        .context("no content-length")?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    reader.get_mut().write_all(reply.as_bytes()).await?;
    Ok(Received { headers, body: String::from_utf8(body)?, status })
}

//! A shop's own web site for the tests: a plain HTTP/1.1 server on a free local port, at
//! `http://localhost:{port}` (another origin than the edge's `127.0.0.1`), that answers every
//! request with one HTML page whose `<body>` ends with what the test pastes into it, as a shop
//! owner pastes the script tag the console gives them.

use std::sync::{Arc, Mutex};

use anyhow::Result;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub struct ShopSite {
    pub origin: String,
    pasted: Arc<Mutex<String>>,
    server: JoinHandle<()>,
}

impl ShopSite {
    pub async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://localhost:{}", listener.local_addr()?.port());
        let pasted = Arc::new(Mutex::new(String::new()));
        let page = pasted.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let html = page.lock().map(|pasted| product_page(&pasted)).unwrap_or_default();
                tokio::spawn(async move {
                    // A client that goes away mid-request is no failure of the site.
                    let _ = serve(stream, &html).await;
                });
            }
        });
        Ok(Self { origin, pasted, server })
    }

    /// Pastes `html` (the console's snippet) at the end of the page's body.
    pub fn paste(&self, html: &str) {
        if let Ok(mut pasted) = self.pasted.lock() {
            *pasted = html.to_owned();
        }
    }
}

impl Drop for ShopSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn product_page(pasted: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trail Runner 2</title></head>\
         <body><main><h1>Trail Runner 2</h1><p>A light shoe for long runs.</p></main>{pasted}</body></html>"
    )
}

/// Reads one request's head and answers with the page.
async fn serve(stream: tokio::net::TcpStream, html: &str) -> Result<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
        html.len()
    );
    reader.get_mut().write_all(response.as_bytes()).await?;
    Ok(())
}

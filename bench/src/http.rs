//! The few HTTP calls the benchmark makes to set Parley up (seed, sign in, start
//! conversations): plain HTTP/1.1 over loopback, one connection a call.

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// POSTs `body` as JSON to `path` on 127.0.0.1:`port`, with extra request headers.
pub async fn post_json(port: u16, path: &str, body: &str, headers: &[(&str, &str)]) -> Result<Response> {
    let json = format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len());
    request(port, &format!("POST {path}"), &json, body, headers).await
}

/// GETs `path` on 127.0.0.1:`port`.
pub async fn get(port: u16, path: &str) -> Result<Response> {
    request(port, &format!("GET {path}"), "", "", &[]).await
}

/// Sends the request `line` (method and path) with its body's headers, the body and extra
/// headers, and reads the response.
async fn request(port: u16, line: &str, body_headers: &str, body: &str, headers: &[(&str, &str)]) -> Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.context("connecting to the edge")?;
    let mut request = format!("{line} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{body_headers}Connection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    // Read until the response is whole, not until the connection closes: the local runtime
    // keeps it open for seconds whatever the request asked.
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let read = stream.read(&mut buffer).await?;
        raw.extend_from_slice(&buffer[..read]);
        if read == 0 || is_whole(&String::from_utf8_lossy(&raw)) {
            break;
        }
    }
    parse(&String::from_utf8_lossy(&raw)).with_context(|| line.to_owned())
}

/// Whether `raw` holds a whole response: its head, and its body as long as the head says (or
/// up to the last chunk).
fn is_whole(raw: &str) -> bool {
    let Some((head, body)) = raw.split_once("\r\n\r\n") else { return false };
    let header = |name: &str| {
        head.lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
    };
    if let Some(length) = header("content-length").and_then(|length| length.parse::<usize>().ok()) {
        return body.len() >= length;
    }
    match header("transfer-encoding") {
        Some(encoding) if encoding.eq_ignore_ascii_case("chunked") => body.ends_with("0\r\n\r\n"),
        _ => false,
    }
}

fn parse(raw: &str) -> Result<Response> {
    let Some((head, body)) = raw.split_once("\r\n\r\n") else { bail!("a response without a head: {raw:?}") };
    let mut lines = head.lines();
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok());
    let Some(status) = status else { bail!("a response without a status: {head:?}") };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut response = Response { status, headers, body: String::new() };
    response.body = match response.header("transfer-encoding") {
        Some(encoding) if encoding.eq_ignore_ascii_case("chunked") => dechunk(body)?,
        _ => body.to_owned(),
    };
    Ok(response)
}

/// The body of a chunked response.
fn dechunk(mut rest: &str) -> Result<String> {
    let mut body = String::new();
    loop {
        let Some((size, after)) = rest.split_once("\r\n") else { bail!("a chunk without its size") };
        let size = usize::from_str_radix(size.split(';').next().unwrap_or_default().trim(), 16)?;
        if size == 0 {
            return Ok(body);
        }
        let chunk = after.get(..size).context("a chunk cut short")?;
        body.push_str(chunk);
        rest = after.get(size..).and_then(|after| after.strip_prefix("\r\n")).context("a chunk without its end")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_chunked_bodies_read_the_same() {
        let cases = [
            ("HTTP/1.1 201 Created\r\nContent-Length: 2\r\nSet-Cookie: s=1; Path=/\r\n\r\n{}", 201, "{}"),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n",
                200,
                "{\"a\":1}",
            ),
        ];
        for (raw, status, body) in cases {
            let response = parse(raw).expect("parses");
            assert_eq!((response.status, response.body.as_str()), (status, body), "{raw:?}");
        }
        let response = parse(cases[0].0).expect("parses");
        assert_eq!(response.header("set-cookie"), Some("s=1; Path=/"));
        assert!(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nab").is_err(), "cut short");
        let wholes = [
            (cases[0].0, true),
            (&cases[0].0[..cases[0].0.len() - 1], false),
            (cases[1].0, true),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n", false),
            ("HTTP/1.1 200 OK\r\nContent-Le", false),
        ];
        for (raw, whole) in wholes {
            assert_eq!(is_whole(raw), whole, "{raw:?}");
        }
    }
}

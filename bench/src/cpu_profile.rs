//! A CPU profile of the Worker's workerd while a load runs: V8's sampling profiler, started and
//! stopped over the DevTools protocol's `Profiler` domain (through wrangler's inspector proxy,
//! which holds the Worker's one inspector session), whose samples are summed by function (self
//! time) and by the crate or runtime part each function belongs to. The Worker's wasm keeps its
//! name section, so Rust functions show by name.
//!
//! The connection is made as soon as the edge has started: until a client connects, wrangler's
//! proxy keeps every event the Worker's inspector sends (one for each request, at least), and a
//! client connecting after a long set-up is sent them all first, for minutes.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::http::get;

/// How often V8 samples, in microseconds.
const SAMPLING_MICROS: u64 = 1_000;

/// Functions and parts listed in a summary.
const LISTED: usize = 16;

/// A DevTools connection to the Worker.
pub struct Inspector {
    writer: SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>,
    /// The answers to calls, from the inspector's frames as they are read (all along, so that
    /// its pings are answered and its events are passed over as they come).
    answers: mpsc::UnboundedReceiver<Result<String, String>>,
    next_id: u64,
}

/// What the Worker's workerd spent its samples on.
#[derive(Debug, Clone, Serialize)]
pub struct CpuProfile {
    pub sampled_seconds: f64,
    /// Share of the samples in which the isolate was busy (not idle).
    pub busy_share: f64,
    /// Parley's busiest functions counting what they call, with their share of the busy
    /// samples (a sample counts for every function of Parley on its stack).
    pub parley_functions: Vec<(String, f64)>,
    /// The same samples summed by part: a Rust crate (`parley_edge`, `serde_json`, …), a
    /// runtime function called from the wasm (SQLite, WebSocket sends), or V8's own.
    pub parts: Vec<(String, f64)>,
}

impl Inspector {
    /// Connects to the DevTools served at `inspector_port`.
    pub async fn connect(inspector_port: u16) -> Result<Self> {
        let url = inspector_url(inspector_port).await?;
        // A long run's profile is one large frame: no size limit on it.
        let unlimited = WebSocketConfig::default().max_message_size(None).max_frame_size(None);
        let (socket, _) = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(unlimited), false)
            .await
            .context("the inspector's socket")?;
        let (writer, mut reader) = socket.split();
        let (forward, answers) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(frame) = reader.next().await {
                let answer = match frame {
                    // Answers start with their id; events, with their method.
                    Ok(Message::Text(text)) if text.as_str().starts_with(r#"{"id":"#) => Ok(text.as_str().to_owned()),
                    Ok(_) => continue,
                    Err(error) => Err(error.to_string()),
                };
                if forward.send(answer).is_err() {
                    return;
                }
            }
        });
        Ok(Self { writer, answers, next_id: 0 })
    }

    /// Starts V8's profiler in the Worker.
    pub async fn start_profile(&mut self) -> Result<()> {
        self.call("Profiler.enable", json!({})).await?;
        self.call("Profiler.setSamplingInterval", json!({"interval": SAMPLING_MICROS})).await?;
        self.call("Profiler.start", json!({})).await?;
        Ok(())
    }

    /// Stops the profiler and sums what it sampled.
    pub async fn stop_profile(&mut self) -> Result<CpuProfile> {
        let answer = self.call("Profiler.stop", json!({})).await?;
        let profile: Profile = serde_json::from_value(answer["profile"].clone()).context("the profile")?;
        Ok(profile.summary())
    }

    /// Calls `method` and waits for its answer (events meanwhile are passed over).
    async fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.writer.send(Message::text(json!({"id": id, "method": method, "params": params}).to_string())).await?;
        let answer = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(frame) = self.answers.recv().await {
                let text = frame.map_err(|error| anyhow!("the inspector's socket failed: {error}"))?;
                let value: Value = serde_json::from_str(&text)?;
                if value["id"] == id {
                    return Ok(value);
                }
            }
            bail!("the inspector closed its socket")
        });
        let answer = answer.await.with_context(|| format!("no answer to {method}"))??;
        if let Some(error) = answer.get("error") {
            bail!("{method}: {error}");
        }
        Ok(answer["result"].clone())
    }
}

/// The DevTools socket that `inspector_port` lists for the Worker.
async fn inspector_url(inspector_port: u16) -> Result<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Target {
        web_socket_debugger_url: String,
    }
    let listing = get(inspector_port, "/json").await.context("listing the inspector's targets")?;
    let targets: Vec<Target> = serde_json::from_str(&listing.body).context("the inspector's targets")?;
    match targets.into_iter().next() {
        Some(target) => Ok(target.web_socket_debugger_url),
        None => bail!("the inspector at port {inspector_port} lists no target"),
    }
}

/// The parts of `Profiler.stop`'s profile used here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    nodes: Vec<Node>,
    start_time: f64,
    end_time: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    id: u64,
    call_frame: CallFrame,
    #[serde(default)]
    hit_count: u64,
    #[serde(default)]
    children: Vec<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallFrame {
    function_name: String,
    url: String,
}

impl Profile {
    fn summary(&self) -> CpuProfile {
        let mut by_function: HashMap<String, u64> = HashMap::new();
        let mut idle = 0;
        for node in &self.nodes {
            let name = function_name(&node.call_frame);
            if name == "(idle)" {
                idle += node.hit_count;
            } else {
                *by_function.entry(name).or_default() += node.hit_count;
            }
        }
        let busy: u64 = by_function.values().sum();
        let mut by_part: HashMap<String, u64> = HashMap::new();
        for (name, hits) in &by_function {
            *by_part.entry(part(name)).or_default() += hits;
        }
        let ranked = |counts: HashMap<String, u64>| {
            let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ranked.into_iter().take(LISTED).map(|(name, hits)| (name, hits as f64 / busy.max(1) as f64)).collect()
        };
        CpuProfile {
            sampled_seconds: (self.end_time - self.start_time) / 1e6,
            busy_share: busy as f64 / (busy + idle).max(1) as f64,
            parley_functions: ranked(self.parley_inclusive()),
            parts: ranked(by_part),
        }
    }

    /// Parley's own functions with the samples of everything they called: each sample counts
    /// once for every distinct function of Parley on its stack.
    fn parley_inclusive(&self) -> HashMap<String, u64> {
        let nodes: HashMap<u64, &Node> = self.nodes.iter().map(|node| (node.id, node)).collect();
        let called: std::collections::HashSet<u64> =
            self.nodes.iter().flat_map(|node| node.children.iter().copied()).collect();
        let mut inclusive: HashMap<String, u64> = HashMap::new();
        // Depth first from the roots, each node with the names of Parley's functions above it.
        let mut pending: Vec<(u64, Vec<String>)> =
            self.nodes.iter().filter(|node| !called.contains(&node.id)).map(|node| (node.id, Vec::new())).collect();
        while let Some((id, mut above)) = pending.pop() {
            let Some(node) = nodes.get(&id) else { continue };
            let name = function_name(&node.call_frame);
            if name.starts_with(PARLEY) && !above.contains(&name) {
                above.push(name);
            }
            for name in &above {
                *inclusive.entry(name.clone()).or_default() += node.hit_count;
            }
            pending.extend(node.children.iter().map(|child| (*child, above.clone())));
        }
        inclusive
    }
}

/// How Parley's own functions start in the Worker's name section.
const PARLEY: &str = "parley_";

/// A frame's function, with where it is when it has no name of its own, and without the
/// hashes the compiler adds to Rust names (`::h0123…`, `crate[0123…]`).
fn function_name(frame: &CallFrame) -> String {
    match (frame.function_name.as_str(), frame.url.as_str()) {
        ("", "") => "(anonymous)".to_owned(),
        ("", url) => format!("(anonymous) {url}"),
        (name, _) => without_hashes(name),
    }
}

fn without_hashes(name: &str) -> String {
    let mut readable = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        let hex_run = |text: &str| text.chars().take_while(char::is_ascii_hexdigit).count();
        if let Some(after) = rest.strip_prefix("::h").filter(|after| hex_run(after) == 16) {
            rest = &after[16..];
        } else if let Some(after) =
            rest.strip_prefix('[').filter(|after| hex_run(after) == 16 && after[16..].starts_with(']'))
        {
            rest = &after[17..];
        } else {
            let next = rest.chars().next().map_or(1, char::len_utf8);
            readable.push_str(&rest[..next]);
            rest = &rest[next..];
        }
    }
    readable
}

/// The part of the program a function belongs to: the first two segments of a Rust path
/// (`parley_edge::store`), the crate of a generic's implementation (`<T as serde::…>`), V8's
/// own bracketed entries as they are, and any other function (the runtime's API and the
/// JavaScript glue) as "runtime and glue: NAME".
fn part(name: &str) -> String {
    if name.starts_with('(') {
        return name.to_owned();
    }
    let path = name.trim_start_matches('<');
    match path.split("::").collect::<Vec<_>>().as_slice() {
        [first, second, _, ..] => format!("{first}::{second}"),
        [first, _] => (*first).to_owned(),
        _ => format!("runtime and glue: {name}"),
    }
}

impl CpuProfile {
    /// The summary as Markdown.
    pub fn table(&self) -> String {
        let mut text = format!(
            "CPU profile of the Worker's workerd over {:.1} s of sampling every {SAMPLING_MICROS} µs: busy {:.0}% of the time.\n\n| part of the program | share of busy samples |\n|---|---:|\n",
            self.sampled_seconds,
            self.busy_share * 100.0
        );
        for (part, share) in &self.parts {
            text.push_str(&format!("| `{}` | {:.1}% |\n", part.replace('|', "/"), share * 100.0));
        }
        text.push_str("\n| Parley's function, with what it calls | share of busy samples |\n|---|---:|\n");
        for (function, share) in &self.parley_functions {
            text.push_str(&format!("| `{}` | {:.1}% |\n", function.replace('|', "/"), share * 100.0));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_put_in_their_part() {
        let cases = [
            ("parley_edge::store::Store::exec::h1234", "parley_edge::store"),
            ("<serde_json::de::Deserializer<R>>::parse::habc", "serde_json::de"),
            ("core::ptr::drop_in_place::h9", "core::ptr"),
            ("dlmalloc::Dlmalloc::malloc", "dlmalloc::Dlmalloc"),
            ("exec", "runtime and glue: exec"),
            ("(garbage collector)", "(garbage collector)"),
            ("(program)", "(program)"),
        ];
        for (name, expected) in cases {
            assert_eq!(part(name), expected, "{name}");
        }
        let names = [
            ("parley_edge::store::Store::exec::h8c081a618ff3f47c", "parley_edge::store::Store::exec"),
            (
                "<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<A>>::malloc",
                "<dlmalloc::dlmalloc::Dlmalloc<A>>::malloc",
            ),
            ("deliver::{{closure}}::haba81dda5844cfb8 externref shim", "deliver::{{closure}} externref shim"),
            ("::hshort and [abc]", "::hshort and [abc]"),
        ];
        for (name, expected) in names {
            assert_eq!(without_hashes(name), expected, "{name}");
        }
    }

    #[test]
    fn idle_samples_are_not_busy_and_shares_are_of_busy_samples() {
        let node = |id, function_name: &str, hit_count, children: &[u64]| Node {
            id,
            call_frame: CallFrame { function_name: function_name.to_owned(), url: String::new() },
            hit_count,
            children: children.to_vec(),
        };
        // (root) → (idle); (root) → exec → rows → exec (the runtime's, called back).
        let profile = Profile {
            nodes: vec![
                node(1, "(root)", 0, &[2, 3]),
                node(2, "(idle)", 50, &[]),
                node(3, "parley_edge::store::Store::exec::h1", 30, &[4]),
                node(4, "parley_edge::store::Store::rows::h2", 10, &[5]),
                node(5, "exec", 10, &[]),
            ],
            start_time: 0.0,
            end_time: 2e6,
        };
        let summary = profile.summary();
        assert_eq!(summary.sampled_seconds, 2.0);
        assert_eq!(summary.busy_share, 0.5);
        assert_eq!(summary.parts[0], ("parley_edge::store".to_owned(), 0.8));
        assert_eq!(
            summary.parley_functions,
            vec![
                ("parley_edge::store::Store::exec::h1".to_owned(), 1.0),
                ("parley_edge::store::Store::rows::h2".to_owned(), 0.4)
            ]
        );
    }
}

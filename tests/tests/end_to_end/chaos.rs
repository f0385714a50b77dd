//! The fault suite's chaos: connections cut at random moments, and the edge crashed once a
//! given number of messages has been acknowledged, so that the crash falls in the middle of the
//! exchange, and started again on the same state.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::task::JoinHandle;

use crate::private_edge::PrivateEdge;
use crate::seeded_rng::SeededRng;
use crate::tcp_proxy::TcpProxy;

/// How long the cutter waits between cuts, in milliseconds: at times long enough for a
/// handshake through wrangler to finish on a busy 2-core machine, or nobody would ever resume.
const CUT_EVERY_MILLIS: Range<u64> = 250..2500;
/// How many bytes more a cut may let through, when it waits for them: from inside the next
/// frame to a few frames later.
const CUT_AFTER_BYTES: Range<u64> = 1..4096;
/// How long a crashed edge stays down before it starts again (which takes seconds more), in
/// milliseconds.
const DOWN_MILLIS: Range<u64> = 0..1000;

/// Cuts every connection through a proxy at random moments, now or a random number of bytes
/// later, until stopped (or dropped).
pub struct Cutter {
    task: JoinHandle<()>,
}

impl Cutter {
    pub fn start(proxy: Arc<TcpProxy>, mut rng: SeededRng) -> Self {
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(rng.millis(CUT_EVERY_MILLIS)).await;
                match rng.one_in(2) {
                    true => proxy.cut_all(),
                    false => proxy.cut_after(rng.in_range(CUT_AFTER_BYTES)),
                }
            }
        });
        Self { task }
    }
}

impl Drop for Cutter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Crashes `edge` once `acknowledged` reaches `at`, or once the exchange has `ended`, whichever
/// comes first; keeps it down for a moment, and starts it again on the same state. Answers how
/// long it was away.
pub async fn crash_when(
    edge: &mut PrivateEdge,
    acknowledged: &AtomicU64,
    at: u64,
    ended: &AtomicBool,
    rng: &mut SeededRng,
) -> Result<Duration> {
    while acknowledged.load(Ordering::Relaxed) < at && !ended.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    crash_now(edge, rng).await
}

/// Crashes `edge` now, keeps it down for a moment, and starts it again on the same state.
/// Answers how long it was away.
pub async fn crash_now(edge: &mut PrivateEdge, rng: &mut SeededRng) -> Result<Duration> {
    let crashed_at = tokio::time::Instant::now();
    edge.crash().await.context("crashing the edge")?;
    tokio::time::sleep(rng.millis(DOWN_MILLIS)).await;
    edge.start_again().await.context("starting the crashed edge again")?;
    Ok(crashed_at.elapsed())
}

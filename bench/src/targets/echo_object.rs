//! Baseline (b), the platform's limit: the edge's development-only echo Durable Object
//! (edge/src/bench_echo.rs) on the same workerd as Parley. One object per conversation stores
//! each frame in SQLite and sends it to both sockets.

use anyhow::Result;

use crate::clock::now_nanos;
use crate::drive::Conversation;
use crate::link::Link;
use crate::targets::open_all;

/// Opens `count` conversations on the edge at `port`: two sockets on each room's object.
pub async fn open(port: u16, count: usize) -> Result<Vec<Conversation>> {
    // Rooms of their own for every run, so no run finds another's sockets.
    let run = now_nanos();
    open_all(count, 16, |index| async move {
        let url = format!("ws://127.0.0.1:{port}/api/dev/echo/bench-{run}-{index}");
        Ok(Conversation { shopper: Link::connect(&url, &[]).await?, agent: Link::connect(&url, &[]).await? })
    })
    .await
}

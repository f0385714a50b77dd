//! A big shop's desk on the real edge: with many conversations waiting (filled by the
//! development route `POST /api/dev/queue`) and many consoles open, each event sends consoles
//! only what changed, a console that follows the changes has the queue the desk has, and the
//! desk's time per event is measured (`POST /api/dev/desk/timings`). `cargo xtask bench` asks
//! for 10,000 waiting and 50 consoles (`PARLEY_BENCH_DESK=10000,50`); a test run fills a few
//! hundred.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;
use serde_json::json;

use crate::case;
use crate::client::{Api, Socket};
use crate::engine::claim;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::desk::EXACT_PLACES;
use parley_core::desk_feed::{Followed, QueueCopy};
use parley_core::protocol::{DeskClientFrame, DeskServerFrame, Status};

pub fn cases() -> Vec<Case> {
    vec![case!(limit Duration::from_secs(600), a_big_desk_tells_consoles_only_what_changed)]
}

/// Claims timed, one after the other.
const EVENTS: usize = 20;

/// What the desk measured (`desk_timings`), in microseconds.
#[derive(Debug, Deserialize)]
struct Timings {
    events: u64,
    work: Spread,
    delivery: Spread,
}

#[derive(Debug, Deserialize)]
struct Spread {
    total_micros: u64,
    max_micros: u64,
}

/// How many wait and how many consoles are open: `PARLEY_BENCH_DESK` as `waiting,consoles`
/// (the benchmark's `10000,50`), else a test run's few.
fn size() -> (u32, u32) {
    let asked = std::env::var("PARLEY_BENCH_DESK").ok();
    let parsed = asked.as_deref().and_then(|size| {
        let (waiting, consoles) = size.split_once(',')?;
        Some((waiting.trim().parse().ok()?, consoles.trim().parse().ok()?))
    });
    parsed.unwrap_or((300, 3))
}

async fn a_big_desk_tells_consoles_only_what_changed(env: Arc<Env>) -> Result<()> {
    let (waiting, consoles) = size();
    let consoles = consoles.max(2);
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    // The first console opens before the queue fills: the agent is online when the made-up
    // shoppers are placed, as in a shop that is busy.
    let mut watcher = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let mut watched = QueueCopy::default();
    ensure!(watched.follow(watcher.next().await?) == Followed::Changed, "the first frame is not the queue");
    let filled = Instant::now();
    let mut first = 0;
    while first < waiting {
        let body = json!({"shop": shop, "first": first, "count": (waiting - first).min(2000)});
        let (status, answer) = api.post("/api/dev/queue", &body, None).await?;
        ensure!(status == 200, "filling the queue answered {status}: {answer}");
        first += answer.trim().parse::<u32>().context("a count")?;
    }
    let filled = filled.elapsed();
    // Consoles opened since start from the whole queue; the first follows what came meanwhile.
    let mut others: Vec<Socket> = Vec::new();
    for n in 1..consoles {
        let mut socket = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
        let frame: DeskServerFrame = socket.next().await?;
        let DeskServerFrame::Queue { items, .. } = &frame else { bail!("console {n} began with {frame:?}") };
        ensure!(items.len() as u32 == waiting, "console {n} was given {} of {waiting}", items.len());
        others.push(socket);
    }
    while !(watched.is_current() && watched.items.len() as u32 == waiting) {
        let frame = watcher
            .next_matching(|f: &DeskServerFrame| {
                matches!(f, DeskServerFrame::Queue { .. } | DeskServerFrame::QueueChanged { .. })
            })
            .await?;
        ensure!(watched.follow(frame) != Followed::Missed, "the first console missed a change");
    }
    let (status, _) = api.post("/api/dev/desk/timings", &json!({"shop": shop}), None).await?;
    ensure!(status == 200, "reading the timings answered {status}");

    // Each claim moves everyone behind up one place; consoles hear of the places told anew.
    let bound = (EXACT_PLACES as usize) + 30;
    let mut round_trips = Vec::new();
    let claimer = others.first_mut().context("a second console")?;
    for _ in 0..EVENTS {
        let oldest = watched
            .items
            .iter()
            .find(|item| item.status == Status::Waiting)
            .map(|item| item.conversation_id.clone())
            .context("nobody waits any more")?;
        let started = Instant::now();
        claim(claimer, &oldest).await?;
        round_trips.push(started.elapsed().as_secs_f64() * 1000.0);
        while !watched.items.iter().any(|item| item.conversation_id == oldest && item.status == Status::Assigned) {
            let frame =
                watcher.next_matching(|f: &DeskServerFrame| matches!(f, DeskServerFrame::QueueChanged { .. })).await?;
            if let DeskServerFrame::QueueChanged { upserts, removed, .. } = &frame {
                let told = upserts.len() + removed.len();
                ensure!(told <= bound, "a claim told consoles of {told} items (at most {bound} read differently)");
            }
            ensure!(watched.follow(frame) == Followed::Changed, "the watching console missed a change");
        }
    }
    let (status, body) = api.post("/api/dev/desk/timings", &json!({"shop": shop}), None).await?;
    ensure!(status == 200, "reading the timings answered {status}: {body}");
    let timings: Timings = serde_json::from_str(&body)?;
    ensure!(timings.events >= EVENTS as u64, "the desk timed {} events of {EVENTS}", timings.events);

    // The copy kept from changes is the queue the desk has.
    watcher.send(&DeskClientFrame::Resync).await?;
    let whole = watcher.next_matching(|f: &DeskServerFrame| matches!(f, DeskServerFrame::Queue { .. })).await?;
    let DeskServerFrame::Queue { items, .. } = whole else { bail!("not a queue") };
    ensure!(items == watched.items, "the console's copy and the desk's queue differ");

    round_trips.sort_by(f64::total_cmp);
    let mean = |spread: &Spread| spread.total_micros as f64 / timings.events as f64 / 1000.0;
    println!(
        "BENCH desk-event waiting={waiting} consoles={consoles} events={} work_mean_ms={:.2} work_max_ms={:.2} delivery_mean_ms={:.1} claim_median_ms={:.1} fill_s={:.1}",
        timings.events,
        mean(&timings.work),
        timings.work.max_micros as f64 / 1000.0,
        mean(&timings.delivery),
        round_trips[round_trips.len() / 2],
        filled.as_secs_f64(),
    );
    Ok(())
}

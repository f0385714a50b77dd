//! End-to-end tests against the real local edge (wrangler dev on workerd), started once for
//! all cases with a fresh state folder: protocol and API cases over HTTP and WebSocket, and
//! browser cases in headless Chromium. Each case seeds shops of its own (`shops`), so none
//! depends on which ran before it. Cases that stop the edge start one of their own
//! (`private_edge`).
//!
//! Run one case with `cargo test -p parley-tests --test end_to_end -- <part of its name>`; add
//! `--shuffle` to run the cases in a random order, which the run prints as `--shuffle-seed=N` to
//! repeat.

mod access;
mod accessibility;
mod api;
mod at_the_desk;
mod big_desk;
mod browser;
mod chaos;
mod client;
mod dashboard_numbers;
mod dashboard_page;
mod delivery;
mod edge_watch;
mod engine;
mod eventually;
mod fault_checks;
mod faults;
mod going_live;
mod going_live_journey;
mod history;
mod history_browser;
mod lifecycle;
mod live_widget;
mod message_cost;
mod owner_screens;
mod owner_tools;
mod page_cost;
mod private_edge;
mod resuming_client;
mod runner;
mod security;
mod seeded_rng;
mod shop_page;
mod shop_site;
mod shops;
mod tcp_proxy;
mod webhook_receiver;

fn main() -> std::process::ExitCode {
    let cases: Vec<runner::Case> = api::cases()
        .into_iter()
        .chain(engine::cases())
        .chain(big_desk::cases())
        .chain(delivery::cases())
        .chain(faults::cases())
        .chain(security::cases())
        .chain(lifecycle::cases())
        .chain(edge_watch::cases())
        .chain(access::cases())
        .chain(going_live::cases())
        .chain(owner_tools::cases())
        .chain(live_widget::cases())
        .chain(owner_screens::cases())
        .chain(dashboard_numbers::cases())
        .chain(history::cases())
        .chain(message_cost::cases())
        .chain(shop_page::cases())
        .chain(browser::cases())
        .chain(at_the_desk::cases())
        .chain(dashboard_page::cases())
        .chain(history_browser::cases())
        .chain(going_live_journey::cases())
        .chain(accessibility::cases())
        .chain(page_cost::cases())
        .collect();
    runner::run(cases)
}

//! Failpoints for the fault suite: places where a test's edge can be made to fail or stall as
//! a full disk, exhausted memory or a hung object would, to prove that such a failure loses,
//! doubles and blocks nothing.
//!
//! They are off unless the Worker variable `PARLEY_FAILPOINTS` names them, which only the
//! tests' own edges set (never `wrangler.toml`, `cargo xtask dev` or a deploy). Its value is a
//! list of `name=marker` pairs separated by `,`; a failpoint fires when the text it is given
//! contains its marker, so a test decides exactly which event fails.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::Duration;

use worker::{Delay, Env};

use crate::error::{EdgeError, EdgeResult};

const VARIABLE: &str = "PARLEY_FAILPOINTS";

/// How long a stalled request hangs: longer than any caller waits (`rpc::CALL_TIMEOUT`).
const STALL: Duration = Duration::from_secs(60);

thread_local! {
    /// The stall failpoints that have fired: each stalls once.
    static STALLED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// In a conversation's commit, right after a message's row is written and before the
/// conversation's new state is: `room_commit=marker`, matched against the message's text.
pub fn after_storing_message(env: &Env, text: &str) -> EdgeResult<()> {
    match armed(env, "room_commit", || text.to_owned()) {
        Some(_) => Err(EdgeError::internal("failpoint room_commit fired")),
        None => Ok(()),
    }
}

/// An object receiving a request from another: `{object}_request=marker` fails it as a broken
/// object would (a 5xx), and `{object}_stall=marker` makes the first such request hang.
/// `describe` gives the text to match: the object's name and the request.
pub async fn receiving(env: &Env, object: &str, describe: impl Fn() -> String) -> EdgeResult<()> {
    if armed(env, &format!("{object}_request"), &describe).is_some() {
        return Err(EdgeError::internal(format!("failpoint {object}_request fired")));
    }
    if let Some(marker) = armed(env, &format!("{object}_stall"), &describe) {
        if STALLED.with(|stalled| stalled.borrow_mut().insert(marker)) {
            Delay::from(STALL).await;
        }
    }
    Ok(())
}

/// The marker of failpoint `name`, if it is set and `text` contains it.
fn armed(env: &Env, name: &str, text: impl Fn() -> String) -> Option<String> {
    let setting = env.var(VARIABLE).ok()?.to_string();
    let text = text();
    setting
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(failpoint, marker)| failpoint.trim() == name && !marker.is_empty() && text.contains(marker))
        .map(|(_, marker)| marker.to_owned())
}

//! Which limits a shop's clients are held to: the standard ones, except on a development edge
//! started by `cargo xtask bench load`, whose `PARLEY_BENCH_SHOP` variable names the one shop
//! held to core's benchmark limits ([`Limits::Benchmark`]), so that one machine can play
//! hundreds of shoppers writing several messages a second. A deployed edge has no `PARLEY_DEV`,
//! so the variable means nothing there, whatever it says.

use worker::Env;

use crate::development::is_development;
use crate::error::EdgeResult;
use parley_core::ids::ShopId;
use parley_core::rate_limit::{Action, Limit, Limits};

/// The Worker variable naming the benchmark's shop (development only).
const BENCH_SHOP_VAR: &str = "PARLEY_BENCH_SHOP";

/// The limit of `action` for the clients of the shop `shop` names. Only a development edge can
/// hold a shop to other limits, so only there is `shop` asked (a room reads its conversation
/// for it, which a deployed edge's message path should not pay for).
pub fn limit(env: &Env, action: Action, shop: impl FnOnce() -> EdgeResult<ShopId>) -> EdgeResult<Limit> {
    let limits = match is_development(env).then(|| env.var(BENCH_SHOP_VAR)) {
        Some(Ok(named)) if named.to_string() == shop()?.as_str() => Limits::Benchmark,
        _ => Limits::Standard,
    };
    Ok(limits.of(action))
}

//! Which limits a shop's clients are held to: the standard ones, except on a development edge
//! started by `cargo xtask bench load`, whose `PARLEY_BENCH_SHOP` variable names the one shop
//! held to core's benchmark limits ([`Limits::Benchmark`]), so that one machine can play
//! hundreds of shoppers writing several messages a second. A deployed edge has no `PARLEY_DEV`,
//! so the variable means nothing there, whatever it says.

use worker::Env;

use crate::development::is_development;
use parley_core::ids::ShopId;
use parley_core::rate_limit::{Action, Limit, Limits};

/// The Worker variable naming the benchmark's shop (development only).
const BENCH_SHOP_VAR: &str = "PARLEY_BENCH_SHOP";

/// The limits `shop` is held to.
fn limits(env: &Env, shop: &ShopId) -> Limits {
    if !is_development(env) {
        return Limits::Standard;
    }
    match env.var(BENCH_SHOP_VAR) {
        Ok(named) if named.to_string() == shop.as_str() => Limits::Benchmark,
        _ => Limits::Standard,
    }
}

/// The limit of `action` for `shop`'s clients.
pub fn limit(env: &Env, shop: &ShopId, action: Action) -> Limit {
    limits(env, shop).of(action)
}

//! Shops a case seeds for itself, named after the case, with agents whose addresses and
//! passwords follow from their names, and signing those agents in.
//!
//! On the shared edge every case uses shops of its own: no case sees another's queue,
//! conversations, settings or sign-in failures, so none depends on which ran before it. The
//! demo shop the runner seeds serves only read-only checks of public pages; a private edge
//! (`private_edge`) has a demo shop of its own.

use std::hash::{DefaultHasher, Hash, Hasher};

use anyhow::{ensure, Result};
use serde_json::{json, Value};

use crate::client::{Agent, Api};
use crate::runner::Env;

/// The longest shop id the edge takes (core/src/ids.rs).
const MAX_SHOP_ID_CHARS: usize = 40;

/// The id of the running case's shop `part`: the start of the case's name, for whoever reads a
/// failure, then `part`, then a hash of both, so that no two cases, and no two shops of one
/// case, share a shop. Hyphens stand for the name's underscores: its agents' addresses end in
/// it, and a browser's e-mail field (the console's sign-in) takes no underscore in a domain.
fn case_shop(env: &Env, part: &str) -> String {
    let mut hasher = DefaultHasher::new();
    (env.case, part).hash(&mut hasher);
    let hash = hasher.finish() >> 32;
    let tail = match part {
        "" => format!("-{hash:08x}"),
        part => format!("-{part}-{hash:08x}"),
    };
    let head: String = env.case.chars().take(MAX_SHOP_ID_CHARS.saturating_sub(tail.len())).collect();
    let head = head.replace('_', "-");
    format!("{head}{tail}")
}

/// The e-mail address [`seed`] gives agent `name` of `shop`.
pub(crate) fn agent_email(shop: &str, name: &str) -> String {
    format!("{name}@{shop}.test")
}

/// The password [`seed`] gives agent `name`.
pub(crate) fn agent_password(name: &str) -> String {
    format!("{name}-password")
}

/// Seeds the running case's shop `part` ("" for its only or main shop), named `Shop {id}`, with
/// `settings` and agents `(name, role)`, each with the address [`agent_email`] and the password
/// [`agent_password`] give; answers the shop's id. Seeding it again adds agents and changes
/// nothing else.
pub(crate) async fn seed(api: &Api, env: &Env, part: &str, settings: Value, agents: &[(&str, &str)]) -> Result<String> {
    let shop = case_shop(env, part);
    seed_shop(api, &shop, settings, agents).await?;
    Ok(shop)
}

/// Seeds the shop `shop` as [`seed`] does: for an edge of a case's own, where the case alone
/// names its shops.
pub(crate) async fn seed_shop(api: &Api, shop: &str, settings: Value, agents: &[(&str, &str)]) -> Result<()> {
    let agents: Vec<Value> = agents
        .iter()
        .map(|(name, role)| {
            json!({"email": agent_email(shop, name), "name": name, "password": agent_password(name), "role": role})
        })
        .collect();
    let body = json!({"shop": shop, "name": format!("Shop {shop}"), "settings": settings, "agents": agents});
    let (status, text) = api.post("/api/dev/seed", &body, None).await?;
    ensure!(status == 200, "seeding {shop} answered {status}: {text}");
    Ok(())
}

/// Signs in agent `name` of `shop`, as [`seed`] made them.
pub(crate) async fn login(api: &Api, shop: &str, name: &str) -> Result<Agent> {
    api.login(&agent_email(shop, name), &agent_password(name)).await
}

//! Shops a case seeds for itself on the edge, with agents whose addresses and passwords follow
//! from their names, and signing those agents in.

use anyhow::{ensure, Result};
use serde_json::{json, Value};

use crate::client::{Agent, Api};

/// The e-mail address [`seed`] gives agent `name` of `shop`.
pub(crate) fn agent_email(shop: &str, name: &str) -> String {
    format!("{name}@{shop}.test")
}

/// The password [`seed`] gives agent `name`.
pub(crate) fn agent_password(name: &str) -> String {
    format!("{name}-password")
}

/// Seeds shop `shop`, named `Shop {shop}`, with `settings` and agents `(name, role)`, each with
/// the address [`agent_email`] and the password [`agent_password`] give.
pub(crate) async fn seed(api: &Api, shop: &str, settings: Value, agents: &[(&str, &str)]) -> Result<()> {
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

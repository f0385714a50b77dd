//! Whether this edge runs for development (`PARLEY_DEV=1`, set by `cargo xtask dev` and the
//! tests, never by a deploy), and everything that changes with it: demo pages, seeding and the
//! clock are served; client addresses are not read from `CF-Connecting-IP`, which a local
//! runtime takes from the client; and webhooks may go to plain-http loopback receivers.

use worker::Env;

use parley_core::webhook::WebhookTargets;

pub fn is_development(env: &Env) -> bool {
    env.var("PARLEY_DEV").is_ok_and(|value| value.to_string() == "1")
}

/// Where this edge lets shops send webhooks.
pub fn webhook_targets(env: &Env) -> WebhookTargets {
    if is_development(env) {
        WebhookTargets::DevelopmentLoopback
    } else {
        WebhookTargets::Public
    }
}

//! Development-only seeding (`POST /api/dev/seed`, enabled by the `PARLEY_DEV` variable that
//! `cargo xtask dev` and the test harness set, refused to other sites' pages): creates a shop
//! and its agents, never over ones that exist. Without a body
//! it creates the demo shop `demo` and the agent `agent@demo.test` / `parley-demo`.

use serde::Deserialize;
use worker::Env;

use crate::accounts;
use crate::development::webhook_targets;
use crate::error::{EdgeError, EdgeResult};
use crate::rpc;
use crate::shop_desk::{desk_stub, shop_profile, DeskRequest, ShopProfile};
use crate::signup;
use parley_core::ids::{AgentId, ShopId};
use parley_core::origin::OriginPattern;
use parley_core::protocol::{AgentProfile, ApiError, ErrorCode, Role};
use parley_core::settings::ShopSettings;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedShop {
    pub shop: ShopId,
    pub name: String,
    #[serde(default)]
    pub settings: ShopSettings,
    pub agents: Vec<SeedAgent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAgent {
    pub email: AgentId,
    pub name: String,
    pub password: String,
    pub role: Role,
}

/// The demo shop of the README, embeddable from any local origin.
pub fn demo_shop() -> EdgeResult<SeedShop> {
    let origin = |raw: &str| OriginPattern::parse(raw).ok_or_else(|| EdgeError::internal("bad demo origin"));
    Ok(SeedShop {
        shop: ShopId::parse(parley_demo::SHOP)?,
        name: "Demo Shop".into(),
        settings: ShopSettings {
            allowed_origins: vec![origin("http://127.0.0.1:*")?, origin("http://localhost:*")?],
            ..ShopSettings::default()
        },
        agents: vec![SeedAgent {
            email: AgentId::parse("agent@demo.test")?,
            name: "Ana".into(),
            password: "parley-demo".into(),
            role: Role::Owner,
        }],
    })
}

/// Creates the shop and its agents, leaving whatever exists as it is: seeding again (every
/// `cargo xtask dev`) never replaces a shop's settings or anyone's password. Both are made as
/// sign-up and invites make them (the directory keeps their ids unique), only without asking.
pub async fn seed(env: &Env, seed: SeedShop) -> EdgeResult<ShopProfile> {
    let settings = seed.settings.validated(webhook_targets(env)).map_err(ApiError::from)?;
    let profile = ShopProfile { shop: seed.shop.clone(), name: seed.name, settings, disabled: false };
    let profile = match signup::create_shop(env, &profile).await {
        Err(EdgeError::Api(taken)) if taken.code == ErrorCode::Conflict => shop_profile(env, &seed.shop).await?,
        created => created?,
    };
    let desk = desk_stub(env, &seed.shop)?;
    for agent in seed.agents {
        let account = AgentProfile { email: agent.email, name: agent.name, shop: seed.shop.clone(), role: agent.role };
        match accounts::create(env, &account, &agent.password).await {
            Ok(()) => {
                rpc::call::<_, AgentProfile>(&desk, &DeskRequest::AddAgent { profile: account }).await.map(drop)?
            }
            Err(EdgeError::Api(exists)) if exists.code == ErrorCode::Conflict => {}
            Err(error) => return Err(error),
        }
    }
    Ok(profile)
}

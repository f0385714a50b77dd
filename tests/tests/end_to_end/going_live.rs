//! Going live without a developer: on an edge started the production way, the operator creates a
//! shop whose owner joins by a single-use link, or the edge takes sign-ups (open, or with a code
//! the operator issued, or not at all); owners build their team with invites, roles and
//! removals; passwords change and reset, and sessions follow.

use std::sync::Arc;

use anyhow::{bail, ensure, Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use crate::api::{send_acked, shopper};
use crate::case;
use crate::client::{api_error, Agent, Api};
use crate::engine::{claim, queue_where};
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::protocol::{AgentProfile, DeskClientFrame, ErrorCode, IssuedLink, LinkView, Role, TeamMember};
use parley_core::rate_limit::Limit;
use parley_core::team::LinkPurpose;
use parley_tests::EdgeOptions;

pub fn cases() -> Vec<Case> {
    vec![
        case!(a_production_edge_serves_no_development_routes_and_takes_no_sign_up_unless_opened),
        case!(a_production_edge_holds_the_shop_its_bench_variable_names_to_the_standard_limits),
        case!(the_operator_creates_a_shop_whose_owner_joins_by_a_link_that_works_once),
        case!(the_operator_command_creates_lists_and_disables_shops),
        case!(an_open_edge_signs_a_shop_up_with_its_owner_once),
        case!(sign_up_by_invitation_needs_a_code_that_works_once),
        case!(owners_build_their_team_and_the_last_owner_stays),
        case!(a_removed_member_loses_every_session_and_socket_and_their_chats_wait_again),
        case!(passwords_change_and_reset_and_sessions_follow),
        case!(an_agent_away_is_given_no_new_chats),
    ]
}

const OPERATOR_KEY: &str = "operator-key-for-the-tests-0123456789";

/// Calls the operator's API of `edge` with `key`; answers the status and body.
async fn operator(api: &Api, method: Method, path: &str, body: Value, key: &str) -> Result<(u16, String)> {
    let bearer = format!("Bearer {key}");
    api.send_raw(method, path, "application/json", &body.to_string(), &[("authorization", bearer.as_str())]).await
}

/// Runs `cargo xtask shop {args}` against `edge` with the operator's `key` (the xtask binary
/// `cargo xtask` built); answers whether it succeeded and what it printed.
async fn xtask_shop(edge: &str, key: &str, args: &[&str]) -> Result<(bool, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let xtask = root.join("target/debug/xtask");
    ensure!(xtask.exists(), "{} is missing: run `cargo xtask build` first", xtask.display());
    let output = tokio::process::Command::new(xtask)
        .arg("shop")
        .args(args)
        .args(["--edge", edge])
        .env("PARLEY_OPERATOR_KEY", key)
        .output()
        .await?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), printed))
}

/// Splits a link's fragment into its shop and token.
fn link_parts(link: &str) -> Result<(String, String)> {
    let fragment = link.split_once('#').map(|(_, fragment)| fragment).context("a link has a fragment")?;
    let value =
        |name: &str| fragment.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).map(str::to_owned);
    Ok((value("shop").context("the link names its shop")?, value("token").context("the link has its token")?))
}

/// Accepts an invite link as `name` with `password`; answers the status, the body and, when
/// signed in, the session cookie.
async fn accept(api: &Api, link: &str, name: &str, password: &str) -> Result<(u16, String, Option<String>)> {
    let (shop, token) = link_parts(link)?;
    let body = json!({"shop": shop, "token": token, "name": name, "password": password});
    let response = reqwest::Client::new()
        .post(format!("{}/api/invites/accept", api.origin))
        .header("content-type", "application/json")
        .header(crate::client::DEV_CLIENT_HEADER, &api.client)
        .body(body.to_string())
        .send()
        .await?;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::to_owned);
    Ok((response.status().as_u16(), response.text().await?, cookie))
}

async fn a_production_edge_serves_no_development_routes_and_takes_no_sign_up_unless_opened(
    _env: Arc<Env>,
) -> Result<()> {
    let edge = PrivateEdge::production("production-closed", "closed", OPERATOR_KEY).await?;
    let api = Api::new(edge.origin());
    for path in ["/demo/", "/demo/strict-csp", "/api/dev/echo/room"] {
        let (status, _, _) = api.get(path, None).await?;
        ensure!(status == 404, "{path} answered {status} on a production edge");
    }
    let (status, _) = api.post("/api/dev/seed", &json!({}), None).await?;
    ensure!(status == 404, "seeding answered {status} on a production edge");
    let (status, _) = api.post("/api/dev/clock", &json!({"advance_millis": 1}), None).await?;
    ensure!(status == 404, "the clock answered {status} on a production edge");
    let (_, _, body) = api.get("/api/signup", None).await?;
    ensure!(serde_json::from_str::<Value>(&body)?["mode"] == "closed", "closed by default: {body}");
    let signup = json!({"shop": "trail-shoes", "shop_name": "Trail Shoes", "name": "Kata", "email": "kata@trail.test", "password": "correct horse battery"});
    let (status, body) = api.post("/api/signup", &signup, None).await?;
    ensure!(
        status == 403 && api_error(&body)?.code == ErrorCode::Forbidden,
        "a closed edge took a sign-up: {status} {body}"
    );
    Ok(())
}

/// The benchmark's looser limits are a development edge's alone: a production edge whose
/// `PARLEY_BENCH_SHOP` names a shop still holds it to the standard 30 new conversations a
/// minute per client.
async fn a_production_edge_holds_the_shop_its_bench_variable_names_to_the_standard_limits(
    _env: Arc<Env>,
) -> Result<()> {
    let vars = vec![
        ("PARLEY_OPERATOR_KEY".to_owned(), OPERATOR_KEY.to_owned()),
        ("PARLEY_BENCH_SHOP".to_owned(), "bench-shoes".to_owned()),
    ];
    let edge =
        PrivateEdge::start_with("production-bench", EdgeOptions { vars, production: true, ..EdgeOptions::default() })
            .await?;
    let api = Api::new(edge.origin());
    let shop = json!({"shop": "bench-shoes", "name": "Bench Shoes", "owner": "kata@bench.test"});
    let (status, body) = operator(&api, Method::POST, "/api/operator/shops", shop, OPERATOR_KEY).await?;
    ensure!(status == 201, "creating the shop answered {status}: {body}");
    for n in 0..Limit::NEW_CONVERSATIONS.max {
        api.new_conversation("bench-shoes").await.with_context(|| format!("conversation {n}"))?;
    }
    let error =
        api.new_conversation("bench-shoes").await.err().context("one conversation over the limit was started")?;
    ensure!(error.to_string().contains("429"), "{error:#}");
    Ok(())
}

async fn the_operator_creates_a_shop_whose_owner_joins_by_a_link_that_works_once(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("operator", "closed", OPERATOR_KEY).await?;
    let api = Api::new(edge.origin());
    let shop = json!({"shop": "trail-shoes", "name": "Trail Shoes", "owner": "kata@trail.test"});
    for key in ["", "wrong-key"] {
        let (status, body) = operator(&api, Method::POST, "/api/operator/shops", shop.clone(), key).await?;
        ensure!(status == 401 && api_error(&body)?.code == ErrorCode::Unauthorized, "key {key:?}: {status} {body}");
    }
    let (status, body) = operator(&api, Method::POST, "/api/operator/shops", shop.clone(), OPERATOR_KEY).await?;
    ensure!(status == 201, "creating a shop answered {status}: {body}");
    let created: Value = serde_json::from_str(&body)?;
    let link: IssuedLink = serde_json::from_value(created["owner_link"].clone())?;
    ensure!(link.link.starts_with(&format!("{}/console/join#", edge.origin())), "{}", link.link);
    let (status, body) = operator(&api, Method::POST, "/api/operator/shops", shop.clone(), OPERATOR_KEY).await?;
    ensure!(status == 409, "the same shop again answered {status}: {body}");
    let reserved = json!({"shop": "console", "name": "Console", "owner": "x@trail.test"});
    let (status, _) = operator(&api, Method::POST, "/api/operator/shops", reserved, OPERATOR_KEY).await?;
    ensure!(status == 400, "a reserved id answered {status}");

    // The owner sees what the link is for, then joins once.
    let (shop_id, token) = link_parts(&link.link)?;
    let (status, body) = api.post("/api/links/check", &json!({"shop": shop_id, "token": token}), None).await?;
    ensure!(status == 200, "checking the link answered {status}: {body}");
    let view: LinkView = serde_json::from_str(&body)?;
    ensure!(view.purpose == LinkPurpose::Invite { role: Role::Owner } && view.shop_name == "Trail Shoes", "{view:?}");
    let (status, body, _) = accept(&api, &link.link, "Kata", "short").await?;
    ensure!(status == 400, "a short password answered {status}: {body}");
    let (status, body, cookie) = accept(&api, &link.link, "Kata", "correct horse battery").await?;
    ensure!(status == 201, "joining answered {status}: {body}");
    let cookie = cookie.context("joining signs in")?;
    let (status, _, body) = api.get("/api/me", Some(&cookie)).await?;
    let me: AgentProfile = serde_json::from_str(&body)?;
    ensure!(status == 200 && me.role == Role::Owner && me.name == "Kata", "{status}: {body}");
    let (status, body, _) = accept(&api, &link.link, "Mallory", "correct horse battery").await?;
    ensure!(status == 401 || status == 409, "the link worked twice: {status} {body}");
    api.login("kata@trail.test", "correct horse battery").await.context("the owner signs in")?;

    let (status, body) = operator(&api, Method::GET, "/api/operator/shops", json!({}), OPERATOR_KEY).await?;
    ensure!(status == 200 && body.contains("trail-shoes"), "listing answered {status}: {body}");
    let (status, body) =
        operator(&api, Method::POST, "/api/operator/codes", json!({"valid_days": 3}), OPERATOR_KEY).await?;
    ensure!(status == 201 && serde_json::from_str::<Value>(&body)?["code"].is_string(), "a code: {status} {body}");

    // A disabled shop signs nobody in and shows shoppers nothing, though its pages were just
    // answered from the edge's cache.
    let shoppers_pages = ["/w/trail-shoes", "/api/shops/trail-shoes/launcher", "/api/shops/trail-shoes/widget"];
    for page in shoppers_pages {
        let (status, _, body) = api.get(page, None).await?;
        ensure!(status == 200, "{page} answered {status}: {body}");
    }
    let disable = json!({"disabled": true});
    let (status, body) =
        operator(&api, Method::POST, "/api/operator/shops/trail-shoes/disabled", disable, OPERATOR_KEY).await?;
    ensure!(status == 204, "disabling answered {status}: {body}");
    let (status, _, _) = api.get("/api/me", Some(&cookie)).await?;
    ensure!(status == 401, "a disabled shop's session still worked: {status}");
    ensure!(api.login("kata@trail.test", "correct horse battery").await.is_err(), "a disabled shop signed someone in");
    for page in shoppers_pages {
        let (status, _, _) = api.get(page, None).await?;
        ensure!(status == 403, "a disabled shop's {page} answered {status}");
    }
    Ok(())
}

async fn the_operator_command_creates_lists_and_disables_shops(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("operator-command", "invite", OPERATOR_KEY).await?;
    let api = Api::new(edge.origin());
    let (ok, printed) = xtask_shop(edge.origin(), "wrong-key", &["list"]).await?;
    ensure!(!ok && printed.contains("the operator key is wrong"), "a wrong key: {printed}");
    let (ok, printed) =
        xtask_shop(edge.origin(), OPERATOR_KEY, &["create", "--shop", "trail-shoes", "--owner", "kata@trail.test"])
            .await?;
    ensure!(ok, "creating a shop: {printed}");
    let link = printed
        .split_whitespace()
        .find(|word| word.starts_with(&format!("{}/console/join#", edge.origin())))
        .with_context(|| format!("the owner's link is printed: {printed}"))?;
    let (status, body, _) = accept(&api, link, "Kata", "correct horse battery").await?;
    ensure!(status == 201, "the printed link answered {status}: {body}");
    let (ok, printed) =
        xtask_shop(edge.origin(), OPERATOR_KEY, &["create", "--shop", "trail-shoes", "--owner", "x@trail.test"])
            .await?;
    ensure!(!ok && printed.contains("409"), "the same shop twice: {printed}");
    let (ok, printed) = xtask_shop(edge.origin(), OPERATOR_KEY, &["disable", "--shop", "trail-shoes"]).await?;
    ensure!(ok, "disabling: {printed}");
    let (ok, printed) = xtask_shop(edge.origin(), OPERATOR_KEY, &["list"]).await?;
    ensure!(ok && printed.contains("trail-shoes") && printed.contains("(disabled)"), "listing: {printed}");
    let (ok, printed) = xtask_shop(edge.origin(), OPERATOR_KEY, &["code", "--days", "2"]).await?;
    let code = printed.lines().next().unwrap_or_default().trim().to_owned();
    ensure!(ok && !code.is_empty(), "a code: {printed}");
    let signup = json!({"shop": "boot-shop", "shop_name": "Boots", "name": "Lee", "email": "lee@boots.test", "password": "correct horse battery", "code": code});
    let (status, body) = api.post("/api/signup", &signup, None).await?;
    ensure!(status == 201, "the printed code answered {status}: {body}");
    Ok(())
}

async fn an_open_edge_signs_a_shop_up_with_its_owner_once(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("signup-open", "open", OPERATOR_KEY).await?;
    let api = Api::new(edge.origin());
    let signup = |shop: &str, email: &str, password: &str| json!({"shop": shop, "shop_name": "Trail Shoes", "name": "Kata", "email": email, "password": password});
    for (body, code) in [
        (signup("console", "kata@trail.test", "correct horse battery"), ErrorCode::BadRequest),
        (signup("Trail Shoes", "kata@trail.test", "correct horse battery"), ErrorCode::BadRequest),
        (signup("trail-shoes", "kata@trail.test", "short"), ErrorCode::BadRequest),
        (signup("trail-shoes", "kata@trail.test", "password123"), ErrorCode::BadRequest),
        (signup("trail-shoes", "not an address", "correct horse battery"), ErrorCode::BadRequest),
    ] {
        let (status, text) = api.post("/api/signup", &body, None).await?;
        ensure!(api_error(&text).is_ok_and(|error| error.code == code), "{body} answered {status}: {text}");
    }
    let (status, body) =
        api.post("/api/signup", &signup("trail-shoes", "kata@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 201, "signing up answered {status}: {body}");
    let owner: AgentProfile = serde_json::from_str(&body)?;
    ensure!(owner.role == Role::Owner && owner.shop.as_str() == "trail-shoes", "{owner:?}");
    let (status, body) =
        api.post("/api/signup", &signup("trail-shoes", "lee@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 409, "the same shop id again answered {status}: {body}");
    let (status, body) =
        api.post("/api/signup", &signup("other-shop", "kata@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 409, "the same e-mail again answered {status}: {body}");
    let (status, body) =
        api.post("/api/signup", &signup("other-shop", "lee@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 201, "the id given back after the refusal is free: {status} {body}");
    // Five valid sign-ups an hour from one client; the invalid ones above did not count.
    let (status, _) =
        api.post("/api/signup", &signup("third-shop", "mo@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 201, "the fifth sign-up answered {status}");
    let (status, body) =
        api.post("/api/signup", &signup("fourth-shop", "jo@trail.test", "correct horse battery"), None).await?;
    ensure!(status == 429, "the sixth sign-up within the hour answered {status}: {body}");
    Ok(())
}

async fn sign_up_by_invitation_needs_a_code_that_works_once(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("signup-invite", "invite", OPERATOR_KEY).await?;
    let api = Api::new(edge.origin());
    let signup = |shop: &str, email: &str, code: &str| json!({"shop": shop, "shop_name": "Shop", "name": "Kata", "email": email, "password": "correct horse battery", "code": code});
    let (status, body) = api.post("/api/signup", &signup("first-shop", "a@shop.test", "made-up"), None).await?;
    ensure!(
        status == 401 && api_error(&body)?.field.as_deref() == Some("code"),
        "a made-up code answered {status}: {body}"
    );
    let (_, body) = operator(&api, Method::POST, "/api/operator/codes", json!({}), OPERATOR_KEY).await?;
    let code = serde_json::from_str::<Value>(&body)?["code"].as_str().context("a code")?.to_owned();
    let (status, body) = api.post("/api/signup", &signup("first-shop", "a@shop.test", &code), None).await?;
    ensure!(status == 201, "a valid code answered {status}: {body}");
    let (status, body) = api.post("/api/signup", &signup("second-shop", "b@shop.test", &code), None).await?;
    ensure!(status == 401, "a used code answered {status}: {body}");
    Ok(())
}

async fn team(api: &Api, shop: &str, cookie: &str) -> Result<Vec<TeamMember>> {
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/team"), Some(cookie)).await?;
    ensure!(status == 200, "the team answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

/// Invites `email` to `shop` as `role`; answers the link.
async fn invite(api: &Api, shop: &str, owner: &Agent, email: &str, role: &str) -> Result<String> {
    let (status, body) = api
        .post(&format!("/api/shops/{shop}/invites"), &json!({"email": email, "role": role}), Some(&owner.cookie))
        .await?;
    ensure!(status == 201, "inviting answered {status}: {body}");
    Ok(serde_json::from_str::<IssuedLink>(&body)?.link)
}

async fn owners_build_their_team_and_the_last_owner_stays(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let link = invite(&api, &shop, &ana, &format!("bo@{shop}.test"), "agent").await?;
    let (status, body, cookie) = accept(&api, &link, "Bo", "bo's long password").await?;
    ensure!(status == 201, "Bo joining answered {status}: {body}");
    let bo = Agent { profile: serde_json::from_str(&body)?, cookie: cookie.context("Bo is signed in")? };
    let members = team(&api, &shop, &bo.cookie).await?;
    let roles: Vec<(&str, Role)> = members.iter().map(|m| (m.name.as_str(), m.role)).collect();
    ensure!(roles == vec![("ana", Role::Owner), ("Bo", Role::Agent)], "{roles:?}");

    // An agent manages nothing.
    let (status, _) = api
        .post(&format!("/api/shops/{shop}/invites"), &json!({"email": "x@y.test", "role": "agent"}), Some(&bo.cookie))
        .await?;
    ensure!(status == 403, "an agent invited: {status}");
    let (status, _) = api
        .patch(
            &format!("/api/shops/{shop}/team"),
            &json!({"email": ana.profile.email, "role": "agent"}),
            Some(&bo.cookie),
        )
        .await?;
    ensure!(status == 403, "an agent changed a role: {status}");
    // Inviting someone on the team already.
    let (status, _) = api
        .post(
            &format!("/api/shops/{shop}/invites"),
            &json!({"email": bo.profile.email, "role": "agent"}),
            Some(&ana.cookie),
        )
        .await?;
    ensure!(status == 409, "inviting a member answered {status}");

    let role = |email: &parley_core::ids::AgentId, role: &str| json!({"email": email, "role": role});
    let (status, body) =
        api.patch(&format!("/api/shops/{shop}/team"), &role(&ana.profile.email, "agent"), Some(&ana.cookie)).await?;
    ensure!(
        status == 409 && api_error(&body)?.code == ErrorCode::Conflict,
        "the last owner was demoted: {status} {body}"
    );
    let (status, body) = api
        .post(&format!("/api/shops/{shop}/team/removals"), &json!({"email": ana.profile.email}), Some(&ana.cookie))
        .await?;
    ensure!(status == 409, "the last owner was removed: {status} {body}");
    let (status, body) =
        api.patch(&format!("/api/shops/{shop}/team"), &role(&bo.profile.email, "owner"), Some(&ana.cookie)).await?;
    ensure!(status == 200, "promoting Bo answered {status}: {body}");
    let (status, body) =
        api.patch(&format!("/api/shops/{shop}/team"), &role(&ana.profile.email, "agent"), Some(&ana.cookie)).await?;
    ensure!(status == 200, "with two owners, one may step down: {status} {body}");
    let (status, _, _) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
    ensure!(status == 403, "a demoted owner still reads the settings: {status}");
    Ok(())
}

async fn a_removed_member_loses_every_session_and_socket_and_their_chats_wait_again(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let mut ana_desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let mut bo_desk = api.socket("/api/desk/ws", Some(&bo.cookie)).await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "q", "Hello?").await?;
    let waited_since = queue_where(&mut ana_desk, |items| !items.is_empty()).await?[0].waiting_since;
    claim(&mut bo_desk, &ticket.conversation_id).await?;
    let mut bo_chat = crate::api::agent_socket(&api, &bo, &ticket.conversation_id).await?;

    let (status, body) = api
        .post(&format!("/api/shops/{shop}/team/removals"), &json!({"email": bo.profile.email}), Some(&ana.cookie))
        .await?;
    ensure!(status == 204, "removing Bo answered {status}: {body}");
    bo_desk.expect_closed().await.context("Bo's desk socket")?;
    bo_chat.expect_closed().await.context("Bo's conversation socket")?;
    let (status, _, _) = api.get("/api/me", Some(&bo.cookie)).await?;
    ensure!(status == 401, "Bo's session still worked: {status}");
    ensure!(api.login(&bo.profile.email.to_string(), "bo-password").await.is_err(), "Bo still signs in");
    let items = queue_where(&mut ana_desk, |items| items.iter().any(|item| item.assignee.is_none())).await?;
    let item = items.iter().find(|item| item.conversation_id == ticket.conversation_id).context("still queued")?;
    ensure!(item.waiting_since == waited_since, "the chat kept its place in line");
    let members = team(&api, &shop, &ana.cookie).await?;
    ensure!(members.iter().all(|member| member.email != bo.profile.email), "Bo is still listed");
    // Bo may be invited again, as anyone may.
    invite(&api, &shop, &ana, &bo.profile.email.to_string(), "agent").await.context("inviting Bo again")?;
    Ok(())
}

async fn passwords_change_and_reset_and_sessions_follow(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let (bo, bo_elsewhere) = (login(&api, &shop, "bo").await?, login(&api, &shop, "bo").await?);
    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    let (status, _) = api.post("/api/password", &change("wrong", "a new long password"), Some(&bo.cookie)).await?;
    ensure!(status == 401, "a wrong current password changed it: {status}");
    let (status, _) = api.post("/api/password", &change("bo-password", "short"), Some(&bo.cookie)).await?;
    ensure!(status == 400, "a short new password was taken: {status}");
    let (status, body) =
        api.post("/api/password", &change("bo-password", "a new long password"), Some(&bo.cookie)).await?;
    ensure!(status == 204, "changing the password answered {status}: {body}");
    let (status, _, _) = api.get("/api/me", Some(&bo.cookie)).await?;
    ensure!(status == 200, "the session that changed it stays: {status}");
    let (status, _, _) = api.get("/api/me", Some(&bo_elsewhere.cookie)).await?;
    ensure!(status == 401, "another session stayed after the change: {status}");
    api.login(&bo.profile.email.to_string(), "a new long password").await.context("the new password")?;

    // An owner's reset link, used once; every session of Bo's ends.
    let (status, body) = api
        .post(&format!("/api/shops/{shop}/team/resets"), &json!({"email": bo.profile.email}), Some(&ana.cookie))
        .await?;
    ensure!(status == 201, "a reset link answered {status}: {body}");
    let (reset_shop, token) = link_parts(&serde_json::from_str::<IssuedLink>(&body)?.link)?;
    let reset = json!({"shop": reset_shop, "token": token, "password": "reset to this one"});
    let (status, body) = api.post("/api/password-resets", &reset, None).await?;
    ensure!(status == 204, "resetting answered {status}: {body}");
    let (status, _) = api.post("/api/password-resets", &reset, None).await?;
    ensure!(status == 401 || status == 409, "the reset link worked twice: {status}");
    let (status, _, _) = api.get("/api/me", Some(&bo.cookie)).await?;
    ensure!(status == 401, "a session stayed after the reset: {status}");
    let again = api.login(&bo.profile.email.to_string(), "reset to this one").await.context("the reset password")?;

    // Signing out everywhere.
    let other = api.login(&bo.profile.email.to_string(), "reset to this one").await?;
    let (status, _) = api.post("/api/logout/everywhere", &json!({}), Some(&again.cookie)).await?;
    ensure!(status == 204, "signing out everywhere answered {status}");
    for session in [&again, &other] {
        let (status, _, _) = api.get("/api/me", Some(&session.cookie)).await?;
        ensure!(status == 401, "a session stayed after signing out everywhere: {status}");
    }
    Ok(())
}

async fn an_agent_away_is_given_no_new_chats(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"assignment": {"auto_assign": true, "capacity": 3, "reroute_after_millis": 600000}});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    desk.send(&DeskClientFrame::Away { away: true }).await?;
    let members = crate::browser::eventually("Ana away", || async {
        let members = team(&api, &shop, &ana.cookie).await?;
        Ok(members.iter().all(|member| member.away).then_some(members))
    })
    .await?;
    ensure!(members.iter().all(|member| member.online), "away is still online: {members:?}");
    let ticket = api.new_conversation(&shop).await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Anyone?").await?;
    let items = queue_where(&mut desk, |items| !items.is_empty()).await?;
    if items.iter().any(|item| item.assignee.is_some()) {
        bail!("an away agent was given a chat: {items:?}");
    }
    desk.send(&DeskClientFrame::Away { away: false }).await?;
    queue_where(&mut desk, |items| items.iter().any(|item| item.assignee.is_some()))
        .await
        .context("back from away, the agent is given the waiting chat")?;
    Ok(())
}

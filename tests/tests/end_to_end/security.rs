//! Attacks on the real edge, each refused: another site's page acting with an agent's cookie,
//! bodies that do not say they are JSON, password guessing, sockets outliving their session,
//! webhooks aimed at private networks, floods of shopper frames and of new conversations from
//! rotating addresses, look-ups that would leave storage behind, pages without a policy, and
//! seeding over what exists.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, ensure, Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use crate::api::{agent_socket, send_acked, shopper};
use crate::case;
use crate::client::{api_error, Api};
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{agent_email, agent_password, login, seed};
use parley_core::login_throttle::FREE_FAILURES;
use parley_core::protocol::{ClientFrame, DeskClientFrame, DeskServerFrame, ErrorCode, ServerFrame};
use parley_core::rate_limit::Limit;
use parley_tests::EdgeOptions;

pub fn cases() -> Vec<Case> {
    vec![
        case!(pages_of_other_origins_cannot_act_with_an_agents_cookie),
        case!(bodies_must_say_they_are_json),
        case!(sign_in_is_throttled_per_client_and_per_account_with_growing_waits),
        case!(looking_up_what_does_not_exist_stores_nothing),
        case!(signing_out_ends_every_socket_the_session_opened),
        case!(an_expired_session_ends_with_its_sockets),
        case!(webhooks_cannot_be_aimed_at_private_networks),
        case!(every_frame_a_shopper_sends_is_limited),
        case!(a_console_asking_for_the_whole_queue_again_and_again_is_limited),
        case!(a_shops_ceiling_holds_against_rotating_addresses),
        case!(every_page_has_a_policy_and_no_answer_is_sniffed),
        case!(over_https_the_session_cookie_is_the_hosts_alone_and_browsers_are_told_to_stay),
        case!(seeding_never_overwrites_a_shop_or_a_password),
    ]
}

/// Origins of pages that are not the edge's: another site, and another port of the same host.
fn foreign_origins(edge: &str) -> Vec<String> {
    let port: u16 = edge.rsplit(':').next().and_then(|port| port.parse().ok()).unwrap_or(8787);
    vec!["https://evil.example".into(), format!("http://127.0.0.1:{}", port.wrapping_add(1))]
}

async fn pages_of_other_origins_cannot_act_with_an_agents_cookie(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"frt_target_seconds": 60}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let ticket = api.new_conversation(&shop).await?;
    let settings = format!("/api/shops/{shop}/settings");
    let conversations = format!("/api/shops/{shop}/conversations");
    let conversation_path = format!("/api/conversations/{}/ws", ticket.conversation_id);
    for origin in foreign_origins(&env.origin) {
        let borrowed = [("origin", origin.as_str()), ("cookie", ana.cookie.as_str())];
        ensure!(api.socket_with("/api/desk/ws", &borrowed).await.is_err(), "the desk socket opened from {origin}");
        ensure!(api.socket_with(&conversation_path, &borrowed).await.is_err(), "a conversation socket from {origin}");
        let attempts = [
            (Method::PATCH, settings.as_str(), json!({"frt_target_seconds": 5}).to_string()),
            (Method::PUT, settings.as_str(), json!({}).to_string()),
            (
                Method::POST,
                "/api/login",
                json!({"email": agent_email(&shop, "ana"), "password": agent_password("ana")}).to_string(),
            ),
            (Method::POST, "/api/logout", String::new()),
            (Method::POST, "/api/dev/seed", String::new()),
            (Method::POST, conversations.as_str(), json!({"page": {"url": "", "title": ""}}).to_string()),
        ];
        for (method, path, body) in attempts {
            let (status, text) = api.send_raw(method.clone(), path, "application/json", &body, &borrowed).await?;
            ensure!(status == 403, "{method} {path} from {origin} answered {status}: {text}");
            ensure!(api_error(&text)?.code == ErrorCode::Forbidden, "{text}");
        }
        // A page of the same site but another origin, reading with the cookie.
        let (status, _, _) =
            api.get_with("/api/me", &[("cookie", &ana.cookie), ("sec-fetch-site", "same-site")]).await?;
        ensure!(status == 403, "a same-site page read /api/me: {status}");
    }
    let (status, _, body) = api.get(&settings, Some(&ana.cookie)).await?;
    ensure!(status == 200 && serde_json::from_str::<Value>(&body)?["frt_target_seconds"] == 60, "unchanged: {body}");
    let (status, _, _) = api.get("/api/me", Some(&ana.cookie)).await?;
    ensure!(status == 200, "the session survived the forged sign-out");
    // The edge's own pages may.
    let own = [("origin", env.origin.as_str()), ("cookie", ana.cookie.as_str())];
    api.socket_with("/api/desk/ws", &own).await.context("the console's own socket")?;
    let (status, text) =
        api.send_raw(Method::PATCH, &settings, "application/json", r#"{"frt_target_seconds":45}"#, &own).await?;
    ensure!(status == 200, "the console's own patch answered {status}: {text}");
    Ok(())
}

async fn bodies_must_say_they_are_json(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"frt_target_seconds": 60}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let settings = format!("/api/shops/{shop}/settings");
    let conversations = format!("/api/shops/{shop}/conversations");
    let cookie = [("cookie", ana.cookie.as_str())];
    let attempts = [
        (Method::PATCH, settings.as_str(), json!({"frt_target_seconds": 5}).to_string()),
        (
            Method::POST,
            "/api/login",
            json!({"email": agent_email(&shop, "ana"), "password": agent_password("ana")}).to_string(),
        ),
        (Method::POST, "/api/dev/seed", String::new()),
        (Method::POST, conversations.as_str(), json!({"page": {"url": "", "title": ""}}).to_string()),
    ];
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        for (method, path, body) in &attempts {
            let (status, text) = api.send_raw(method.clone(), path, content_type, body, &cookie).await?;
            ensure!(status == 400, "{method} {path} as {content_type} answered {status}: {text}");
            ensure!(api_error(&text)?.message.contains("application/json"), "the refusal says why: {text}");
        }
    }
    let (_, _, body) = api.get(&settings, Some(&ana.cookie)).await?;
    ensure!(serde_json::from_str::<Value>(&body)?["frt_target_seconds"] == 60, "nothing changed: {body}");
    Ok(())
}

/// Tries to sign in; answers the status and the `retry-after` header.
async fn sign_in(api: &Api, email: &str, password: &str) -> Result<(u16, Option<u64>)> {
    let body = json!({"email": email, "password": password}).to_string();
    let response = reqwest::Client::new()
        .post(format!("{}/api/login", api.origin))
        .header("content-type", "application/json")
        .header(crate::client::DEV_CLIENT_HEADER, &api.client)
        .body(body)
        .send()
        .await?;
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    Ok((response.status().as_u16(), retry_after))
}

/// Guesses `account`'s password from `guesser` (from a fresh address each time when `None`) as
/// often as the free failures and `paid` more allow, moving the edge's clock past each wait;
/// answers the `retry-after` the right password then gets from a fresh address.
async fn guess_until_throttled(
    env: &Env,
    guesser: Option<&Api>,
    accounts: impl Fn(u32) -> String,
    paid: u32,
) -> Result<()> {
    let clock = Api::new(&env.origin);
    for n in 0..FREE_FAILURES + paid {
        let fresh;
        let from = match guesser {
            Some(guesser) => guesser,
            None => {
                fresh = Api::new(&env.origin);
                &fresh
            }
        };
        let (status, _) = sign_in(from, &accounts(n), &format!("guess-{n}")).await?;
        ensure!(status == 401, "guess {n} answered {status}");
        // Past the wait this failure earned (1 s after the first paid one, doubling), so the
        // next guess is tried; refused ones would not count.
        if n + 1 >= FREE_FAILURES {
            let wait = 1000u64 << (n + 1 - FREE_FAILURES);
            let (status, text) = clock.post("/api/dev/clock", &json!({"advance_millis": wait}), None).await?;
            ensure!(status == 200, "moving the clock answered {status}: {text}");
        }
    }
    Ok(())
}

async fn sign_in_is_throttled_per_client_and_per_account_with_growing_waits(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (&agent_email(&shop, "ana"), &agent_email(&shop, "bo"));
    let paid = 4;
    let longest_wait = 1u64 << (paid - 1);

    // One account guessed at from many addresses: its own throttle holds, with growing waits.
    guess_until_throttled(&env, None, |_| ana.to_owned(), paid).await?;
    let (status, _) = sign_in(&Api::new(&env.origin), ana, "wrong once more").await?;
    ensure!(status == 401, "past the wait, a guess is tried: {status}");
    let (status, retry_after) = sign_in(&Api::new(&env.origin), ana, "ana-password").await?;
    ensure!(status == 429, "right after a failure, even the right password waits: {status}");
    let retry_after = retry_after.context("a 429 says when to retry")?;
    ensure!(retry_after > longest_wait, "the wait keeps growing: {retry_after} s after {longest_wait} s");

    // One address guessing at many accounts, known or not: the address's throttle holds.
    let guesser = Api::new(&env.origin);
    guess_until_throttled(&env, Some(&guesser), |n| format!("nobody-{n}@{shop}.test"), paid).await?;
    let (status, _) = sign_in(&guesser, &format!("nobody-else@{shop}.test"), "guess").await?;
    ensure!(status == 401, "an unknown account answers as a wrong password: {status}");
    let (status, retry_after) = sign_in(&guesser, bo, "bo-password").await?;
    ensure!(status == 429 && retry_after.is_some_and(|s| s > longest_wait), "the address must wait: {status}");
    // Another address signs in to that account: the address was throttled, not the account.
    let (status, _) = sign_in(&Api::new(&env.origin), bo, "bo-password").await?;
    ensure!(status == 200, "another client is not held up: {status}");
    Ok(())
}

/// How many objects of a class hold data in an edge's state folder: databases with a table of
/// Parley's. (The local runtime gives every object it starts a database file with a table of
/// its own, `__miniflare_do_name`; on Cloudflare an object that stores nothing has nothing.)
fn objects_with_data(state: &Path, class: &str) -> Result<usize> {
    let folder = state.join("v3/do").join(format!("parley-edge-{class}"));
    let mut count = 0;
    for entry in std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?.flatten() {
        let path = entry.path();
        let is_object = path.extension().is_some_and(|e| e == "sqlite") && !path.ends_with("metadata.sqlite");
        if !is_object {
            continue;
        }
        let db = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
        let names: Vec<String> = tables.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        if names.iter().any(|name| !name.starts_with('_') && !name.starts_with("sqlite_")) {
            count += 1;
        }
    }
    Ok(count)
}

async fn looking_up_what_does_not_exist_stores_nothing(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let classes = ["AgentAccount", "ShopDesk", "ConversationRoom"];
    let count = |state: &Path| -> Result<Vec<usize>> { classes.iter().map(|c| objects_with_data(state, c)).collect() };
    // An object of each class with data, whichever cases ran before: an agent, their shop and a
    // conversation.
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    api.new_conversation(&shop).await?;
    let before = count(&env.state)?;
    ensure!(before.iter().all(|n| *n > 0), "the folder holds the objects written so far: {before:?}");
    for n in 0..3 {
        let (status, _) = sign_in(&api, &format!("nobody-{n}@nowhere.test"), "guess").await?;
        ensure!(status == 401, "an unknown account answered {status}");
    }
    let (status, _, _) = api.get("/w/no-such-shop", None).await?;
    ensure!(status == 404, "the widget page of no shop answered {status}");
    let (status, _, _) = api.get("/api/shops/no-such-shop/launcher", None).await?;
    ensure!(status == 404, "the launcher of no shop answered {status}");
    let (status, _) =
        api.post("/api/shops/no-such-shop/conversations", &json!({"page": {"url": "", "title": ""}}), None).await?;
    ensure!(status == 404, "a conversation in no shop answered {status}");
    let missing = format!("/api/conversations/{}/ws", "0".repeat(32));
    ensure!(api.socket(&missing, None).await.is_err(), "a socket to no conversation opened");
    let after = count(&env.state)?;
    ensure!(after == before, "objects stored for things that do not exist: {before:?} then {after:?}");
    Ok(())
}

async fn signing_out_ends_every_socket_the_session_opened(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "q", "Hello?").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let mut chat = agent_socket(&api, &ana, &ticket.conversation_id).await?;
    let (status, _) = api.post("/api/logout", &json!({}), Some(&ana.cookie)).await?;
    ensure!(status == 204, "signing out answered {status}");
    desk.expect_closed().await.context("the desk socket of the ended session")?;
    chat.expect_closed().await.context("the conversation socket of the ended session")?;
    ensure!(api.socket("/api/desk/ws", Some(&ana.cookie)).await.is_err(), "the ended session opened a socket");
    send_acked(&mut shopper_socket, "q2", "Still here").await.context("the shopper's socket stays")?;
    Ok(())
}

async fn an_expired_session_ends_with_its_sockets(_env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::start("expiry").await?;
    let api = Api::new(edge.origin());
    let owner = api.login("agent@demo.test", "parley-demo").await?;
    let ticket = api.new_conversation("demo").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&owner.cookie)).await?;
    let mut chat = agent_socket(&api, &owner, &ticket.conversation_id).await?;
    let week = 7 * 24 * 60 * 60 * 1000;
    let (status, text) = api.post("/api/dev/clock", &json!({"advance_millis": week, "shop": "demo"}), None).await?;
    ensure!(status == 200, "moving the clock answered {status}: {text}");
    desk.expect_closed().await.context("the desk socket of the expired session")?;
    chat.expect_closed().await.context("the conversation socket of the expired session")?;
    let (status, _, _) = api.get("/api/me", Some(&owner.cookie)).await?;
    ensure!(status == 401, "an expired session answered {status}");
    Ok(())
}

async fn webhooks_cannot_be_aimed_at_private_networks(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let secret = "0123456789abcdef";
    let refused = [
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/hook",
        "https://192.168.1.1/hook",
        "https://[fd00:ec2::254]/hook",
        "https://0.0.0.0/hook",
        "https://2130706433/hook",
        "https://0x7f000001/hook",
        "https://127.1/hook",
        "https://metadata.google.internal/computeMetadata/v1",
        "https://[::ffff:169.254.169.254]/hook",
        "http://hooks.example/plain-http",
        "http://10.0.0.1/plain-http-to-a-private-address",
    ];
    for url in refused {
        let patch = json!({"webhook": {"url": url, "secret": secret}});
        let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &patch, Some(&ana.cookie)).await?;
        ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "{url} answered {status}: {body}");
    }
    // A development edge lets a receiver on this machine listen over plain http.
    let patch = json!({"webhook": {"url": "http://127.0.0.1:9/hook", "secret": secret}});
    let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &patch, Some(&ana.cookie)).await?;
    ensure!(status == 200, "a local receiver in development answered {status}: {body}");
    Ok(())
}

async fn every_frame_a_shopper_sends_is_limited(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ticket = api.new_conversation(&shop).await?;
    let (mut socket, _) = shopper(&api, &ticket, 0).await?;
    send_acked(&mut socket, "q", "Anyone?").await?;
    fn over_the_limit(kind: usize, n: u32) -> ClientFrame {
        match kind {
            0 => ClientFrame::LeaveEmail { email: format!("me{n}@shop.test") },
            1 => ClientFrame::Typing { typing: n.is_multiple_of(2) },
            _ => ClientFrame::Context { page: page(n) },
        }
    }
    for (kind, limit) in [Limit::CONTACT_EMAILS, Limit::TYPING, Limit::PAGE_CONTEXT].into_iter().enumerate() {
        for n in 0..=limit.max {
            socket.send(&over_the_limit(kind, n)).await?;
        }
        match socket.next_matching(|f: &ServerFrame| matches!(f, ServerFrame::Error { .. })).await? {
            ServerFrame::Error { error, .. } if error.code == ErrorCode::RateLimited => {}
            other => bail!("frame {} over the limit of {} answered {other:?}", limit.max + 1, limit.max),
        }
    }
    send_acked(&mut socket, "q2", "Messages still go through").await?;
    Ok(())
}

/// A big shop's whole queue is megabytes: a console asks for it again only when it missed a
/// change, and one that keeps asking is refused, while the agent's other consoles are not.
async fn a_console_asking_for_the_whole_queue_again_and_again_is_limited(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    let is_answer = |f: &DeskServerFrame| matches!(f, DeskServerFrame::Queue { .. } | DeskServerFrame::Error { .. });
    // The queue a console gets as it connects is not one it asked for.
    desk.next_matching(|f: &DeskServerFrame| matches!(f, DeskServerFrame::Queue { .. })).await?;
    for n in 0..Limit::RESYNCS.max {
        desk.send(&DeskClientFrame::Resync).await?;
        match desk.next_matching(is_answer).await? {
            DeskServerFrame::Queue { .. } => {}
            other => bail!("resync {n}, within the limit, answered {other:?}"),
        }
    }
    desk.send(&DeskClientFrame::Resync).await?;
    match desk.next_matching(is_answer).await? {
        DeskServerFrame::Error { error } if error.code == ErrorCode::RateLimited => {}
        other => bail!("a resync over the limit of {} answered {other:?}", Limit::RESYNCS.max),
    }
    // Another console of the same agent is counted apart.
    let mut other = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    other.next_matching(|f: &DeskServerFrame| matches!(f, DeskServerFrame::Queue { .. })).await?;
    other.send(&DeskClientFrame::Resync).await?;
    match other.next_matching(is_answer).await? {
        DeskServerFrame::Queue { .. } => Ok(()),
        other => bail!("another console's first resync answered {other:?}"),
    }
}

fn page(n: u32) -> parley_core::protocol::PageContext {
    parley_core::protocol::PageContext {
        url: format!("http://127.0.0.1/p/{n}"),
        title: format!("Page {n}"),
        ..Default::default()
    }
}

async fn a_shops_ceiling_holds_against_rotating_addresses(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let conversations = format!("/api/shops/{shop}/conversations");
    let per_client = Limit::NEW_CONVERSATIONS.max;
    let clients = Limit::SHOP_NEW_CONVERSATIONS.max.div_ceil(per_client);
    let started = (0..clients).map(|_| {
        let (client, conversations) = (Api::new(&env.origin), &conversations);
        async move {
            let mut created = 0;
            for _ in 0..per_client {
                match client.post(conversations, &json!({"page": {"url": "", "title": ""}}), None).await? {
                    (201, _) => created += 1,
                    (429, _) => {}
                    (status, body) => bail!("a new conversation answered {status}: {body}"),
                }
            }
            Ok::<u32, anyhow::Error>(created)
        }
    });
    let created: u32 = futures_util::future::try_join_all(started).await?.into_iter().sum();
    ensure!(created == Limit::SHOP_NEW_CONVERSATIONS.max, "the shop took {created} new conversations in a minute");
    let (status, body) =
        Api::new(&env.origin).post(&conversations, &json!({"page": {"url": "", "title": ""}}), None).await?;
    ensure!(status == 429, "one more from a fresh address answered {status}: {body}");
    Ok(())
}

async fn every_page_has_a_policy_and_no_answer_is_sniffed(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    for path in ["/w/demo", "/console", "/demo/", "/demo/strict-csp", "/demo/hostile-css", "/demo/spa"] {
        let (status, headers, _) = api.get(path, None).await?;
        ensure!(status == 200, "{path} answered {status}");
        let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        ensure!(csp.contains("frame-ancestors") && csp.contains("default-src"), "{path}: CSP {csp:?}");
        ensure!(headers.get("x-content-type-options").is_some_and(|v| v == "nosniff"), "{path}: nosniff");
    }
    for path in ["/api/shops/demo/launcher", "/api/me", "/api/no-such-route", "/widget.js", "/demo/spa.js"] {
        let (_, headers, _) = api.get(path, None).await?;
        ensure!(headers.get("x-content-type-options").is_some_and(|v| v == "nosniff"), "{path}: nosniff");
        ensure!(headers.get("strict-transport-security").is_none(), "{path}: no HSTS over plain http");
    }
    Ok(())
}

async fn seeding_never_overwrites_a_shop_or_a_password(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"frt_target_seconds": 60}), &[("ana", "owner")]).await?;
    let again = json!({
        "shop": shop, "name": "Replaced", "settings": {"frt_target_seconds": 5},
        "agents": [{"email": agent_email(&shop, "ana"), "name": "Mallory", "password": "taken-over", "role": "owner"}]
    });
    let (status, body) = api.post("/api/dev/seed", &again, None).await?;
    ensure!(status == 200, "seeding again answered {status}: {body}");
    ensure!(api.login(&agent_email(&shop, "ana"), "taken-over").await.is_err(), "seeding replaced a password");
    let ana = login(&api, &shop, "ana").await.context("the password someone set still works")?;
    ensure!(ana.profile.name == "ana", "the account is as it was: {:?}", ana.profile);
    let (_, _, body) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
    ensure!(serde_json::from_str::<Value>(&body)?["frt_target_seconds"] == 60, "seeding replaced settings: {body}");
    Ok(())
}

async fn over_https_the_session_cookie_is_the_hosts_alone_and_browsers_are_told_to_stay(_env: Arc<Env>) -> Result<()> {
    // Behind Cloudflare every request comes over HTTPS; this edge's Worker sees it so too.
    let options = EdgeOptions { as_https: true, ..EdgeOptions::default() };
    let edge = PrivateEdge::start_with("https", options).await?;
    let api = Api::new(edge.origin());
    let response = reqwest::Client::new()
        .post(format!("{}/api/login", edge.origin()))
        .header("content-type", "application/json")
        .header(crate::client::DEV_CLIENT_HEADER, &api.client)
        .body(json!({"email": "agent@demo.test", "password": "parley-demo"}).to_string())
        .send()
        .await?;
    ensure!(response.status() == 200, "signing in over https answered {}", response.status());
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let hsts = header("strict-transport-security").context("HSTS over https")?;
    ensure!(hsts.contains("max-age=31536000"), "{hsts}");
    let set_cookie = header("set-cookie").context("a session cookie")?;
    ensure!(
        set_cookie.starts_with("__Host-parley_session=")
            && set_cookie.contains("; Secure")
            && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    ensure!(!set_cookie.contains("Domain"), "a __Host- cookie names no domain: {set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_owned();
    let (status, headers, _) = api.get("/api/me", Some(&cookie)).await?;
    ensure!(status == 200, "the __Host- cookie signs in over https: {status}");
    ensure!(headers.get("strict-transport-security").is_some(), "every answer carries HSTS");
    let (status, _, _) = api.get("/api/me", Some(&cookie.replacen("__Host-", "", 1))).await?;
    ensure!(status == 401, "over https, a cookie without the prefix (which a sibling host may set) is ignored");
    Ok(())
}

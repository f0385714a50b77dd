//! The owner's tools beside the settings: the installation check (which origins' pages loaded
//! the widget, which were refused), the webhook's test event, invites announced to the shop's
//! webhook for its own mailer, and canned answers.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};

use crate::case;
use crate::client::{api_error, Api};
use crate::eventually::eventually_within;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use crate::webhook_receiver::WebhookReceiver;
use parley_core::canned::CannedAnswer;
use parley_core::protocol::{ErrorCode, InstallReport, IssuedLink, WebhookTestResult};
use parley_core::signature::webhook_signature_header;

pub fn cases() -> Vec<Case> {
    vec![
        case!(the_install_check_reports_the_origins_seen_and_refused),
        case!(owners_test_their_webhook_and_it_hears_of_invites),
        case!(owners_keep_canned_answers_that_agents_use_and_owners_see_counted),
    ]
}

async fn the_install_check_reports_the_origins_seen_and_refused(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(
        &api,
        &env,
        "",
        json!({"allowed_origins": ["https://shop.example"]}),
        &[("ana", "owner"), ("bo", "agent")],
    )
    .await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let install = format!("/api/shops/{shop}/install");
    let report = || async {
        let (status, _, body) = api.get(&install, Some(&ana.cookie)).await?;
        ensure!(status == 200, "the install check answered {status}: {body}");
        Ok(serde_json::from_str::<InstallReport>(&body)?)
    };
    let empty = report().await?;
    ensure!(empty.seen.is_empty() && empty.refused.is_empty(), "nothing loaded the widget yet: {empty:?}");

    // What the loader on each page asks for; a page's origin rides in `Origin`.
    let launcher = format!("/api/shops/{shop}/launcher");
    for origin in ["https://shop.example", "https://staging.shop.example", "null", "https://x.example/path"] {
        let (status, _, body) = api.get_with(&launcher, &[("origin", origin)]).await?;
        ensure!(status == 200, "the launcher for {origin} answered {status}: {body}");
    }
    let seen = report().await?;
    let origins =
        |list: &[parley_core::protocol::OriginSighting]| list.iter().map(|s| s.origin.clone()).collect::<Vec<_>>();
    ensure!(origins(&seen.seen) == ["https://shop.example"], "seen: {seen:?}");
    ensure!(origins(&seen.refused) == ["https://staging.shop.example"], "refused: {seen:?}");

    // Only owners see it.
    let (status, _, _) = api.get(&install, Some(&bo.cookie)).await?;
    ensure!(status == 403, "an agent read the install check: {status}");

    // Allowing the refused origin takes it off the refused list; its next page view is seen.
    let allow = json!({"allowed_origins": ["https://shop.example", "https://staging.shop.example"]});
    let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &allow, Some(&ana.cookie)).await?;
    ensure!(status == 200, "allowing answered {status}: {body}");
    ensure!(report().await?.refused.is_empty(), "an allowed origin is no longer refused");
    api.get_with(&launcher, &[("origin", "https://staging.shop.example")]).await?;
    let after = report().await?;
    ensure!(
        origins(&after.seen) == ["https://staging.shop.example", "https://shop.example"],
        "the latest first: {after:?}"
    );
    Ok(())
}

async fn owners_test_their_webhook_and_it_hears_of_invites(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let test = format!("/api/shops/{shop}/webhook/tests");

    let (status, body) = api.post(&test, &json!({}), Some(&ana.cookie)).await?;
    let refusal = api_error(&body)?;
    ensure!(
        status == 400 && refusal.code == ErrorCode::BadRequest && refusal.field.as_deref() == Some("webhook"),
        "a test without a webhook answered {status}: {body}"
    );

    let receiver = WebhookReceiver::start(&[503]).await?;
    let secret = "hooks-secret-0123456789";
    let webhook = json!({"webhook": {"url": receiver.url, "secret": secret}});
    let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &webhook, Some(&ana.cookie)).await?;
    ensure!(status == 200, "setting the webhook answered {status}: {body}");
    let (status, _) = api.post(&test, &json!({}), Some(&bo.cookie)).await?;
    ensure!(status == 403, "an agent sent a test event: {status}");
    // The receiver's own answer comes back: first the scripted failure, then success.
    for expected in [503, 200] {
        let (status, body) = api.post(&test, &json!({}), Some(&ana.cookie)).await?;
        let tested: WebhookTestResult = serde_json::from_str(&body)?;
        ensure!(status == 200 && tested.status == Some(expected), "a test event answered {status}: {body}");
    }
    let tests = receiver.received();
    let signed = tests.iter().all(|request| {
        let payload: Value = serde_json::from_str(&request.body).unwrap_or_default();
        let timestamp = request
            .header("parley-signature")
            .and_then(|signature| signature.split(',').find_map(|part| part.strip_prefix("t=")))
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or_default();
        payload["event"] == "webhook.test"
            && payload["shop"] == shop
            && request.header("parley-signature")
                == Some(webhook_signature_header(secret.as_bytes(), timestamp, &request.body).as_str())
    });
    ensure!(tests.len() == 2 && signed, "two signed test events: {tests:?}");

    // An invite is announced with its link, for the shop's mailer.
    let (status, body) = api
        .post(
            &format!("/api/shops/{shop}/invites"),
            &json!({"email": "cy@shop.test", "role": "agent"}),
            Some(&ana.cookie),
        )
        .await?;
    ensure!(status == 201, "inviting answered {status}: {body}");
    let invite: IssuedLink = serde_json::from_str(&body)?;
    let announced = eventually_within(Duration::from_secs(20), "the invite's webhook event", || async {
        Ok(receiver.received().into_iter().find(|request| request.body.contains("agent.invited")))
    })
    .await?;
    let payload: Value = serde_json::from_str(&announced.body)?;
    ensure!(
        payload["invite"]["link"] == invite.link.as_str()
            && payload["invite"]["email"] == "cy@shop.test"
            && payload["invite"]["role"] == "agent",
        "{payload}"
    );
    ensure!(payload.get("conversation").is_none(), "an invite is about no conversation: {payload}");
    announced.header("parley-delivery").context("a delivery id")?;
    Ok(())
}

async fn owners_keep_canned_answers_that_agents_use_and_owners_see_counted(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let (ana, bo) = (login(&api, &shop, "ana").await?, login(&api, &shop, "bo").await?);
    let path = format!("/api/shops/{shop}/canned-answers");
    let shipping = json!({"title": "Shipping", "shortcut": "/shipping", "text": "Hi {shopper.name|there}, we ship in 2 days.",
        "translations": {"hu": "Szia {shopper.name|}, 2 nap alatt szállítunk."}});
    let (status, body) = api.post(&path, &shipping, Some(&bo.cookie)).await?;
    ensure!(status == 403, "an agent made a canned answer: {status} {body}");
    let (status, body) = api.post(&path, &shipping, Some(&ana.cookie)).await?;
    ensure!(status == 201, "an owner's canned answer answered {status}: {body}");
    let created: CannedAnswer = serde_json::from_str(&body)?;
    ensure!(created.shortcut == "shipping" && created.uses == 0, "{created:?}");

    // Refusals name their field.
    for (bad, code, field) in [
        (json!({"title": "Again", "shortcut": "shipping", "text": "x"}), ErrorCode::Conflict, "shortcut"),
        (json!({"title": "T", "shortcut": "Bad Shortcut", "text": "x"}), ErrorCode::BadRequest, "shortcut"),
        (
            json!({"title": "T", "shortcut": "t", "text": "x", "translations": {"de": "Hallo"}}),
            ErrorCode::BadRequest,
            "translations.de",
        ),
        (json!({"title": "T", "shortcut": "t", "txt": "x"}), ErrorCode::BadRequest, "txt"),
    ] {
        let (status, body) = api.post(&path, &bad, Some(&ana.cookie)).await?;
        let refusal = api_error(&body)?;
        ensure!(refusal.code == code && refusal.field.as_deref() == Some(field), "{bad} answered {status}: {body}");
    }

    // Agents list them and count their uses; owners see the count.
    let (status, _, body) = api.get(&path, Some(&bo.cookie)).await?;
    let listed: Vec<CannedAnswer> = serde_json::from_str(&body)?;
    ensure!(status == 200 && listed == vec![created.clone()], "{status}: {body}");
    for _ in 0..2 {
        let (status, body) = api.post(&format!("{path}/{}/uses", created.id), &json!({}), Some(&bo.cookie)).await?;
        ensure!(status == 204, "counting a use answered {status}: {body}");
    }
    let (status, _) = api.post(&format!("{path}/unknown-id/uses"), &json!({}), Some(&bo.cookie)).await?;
    ensure!(status == 404, "an unknown answer's use answered {status}");
    let edited = json!({"title": "Shipping times", "shortcut": "ship", "text": "We ship in 2 days."});
    let (status, body) = api.put(&format!("{path}/{}", created.id), &edited, Some(&ana.cookie)).await?;
    let saved: CannedAnswer = serde_json::from_str(&body)?;
    ensure!(status == 200 && saved.uses == 2 && saved.shortcut == "ship" && saved.translations.is_empty(), "{body}");
    let delete = |cookie: String| {
        let (api, path, id) = (&api, &path, created.id.clone());
        async move {
            api.send_raw(
                reqwest::Method::DELETE,
                &format!("{path}/{id}"),
                "application/json",
                "",
                &[("cookie", cookie.as_str())],
            )
            .await
        }
    };
    let (status, _) = delete(bo.cookie.clone()).await?;
    ensure!(status == 403, "an agent deleted a canned answer: {status}");
    let (status, _) = delete(ana.cookie.clone()).await?;
    ensure!(status == 204, "deleting answered {status}");
    let (_, _, body) = api.get(&path, Some(&ana.cookie)).await?;
    ensure!(serde_json::from_str::<Vec<CannedAnswer>>(&body)?.is_empty(), "deleted: {body}");
    Ok(())
}

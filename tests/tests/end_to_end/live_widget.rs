//! An owner's changes reach shoppers without a redeploy: the widget's view of its shop
//! (`GET /api/shops/{shop}/widget`: greeting, measured reply time, pre-chat fields, open now)
//! follows the settings and is cached for seconds only; an open chat shows a new greeting
//! within its polling; and the launcher is never reused from the browser's cache, so its next
//! page view shows a new colour and text. The reply time is promised only once measured.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::json;

use crate::api::{agent_socket, send_acked, shopper, wait_in_queue};
use crate::browser::{seed_demo_page_shop, wait_for_text_within, ShopPage};
use crate::case;
use crate::client::{api_error, Agent, Api, Socket};
use crate::eventually::eventually_within;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::greeting::{ReplyTime, MIN_RESPONSES_FOR_PROMISE};
use parley_core::pre_chat::{FieldRule, PreChatFields};
use parley_core::protocol::{DeskClientFrame, DeskServerFrame, ErrorCode, Status};
use parley_core::widget_view::WidgetView;
use parley_core::wire::Wire;

pub fn cases() -> Vec<Case> {
    vec![
        case!(the_widget_view_is_public_cached_for_seconds_and_follows_the_settings),
        case!(the_reply_time_is_promised_once_measured_and_only_if_the_shop_shows_it),
        case!(browser an_open_chat_shows_a_new_greeting_and_the_next_page_view_a_new_launcher),
    ]
}

/// How long a change may take to reach the widget's view: the view's cache lifetime (5 s)
/// with room for a loaded machine.
const VIEW_WAIT: Duration = Duration::from_secs(20);

/// How long an open chat may take to show a change: its polling interval (10 s) and the view's
/// cache lifetime (5 s), with room for a loaded machine.
const OPEN_CHAT_WAIT: Duration = Duration::from_secs(40);

/// Every day closed.
fn closed_all_week() -> serde_json::Value {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    days.iter().map(|day| (day.to_string(), json!([]))).collect::<serde_json::Map<_, _>>().into()
}

async fn the_widget_view_is_public_cached_for_seconds_and_follows_the_settings(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"pre_chat": {"name": "required", "email": "optional"}});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    let path = format!("/api/shops/{shop}/widget");

    // No session needed, short-lived in caches, and honest: no reply time without measured
    // first responses, the widget's own greeting, open around the clock by default.
    let (status, headers, body) = api.get(&path, None).await?;
    ensure!(status == 200, "the widget view answered {status}: {body}");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    ensure!(header("cache-control") == "public, max-age=5", "cached as {:?}", header("cache-control"));
    ensure!(header("content-type").starts_with("application/json"), "typed {:?}", header("content-type"));
    let view = WidgetView::decode(&body).with_context(|| format!("the view: {body}"))?;
    let asked = PreChatFields { name: FieldRule::Required, email: FieldRule::Optional };
    ensure!(view == WidgetView { greeting: None, reply_time: None, pre_chat: asked, open: true }, "{view:?}");

    // Unknown and malformed shops are refused as JSON.
    let (status, _, body) = api.get("/api/shops/no-such-shop-here/widget", None).await?;
    ensure!(status == 404 && api_error(&body)?.code == ErrorCode::NotFound, "unknown shop: {status} {body}");
    let (status, _, body) = api.get("/api/shops/Bad%20Shop/widget", None).await?;
    ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "malformed shop: {status} {body}");

    // The owner changes the greeting, the pre-chat fields and the hours: the view follows.
    let ana = login(&api, &shop, "ana").await?;
    let patch = json!({
        "greeting": {"text": "Hello from the shop's owner", "show_reply_time": false},
        "pre_chat": {"name": "off", "email": "required"},
        "hours": closed_all_week(),
    });
    let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &patch, Some(&ana.cookie)).await?;
    ensure!(status == 200, "the settings change answered {status}: {body}");
    let changed = WidgetView {
        greeting: Some("Hello from the shop's owner".into()),
        reply_time: None,
        pre_chat: PreChatFields { name: FieldRule::Off, email: FieldRule::Required },
        open: false,
    };
    view_where(&api, &shop, "the view to follow the settings", |view| *view == changed).await?;

    // A newly loaded chat has it at once, in its page.
    let (status, _, page) = api.get(&format!("/w/{shop}"), None).await?;
    ensure!(status == 200, "the widget page answered {status}");
    ensure!(page.contains("Hello from the shop&#39;s owner"), "the page's view: {page}");
    Ok(())
}

/// The shop's view once `wanted` holds for it.
async fn view_where(api: &Api, shop: &str, what: &str, wanted: impl Fn(&WidgetView) -> bool) -> Result<WidgetView> {
    let path = format!("/api/shops/{shop}/widget");
    eventually_within(VIEW_WAIT, what, || async {
        let (status, _, body) = api.get(&path, None).await?;
        ensure!(status == 200, "the widget view answered {status}: {body}");
        let view = WidgetView::decode(&body)?;
        Ok(wanted(&view).then_some(view))
    })
    .await
}

/// A new conversation of `shop` that `agent` claims and answers at once: one first response,
/// measured within seconds.
async fn answer_one(api: &Api, shop: &str, agent: &Agent, desk: &mut Socket) -> Result<()> {
    let ticket = api.new_conversation(shop).await?;
    let (mut shopper_socket, _) = shopper(api, &ticket, 0).await?;
    send_acked(&mut shopper_socket, "question", "Do you ship abroad?").await?;
    let id = ticket.conversation_id;
    wait_in_queue(desk, &id, Status::Waiting).await?;
    desk.send(&DeskClientFrame::Claim { conversation_id: id.clone() }).await?;
    desk.next_matching(
        |f: &DeskServerFrame| matches!(f, DeskServerFrame::Claimed { conversation_id } if *conversation_id == id),
    )
    .await?;
    let mut chat = agent_socket(api, agent, &id).await?;
    send_acked(&mut chat, "answer", "Yes, everywhere in the EU.").await?;
    Ok(())
}

async fn the_reply_time_is_promised_once_measured_and_only_if_the_shop_shows_it(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    // One answer short of a promise: nothing is promised.
    for _ in 1..MIN_RESPONSES_FOR_PROMISE {
        answer_one(&api, &shop, &ana, &mut desk).await?;
    }
    let (_, _, body) = api.get(&format!("/api/shops/{shop}/widget"), None).await?;
    ensure!(WidgetView::decode(&body)?.reply_time.is_none(), "promised from too few answers: {body}");

    // Enough answers, all within seconds: the shop typically replies in a few minutes.
    answer_one(&api, &shop, &ana, &mut desk).await?;
    view_where(&api, &shop, "the measured reply time", |view| view.reply_time == Some(ReplyTime::FewMinutes)).await?;

    // A shop that does not show it promises nothing.
    let hide = json!({"greeting": {"show_reply_time": false}});
    let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &hide, Some(&ana.cookie)).await?;
    ensure!(status == 200, "hiding the reply time answered {status}: {body}");
    view_where(&api, &shop, "no reply time", |view| view.reply_time.is_none()).await?;
    Ok(())
}

async fn an_open_chat_shows_a_new_greeting_and_the_next_page_view_a_new_launcher(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop_id = seed_demo_page_shop(&env).await?;
    let owner = login(&api, &shop_id, "ana").await?;
    let settings = format!("/api/shops/{shop_id}/settings");
    let shop = ShopPage::open(&env, &shop_id).await?;
    let outcome = async {
        shop.open_chat().await?;
        wait_for_text_within(OPEN_CHAT_WAIT, &shop.driver, "[data-testid=greeting]", "Hi!").await?;

        // While the chat is open, the owner changes the greeting and the launcher.
        let patch = json!({
            "greeting": {"text": "Fresh greeting, no reload"},
            "launcher": {"color": "#1d2330", "text": "Ask the shop"},
        });
        let (status, body) = api.patch(&settings, &patch, Some(&owner.cookie)).await?;
        ensure!(status == 200, "the settings change answered {status}: {body}");
        wait_for_text_within(OPEN_CHAT_WAIT, &shop.driver, "[data-testid=greeting]", "Fresh greeting, no reload")
            .await
            .context("the open chat shows the new greeting")?;

        // The launcher changes on the next page view: nothing reuses the old one.
        shop.reload().await?;
        shop.launcher().await?;
        let look = shop.launcher_look().await?;
        ensure!(
            look.text.contains("Ask the shop") && look.background == "rgb(29, 35, 48)",
            "the next page view's launcher: {look:?}"
        );
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

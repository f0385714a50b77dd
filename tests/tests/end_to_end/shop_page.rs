//! What the shop's page and the edge say to each other around the chat, against the real edge:
//! the public launcher endpoint the loader styles the launcher from (cacheable, readable
//! cross-origin by the shop's origins only, the theme's text colour picked for contrast), and
//! the `context` frame that keeps the agent's view of the shopper's page current (refusals
//! change nothing and leave the socket usable).

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::json;

use crate::api::{agent_socket, expect_error, send_acked, shopper};
use crate::case;
use crate::client::{api_error, Api};
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::color::Rgb;
use parley_core::launcher::LauncherPosition;
use parley_core::protocol::{
    ClientFrame, ConversationTicket, ErrorCode, LauncherView, NewConversation, PageContext, Product, ServerFrame,
};
use parley_core::validation::MAX_CUSTOM_VALUES;

pub fn cases() -> Vec<Case> {
    vec![
        case!(the_launcher_is_public_cacheable_and_readable_by_the_shops_origins_only),
        case!(a_page_change_reaches_the_agent_and_refused_context_changes_nothing),
    ]
}

async fn the_launcher_is_public_cacheable_and_readable_by_the_shops_origins_only(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let launcher = json!({"color": "#F2B705", "position": "left", "text": " Ask us "});
    let shop =
        seed(&api, &env, "", json!({"allowed_origins": ["https://shop.example"], "launcher": launcher}), &[]).await?;

    let endpoint = format!("/api/shops/{shop}/launcher");
    let (status, headers, body) = api.get_with(&endpoint, &[("origin", "https://shop.example")]).await?;
    ensure!(status == 200, "the launcher answered {status} {body}");
    let view: LauncherView = serde_json::from_str(&body)?;
    let expected = LauncherView {
        shop_name: format!("Shop {shop}"),
        color: Rgb::new(0xf2, 0xb7, 0x05),
        text_color: Rgb::BLACK,
        position: LauncherPosition::Left,
        text: Some("Ask us".into()),
        open_label: "Open chat".into(),
        unread_label: "{} unread".into(),
        frame_title: "Chat".into(),
    };
    ensure!(view == expected, "the launcher is {view:?}");
    // Its words are in the shopper's language: the loader's list, else the browser's.
    let (_, _, body) = api.get_with(&format!("{endpoint}?lang=de,pl-PL"), &[]).await?;
    let view: LauncherView = serde_json::from_str(&body)?;
    ensure!(view.open_label == "Otwórz czat", "with lang=de,pl-PL: {view:?}");
    let (_, _, body) = api.get_with(&endpoint, &[("accept-language", "hu-HU,hu;q=0.9")]).await?;
    let view: LauncherView = serde_json::from_str(&body)?;
    ensure!(view.frame_title == "Csevegés", "with Accept-Language hu: {view:?}");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    // Asked again on every page view: a settings change shows on the next one.
    ensure!(header("cache-control") == "no-cache", "cache-control: {:?}", header("cache-control"));
    ensure!(header("access-control-allow-origin") == "https://shop.example", "the shop's own page may read it");
    ensure!(header("vary").contains("origin"), "caches keep one answer per origin: {:?}", header("vary"));

    let (status, headers, _) = api.get_with(&endpoint, &[("origin", "https://evil.example")]).await?;
    ensure!(
        status == 200 && headers.get("access-control-allow-origin").is_none(),
        "another site's page may not read it"
    );

    // The tag's data-color stands in for the shop's colour, with a text colour of its own.
    let (status, _, body) = api.get_with(&format!("{endpoint}?color=%23123456"), &[]).await?;
    let view: LauncherView = serde_json::from_str(&body).with_context(|| format!("{status} {body}"))?;
    ensure!(view.color == Rgb::new(0x12, 0x34, 0x56) && view.text_color == Rgb::WHITE, "{view:?}");
    ensure!(view.color.contrast(view.text_color) >= 4.5, "AA contrast");
    let (status, _, body) = api.get_with(&format!("{endpoint}?color=red"), &[]).await?;
    ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "a bad colour: {status} {body}");
    let (status, _, body) = api.get_with("/api/shops/nobody/launcher", &[]).await?;
    ensure!(status == 404 && api_error(&body)?.code == ErrorCode::NotFound, "an unknown shop: {status} {body}");

    // The chat's page carries the theme for its header and send button.
    let (_, _, page) = api.get(&format!("/w/{shop}"), None).await?;
    ensure!(page.contains(r##"data-theme-color="#f2b705" data-theme-text="#000000""##), "the widget page: {page}");
    Ok(())
}

async fn a_page_change_reaches_the_agent_and_refused_context_changes_nothing(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let page = |url: &str, title: &str| PageContext { url: url.into(), title: title.into(), ..PageContext::default() };
    let crowded = PageContext {
        custom: (0..=MAX_CUSTOM_VALUES).map(|n| (format!("k{n}"), "v".to_owned())).collect(),
        ..page("https://shop.example/p/1", "One")
    };

    // A conversation cannot start with context over the bounds either.
    let (status, body) = api
        .post(
            &format!("/api/shops/{shop}/conversations"),
            &NewConversation { page: crowded.clone(), ..NewConversation::default() },
            None,
        )
        .await?;
    ensure!(status == 400 && api_error(&body)?.code == ErrorCode::BadRequest, "crowded context: {status} {body}");

    let first = page("https://shop.example/p/1", "One");
    let (status, body) = api
        .post(
            &format!("/api/shops/{shop}/conversations"),
            &NewConversation { page: first.clone(), ..NewConversation::default() },
            None,
        )
        .await?;
    ensure!(status == 201, "a conversation: {status} {body}");
    let ticket: ConversationTicket = serde_json::from_str(&body)?;
    let (mut shopper_socket, _) = shopper(&api, &ticket, 0).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut agent = agent_socket(&api, &ana, &ticket.conversation_id).await?;

    let moved = PageContext {
        product: Some(Box::new(Product {
            name: "Alpine Shell".into(),
            sku: "AS-7".into(),
            price: "219.00".into(),
            currency: "EUR".into(),
            image: String::new(),
        })),
        custom: [("cart_value".to_owned(), "129.5".to_owned())].into_iter().collect(),
        ..page("https://shop.example/p/2", "  Two  ")
    };
    shopper_socket.send(&ClientFrame::Context { page: moved.clone() }).await?;
    let expected = PageContext { title: "Two".into(), ..moved };
    agent
        .next_matching(
            |f: &ServerFrame| matches!(f, ServerFrame::Conversation { conversation } if conversation.page == expected),
        )
        .await
        .context("the agent sees the new page")?;

    shopper_socket.send(&ClientFrame::Context { page: crowded }).await?;
    expect_error(&mut shopper_socket, ErrorCode::BadRequest).await.context("too many custom values")?;
    let huge = page("https://shop.example/p/3", &"t".repeat(20_000));
    shopper_socket.send(&ClientFrame::Context { page: huge }).await?;
    expect_error(&mut shopper_socket, ErrorCode::TooLarge).await.context("a frame over the limit")?;
    agent.send(&ClientFrame::Context { page: first }).await?;
    expect_error(&mut agent, ErrorCode::Forbidden).await.context("agents do not speak for the page")?;

    ensure!(send_acked(&mut shopper_socket, "after", "still here").await? == 1, "the socket stays usable");
    let (_, welcome) = shopper(&api, &ticket, 0).await?;
    let ServerFrame::Welcome { conversation, .. } = welcome else { anyhow::bail!("no welcome") };
    ensure!(conversation.page == expected, "the refusals changed the page: {:?}", conversation.page);
    Ok(())
}

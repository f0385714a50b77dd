//! Issue 11's one journey, in real browsers on an edge started the production way
//! (`PARLEY_DEV` off, `PARLEY_SIGNUP=open`): a shop signs up, its owner sets a colour and an
//! allowed origin and copies the tag, a page of the shop's own site (another origin) shows the
//! launcher in that colour and the install page reports the site, a shopper chats, an invited
//! agent accepts in another browser and answers with a canned answer, the owner finds the
//! conversation by a word of it, and removing the agent ends their open console at once.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::browser::{browser, eventually, send_message, wait_for_message, Console, ShopPage};
use crate::case;
use crate::client::Api;
use crate::owner_screens::ConsolePage;
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shop_site::ShopSite;

pub fn cases() -> Vec<Case> {
    vec![case!(browser a_shop_goes_live_without_a_developer)]
}

const OPERATOR_KEY: &str = "operator-key-of-the-going-live-journey";

/// The colour the owner picks, and as the browser computes it back (either way of writing it).
const COLOUR: (&str, [&str; 2]) = ("#0a7d32", ["rgb(10, 125, 50)", "rgba(10, 125, 50, 1)"]);

async fn a_shop_goes_live_without_a_developer(env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("journey", "open", OPERATOR_KEY).await?;
    let site = ShopSite::start().await?;
    let owner = ConsolePage::open(&env, edge.origin(), "/console/signup").await?;
    let shop = ShopPage { driver: browser(&env).await? };
    let agent = Console { driver: browser(&env).await? };
    let outcome = async {
        // 1. The shop signs up, and its owner is signed in.
        for (testid, text) in [
            ("signup-shop", "trail-shop"),
            ("signup-shop-name", "Trail Shop"),
            ("signup-name", "Kata"),
            ("signup-email", "kata@trail.test"),
            ("signup-password", "correct horse battery"),
        ] {
            owner.fill(testid, text).await.with_context(|| format!("filling {testid}"))?;
        }
        owner.click("signup-submit").await?;
        owner.wait_for_workspace().await.context("1. the owner lands in the console")?;

        // 2. A colour and the shop's site as an allowed origin; a canned answer; the tag.
        owner.show("settings-tab", "settings").await?;
        let colour = owner.wait_for("settings-color").await?;
        owner
            .driver
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                vec![colour.to_json()?, json!(COLOUR.0)],
            )
            .await?;
        owner.click("settings-origin-add").await?;
        let origins = owner.driver.find_all(By::Css("[data-testid=settings-origin]")).await?;
        origins.last().context("a new origin's field")?.send_keys(&site.origin).await?;
        owner.click("settings-save").await?;
        eventually("the settings saved", || async {
            Ok(owner.text_of("settings-saved").await?.contains("Saved").then_some(()))
        })
        .await
        .context("2. saving the colour and the origin")?;
        owner.fill("canned-title", "Shipping").await?;
        owner.fill("canned-shortcut", "shipping").await?;
        owner.fill("canned-text", "Hi {shopper.name|there}, the Trail Runner ships in 2 days. {agent.name}").await?;
        owner.click("canned-save").await?;
        owner.wait_for("canned-answer").await.context("2. the canned answer kept")?;
        owner.show("install-tab", "install").await?;
        let snippet = owner.text_of("snippet").await?;
        ensure!(snippet.contains("data-shop=\"trail-shop\""), "2. the snippet: {snippet:?}");

        // 3. The shop's own site, another origin, with the tag pasted.
        site.paste(&snippet);
        shop.driver.goto(&site.origin).await?;
        let launcher = shop.launcher().await.context("3. the launcher on the shop's site")?;
        let coloured = eventually("3. the launcher in the owner's colour", || async {
            let background = launcher.css_value("background-color").await?;
            Ok(COLOUR.1.contains(&background.as_str()).then_some(()))
        })
        .await;
        if coloured.is_err() {
            let api = Api::new(edge.origin());
            let kata = api.login("kata@trail.test", "correct horse battery").await?;
            let (_, _, stored) = api.get("/api/shops/trail-shop/settings", Some(&kata.cookie)).await?;
            let background = launcher.css_value("background-color").await?;
            coloured.with_context(|| format!("the launcher is {background}; the settings stored: {stored}"))?;
        }
        // The launcher was fetched from the site before the install page opens and reads the check.
        owner.show("install-tab", "install").await?;
        eventually("3. the install page reporting the site", || async {
            for row in owner.driver.find_all(By::Css("[data-testid=install-seen]")).await? {
                if row.text().await?.contains(&site.origin) {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await?;

        // 4. A shopper chats.
        let question = "Is the Trail Runner waterproof and when does it ship?";
        shop.open_chat().await.context("4. opening the chat")?;
        send_message(&shop.driver, question).await?;
        wait_for_message(&shop.driver, "shopper", question).await.context("4. the shopper's message")?;

        // 5. An invited agent accepts in another browser and answers with the canned answer.
        let link = owner.invite("lee@trail.test").await.context("5. inviting")?;
        agent.driver.goto(&link).await?;
        let joining = ConsolePage { driver: agent.driver.clone() };
        joining.fill("accept-name", "Lee").await?;
        joining.fill("accept-password", "another good password").await?;
        joining.click("accept-submit").await?;
        joining.wait_for_workspace().await.context("5. the agent's console opens signed in")?;
        agent.claim(question).await.context("5. claiming")?;
        let composer = agent.composer().await?;
        composer.send_keys("/ship").await?;
        agent.wait_for_canned_options(1).await.context("5. the / list")?;
        agent.press(Key::Enter).await?;
        let filled = "Hi there, the Trail Runner ships in 2 days. Lee";
        eventually("5. the canned answer in the composer", || async {
            Ok((composer.prop("value").await?.as_deref() == Some(filled)).then_some(()))
        })
        .await?;
        agent.driver.find(By::Css("[data-testid=send]")).await?.click().await?;
        wait_for_message(&shop.driver, "agent", filled).await.context("5. the shopper reads the answer")?;

        // 6. The owner finds the conversation by a word of it.
        owner.show("history-tab", "search").await?;
        owner.fill("search", "waterproof").await?;
        owner.wait_for("search").await?.send_keys(Key::Enter).await?;
        eventually("6. a search result with the question", || async {
            for result in owner.driver.find_all(By::Css("[data-testid=search-result]")).await? {
                if result.text().await?.contains("waterproof") {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await?;

        // 7. The owner removes the agent, whose open console loses access at once.
        owner.show("team-tab", "team").await?;
        let remove = eventually("7. Lee's remove button", || async {
            for member in owner.driver.find_all(By::Css("[data-testid=team-member]")).await? {
                if member.text().await?.contains("lee@trail.test") {
                    return Ok(member.find(By::Css("[data-testid=remove]")).await.ok());
                }
            }
            Ok(None)
        })
        .await?;
        remove.click().await?;
        owner.click("remove-confirm").await?;
        joining.wait_for("login-email").await.context("7. the removed agent's console signs out")?;
        Ok(())
    }
    .await;
    owner.quit().await;
    let _ = shop.driver.quit().await;
    let _ = agent.driver.quit().await;
    outcome
}

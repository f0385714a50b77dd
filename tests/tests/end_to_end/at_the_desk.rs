//! Speed at the desk, in the console in headless Chromium: canned answers from the composer's
//! `/` list (filtered, filled, sent, counted), the keyboard shortcuts and their help, queue
//! rows that turn red past the shop's first-response target, and the tab's title counting new
//! chats while the tab is hidden.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::api::{send_acked, shopper};
use crate::browser::{eventually, find_visible, wait_for_message, wait_for_text, Console};
use crate::case;
use crate::client::{Agent, Api};
use crate::runner::{Case, Env};
use crate::shops::{login, seed};
use parley_core::canned::CannedAnswer;

pub fn cases() -> Vec<Case> {
    vec![
        case!(browser canned_answers_come_from_the_slash_list_filled_sent_and_counted),
        case!(browser shortcuts_list_themselves_claim_the_next_waiting_chat_reply_and_resolve),
        case!(browser waiting_rows_turn_red_past_the_target_and_a_hidden_tab_counts_new_chats),
    ]
}

/// The canned answers [`shop_with_canned_answers`] gives its shop.
const CANNED: [(&str, &str, &str); 2] = [
    ("Shipping times", "shipping", "Hi {shopper.name|there}, I'm {agent.name}: we ship within 2 days."),
    ("Returns", "returns", "You have 30 days to return anything."),
];

/// Seeds the running case's shop with its owner `ana` and [`CANNED`]'s answers; answers the
/// shop's id and Ana signed in over the API.
pub(crate) async fn shop_with_canned_answers(api: &Api, env: &Env) -> Result<(String, Agent)> {
    let shop = seed(api, env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(api, &shop, "ana").await?;
    for (title, shortcut, text) in CANNED {
        let answer = json!({"title": title, "shortcut": shortcut, "text": text});
        let (status, body) = api.post(&format!("/api/shops/{shop}/canned-answers"), &answer, Some(&ana.cookie)).await?;
        ensure!(status == 201, "making the canned answer {shortcut} answered {status}: {body}");
    }
    Ok((shop, ana))
}

/// A shopper of `shop` (over the API, without a name) who asks `question` and waits.
pub(crate) async fn waiting_shopper(api: &Api, shop: &str, question: &str) -> Result<()> {
    let ticket = api.new_conversation(shop).await?;
    let (mut socket, _) = shopper(api, &ticket, 0).await?;
    send_acked(&mut socket, "question", question).await?;
    Ok(())
}

impl Console {
    /// The shown chat's composer, once it is there.
    pub(crate) async fn composer(&self) -> Result<WebElement> {
        eventually("the composer", || async { find_visible(&self.driver, "[data-testid=composer]").await }).await
    }

    /// The texts of the canned answers' list, once it shows `count` of them.
    pub(crate) async fn wait_for_canned_options(&self, count: usize) -> Result<Vec<String>> {
        eventually(&format!("{count} canned answers listed"), || async {
            let options = self.driver.find_all(By::Css("[data-testid=canned-option]")).await?;
            if options.len() != count {
                return Ok(None);
            }
            let mut texts = Vec::new();
            for option in options {
                texts.push(option.text().await?);
            }
            Ok(Some(texts))
        })
        .await
    }

    /// Presses `keys` wherever the keyboard is, as a person would.
    pub(crate) async fn press(&self, keys: impl Into<TypingData>) -> Result<()> {
        self.driver.action_chain().send_keys(keys).perform().await?;
        Ok(())
    }

    /// The `data-testid` of the element that has the keyboard.
    async fn keyboard_in(&self) -> Result<Option<String>> {
        Ok(self.driver.active_element().await?.attr("data-testid").await?)
    }

    /// Waits until the shown chat's status reads `status`.
    async fn wait_for_status(&self, status: &str) -> Result<()> {
        eventually(&format!("the status {status:?}"), || async {
            let Ok(shown) = self.driver.find(By::Css("[data-testid=status]")).await else { return Ok(None) };
            Ok((shown.text().await? == status).then_some(()))
        })
        .await
    }

    /// The urgency of the queue's row containing `text`, once it is `wanted`.
    async fn wait_for_urgency(&self, text: &str, wanted: &str) -> Result<String> {
        eventually(&format!("the row {text:?} {wanted}"), || async {
            for item in self.driver.find_all(By::Css("[data-testid=queue-item]")).await? {
                if item.text().await?.contains(text) && item.attr("data-urgency").await?.as_deref() == Some(wanted) {
                    return Ok(Some(item.text().await?));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Makes the page believe its tab is hidden (or shown again), as switching tabs would.
    async fn set_tab_hidden(&self, hidden: bool) -> Result<()> {
        let script = r#"
            if (arguments[0]) {
                Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
                Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
            } else {
                delete document.hidden;
                delete document.visibilityState;
            }
            document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
        "#;
        self.driver.execute(script, vec![json!(hidden)]).await?;
        Ok(())
    }
}

async fn canned_answers_come_from_the_slash_list_filled_sent_and_counted(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let (shop, ana) = shop_with_canned_answers(&api, &env).await?;
    let question = "When will my order ship?";
    waiting_shopper(&api, &shop, question).await?;
    let console = Console::sign_in_as(&env, &shop, "ana").await?;
    let outcome = async {
        console.claim(question).await.context("claiming")?;
        wait_for_message(&console.driver, "shopper", question).await?;
        let composer = console.composer().await?;

        composer.send_keys("/").await?;
        let all = console.wait_for_canned_options(2).await.context("a bare / lists every answer")?;
        ensure!(all.iter().any(|text| text.contains("/returns")), "{all:?}");
        composer.send_keys("ship").await?;
        let shipping = console.wait_for_canned_options(1).await.context("/ship filters")?;
        ensure!(shipping[0].contains("Shipping times"), "{shipping:?}");
        let listbox = console.driver.find(By::Css("[role=listbox]")).await?;
        let picked = composer.attr("aria-activedescendant").await?.unwrap_or_default();
        let option_id = console.driver.find(By::Css("[data-testid=canned-option]")).await?.id().await?;
        ensure!(
            listbox.attr("id").await? == composer.attr("aria-controls").await? && Some(picked) == option_id,
            "the text box names the list and its picked option"
        );

        // Escape closes the list and keeps the text; Enter then sends it as typed would.
        console.press(Key::Escape).await?;
        console.wait_for_canned_options(0).await.context("Escape closes the list")?;
        ensure!(composer.prop("value").await?.as_deref() == Some("/ship"), "Escape keeps the draft");

        // A new `/` word opens it again; Enter inserts the answer, filled.
        // Deleted key by key, as a person would: the emptied draft forgets the closed list.
        for _ in 0.."/ship".len() {
            composer.send_keys(Key::Backspace).await?;
        }
        composer.send_keys("/shi").await?;
        console.wait_for_canned_options(1).await?;
        console.press(Key::Enter).await?;
        let filled = "Hi there, I'm ana: we ship within 2 days.";
        eventually("the filled answer in the composer", || async {
            Ok((composer.prop("value").await?.as_deref() == Some(filled)).then_some(()))
        })
        .await?;
        console.press(Key::Enter).await?;
        wait_for_message(&console.driver, "agent", filled).await.context("the answer is sent")?;

        let counted = eventually("the use counted", || async {
            let (status, _, body) = api.get(&format!("/api/shops/{shop}/canned-answers"), Some(&ana.cookie)).await?;
            ensure!(status == 200, "listing answered {status}: {body}");
            let answers: Vec<CannedAnswer> = serde_json::from_str(&body)?;
            Ok(answers.into_iter().find(|answer| answer.shortcut == "shipping" && answer.uses == 1))
        })
        .await?;
        ensure!(counted.uses == 1, "{counted:?}");
        Ok(())
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

async fn shortcuts_list_themselves_claim_the_next_waiting_chat_reply_and_resolve(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let question = "Do you gift-wrap?";
    waiting_shopper(&api, &shop, question).await?;
    let console = Console::sign_in_as(&env, &shop, "ana").await?;
    let outcome = async {
        wait_for_text(&console.driver, "[data-testid=queue-item]", question).await?;

        console.press("?").await?;
        let help =
            eventually("the shortcuts' help", || find_visible(&console.driver, "[data-testid=shortcuts-help]")).await?;
        let listed = help.find_all(By::Css("[data-testid=shortcut]")).await?;
        ensure!(listed.len() == 7, "{} shortcuts listed", listed.len());
        ensure!(help.text().await?.contains("Claim"), "the help names claiming");
        console.press(Key::Escape).await?;
        eventually("the help closed", || async {
            Ok(find_visible(&console.driver, "[data-testid=shortcuts-help]").await?.is_none().then_some(()))
        })
        .await?;

        // `j` picks the waiting chat, `c` claims it.
        console.press("j").await?;
        eventually("the row picked", || async {
            Ok(find_visible(&console.driver, "[data-testid=queue-item].picked").await?.map(drop))
        })
        .await?;
        console.press("c").await?;
        console.wait_for_status("Assigned to ana").await.context("claimed by the keyboard")?;
        wait_for_message(&console.driver, "shopper", question).await?;

        // Escape leaves the composer (which the claimed chat focused), `r` comes back to it.
        console.composer().await?;
        console.press(Key::Escape).await?;
        eventually("the keyboard out of the composer", || async {
            Ok((console.keyboard_in().await?.as_deref() != Some("composer")).then_some(()))
        })
        .await?;
        console.press("r").await?;
        eventually("the keyboard in the composer", || async {
            Ok((console.keyboard_in().await?.as_deref() == Some("composer")).then_some(()))
        })
        .await?;
        let answer = "Yes, for free.";
        console.press(answer).await?;
        console.press(Key::Enter).await?;
        wait_for_message(&console.driver, "agent", answer).await?;

        // Letters typed in the composer were not shortcuts; out of it, `e` resolves.
        console.press(Key::Escape).await?;
        console.press("e").await?;
        console.wait_for_status("Resolved").await.context("resolved by the keyboard")
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

async fn waiting_rows_turn_red_past_the_target_and_a_hidden_tab_counts_new_chats(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let first = "Is the red one back in stock?";
    waiting_shopper(&api, &shop, first).await?;
    let console = Console::sign_in_as(&env, &shop, "ana").await?;
    let outcome = async {
        // Under the default target (2 minutes) a fresh wait is calm.
        console.wait_for_urgency(first, "calm").await?;
        let target = json!({"frt_target_seconds": 1});
        let (status, body) = api.patch(&format!("/api/shops/{shop}/settings"), &target, Some(&ana.cookie)).await?;
        ensure!(status == 200, "setting the target answered {status}: {body}");
        let row = console.wait_for_urgency(first, "red").await.context("the new target reaches the console")?;
        ensure!(row.contains("past the target"), "red says so in words too: {row:?}");

        let plain_title = console.driver.title().await?;
        console.driver.find(By::Css("[data-testid=alerts-toggle]")).await?.click().await?;
        console.set_tab_hidden(true).await?;
        let second = "Do you ship to Norway?";
        waiting_shopper(&api, &shop, second).await?;
        let counted = eventually("a count in the title", || async {
            let title = console.driver.title().await?;
            Ok(title.starts_with("(1) ").then_some(title))
        })
        .await?;
        ensure!(counted == format!("(1) {plain_title}"), "the title reads {counted:?}");
        // With alerts on, it beeped too.
        eventually("a beep", || async {
            let toggle = console.driver.find(By::Css("[data-testid=alerts-toggle]")).await?;
            let beeps: u32 = toggle.attr("data-beeps").await?.unwrap_or_default().parse()?;
            Ok((beeps >= 1).then_some(()))
        })
        .await?;

        console.set_tab_hidden(false).await?;
        eventually("the title without its count", || async {
            Ok((console.driver.title().await? == plain_title).then_some(()))
        })
        .await?;
        Ok(())
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

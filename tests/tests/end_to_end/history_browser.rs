//! The console's history in a real browser: an agent keeps a note on the shopper beside the
//! chat, then finds the conversation by a word of it and reads its transcript, read-only.

use std::sync::Arc;

use anyhow::{Context, Result};
use thirtyfour::prelude::*;

use crate::browser::{
    eventually, seed_demo_page_shop, send_message, wait_for_message, wait_for_text, Console, ShopPage,
};
use crate::case;
use crate::runner::{Case, Env};

pub fn cases() -> Vec<Case> {
    vec![case!(browser an_agent_keeps_a_note_on_the_shopper_then_finds_the_conversation_by_a_word)]
}

/// The console's History view and the shopper's memory beside a chat.
struct HistoryView<'a> {
    driver: &'a WebDriver,
}

impl HistoryView<'_> {
    /// Adds a note on the shown chat's shopper and waits until it is listed.
    async fn add_shopper_note(&self, text: &str) -> Result<()> {
        let input = eventually("the shopper-note input", || async {
            Ok(self.driver.find(By::Css("[data-testid=shopper-note-input]")).await.ok())
        })
        .await?;
        input.send_keys(text).await?;
        self.driver.find(By::Css("[data-testid=shopper-note-add]")).await?.click().await?;
        wait_for_text(self.driver, "[data-testid=shopper-note]", text).await
    }

    /// Shows the History view and searches for `words` (Enter searches); answers the first
    /// result once one contains `expected`.
    async fn search(&self, words: &str, expected: &str) -> Result<WebElement> {
        self.driver.find(By::Css("[data-testid=history-tab]")).await?.click().await?;
        let search = eventually("the search input", || async {
            Ok(self.driver.find(By::Css("[data-testid=search]")).await.ok())
        })
        .await?;
        search.send_keys(words).await?;
        search.send_keys(Key::Enter).await?;
        eventually(&format!("a search result containing {expected:?}"), || async {
            for result in self.driver.find_all(By::Css("[data-testid=search-result]")).await? {
                if result.text().await?.contains(expected) {
                    return Ok(Some(result));
                }
            }
            Ok(None)
        })
        .await
    }
}

async fn an_agent_keeps_a_note_on_the_shopper_then_finds_the_conversation_by_a_word(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Do you ship the Alpine Shell to Szeged?";
        let answer = "Yes, in two days.";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await?;
        console.claim(question).await.context("claiming")?;
        wait_for_message(&console.driver, "shopper", question).await?;
        let history = HistoryView { driver: &console.driver };
        history.add_shopper_note("Wants delivery before Friday").await.context("a note on the shopper")?;
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&console.driver, "agent", answer).await?;
        console.resolve().await.context("resolving")?;

        let result = history.search("szeged", "Szeged").await.context("searching a word of it")?;
        result.find(By::Css("button")).await?.click().await?;
        eventually("the past conversation", || async {
            Ok(console.driver.find(By::Css("[data-testid=past-conversation]")).await.ok())
        })
        .await?;
        wait_for_message(&console.driver, "shopper", question).await.context("the transcript's question")?;
        wait_for_message(&console.driver, "agent", answer).await.context("the transcript's answer")?;
        let composers =
            console.driver.find_all(By::Css("[data-testid=past-conversation] [data-testid=composer]")).await?;
        anyhow::ensure!(composers.is_empty(), "a past conversation is read-only");
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

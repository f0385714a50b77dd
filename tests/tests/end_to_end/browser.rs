//! Browser cases in headless Chromium: a shopper on a demo page embedding the widget of the
//! case's own shop (or on its widget page) and that shop's agent in the console, each in their
//! own browser, walk the whole path of a conversation, and come back by themselves when every
//! connection drops.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use thirtyfour::prelude::*;

use crate::api::{send_acked, shopper};
use crate::case;
use crate::client::Api;
use crate::eventually::eventually_within;
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{agent_email, agent_password, login, seed};
use parley_core::locale::Locale;
use parley_core::protocol::ClientFrame;
use parley_core::validation::MAX_MESSAGE_CHARS;
use parley_core::widget_text::{fill, word, Text};

pub fn cases() -> Vec<Case> {
    vec![
        case!(browser with_nobody_online_the_shopper_leaves_an_email_that_the_agent_sees),
        case!(browser a_shopper_and_an_agent_talk_live_and_history_survives_a_reload),
        case!(browser an_agent_notes_answers_reads_the_dashboard_and_resolves),
        case!(browser the_widget_works_under_a_strict_csp_and_hostile_css),
        case!(browser a_keyboard_alone_opens_the_chat_writes_and_closes_it),
        case!(browser a_shopper_introduces_themselves_chats_and_rates_the_resolved_chat),
        case!(browser a_customer_the_shops_page_identifies_is_not_asked_again_and_the_agent_sees_them),
        case!(browser calls_queued_through_the_stub_take_effect_and_the_page_hears_the_chats_events),
        case!(browser a_single_page_shops_navigation_and_product_data_reach_the_agent),
        case!(browser the_unread_badge_counts_answers_while_closed_and_clears_on_open),
        case!(browser the_launcher_and_the_chat_take_the_shops_colour_position_and_text),
        case!(browser the_chat_speaks_the_shoppers_language_and_set_locale_switches_it),
        case!(browser a_shopper_can_type_as_soon_as_the_chat_opens),
        case!(browser when_every_connection_drops_both_sides_resume_without_loss_or_doubling),
    ]
}

/// The demo pages (`/demo/…`) as an allowed origin: a shop's widget may be embedded there only
/// if the shop allows them, as the demo shop does.
const DEMO_PAGES_ORIGIN: &str = "http://127.0.0.1:*";

/// Seeds the running case's shop, whose widget the demo pages may embed, with its owner `ana`;
/// answers its id.
pub(crate) async fn seed_demo_page_shop(env: &Env) -> Result<String> {
    let settings = serde_json::json!({ "allowed_origins": [DEMO_PAGES_ORIGIN] });
    seed(&Api::new(&env.origin), env, "", settings, &[("ana", "owner")]).await
}

/// How long the UI may take to show something.
const UI_WAIT: Duration = Duration::from_secs(20);

/// How long a client may take to come back once a stopped edge answers again: its longest wait
/// between attempts (10 s) with that wait's jitter (up to half again), then the restarted
/// edge's first, cold answers, with room for a loaded machine.
const RECONNECT_WAIT: Duration = Duration::from_secs(40);

/// The screen a browser shows pages on.
#[derive(Clone, Copy)]
pub(crate) enum Screen {
    /// A desktop window of 1280×900.
    Desktop,
    /// A phone, by Chrome's mobile emulation: 375×667 CSS pixels at twice the density, with
    /// touch, so pages lay out as on a small phone (their viewport meta tag and media queries
    /// apply), whatever size the headless window has.
    Phone,
}

/// A fresh headless Chromium on a desktop screen.
pub(crate) async fn browser(env: &Env) -> Result<WebDriver> {
    browser_on(env, Screen::Desktop).await
}

/// A fresh headless Chromium with a profile of its own.
async fn browser_on(env: &Env, screen: Screen) -> Result<WebDriver> {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary("/usr/bin/chromium")?;
    let webdriver = env.webdriver.as_ref().ok_or_else(|| anyhow!("no WebDriver"))?;
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ] {
        caps.add_arg(arg)?;
    }
    if let Screen::Phone = screen {
        let metrics =
            serde_json::json!({"width": 375, "height": 667, "pixelRatio": 2.0, "touch": true, "mobile": true});
        caps.add_experimental_option("mobileEmulation", serde_json::json!({"deviceMetrics": metrics}))?;
    }
    caps.add_arg(&format!("--user-data-dir={}", webdriver.new_profile().display()))?;
    Ok(WebDriver::new(&webdriver.url, caps).await?)
}

/// Polls `check` until it yields a value or [`UI_WAIT`] passes.
pub(crate) async fn eventually<T, F, Fut>(what: &str, check: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    eventually_within(UI_WAIT, what, check).await
}

/// Waits until a `[data-testid=message]` by `author` contains `text`, in the current frame.
pub(crate) async fn wait_for_message(driver: &WebDriver, author: &str, text: &str) -> Result<()> {
    wait_for_text(driver, &format!("[data-testid=message][data-author={author}]"), text).await
}

/// Waits until an element matching `selector` contains `text`, in the current frame.
pub(crate) async fn wait_for_text(driver: &WebDriver, selector: &str, text: &str) -> Result<()> {
    wait_for_text_within(UI_WAIT, driver, selector, text).await
}

/// Waits up to `limit` until an element matching `selector` contains `text`, in the current
/// frame.
pub(crate) async fn wait_for_text_within(
    limit: Duration,
    driver: &WebDriver,
    selector: &str,
    text: &str,
) -> Result<()> {
    eventually_within(limit, &format!("{selector} containing {text:?}"), || async {
        Ok((count_containing(driver, selector, text).await? > 0).then_some(()))
    })
    .await
}

/// The first element matching `selector` that is displayed, in the current frame: the widget
/// hides parts of the chat rather than removing them.
pub(crate) async fn find_visible(driver: &WebDriver, selector: &str) -> Result<Option<WebElement>> {
    for element in driver.find_all(By::Css(selector)).await? {
        if element.is_displayed().await? {
            return Ok(Some(element));
        }
    }
    Ok(None)
}

/// How many elements matching `selector` contain `text`, now, in the current frame.
async fn count_containing(driver: &WebDriver, selector: &str, text: &str) -> Result<usize> {
    let mut count = 0;
    for element in driver.find_all(By::Css(selector)).await? {
        if element.text().await?.contains(text) {
            count += 1;
        }
    }
    Ok(count)
}

/// How many stored messages in the chat contain `text`, now, in the current frame (the
/// widget's and the console's alike).
async fn messages_containing(driver: &WebDriver, text: &str) -> Result<usize> {
    count_containing(driver, "[data-testid=message]", text).await
}

/// Types into the composer and presses the send button, in the current frame.
pub(crate) async fn send_message(driver: &WebDriver, text: &str) -> Result<()> {
    let composer =
        eventually("the composer", || async { Ok(driver.find(By::Css("[data-testid=composer]")).await.ok()) }).await?;
    composer.send_keys(text).await?;
    driver.find(By::Css("[data-testid=send]")).await?.click().await?;
    Ok(())
}

/// A demo page embedding a shop's widget, or that widget's own page, as a shopper sees it.
pub(crate) struct ShopPage {
    pub(crate) driver: WebDriver,
}

impl ShopPage {
    /// The demo product page embedding `shop`'s widget.
    pub(crate) async fn open(env: &Env, shop: &str) -> Result<Self> {
        Self::open_at(env, shop, "").await
    }

    /// The demo page at `/demo/{path}` embedding `shop`'s widget.
    async fn open_at(env: &Env, shop: &str, path: &str) -> Result<Self> {
        Self::open_on(env, shop, path, Screen::Desktop).await
    }

    /// The demo page at `/demo/{path}` embedding `shop`'s widget, on `screen`.
    pub(crate) async fn open_on(env: &Env, shop: &str, path: &str, screen: Screen) -> Result<Self> {
        let driver = browser_on(env, screen).await?;
        driver.goto(format!("{}/demo/{path}?shop={shop}", env.origin)).await?;
        Ok(Self { driver })
    }

    /// The widget's own page for `shop`, opened directly rather than through a shop's page.
    pub(crate) async fn open_widget(env: &Env, shop: &str) -> Result<Self> {
        let driver = browser(env).await?;
        driver.goto(format!("{}/w/{shop}", env.origin)).await?;
        Ok(Self { driver })
    }

    /// Fills the pre-chat fields the widget shows, in the current frame.
    pub(crate) async fn fill_pre_chat(&self, name: &str, email: &str) -> Result<()> {
        let form = eventually("the pre-chat fields", || async {
            Ok(self.driver.find(By::Css("[data-testid=pre-chat]")).await.ok())
        })
        .await?;
        form.find(By::Css("[data-testid=pre-chat-name]")).await?.send_keys(name).await?;
        form.find(By::Css("[data-testid=pre-chat-email]")).await?.send_keys(email).await?;
        Ok(())
    }

    /// How many chimes the chat has played, in the current frame.
    async fn chimes(&self) -> Result<u32> {
        let toggle = self.driver.find(By::Css("[data-testid=sound]")).await?;
        Ok(toggle.attr("data-chimes").await?.unwrap_or_default().parse()?)
    }

    /// Whether the pre-chat fields are shown now, in the current frame.
    async fn pre_chat_shown(&self) -> Result<bool> {
        Ok(find_visible(&self.driver, "[data-testid=pre-chat]").await?.is_some())
    }

    /// Waits until the composer has the keyboard, in the current frame: once a form the
    /// keyboard was in goes, it must not fall to the page's body.
    async fn wait_for_keyboard_in_composer(&self) -> Result<()> {
        eventually("the keyboard back in the composer", || async {
            let active = self.driver.active_element().await?;
            Ok((active.attr("data-testid").await?.as_deref() == Some("composer")).then_some(()))
        })
        .await
    }

    /// Rates the resolved chat once the widget asks, and waits for its thanks; returns them.
    pub(crate) async fn rate(&self, score: u8, comment: &str) -> Result<String> {
        let choice = eventually("the rating form", || async {
            find_visible(&self.driver, &format!("[data-testid=rating-score][value='{score}']")).await
        })
        .await?;
        choice.click().await?;
        self.driver.find(By::Css("[data-testid=rating-comment]")).await?.send_keys(comment).await?;
        self.driver.find(By::Css("[data-testid=rating-submit]")).await?.click().await?;
        let thanks = eventually("the thanks for rating", || async {
            Ok(match find_visible(&self.driver, "[data-testid=rating-thanks]").await? {
                Some(thanks) => Some(thanks.text().await?),
                None => None,
            })
        })
        .await?;
        self.wait_for_keyboard_in_composer().await?;
        Ok(thanks)
    }

    /// Clicks the launcher in the loader's shadow root and switches into the chat's iframe.
    pub(crate) async fn open_chat(&self) -> Result<()> {
        self.driver.enter_default_frame().await?;
        self.launcher().await?.click().await?;
        self.enter_chat_frame().await
    }

    /// The launcher in the loader's shadow root, once the loader has drawn it.
    pub(crate) async fn launcher(&self) -> Result<WebElement> {
        eventually("the launcher", || async {
            let Ok(host) = self.driver.find(By::Css("#parley-root")).await else { return Ok(None) };
            Ok(host.get_shadow_root().await?.find(By::Css("[data-testid=parley-launcher]")).await.ok())
        })
        .await
    }

    /// Switches into the chat's iframe, once the loader has made it.
    async fn enter_chat_frame(&self) -> Result<()> {
        let frame = eventually("the chat frame", || async {
            let root = self.driver.find(By::Css("#parley-root")).await?.get_shadow_root().await?;
            Ok(root.find(By::Css("iframe[data-testid=parley-frame]")).await.ok())
        })
        .await?;
        frame.enter_frame().await?;
        Ok(())
    }

    /// Waits until the chat, in the current frame, is in `locale`: its language, greeting,
    /// composer and send button.
    async fn wait_for_words(&self, locale: Locale) -> Result<()> {
        wait_for_text(&self.driver, "[data-testid=greeting]", word(locale, Text::Greeting)).await?;
        wait_for_text(&self.driver, "[data-testid=send]", word(locale, Text::Send)).await?;
        let composer = self.driver.find(By::Css("[data-testid=composer]")).await?;
        let placeholder = composer.attr("placeholder").await?.unwrap_or_default();
        let lang = self.driver.find(By::Css("html")).await?.attr("lang").await?.unwrap_or_default();
        anyhow::ensure!(
            placeholder == word(locale, Text::MessagePlaceholder) && lang == locale.tag(),
            "{locale:?}: placeholder {placeholder:?}, lang {lang:?}"
        );
        Ok(())
    }

    /// How the launcher looks now, as the shop's page sees it.
    pub(crate) async fn launcher_look(&self) -> Result<LauncherLook> {
        self.driver.enter_default_frame().await?;
        let script = r#"
            const root = document.getElementById('parley-root').shadowRoot;
            const launcher = root.querySelector('[data-testid=parley-launcher]');
            const badge = root.querySelector('[data-testid=parley-unread]');
            const style = getComputedStyle(launcher);
            const box = launcher.getBoundingClientRect();
            return [style.backgroundColor, style.color, box.left < innerWidth - box.right, launcher.textContent,
                    launcher.getAttribute('aria-label'), badge.hidden ? '' : badge.textContent];
        "#;
        let answer = self.driver.execute(script, Vec::new()).await?.json().clone();
        let text = |at: usize| answer[at].as_str().unwrap_or_default().to_owned();
        Ok(LauncherLook {
            background: text(0),
            color: text(1),
            on_the_left: answer[2].as_bool().unwrap_or(false),
            text: text(3),
            label: text(4),
            badge: text(5),
        })
    }

    /// Waits until the launcher looks as `wanted` says.
    async fn wait_for_launcher(&self, what: &str, wanted: impl Fn(&LauncherLook) -> bool) -> Result<LauncherLook> {
        let found = eventually(what, || async {
            let look = self.launcher_look().await?;
            Ok(wanted(&look).then_some(look))
        })
        .await;
        match found {
            Ok(look) => Ok(look),
            Err(error) => Err(error.context(format!("the launcher looks like {:?}", self.launcher_look().await.ok()))),
        }
    }

    pub(crate) async fn reload(&self) -> Result<()> {
        self.driver.enter_default_frame().await?;
        self.driver.refresh().await?;
        Ok(())
    }
}

/// The launcher as the shop's page shows it.
#[derive(Debug, Clone)]
pub(crate) struct LauncherLook {
    /// Computed CSS colours, e.g. `rgb(47, 91, 211)`.
    pub(crate) background: String,
    color: String,
    on_the_left: bool,
    pub(crate) text: String,
    label: String,
    /// The unread badge's text; empty while it is hidden.
    badge: String,
}

/// The agent console.
pub(crate) struct Console {
    pub(crate) driver: WebDriver,
}

impl Console {
    /// Signs in as agent `name` of `shop`, as `shops::seed` made them.
    pub(crate) async fn sign_in_as(env: &Env, shop: &str, name: &str) -> Result<Self> {
        Self::sign_in(env, &agent_email(shop, name), &agent_password(name)).await
    }

    pub(crate) async fn sign_in(env: &Env, email: &str, password: &str) -> Result<Self> {
        let driver = browser(env).await?;
        driver.goto(format!("{}/console", env.origin)).await?;
        let email_input =
            eventually("the login form", || async { Ok(driver.find(By::Css("[data-testid=login-email]")).await.ok()) })
                .await?;
        email_input.send_keys(email).await?;
        driver.find(By::Css("[data-testid=login-password]")).await?.send_keys(password).await?;
        driver.find(By::Css("[data-testid=login-submit]")).await?.click().await?;
        Ok(Self { driver })
    }

    /// Claims the waiting conversation whose preview contains `text`.
    pub(crate) async fn claim(&self, text: &str) -> Result<()> {
        let claim = eventually(&format!("a queue item with {text:?}"), || async {
            for item in self.driver.find_all(By::Css("[data-testid=queue-item]")).await? {
                if item.text().await?.contains(text) {
                    return Ok(Some(item.find(By::Css("[data-testid=claim]")).await?));
                }
            }
            Ok(None)
        })
        .await?;
        claim.click().await?;
        Ok(())
    }

    /// Writes an agents-only note in the shown chat, then switches the composer back to replies.
    async fn write_note(&self, text: &str) -> Result<()> {
        self.set_writing_note(true).await?;
        send_message(&self.driver, text).await?;
        self.set_writing_note(false).await
    }

    async fn set_writing_note(&self, on: bool) -> Result<()> {
        let toggle = self.driver.find(By::Css("[data-testid=note-toggle]")).await?;
        if toggle.is_selected().await? != on {
            toggle.click().await?;
        }
        Ok(())
    }

    /// Waits until the shown chat holds a stored note containing `text`.
    async fn wait_for_note(&self, text: &str) -> Result<()> {
        wait_for_text(&self.driver, "[data-testid=message][data-author=agent][data-internal=true]", text).await
    }

    /// Shows the dashboard and reads its first-response median once it is a number, asking
    /// for fresh figures meanwhile (the sample reaches the shop's desk just after the reply).
    async fn dashboard_frt_median(&self) -> Result<String> {
        self.driver.find(By::Css("[data-testid=dashboard-tab]")).await?.click().await?;
        self.dashboard_figure("frt-median", |text| text.chars().any(|c| c.is_ascii_digit())).await
    }

    /// Shows the dashboard and reads what it says was given up delivering (owners only): the
    /// count, once it is not 0, and each listed letter's text.
    pub(crate) async fn dashboard_dead_letters(&self) -> Result<(String, Vec<String>)> {
        let tab = eventually("the dashboard's tab", || async {
            Ok(self.driver.find(By::Css("[data-testid=dashboard-tab]")).await.ok())
        })
        .await?;
        tab.click().await?;
        let count = self.dashboard_figure("dead-letter-count", |text| text != "0").await?;
        let mut letters = Vec::new();
        for letter in self.driver.find_all(By::Css("[data-testid=dead-letter]")).await? {
            letters.push(letter.text().await?);
        }
        Ok((count, letters))
    }

    /// Reads the shown dashboard's figure `testid` once `ready` holds for it, asking for fresh
    /// figures meanwhile.
    async fn dashboard_figure(&self, testid: &str, ready: impl Fn(&str) -> bool) -> Result<String> {
        eventually(&format!("the dashboard's {testid}"), || async {
            let Ok(figure) = self.driver.find(By::Css(format!("[data-testid={testid}]"))).await else {
                return Ok(None);
            };
            let text = figure.text().await?;
            if ready(&text) {
                return Ok(Some(text));
            }
            self.driver.find(By::Css("[data-testid=dashboard-refresh]")).await?.click().await?;
            tokio::time::sleep(Duration::from_millis(400)).await;
            Ok(None)
        })
        .await
    }

    /// The text of the shown chat's fact `testid` (e.g. the shopper's name), once it is there.
    async fn fact(&self, testid: &str) -> Result<String> {
        eventually(&format!("the chat's {testid}"), || async {
            Ok(match self.driver.find(By::Css(format!("[data-testid={testid}]"))).await {
                Ok(fact) => Some(fact.text().await?),
                Err(_) => None,
            })
        })
        .await
    }

    async fn show_chats(&self) -> Result<()> {
        self.driver.find(By::Css("[data-testid=chats-tab]")).await?.click().await?;
        Ok(())
    }

    /// Resolves the shown chat and waits until its status says so.
    pub(crate) async fn resolve(&self) -> Result<()> {
        let resolve = eventually("an enabled resolve button", || async {
            let button = self.driver.find(By::Css("[data-testid=resolve]")).await?;
            Ok(button.is_enabled().await?.then_some(button))
        })
        .await?;
        resolve.click().await?;
        eventually("the status Resolved", || async {
            let status = self.driver.find(By::Css("[data-testid=status]")).await?.text().await?;
            Ok((status == "Resolved").then_some(()))
        })
        .await
    }

    /// Waits until no chat of "My chats" contains `text`.
    async fn wait_until_not_mine(&self, text: &str) -> Result<()> {
        eventually(&format!("no chat of mine with {text:?}"), || async {
            for chat in self.driver.find_all(By::Css("[data-testid=my-chat]")).await? {
                if chat.text().await?.contains(text) {
                    return Ok(None);
                }
            }
            Ok(Some(()))
        })
        .await
    }

    /// Waits until the shown chat's page facts (`page-title`, `page-product`, …) show `text`.
    async fn wait_for_page_fact(&self, testid: &str, text: &str) -> Result<()> {
        wait_for_text(&self.driver, &format!("article.chat [data-testid={testid}]"), text).await
    }

    /// Waits for the "Seen" mark under the agent's latest reply.
    async fn wait_for_seen(&self) -> Result<()> {
        eventually("a Seen mark", || async { Ok(self.driver.find(By::Css("[data-testid=seen]")).await.ok().map(drop)) })
            .await
    }

    async fn first_response_time(&self) -> Result<String> {
        eventually("a measured first-response time", || async {
            let text = self.driver.find(By::Css("[data-testid=frt]")).await?.text().await?;
            Ok(text.chars().any(|c| c.is_ascii_digit()).then_some(text))
        })
        .await
    }
}

async fn a_shopper_and_an_agent_talk_live_and_history_survives_a_reload(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Do the Trail Runner 2 fit wide feet?";
        let answer = "Yes, they come in a wide fit too.";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await.context("the shopper's message is stored")?;

        console.claim(question).await.context("claiming in the console")?;
        wait_for_message(&console.driver, "shopper", question).await.context("the agent sees the question")?;
        // The product page's Open Graph tags name the product and its price.
        console.wait_for_page_fact("page-product", "Trail Runner 2").await.context("the product from og:title")?;
        console.wait_for_page_fact("page-price", "129.00 EUR").await.context("the price from Open Graph")?;
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&console.driver, "agent", answer).await?;

        wait_for_message(&shop.driver, "agent", answer).await.context("the shopper sees the answer live")?;
        let frt = console.first_response_time().await?;
        anyhow::ensure!(frt.contains('s'), "first-response time shown as {frt:?}");

        shop.reload().await?;
        shop.open_chat().await.context("reopening after a reload")?;
        wait_for_message(&shop.driver, "shopper", question).await.context("history after reload")?;
        wait_for_message(&shop.driver, "agent", answer).await.context("history after reload")?;
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn an_agent_notes_answers_reads_the_dashboard_and_resolves(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Is the Alpine Shell jacket waterproof?";
        let note = "Internal: check the Alpine Shell stock first";
        let answer = "Yes, the Alpine Shell is fully waterproof.";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await.context("the shopper's message is stored")?;

        console.claim(question).await.context("claiming in the console")?;
        wait_for_message(&console.driver, "shopper", question).await.context("the agent sees the question")?;
        console.write_note(note).await.context("the agent writes a note")?;
        console.wait_for_note(note).await.context("the console shows the note as internal")?;
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&console.driver, "agent", answer).await?;

        wait_for_message(&shop.driver, "agent", answer).await.context("the shopper sees the answer")?;
        console.wait_for_seen().await.context("the agent sees the shopper has read the answer")?;
        // The note was stored before the answer, which the shopper now has: it would be there.
        let leaked = messages_containing(&shop.driver, note).await?;
        anyhow::ensure!(leaked == 0, "the shopper's widget shows the internal note {leaked} time(s)");

        let median = console.dashboard_frt_median().await.context("the dashboard")?;
        anyhow::ensure!(median.contains('s'), "first-response median shown as {median:?}");
        console.show_chats().await?;
        console.resolve().await.context("resolving")?;
        console.wait_until_not_mine(question).await.context("a resolved chat leaves My chats")?;
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn with_nobody_online_the_shopper_leaves_an_email_that_the_agent_sees(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let outcome = async {
        let question = "Can you hold a pair of Trail Runner 2 for me?";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        let field =
            eventually("the leave-your-e-mail form", || find_visible(&shop.driver, "[data-testid=leave-email]"))
                .await?;
        field.send_keys("kim@example.com").await?;
        shop.driver.find(By::Css("[data-testid=leave-email-submit]")).await?.click().await?;
        wait_for_text(&shop.driver, "[data-testid=contact-email]", "kim@example.com")
            .await
            .context("the widget confirms the address")?;
        shop.wait_for_keyboard_in_composer().await?;

        let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
        let seen = eventually("the queue item with the address", || async {
            for item in console.driver.find_all(By::Css("[data-testid=queue-item]")).await? {
                if item.text().await?.contains(question) {
                    return Ok(Some(item.find(By::Css("[data-testid=contact-email]")).await?.text().await?));
                }
            }
            Ok(None)
        })
        .await;
        let _ = console.driver.quit().await;
        let address = seen.context("the console shows where to answer")?;
        anyhow::ensure!(address.contains("kim@example.com"), "the console shows {address:?}");
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

async fn the_widget_works_under_a_strict_csp_and_hostile_css(env: Arc<Env>) -> Result<()> {
    // The strict page must really be strict, or this case proves nothing.
    let (_, headers, _) = crate::client::Api::new(&env.origin).get("/demo/strict-csp", None).await?;
    let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let only_the_edge = format!("script-src {}; frame-src {}; connect-src {};", env.origin, env.origin, env.origin);
    anyhow::ensure!(csp.contains(&only_the_edge) && !csp.contains("unsafe"), "the strict page's CSP: {csp:?}");
    let shop_id = seed_demo_page_shop(&env).await?;
    for (path, question) in
        [("strict-csp", "Written under a strict CSP"), ("hostile-css", "Written despite hostile CSS")]
    {
        let shop = ShopPage::open_at(&env, &shop_id, path).await?;
        let outcome = async {
            shop.open_chat().await.context("the launcher opens the chat")?;
            send_message(&shop.driver, question).await.context("the shopper writes")?;
            wait_for_message(&shop.driver, "shopper", question).await.context("the message is stored")
        }
        .await;
        let _ = shop.driver.quit().await;
        outcome.with_context(|| format!("on /demo/{path}"))?;
    }
    Ok(())
}

/// The `data-testid` of what has the keyboard inside the loader's shadow root, and whether the
/// panel is hidden, as the shop's page sees them.
async fn loader_focus_and_panel(driver: &WebDriver) -> Result<(String, bool)> {
    let script = r#"
        const root = document.getElementById('parley-root').shadowRoot;
        const frame = root.querySelector('[data-testid=parley-frame]');
        const panel = frame && frame.parentElement;
        return [root.activeElement ? root.activeElement.getAttribute('data-testid') : '', !!(panel && panel.hidden)];
    "#;
    let answer = driver.execute(script, Vec::new()).await?.json().clone();
    let focused = answer[0].as_str().unwrap_or_default().to_owned();
    Ok((focused, answer[1].as_bool().unwrap_or(false)))
}

async fn a_keyboard_alone_opens_the_chat_writes_and_closes_it(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let outcome = async {
        let driver = &shop.driver;
        shop.launcher().await?.send_keys(Key::Enter).await.context("Enter on the launcher")?;
        shop.enter_chat_frame().await?;
        let composer = eventually("the keyboard in the composer", || async {
            let active = driver.active_element().await?;
            Ok((active.attr("data-testid").await?.as_deref() == Some("composer")).then_some(active))
        })
        .await?;
        let question = "Typed without a mouse";
        composer.send_keys(question).await?;
        composer.send_keys(Key::Enter).await?;
        wait_for_message(driver, "shopper", question).await.context("Enter sends")?;
        driver.active_element().await?.send_keys(Key::Escape).await?;
        driver.enter_default_frame().await?;
        let (focused, hidden) = eventually("the panel closed with the keyboard on the launcher", || async {
            let state = loader_focus_and_panel(driver).await?;
            Ok((state.0 == "parley-launcher" && state.1).then_some(state))
        })
        .await?;
        anyhow::ensure!(focused == "parley-launcher" && hidden);
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

async fn a_shopper_introduces_themselves_chats_and_rates_the_resolved_chat(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let pre_chat = serde_json::json!({"pre_chat": {"name": "required", "email": "optional"}});
    let shop_id = seed(&api, &env, "", pre_chat, &[("ana", "owner")]).await?;
    let shop = ShopPage::open_widget(&env, &shop_id).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Do the Alpine boots come in 39?";
        let answer = "They do, in both colours.";
        // Without the required name nothing is sent, and the widget says why.
        send_message(&shop.driver, question).await.context("sending without a name")?;
        wait_for_text(&shop.driver, "[role=alert]", "Please tell us your name")
            .await
            .context("the widget asks for a name")?;
        anyhow::ensure!(shop.pre_chat_shown().await?, "the fields stay until the first message");

        shop.fill_pre_chat("Kim Tester", "Kim@Example.com").await?;
        shop.driver.find(By::Css("[data-testid=send]")).await?.click().await?;
        wait_for_message(&shop.driver, "shopper", question).await.context("the shopper's message is stored")?;
        anyhow::ensure!(!shop.pre_chat_shown().await?, "a shopper with a conversation is not asked again");

        console.claim("Kim Tester").await.context("the queue names the shopper")?;
        wait_for_message(&console.driver, "shopper", question).await.context("the agent sees the question")?;
        let name = console.fact("shopper-name").await?;
        let email = console.fact("shopper-email").await?;
        anyhow::ensure!(name == "Kim Tester" && email == "kim@example.com", "the agent sees {name:?} {email:?}");
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&shop.driver, "agent", answer).await.context("the shopper sees the answer")?;
        console.resolve().await.context("resolving")?;

        let thanks = shop.rate(4, "Quick and kind").await.context("the shopper rates the chat")?;
        anyhow::ensure!(thanks.contains("4 out of 5"), "the widget thanks with {thanks:?}");
        let score = console.fact("rating").await.context("the console shows the rating")?;
        let comment = console.fact("rating-comment").await?;
        anyhow::ensure!(
            score == "4 / 5" && comment.contains("Quick and kind"),
            "the console shows {score:?} {comment:?}"
        );

        console.driver.find(By::Css("[data-testid=dashboard-tab]")).await?.click().await?;
        let count = console.dashboard_figure("csat-count", |text| text == "1").await.context("the dashboard's CSAT")?;
        let percent = console.dashboard_figure("csat-percent", |_| true).await?;
        let average = console.dashboard_figure("csat-average", |_| true).await?;
        anyhow::ensure!(
            (count.as_str(), percent.as_str(), average.as_str()) == ("1", "100 %", "4.0 / 5"),
            "the dashboard shows {count:?} {percent:?} {average:?}"
        );
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn a_customer_the_shops_page_identifies_is_not_asked_again_and_the_agent_sees_them(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = serde_json::json!({
        "allowed_origins": [DEMO_PAGES_ORIGIN],
        "pre_chat": {"name": "required", "email": "required"},
    });
    let shop_id = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    // The account page calls Parley.identify({id, name, email}) through the stub before the
    // loader arrives; here it embeds a shop that asks both before the first message.
    let shop = ShopPage::open_at(&env, &shop_id, "account").await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Where is my order 1042?";
        shop.open_chat().await.context("opening the chat")?;
        eventually("the composer", || async { find_visible(&shop.driver, "[data-testid=composer]").await }).await?;
        eventually("the pre-chat fields to go", || async { Ok((!shop.pre_chat_shown().await?).then_some(())) })
            .await
            .context("what the page told is not asked")?;
        send_message(&shop.driver, question).await.context("the customer writes")?;
        wait_for_message(&shop.driver, "shopper", question).await.context("the message is stored")?;

        console.claim("Kim Tester").await.context("the queue names the customer")?;
        let name = console.fact("shopper-name").await?;
        let email = console.fact("shopper-email").await?;
        anyhow::ensure!(name == "Kim Tester" && email == "kim@example.com", "the agent sees {name:?} {email:?}");
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn calls_queued_through_the_stub_take_effect_and_the_page_hears_the_chats_events(env: Arc<Env>) -> Result<()> {
    // /demo/api queues setContext, four listeners and open() through the stub before the tag.
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open_at(&env, &shop_id, "api").await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Is the SPRING coupon valid on the Trail Runner 2?";
        let answer = "It is, until the end of the month.";
        // Nobody clicks: the queued open() opens the panel.
        shop.enter_chat_frame().await.context("the queued open() made the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes in the opened chat")?;
        wait_for_message(&shop.driver, "shopper", question).await?;

        console.claim(question).await.context("claiming in the console")?;
        console.wait_for_page_fact("page-custom", "cart_value").await.context("the queued setContext")?;
        console.wait_for_page_fact("page-custom", "129.5").await?;
        console.wait_for_page_fact("page-custom", "SPRING").await?;
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&shop.driver, "agent", answer).await.context("the shopper sees the answer")?;

        shop.driver.enter_default_frame().await?;
        wait_for_text(&shop.driver, "[data-testid=events] li", "open").await.context("on('open') fired")?;
        wait_for_text(&shop.driver, "[data-testid=events] li", &format!("message: {answer}"))
            .await
            .context("on('message') fired with the text")?;
        // The tag's data attributes win over the shop's settings.
        let look = shop.launcher_look().await?;
        anyhow::ensure!(
            look.background == "rgb(242, 183, 5)" && look.color == "rgb(0, 0, 0)" && look.on_the_left,
            "data-color and data-position: {look:?}"
        );
        anyhow::ensure!(
            look.text.contains("Ask us") && look.label.starts_with("Ask us"),
            "data-launcher-text: {look:?}"
        );
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn a_single_page_shops_navigation_and_product_data_reach_the_agent(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open_at(&env, &shop_id, "spa").await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Which of these is lighter?";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await?;

        console.claim(question).await.context("claiming in the console")?;
        // From the page's schema.org Product JSON-LD.
        console.wait_for_page_fact("page-product", "Trail Runner 2").await.context("the product's name")?;
        console.wait_for_page_fact("page-sku", "TR2-42").await.context("the product's SKU")?;
        console.wait_for_page_fact("page-price", "129.00 EUR").await.context("the product's price")?;

        // The shop changes product through history.pushState, without loading a page.
        shop.driver.enter_default_frame().await?;
        shop.driver.find(By::Css("[data-testid=spa-alpine-shell]")).await?.click().await?;
        console
            .wait_for_page_fact("page-product", "Alpine Shell")
            .await
            .context("the new product reaches the agent")?;
        console.wait_for_page_fact("page-sku", "AS-7").await?;
        console.wait_for_page_fact("page-title", "Alpine Shell — Demo Shop").await.context("the new title")?;
        let href = console.driver.find(By::Css("article.chat a[data-testid=page-title]")).await?.attr("href").await?;
        anyhow::ensure!(
            href.as_deref().is_some_and(|href| href.ends_with("/demo/spa?product=alpine-shell")),
            "the page link is {href:?}"
        );
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn the_unread_badge_counts_answers_while_closed_and_clears_on_open(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let question = "Will you restock size 44 of the Trail Runner 2?";
        let answers = ["Yes, next week.", "I can reserve a pair for you."];
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await?;
        shop.driver.enter_default_frame().await?;
        shop.launcher().await?.click().await.context("closing the panel")?;

        console.claim(question).await.context("claiming in the console")?;
        for answer in answers {
            send_message(&console.driver, answer).await.context("the agent answers")?;
            wait_for_message(&console.driver, "agent", answer).await?;
        }
        let look = shop
            .wait_for_launcher("a badge of 2 while closed", |look| look.badge == "2")
            .await
            .context("the badge counts the answers")?;
        anyhow::ensure!(look.label == "Open chat, 2 unread", "the launcher's label: {:?}", look.label);
        let title = shop.driver.title().await?;
        anyhow::ensure!(title.starts_with("(2) Trail Runner 2"), "the page's title while unread: {title:?}");

        shop.open_chat().await.context("opening the chat again")?;
        wait_for_message(&shop.driver, "agent", answers[1]).await?;
        let chimes = shop.chimes().await?;
        anyhow::ensure!(chimes >= 1, "no chime for answers while the panel was closed");
        shop.driver.enter_default_frame().await?;
        let look = shop
            .wait_for_launcher("no badge once open", |look| look.badge.is_empty())
            .await
            .context("reading clears the badge")?;
        anyhow::ensure!(look.label == "Open chat", "the launcher's label: {:?}", look.label);
        let title = shop.driver.title().await?;
        anyhow::ensure!(title.starts_with("Trail Runner 2"), "the page's title once read: {title:?}");
        console.wait_for_seen().await.context("the agent sees the shopper read the answers")?;

        // Sound off: the next answer while closed only counts.
        shop.enter_chat_frame().await?;
        shop.driver.find(By::Css("[data-testid=sound]")).await?.click().await?;
        shop.driver.enter_default_frame().await?;
        shop.launcher().await?.click().await.context("closing the panel")?;
        let later = "They arrived today.";
        send_message(&console.driver, later).await?;
        shop.wait_for_launcher("a badge of 1", |look| look.badge == "1").await.context("the third answer")?;
        shop.enter_chat_frame().await?;
        let pressed = shop.driver.find(By::Css("[data-testid=sound]")).await?.attr("aria-pressed").await?;
        anyhow::ensure!(pressed.as_deref() == Some("false"), "the toggle says {pressed:?}");
        anyhow::ensure!(shop.chimes().await? == chimes, "a chime played with the sound off");
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    outcome
}

async fn the_launcher_and_the_chat_take_the_shops_colour_position_and_text(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop_id = seed_demo_page_shop(&env).await?;
    let owner = login(&api, &shop_id, "ana").await?;
    let path = format!("/api/shops/{shop_id}/settings");
    let (_, _, original) = api.get(&path, Some(&owner.cookie)).await?;
    let mut settings: serde_json::Value = serde_json::from_str(&original)?;
    settings["launcher"] = serde_json::json!({"color": "#1d2330", "position": "left", "text": "Chat with us"});
    let (status, body) = api.put(&path, &settings, Some(&owner.cookie)).await?;
    anyhow::ensure!(status == 200, "setting the launcher: {status} {body}");
    // Under the strict CSP too: the launcher's fetch and styles need nothing inline.
    let shop = ShopPage::open_at(&env, &shop_id, "strict-csp").await?;
    let outcome = async {
        let look = shop.wait_for_launcher("the shop's launcher", |look| look.text.contains("Chat with us")).await?;
        anyhow::ensure!(
            look.background == "rgb(29, 35, 48)" && look.color == "rgb(255, 255, 255)" && look.on_the_left,
            "the shop's colour, its readable text colour and corner: {look:?}"
        );
        shop.open_chat().await?;
        let header = eventually("the chat's themed header", || async {
            let header = shop.driver.find(By::Css(".parley-header")).await?;
            Ok(Some(header.css_value("background-color").await?))
        })
        .await?;
        // WebDriver may spell an opaque colour either way.
        anyhow::ensure!(
            header == "rgb(29, 35, 48)" || header == "rgba(29, 35, 48, 1)",
            "the chat's header is {header}"
        );
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

async fn the_chat_speaks_the_shoppers_language_and_set_locale_switches_it(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let outcome = async {
        shop.launcher().await.context("the loader draws the launcher")?;
        // Before the chat exists: it opens in the language asked for.
        shop.driver.execute("Parley.setLocale('pl')", Vec::new()).await?;
        shop.open_chat().await?;
        shop.wait_for_words(Locale::Polish).await.context("the chat opens in Polish")?;
        // The widget's own refusals are in the shopper's words too.
        send_message(&shop.driver, &"x".repeat(MAX_MESSAGE_CHARS + 1)).await?;
        let too_long = fill(word(Locale::Polish, Text::TooLong), &[&MAX_MESSAGE_CHARS.to_string()]);
        wait_for_text(&shop.driver, "[role=alert]", &too_long).await.context("a Polish refusal")?;
        // While it is open: the chat switches.
        shop.driver.enter_default_frame().await?;
        shop.driver.execute("Parley.setLocale('hu-HU')", Vec::new()).await?;
        shop.enter_chat_frame().await?;
        shop.wait_for_words(Locale::Hungarian).await.context("the chat switches to Hungarian")?;
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

/// How many cold first opens `a_shopper_can_type_as_soon_as_the_chat_opens` times: one in a
/// test run, more when `cargo xtask bench` sets `PARLEY_BENCH_RUNS`.
fn first_open_runs() -> usize {
    std::env::var("PARLEY_BENCH_RUNS").ok().and_then(|runs| runs.parse().ok()).unwrap_or(1)
}

/// Opens the chat in a fresh browser (nothing cached) and types at once; prints the time from
/// the click to the chat's `parley-ready` mark, both read from the browsers' own clocks, as a
/// `BENCH` line for `cargo xtask bench`. No duration is asserted: speed is the benchmark's.
async fn a_shopper_can_type_as_soon_as_the_chat_opens(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let mut millis = Vec::new();
    for _ in 0..first_open_runs() {
        let shop = ShopPage::open(&env, &shop_id).await?;
        let outcome = async {
            shop.launcher().await?;
            let click = "const launcher = document.querySelector('#parley-root').shadowRoot \
                 .querySelector('[data-testid=parley-launcher]'); \
                 const at = performance.timeOrigin + performance.now(); launcher.click(); return at;";
            let clicked_at =
                shop.driver.execute(click, Vec::new()).await?.json().as_f64().context("the click's time")?;
            shop.enter_chat_frame().await?;
            let ready = "const mark = performance.getEntriesByName('parley-ready')[0]; \
                 return mark ? performance.timeOrigin + mark.startTime : null;";
            let ready_at = eventually("the chat's ready mark", || async {
                Ok(shop.driver.execute(ready, Vec::new()).await?.json().as_f64())
            })
            .await?;
            // The keyboard is already in the composer: typing needs no click.
            shop.driver.active_element().await?.send_keys("Hello").await?;
            let typed = shop.driver.find(By::Css("[data-testid=composer]")).await?.prop("value").await?;
            anyhow::ensure!(typed.as_deref() == Some("Hello"), "the composer holds {typed:?}");
            Ok(ready_at - clicked_at)
        }
        .await;
        let _ = shop.driver.quit().await;
        millis.push(outcome?);
    }
    let shown: Vec<String> = millis.iter().map(|ms| format!("{ms:.0}")).collect();
    println!("BENCH first-open-click-to-ready-ms {}", shown.join(" "));
    Ok(())
}

/// Starts recording, from now on, what the page's WebSockets send, in the current frame: what a
/// client says when it reconnects (the `seq` it resumes from, the messages it sends again)
/// never shows on screen. Every socket's `send` goes through `WebSocket.prototype.send`.
async fn record_sent_frames(driver: &WebDriver) -> Result<()> {
    let script = r#"
        window.parleySentFrames = [];
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
            window.parleySentFrames.push([this.url, String(data)]);
            return send.call(this, data);
        };
    "#;
    driver.execute(script, Vec::new()).await?;
    Ok(())
}

/// The frames sent on conversation sockets since [`record_sent_frames`], in order, in the
/// current frame.
async fn sent_conversation_frames(driver: &WebDriver) -> Result<Vec<ClientFrame>> {
    let sent = driver.execute("return window.parleySentFrames || [];", Vec::new()).await?.json().clone();
    let mut frames = Vec::new();
    for pair in sent.as_array().into_iter().flatten() {
        let (Some(url), Some(text)) = (pair[0].as_str(), pair[1].as_str()) else { continue };
        if url.contains("/api/conversations/") {
            frames.push(serde_json::from_str(text).with_context(|| format!("a frame the page sent: {text}"))?);
        }
    }
    Ok(frames)
}

/// The `last_seq` of every `hello` among `frames`.
fn hellos(frames: &[ClientFrame]) -> Vec<u64> {
    frames
        .iter()
        .filter_map(|frame| match frame {
            ClientFrame::Hello { last_seq, .. } => Some(*last_seq),
            _ => None,
        })
        .collect()
}

/// The `client_id` of every `send` of `text` among `frames`.
fn sends_of(frames: &[ClientFrame], text: &str) -> Vec<String> {
    frames
        .iter()
        .filter_map(|frame| match frame {
            ClientFrame::Send { client_id, text: sent, .. } if sent == text => Some(client_id.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

async fn when_every_connection_drops_both_sides_resume_without_loss_or_doubling(env: Arc<Env>) -> Result<()> {
    // Its own edge: this case stops the edge it talks to, as a crash or a deploy does, and the
    // shared edge serves every other case.
    let mut edge = PrivateEdge::start("reconnect").await?;
    let env = Env { origin: edge.origin().to_owned(), ..Env::clone(&env) };
    let shop = ShopPage::open(&env, "demo").await?;
    let console = Console::sign_in(&env, "agent@demo.test", "parley-demo").await?;
    let outcome = async {
        let question = "Do the Trail Runner 2 run small?";
        let answer = "A little: take half a size up.";
        let written_offline = "Then a 43, please, written while the edge was down";
        let answered_offline = "Noted, answered while the edge was down";
        let asked_after = "And the colour, asked after the restart?";
        let answered_after = "Blue or black, answered after the restart";
        shop.open_chat().await.context("opening the chat")?;
        send_message(&shop.driver, question).await.context("the shopper writes")?;
        wait_for_message(&shop.driver, "shopper", question).await.context("the shopper's message is stored")?;
        console.claim(question).await.context("claiming in the console")?;
        wait_for_message(&console.driver, "shopper", question).await.context("the agent sees the question")?;
        send_message(&console.driver, answer).await.context("the agent answers")?;
        wait_for_message(&console.driver, "agent", answer).await?;
        wait_for_message(&shop.driver, "agent", answer).await.context("the shopper sees the answer")?;
        // Without notes both sides see every message, and `seq`s have no gaps: the number each
        // holds is the `seq` it must resume from.
        let shop_held = shop.driver.find_all(By::Css("[data-testid=message]")).await?.len();
        let console_held = console.driver.find_all(By::Css("[data-testid=message]")).await?.len();
        record_sent_frames(&shop.driver).await?;
        record_sent_frames(&console.driver).await?;

        edge.stop().await.context("stopping the edge")?;
        send_message(&shop.driver, written_offline).await.context("the shopper writes while the edge is down")?;
        wait_for_text(&shop.driver, "[data-testid=pending]", written_offline)
            .await
            .context("the widget shows the message as pending")?;
        send_message(&console.driver, answered_offline).await.context("the agent writes while the edge is down")?;
        wait_for_text(&console.driver, "[data-testid=pending]", answered_offline)
            .await
            .context("the console shows the reply as pending")?;
        anyhow::ensure!(
            messages_containing(&shop.driver, written_offline).await? == 0,
            "the widget shows a message as stored while the edge is down"
        );

        edge.start_again().await.context("starting the edge again")?;
        // Neither side is told: each comes back on its own, sends what is still pending, and
        // receives what the other sent.
        for (driver, side) in [(&shop.driver, "the widget"), (&console.driver, "the console")] {
            for (author, text) in [("shopper", written_offline), ("agent", answered_offline)] {
                wait_for_text_within(
                    RECONNECT_WAIT,
                    driver,
                    &format!("[data-testid=message][data-author={author}]"),
                    text,
                )
                .await
                .with_context(|| format!("{side} reconnects and shows {text:?} stored"))?;
            }
        }

        // Each resumed from the last `seq` it held, and resent the pending message with the id
        // it was first given.
        let shop_frames = sent_conversation_frames(&shop.driver).await?;
        let console_frames = sent_conversation_frames(&console.driver).await?;
        let shop_hellos = hellos(&shop_frames);
        let console_hellos = hellos(&console_frames);
        anyhow::ensure!(
            shop_hellos.first() == Some(&(shop_held as u64)),
            "the widget held {shop_held} messages and reconnected with hello last_seq {shop_hellos:?}"
        );
        anyhow::ensure!(
            console_hellos.first() == Some(&(console_held as u64)),
            "the console held {console_held} messages and reconnected with hello last_seq {console_hellos:?}"
        );
        for (side, frames, text) in
            [("widget", &shop_frames, written_offline), ("console", &console_frames, answered_offline)]
        {
            let ids = sends_of(frames, text);
            anyhow::ensure!(
                !ids.is_empty() && ids.iter().all(|id| id == &ids[0]),
                "the {side} sent {text:?} with the ids {ids:?}"
            );
        }

        // Live again, both ways.
        send_message(&shop.driver, asked_after).await.context("the shopper writes after the restart")?;
        wait_for_message(&console.driver, "shopper", asked_after).await.context("the agent sees it live")?;
        send_message(&console.driver, answered_after).await.context("the agent answers after the restart")?;
        wait_for_message(&shop.driver, "agent", answered_after).await.context("the shopper sees it live")?;
        wait_for_message(&shop.driver, "shopper", asked_after).await?;
        wait_for_message(&console.driver, "agent", answered_after).await?;

        // Everything is there exactly once on both sides, and nothing else came: no message
        // twice, and nothing left pending.
        let texts = [question, answer, written_offline, answered_offline, asked_after, answered_after];
        for (driver, side, held) in [(&shop.driver, "widget", shop_held), (&console.driver, "console", console_held)] {
            for text in texts {
                let shown = messages_containing(driver, text).await?;
                anyhow::ensure!(shown == 1, "the {side} shows {text:?} {shown} times");
            }
            let stored = driver.find_all(By::Css("[data-testid=message]")).await?.len();
            anyhow::ensure!(stored == held + 4, "the {side} shows {stored} messages: {held} before, 4 since");
            let pending = driver.find_all(By::Css("[data-testid=pending]")).await?.len();
            anyhow::ensure!(pending == 0, "the {side} still shows {pending} pending");
        }

        // The console's desk socket is back too: a new shopper's chat reaches its queue live,
        // and the agent claims it.
        let another = "A new shopper, after the restart";
        let api = Api::new(edge.origin());
        let ticket = api.new_conversation("demo").await?;
        let (mut socket, _) = shopper(&api, &ticket, 0).await?;
        send_acked(&mut socket, "after-restart", another).await?;
        console.claim(another).await.context("the queue shows a new chat after the restart")?;
        wait_for_message(&console.driver, "shopper", another).await.context("the claimed chat opens")?;
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    let _ = console.driver.quit().await;
    let stopped = edge.stop().await;
    outcome.and(stopped)
}

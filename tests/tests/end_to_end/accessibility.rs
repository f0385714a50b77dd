//! Accessibility in the browser: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules run against
//! the launcher on a shop's page and against the chat in the states a shopper meets it (empty
//! with the pre-chat fields, an error, waiting in the queue, answered, leave-your-e-mail,
//! rating), the live regions that announce what changes, and the chat full-screen on a phone;
//! and the console's owner screens: the team, the settings, the install page, the page of an
//! invite link and the sign-up page (the sign-up form itself in `owner_screens`, on an edge that
//! takes sign-ups), its canned answers' list and shortcuts' help, and its History view with the
//! shopper's memory beside a chat (earlier conversations and notes) and a past transcript.
//!
//! axe-core comes from `node_modules` (package-lock.json; `cargo xtask` installs it) and is
//! injected through WebDriver, as DevTools runs it: the chat page's CSP, which allows only
//! scripts from Parley's origin, does not apply to it.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::at_the_desk::{shop_with_canned_answers, waiting_shopper};
use crate::browser::{
    eventually, find_visible, seed_demo_page_shop, send_message, wait_for_message, wait_for_text, Console, Screen,
    ShopPage,
};
use crate::case;
use crate::client::Api;
use crate::history::asked;
use crate::owner_screens::ConsolePage;
use crate::runner::{Case, Env};
use crate::shops::{login, seed};

pub fn cases() -> Vec<Case> {
    vec![
        case!(browser the_launcher_and_the_opened_chat_pass_axe),
        case!(browser a_chat_from_the_queue_to_the_rating_passes_axe_and_announces_what_changes),
        case!(browser the_leave_your_email_form_passes_axe),
        case!(browser on_a_phone_the_chat_fills_the_screen_and_takes_typing),
        case!(browser the_consoles_owner_screens_and_the_invite_page_pass_axe),
        case!(browser the_consoles_canned_answers_list_and_shortcuts_help_pass_axe),
        case!(browser the_consoles_history_and_the_shoppers_memory_pass_axe),
    ]
}

/// axe-core's tags for the WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
const WCAG_AA: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Where npm puts axe-core's browser build.
const AXE_SCRIPT: &str = "node_modules/axe-core/axe.min.js";

/// What part of the current frame's document axe examines.
pub(crate) enum Scope {
    /// The whole document (the chat's own page).
    Document,
    /// The loader's shadow host and its open shadow tree, on the shop's page: the page around
    /// it is the shop's business.
    Launcher,
    /// The part of the page the selector names, with what it holds.
    Part(&'static str),
}

impl Scope {
    /// The selector of the part examined; `None` for the whole document.
    fn include(&self) -> Option<&'static str> {
        match self {
            Scope::Document => None,
            Scope::Launcher => Some("#parley-root"),
            Scope::Part(selector) => Some(selector),
        }
    }
}

/// One rule axe found broken, with where.
#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<ViolatingNode>,
}

#[derive(Debug, Deserialize)]
struct ViolatingNode {
    /// axe's selector; a list of selectors when it crosses into a shadow root.
    target: Value,
    #[serde(rename = "failureSummary")]
    failure_summary: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AxeReport {
    violations: Vec<Violation>,
    /// The ids of the rules that found something to check and passed: proof axe saw the part.
    passes: Vec<String>,
}

/// Runs axe's WCAG A and AA rules in the current frame (injecting axe first if this page has
/// not got it) and fails with every violation, naming `state`. Returns the rules that passed.
pub(crate) async fn ensure_accessible(driver: &WebDriver, state: &str, scope: Scope) -> Result<Vec<String>> {
    let report = run_axe(driver, scope).await.with_context(|| format!("running axe on {state}"))?;
    anyhow::ensure!(report.violations.is_empty(), "axe on {state}:\n{}", describe(&report.violations));
    Ok(report.passes)
}

async fn run_axe(driver: &WebDriver, scope: Scope) -> Result<AxeReport> {
    let loaded = driver.execute("return typeof window.axe === 'object';", Vec::new()).await?;
    if !loaded.json().as_bool().unwrap_or(false) {
        driver.execute(axe_script()?, Vec::new()).await.context("injecting axe-core")?;
    }
    // Frames are left out: the chat's frame is checked from inside, with its own copy of axe.
    // Only violations keep every node; of the passes we need no more than the rules' ids.
    let script = r#"
        const [include, tags] = arguments;
        const context = include ? { include: [[include]] } : document;
        const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'], iframes: false };
        return axe.run(context, options).then((results) => ({
            violations: results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
            })),
            passes: results.passes.map((rule) => rule.id),
        }));
    "#;
    let answer = driver.execute(script, vec![json!(scope.include()), json!(WCAG_AA)]).await?;
    serde_json::from_value(answer.json().clone()).context("reading axe's results")
}

/// axe-core's script (650 KB, read for each page that needs it: a handful per run).
fn axe_script() -> Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(AXE_SCRIPT);
    std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (`cargo xtask install` installs it)", path.display()))
}

/// One line per violation and one per place it was found, e.g.
/// `- color-contrast (serious): Elements must meet … at .parley-status: Fix any of …`.
fn describe(violations: &[Violation]) -> String {
    let mut lines = Vec::new();
    for violation in violations {
        let impact = violation.impact.as_deref().unwrap_or("unknown impact");
        lines.push(format!("- {} ({impact}): {}", violation.id, violation.help));
        for node in &violation.nodes {
            let summary = node.failure_summary.as_deref().unwrap_or_default().split_whitespace().collect::<Vec<_>>();
            lines.push(format!("    at {}: {}", selector(&node.target), summary.join(" ")));
        }
    }
    lines.join("\n")
}

/// axe's target as one selector: its parts, in successive shadow roots, joined by ` >> `.
fn selector(target: &Value) -> String {
    match target {
        Value::String(selector) => selector.clone(),
        Value::Array(parts) => parts.iter().map(selector).collect::<Vec<_>>().join(" >> "),
        other => other.to_string(),
    }
}

/// Starts keeping the text of every node added inside the first element matching `selector`,
/// in the current frame: what a live region there would announce.
async fn record_additions(driver: &WebDriver, selector: &str) -> Result<()> {
    let script = r#"
        window.parleyAdded = [];
        const record = (mutations) => mutations.forEach((m) => m.addedNodes.forEach((n) => parleyAdded.push(n.textContent)));
        new MutationObserver(record).observe(document.querySelector(arguments[0]), { childList: true, subtree: true });
    "#;
    driver.execute(script, vec![json!(selector)]).await?;
    Ok(())
}

/// The text of the nodes added since [`record_additions`].
async fn recorded_additions(driver: &WebDriver) -> Result<Vec<String>> {
    let answer = driver.execute("return window.parleyAdded || [];", Vec::new()).await?;
    Ok(serde_json::from_value(answer.json().clone())?)
}

/// How a screen reader hears changes to the first element matching `selector`, in the current
/// frame: the politeness of the nearest live region around it (`polite`, `assertive`, or
/// `off` outside any), from `aria-live` or the implicit value of its role.
async fn politeness_around(driver: &WebDriver, selector: &str) -> Result<String> {
    let script = r#"
        const implicit = { log: 'polite', status: 'polite', alert: 'assertive' };
        for (let node = document.querySelector(arguments[0]); node; node = node.parentElement) {
            const live = node.getAttribute('aria-live') || implicit[node.getAttribute('role')];
            if (live) return live;
        }
        return 'off';
    "#;
    let answer = driver.execute(script, vec![json!(selector)]).await?;
    answer.json().as_str().map(str::to_owned).ok_or_else(|| anyhow!("no element matches {selector}"))
}

async fn the_launcher_and_the_opened_chat_pass_axe(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open(&env, &shop_id).await?;
    let outcome = async {
        shop.launcher().await?;
        let passed = ensure_accessible(&shop.driver, "the launcher", Scope::Launcher).await?;
        // The launcher is a button inside a shadow root: axe named it, so it saw in.
        anyhow::ensure!(passed.iter().any(|rule| rule == "button-name"), "axe checked no button: {passed:?}");
        shop.open_chat().await?;
        eventually("the composer", || async { find_visible(&shop.driver, "[data-testid=composer]").await }).await?;
        let passed = ensure_accessible(&shop.driver, "the empty chat", Scope::Document).await?;
        anyhow::ensure!(passed.iter().any(|rule| rule == "color-contrast"), "axe checked no contrast: {passed:?}");
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

async fn a_chat_from_the_queue_to_the_rating_passes_axe_and_announces_what_changes(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    // The theme is the grey on which the better of black and white reaches 4.6:1, the least
    // core allows: whatever the chat draws in the theme's colours must not lose any of it.
    let settings = json!({
        "pre_chat": {"name": "required", "email": "optional"},
        "launcher": {"color": "#767676", "position": "right"},
    });
    let shop_id = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    // Signed in, Ana is online: a shopper waits in line with an expected wait.
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let shop = ShopPage::open_widget(&env, &shop_id).await;
    let outcome = async {
        let shop = shop?;
        let checked = async {
            let driver = &shop.driver;
            eventually("the pre-chat fields", || find_visible(driver, "[data-testid=pre-chat]")).await?;
            ensure_accessible(driver, "the empty chat with the pre-chat fields", Scope::Document).await?;

            // Without the required name the widget refuses in its alert, which interrupts.
            let questions = ["Do the Alpine boots run small?", "I usually wear 39."];
            send_message(driver, questions[0]).await?;
            eventually("the error", || find_visible(driver, ".parley-error")).await?;
            ensure_accessible(driver, "the chat refusing to send without a name", Scope::Document).await?;
            let error = politeness_around(driver, ".parley-error").await?;
            anyhow::ensure!(error == "assertive", "errors are announced {error}");

            shop.fill_pre_chat("Kim Tester", "kim@example.com").await?;
            driver.find(By::Css("[data-testid=send]")).await?.click().await?;
            wait_for_message(driver, "shopper", questions[0]).await?;
            send_message(driver, questions[1]).await?;
            wait_for_message(driver, "shopper", questions[1]).await?;
            wait_for_text(driver, ".parley-status", "in line").await.context("the queue status")?;
            wait_for_text(driver, "[data-testid=message][data-author=shopper]", "Sent").await?;
            ensure_accessible(driver, "the chat waiting in the queue", Scope::Document).await?;
            let status = politeness_around(driver, ".parley-status").await?;
            anyhow::ensure!(status == "polite", "the queue status is announced {status}");

            let answer = "They do: take a 40.";
            record_additions(driver, "[role=log]").await?;
            console.claim(questions[0]).await.context("the agent claims")?;
            send_message(&console.driver, answer).await.context("the agent answers")?;
            wait_for_message(driver, "agent", answer).await.context("the shopper sees the answer")?;
            // The chat was never in front of the shopper, so only the agent's read mark moves.
            wait_for_text(driver, "[data-testid=message][data-author=shopper]", "Read").await?;
            ensure_accessible(driver, "the chat with both sides' messages", Scope::Document).await?;
            let message = politeness_around(driver, "[data-testid=message][data-author=agent]").await?;
            anyhow::ensure!(message == "polite", "new messages are announced {message}");
            // The log announces what it gains: the answer, and not the questions again as it
            // redraws their read marks.
            let added = recorded_additions(driver).await?;
            anyhow::ensure!(
                added.iter().any(|text| text.contains(answer)) && !added.iter().any(|text| text.contains(questions[0])),
                "the log gained {added:?}"
            );

            console.resolve().await.context("the agent resolves")?;
            eventually("the rating form", || find_visible(driver, "[data-testid=rating-form]")).await?;
            ensure_accessible(driver, "the rating form", Scope::Document).await?;
            shop.rate(5, "").await.context("rating")?;
            ensure_accessible(driver, "the thanks for rating", Scope::Document).await?;
            Ok(())
        }
        .await;
        let _ = shop.driver.quit().await;
        checked
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

async fn the_leave_your_email_form_passes_axe(env: Arc<Env>) -> Result<()> {
    // Nobody of this shop signs in: no agent is online.
    let shop_id = seed(&Api::new(&env.origin), &env, "", json!({}), &[("ben", "owner")]).await?;
    let shop = ShopPage::open_widget(&env, &shop_id).await?;
    let outcome = async {
        let driver = &shop.driver;
        send_message(driver, "Is anyone there?").await?;
        let field =
            eventually("the leave-your-e-mail form", || find_visible(driver, "[data-testid=leave-email]")).await?;
        ensure_accessible(driver, "the leave-your-e-mail form", Scope::Document).await?;
        field.send_keys("kim@example.com").await?;
        driver.find(By::Css("[data-testid=leave-email-submit]")).await?.click().await?;
        wait_for_text(driver, "[data-testid=contact-email]", "kim@example.com").await?;
        ensure_accessible(driver, "the confirmed e-mail", Scope::Document).await?;
        Ok(())
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

/// Where an element lies in its frame's viewport, and how big that viewport is, in CSS pixels.
#[derive(Debug, Deserialize)]
struct Placement {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    viewport_width: f64,
    viewport_height: f64,
}

/// Half a pixel: browsers place boxes at fractions of a pixel.
const ROUNDING: f64 = 0.5;

impl Placement {
    /// Whether the element covers the whole viewport.
    fn fills_viewport(&self) -> bool {
        self.left <= ROUNDING
            && self.top <= ROUNDING
            && self.right >= self.viewport_width - ROUNDING
            && self.bottom >= self.viewport_height - ROUNDING
    }

    /// Whether all of the element is in the viewport.
    fn inside_viewport(&self) -> bool {
        self.left >= -ROUNDING
            && self.top >= -ROUNDING
            && self.right <= self.viewport_width + ROUNDING
            && self.bottom <= self.viewport_height + ROUNDING
    }
}

/// Where `element` is, in the current frame.
async fn placement(driver: &WebDriver, element: &WebElement) -> Result<Placement> {
    let script = r#"
        const box = arguments[0].getBoundingClientRect();
        return { left: box.left, top: box.top, right: box.right, bottom: box.bottom,
                 viewport_width: innerWidth, viewport_height: innerHeight };
    "#;
    let answer = driver.execute(script, vec![element.to_json()?]).await?;
    serde_json::from_value(answer.json().clone()).context("reading a placement")
}

async fn on_a_phone_the_chat_fills_the_screen_and_takes_typing(env: Arc<Env>) -> Result<()> {
    let shop_id = seed_demo_page_shop(&env).await?;
    let shop = ShopPage::open_on(&env, &shop_id, "", Screen::Phone).await?;
    let outcome = async {
        let driver = &shop.driver;
        shop.open_chat().await.context("tapping the launcher")?;
        driver.enter_default_frame().await?;
        let root = driver.find(By::Css("#parley-root")).await?.get_shadow_root().await?;
        let frame = root.find(By::Css("iframe[data-testid=parley-frame]")).await?;
        let panel = placement(driver, &frame).await?;
        anyhow::ensure!(panel.viewport_width <= 375.0, "not a phone's viewport: {panel:?}");
        anyhow::ensure!(panel.fills_viewport(), "the chat does not fill the phone's screen: {panel:?}");

        frame.enter_frame().await?;
        let composer =
            eventually("the composer", || async { find_visible(driver, "[data-testid=composer]").await }).await?;
        for (what, element) in [
            ("composer", composer.clone()),
            ("send button", driver.find(By::Css("[data-testid=send]")).await?),
            ("close button", driver.find(By::Css(".parley-close")).await?),
        ] {
            let at = placement(driver, &element).await?;
            anyhow::ensure!(at.inside_viewport(), "the {what} is off the phone's screen: {at:?}");
        }
        ensure_accessible(driver, "the chat on a phone", Scope::Document).await?;
        let question = "Typed on a phone";
        composer.click().await?;
        composer.send_keys(question).await?;
        driver.find(By::Css("[data-testid=send]")).await?.click().await?;
        wait_for_message(driver, "shopper", question).await.context("the message is stored")
    }
    .await;
    let _ = shop.driver.quit().await;
    outcome
}

async fn the_consoles_owner_screens_and_the_invite_page_pass_axe(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"allowed_origins": ["https://shop.example"]}), &[("ana", "owner")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let mut others = Vec::new();
    let outcome = async {
        owner.wait_for("checklist").await?;
        ensure_accessible(&owner.driver, "the workspace with the checklist", Scope::Document).await?;
        owner.invite("bo@team.test").await?;
        ensure_accessible(&owner.driver, "the team with an invite link", Scope::Document).await?;
        owner.show("settings-tab", "settings-save").await?;
        ensure_accessible(&owner.driver, "the settings", Scope::Document).await?;
        owner.show("install-tab", "snippet").await?;
        ensure_accessible(&owner.driver, "the install page", Scope::Document).await?;

        let ana = login(&api, &shop, "ana").await?;
        let (status, body) = api
            .post(
                &format!("/api/shops/{shop}/invites"),
                &json!({"email": "cy@team.test", "role": "agent"}),
                Some(&ana.cookie),
            )
            .await?;
        anyhow::ensure!(status == 201, "inviting answered {status}: {body}");
        let link: parley_core::protocol::IssuedLink = serde_json::from_str(&body)?;
        let joining = ConsolePage::open(&env, "", &link.link).await?;
        joining.wait_for("accept-name").await?;
        ensure_accessible(&joining.driver, "the invite's page", Scope::Document).await?;
        others.push(joining);
        // The shared edge takes no sign-ups: the page says so.
        let signing_up = ConsolePage::open(&env, &env.origin, "/console/signup").await?;
        let shown = eventually("the sign-up page", || async {
            for testid in ["signup-closed", "signup-shop"] {
                if signing_up.has(testid).await? {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await;
        others.push(signing_up);
        shown?;
        ensure_accessible(&others[1].driver, "the sign-up page", Scope::Document).await?;
        Ok(())
    }
    .await;
    owner.quit().await;
    for page in others {
        page.quit().await;
    }
    outcome
}

async fn the_consoles_canned_answers_list_and_shortcuts_help_pass_axe(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let (shop_id, _) = shop_with_canned_answers(&api, &env).await?;
    let question = "Can I return an opened box?";
    waiting_shopper(&api, &shop_id, question).await?;
    let console = Console::sign_in_as(&env, &shop_id, "ana").await?;
    let outcome = async {
        let driver = &console.driver;
        console.claim(question).await?;
        console.composer().await?.send_keys("/").await?;
        console.wait_for_canned_options(2).await?;
        let passed = ensure_accessible(driver, "the canned answers' list", Scope::Part(".composer")).await?;
        anyhow::ensure!(passed.iter().any(|rule| rule == "aria-required-children"), "axe saw no list: {passed:?}");

        console.press(Key::Escape).await?;
        console.press(Key::Escape).await?;
        console.press("?").await?;
        eventually("the shortcuts' help", || find_visible(driver, "[data-testid=shortcuts-help]")).await?;
        let passed = ensure_accessible(driver, "the shortcuts' help", Scope::Part(".overlay")).await?;
        anyhow::ensure!(
            passed.iter().any(|rule| rule == "definition-list"),
            "axe saw no list of shortcuts: {passed:?}"
        );
        Ok(())
    }
    .await;
    let _ = console.driver.quit().await;
    outcome
}

async fn the_consoles_history_and_the_shoppers_memory_pass_axe(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    // The same browser asks twice, with a note kept on the first time: beside the second chat
    // the panel has an earlier conversation and a note to show.
    let device = json!({"device": "0123456789abcdef0123456789abcdef"});
    let (first, _first_socket) = asked(&api, &shop, device.clone(), "Do the Alpine boots run small?").await?;
    let notes = format!("/api/shops/{shop}/conversations/{}/shopper-notes", first.conversation_id);
    let (status, body) = api.post(&notes, &json!({"text": "Wears a 39."}), Some(&ana.cookie)).await?;
    anyhow::ensure!(status == 201, "a note answered {status}: {body}");
    let question = "Back again about the boots";
    let (_second, _second_socket) = asked(&api, &shop, device, question).await?;
    let console = Console::sign_in_as(&env, &shop, "ana").await?;
    let claimed = console.claim(question).await;
    let console = ConsolePage::from(console);
    let outcome = async {
        claimed?;
        console.wait_for("earlier-conversation").await?;
        console.wait_for("shopper-note").await?;
        let passed = ensure_accessible(&console.driver, "the shopper's memory", Scope::Part(".shopper-memory")).await?;
        anyhow::ensure!(passed.iter().any(|rule| rule == "list"), "axe saw no list: {passed:?}");

        let newest = console.show("history-tab", "search-result").await?;
        ensure_accessible(&console.driver, "the History view", Scope::Document).await?;
        newest.find(By::Css("button")).await?.click().await?;
        console.wait_for("past-conversation").await?;
        wait_for_message(&console.driver, "shopper", question).await?;
        ensure_accessible(&console.driver, "a past conversation", Scope::Document).await?;
        Ok(())
    }
    .await;
    console.quit().await;
    outcome
}

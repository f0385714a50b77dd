//! Browser cases of the owner's screens in the console: the sign-up page as the edge takes
//! sign-ups (closed, or by the operator's code); a shop signed up on an edge open to them,
//! whose owner lands on the getting-started checklist and finds the exact tag on the install
//! page; an invite accepted in a second browser, which opens the console signed in without the
//! owner's tabs; a removed agent's open console falling back to the sign-in form; the team
//! showing who is away, and the last owner's refused demotion beside them; a setting the
//! edge refuses, its message shown beside the field; a time zone picked, which ticks the
//! checklist's hours step; the installation check's origins, a
//! refused one allowed with one button; and a password-reset link used in the browser.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::accessibility::{ensure_accessible, Scope};
use crate::browser::{browser, eventually, Console};
use crate::case;
use crate::client::Api;
use crate::private_edge::PrivateEdge;
use crate::runner::{Case, Env};
use crate::shops::{agent_email, login, seed};
use parley_core::protocol::IssuedLink;

pub fn cases() -> Vec<Case> {
    vec![
        case!(browser a_shop_signs_up_in_the_console_and_its_owner_finds_the_checklist_and_the_tag),
        case!(browser sign_up_asks_for_the_operators_code_when_by_invitation_and_says_so_when_closed),
        case!(browser an_invite_accepted_in_another_browser_opens_the_console_without_the_owners_tabs),
        case!(browser a_removed_agents_open_console_shows_the_sign_in_form),
        case!(browser the_team_shows_an_agent_away_and_refuses_to_demote_the_last_owner),
        case!(browser a_setting_the_edge_refuses_shows_its_message_beside_the_field),
        case!(browser a_time_zone_picked_and_saved_ticks_the_checklists_hours_step),
        case!(browser the_install_page_shows_where_the_widget_loaded_and_allows_a_refused_origin),
        case!(browser a_password_reset_link_sets_a_new_password_that_signs_in),
    ]
}

/// The operator's key of the case's own production edge (unused here, but every edge has one).
const OPERATOR_KEY: &str = "operator-key-of-the-owner-screens-case";

/// A browser on one of the console's pages, found by their test hooks.
pub(crate) struct ConsolePage {
    pub(crate) driver: WebDriver,
}

impl ConsolePage {
    /// A fresh browser at `path` of the edge at `origin`.
    pub(crate) async fn open(env: &Env, origin: &str, path: &str) -> Result<Self> {
        let driver = browser(env).await?;
        driver.goto(format!("{origin}{path}")).await?;
        Ok(Self { driver })
    }

    /// The element with test hook `testid`, once it is shown.
    pub(crate) async fn wait_for(&self, testid: &str) -> Result<WebElement> {
        let selector = format!("[data-testid={testid}]");
        eventually(&selector, || async { Ok(self.driver.find(By::Css(&selector)).await.ok()) }).await
    }

    /// Types `text` into the field with test hook `testid`, once it is shown.
    pub(crate) async fn fill(&self, testid: &str, text: &str) -> Result<()> {
        let field = self.wait_for(testid).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    pub(crate) async fn click(&self, testid: &str) -> Result<()> {
        self.wait_for(testid).await?.click().await?;
        Ok(())
    }

    /// Whether an element with test hook `testid` is on the page now.
    pub(crate) async fn has(&self, testid: &str) -> Result<bool> {
        Ok(!self.driver.find_all(By::Css(format!("[data-testid={testid}]"))).await?.is_empty())
    }

    /// The text of the element `testid`, once it has some.
    pub(crate) async fn text_of(&self, testid: &str) -> Result<String> {
        let selector = format!("[data-testid={testid}]");
        eventually(&format!("{selector} with text"), || async {
            match self.driver.find(By::Css(&selector)).await {
                Ok(element) => Ok(Some(element.text().await?).filter(|text| !text.trim().is_empty())),
                Err(_) => Ok(None),
            }
        })
        .await
    }

    /// Waits until the workspace is open (its first tab is shown).
    pub(crate) async fn wait_for_workspace(&self) -> Result<()> {
        self.wait_for("chats-tab").await.map(drop)
    }

    /// Switches the workspace to the view of `tab` and waits for the view's `testid`.
    pub(crate) async fn show(&self, tab: &str, testid: &str) -> Result<WebElement> {
        self.click(tab).await?;
        self.wait_for(testid).await
    }

    /// The invite link an owner makes for `email` on the team view.
    pub(crate) async fn invite(&self, email: &str) -> Result<String> {
        self.show("team-tab", "team").await?;
        self.fill("invite-email", email).await?;
        self.click("invite-submit").await?;
        let field = self.wait_for("invite-link").await?;
        eventually("the invite link", || async { Ok(field.prop("value").await?.filter(|link| link.contains("#"))) })
            .await
    }

    pub(crate) async fn quit(self) {
        let _ = self.driver.quit().await;
    }
}

impl From<Console> for ConsolePage {
    fn from(console: Console) -> Self {
        Self { driver: console.driver }
    }
}

async fn a_shop_signs_up_in_the_console_and_its_owner_finds_the_checklist_and_the_tag(env: Arc<Env>) -> Result<()> {
    let edge = PrivateEdge::production("console-signup", "open", OPERATOR_KEY).await?;
    let page = ConsolePage::open(&env, edge.origin(), "/console/signup").await?;
    let outcome = async {
        fill_sign_up(&page, "boot-corner", "kata@boots.test").await?;
        ensure!(!page.has("signup-code").await?, "an open edge asks for a code");
        ensure_accessible(&page.driver, "the sign-up form", Scope::Document).await?;
        page.click("signup-submit").await?;
        page.wait_for_workspace().await.context("the new owner lands in the console")?;
        page.wait_for("checklist").await.context("the getting-started checklist")?;
        let steps = page.driver.find_all(By::Css("[data-testid=checklist-step]")).await?;
        let mut undone = Vec::new();
        for step in steps {
            undone.push((step.attr("data-step").await?, step.attr("data-done").await?));
        }
        let expected = ["tag", "team", "hours"].map(|step| (Some(step.to_owned()), Some("false".to_owned())));
        ensure!(undone == expected, "a new shop's steps: {undone:?}");

        page.show("install-tab", "install").await?;
        let snippet = page.text_of("snippet").await?;
        let tag = format!(r#"<script async src="{}/widget.js" data-shop="boot-corner"></script>"#, edge.origin());
        ensure!(snippet == tag, "the snippet reads {snippet:?}, not {tag:?}");
        ensure_accessible(&page.driver, "the install page of a new shop", Scope::Document).await?;

        // The team step ticks itself once someone is invited.
        page.invite("lee@boots.test").await?;
        eventually("the team step done", || async {
            let step = page.driver.find(By::Css("[data-testid=checklist-step][data-step=team]")).await?;
            Ok((step.attr("data-done").await?.as_deref() == Some("true")).then_some(()))
        })
        .await?;
        Ok(())
    }
    .await;
    page.quit().await;
    outcome
}

/// Fills the sign-up form with a valid shop and owner (the code aside).
async fn fill_sign_up(page: &ConsolePage, shop: &str, email: &str) -> Result<()> {
    for (testid, text) in [
        ("signup-shop", shop),
        ("signup-shop-name", "Boot Corner"),
        ("signup-name", "Kata"),
        ("signup-email", email),
        ("signup-password", "correct horse battery"),
    ] {
        page.fill(testid, text).await.with_context(|| format!("filling {testid}"))?;
    }
    Ok(())
}

async fn sign_up_asks_for_the_operators_code_when_by_invitation_and_says_so_when_closed(env: Arc<Env>) -> Result<()> {
    // The shared edge is started without `PARLEY_SIGNUP`: closed, as a deploy's default.
    let closed = ConsolePage::open(&env, &env.origin, "/console/signup").await?;
    let outcome = async {
        let said = closed.text_of("signup-closed").await?;
        ensure!(said.contains("does not take sign-ups"), "a closed edge's sign-up page says {said:?}");
        ensure!(!closed.has("signup-shop").await?, "a closed edge shows the form");
        Ok(())
    }
    .await;
    closed.quit().await;
    outcome?;

    let edge = PrivateEdge::production("console-signup-invite", "invite", OPERATOR_KEY).await?;
    let page = ConsolePage::open(&env, edge.origin(), "/console/signup").await?;
    let outcome = async {
        fill_sign_up(&page, "code-shop", "kata@code.test").await?;
        page.fill("signup-code", "a made-up code").await.context("the code field")?;
        page.click("signup-submit").await?;
        let refused = page.text_of("signup-code-error").await.context("a wrong code refused beside its field")?;
        ensure!(refused.contains("code"), "a wrong code's refusal reads {refused:?}");
        ensure!(!page.has("chats-tab").await?, "a wrong code signed up");
        Ok(())
    }
    .await;
    page.quit().await;
    outcome
}

async fn an_invite_accepted_in_another_browser_opens_the_console_without_the_owners_tabs(env: Arc<Env>) -> Result<()> {
    let shop = seed(&Api::new(&env.origin), &env, "", json!({}), &[("ana", "owner")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let mut newcomer = None;
    let outcome = async {
        owner.wait_for_workspace().await?;
        ensure!(owner.has("settings-tab").await? && owner.has("install-tab").await?, "an owner lacks their tabs");
        let link = owner.invite(&agent_email(&shop, "bo")).await?;
        ensure!(link.starts_with(&format!("{}/console/join#", env.origin)), "the invite link is {link:?}");

        let bo = newcomer.insert(ConsolePage::open(&env, "", &link).await?);
        bo.fill("accept-name", "Bo").await?;
        bo.fill("accept-password", "bo's long password").await?;
        bo.click("accept-submit").await?;
        bo.wait_for_workspace().await.context("Bo's console opens signed in")?;
        ensure!(bo.has("team-tab").await?, "an agent sees the team");
        ensure!(!bo.has("settings-tab").await? && !bo.has("install-tab").await?, "an agent sees the owner's tabs");
        // The team lists Bo, to the owner too.
        owner.show("team-tab", "team").await?;
        eventually("Bo on the team", || async {
            for member in owner.driver.find_all(By::Css("[data-testid=team-member]")).await? {
                if member.text().await?.contains("Bo") {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await?;
        Ok(())
    }
    .await;
    owner.quit().await;
    if let Some(bo) = newcomer {
        bo.quit().await;
    }
    outcome
}

async fn a_removed_agents_open_console_shows_the_sign_in_form(env: Arc<Env>) -> Result<()> {
    let shop = seed(&Api::new(&env.origin), &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let agent = ConsolePage::from(Console::sign_in_as(&env, &shop, "bo").await?);
    let outcome = async {
        agent.wait_for_workspace().await?;
        owner.show("team-tab", "team").await?;
        let bo_email = agent_email(&shop, "bo");
        let remove = eventually("Bo's remove button", || async {
            for member in owner.driver.find_all(By::Css("[data-testid=team-member]")).await? {
                if member.text().await?.contains(&bo_email) {
                    return Ok(member.find(By::Css("[data-testid=remove]")).await.ok());
                }
            }
            Ok(None)
        })
        .await?;
        remove.click().await?;
        owner.click("remove-confirm").await?;
        agent.wait_for("login-email").await.context("the removed agent's console shows the sign-in form")?;
        let notice = agent.text_of("login-notice").await?;
        ensure!(notice.contains("session ended"), "the sign-in form says {notice:?}");
        Ok(())
    }
    .await;
    owner.quit().await;
    agent.quit().await;
    outcome
}

async fn a_setting_the_edge_refuses_shows_its_message_beside_the_field(env: Arc<Env>) -> Result<()> {
    let shop = seed(&Api::new(&env.origin), &env, "", json!({}), &[("ana", "owner")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let outcome = async {
        owner.show("settings-tab", "settings").await?;
        owner.fill("settings-launcher-text", "Chat with us about anything at all, any time").await?;
        owner.click("settings-save").await?;
        let message = owner.text_of("settings-launcher-text-error").await.context("the refusal beside the field")?;
        ensure!(message.contains("30"), "the launcher text's refusal reads {message:?}");
        let invalid = owner.wait_for("settings-launcher-text").await?.attr("aria-invalid").await?;
        ensure!(invalid.as_deref() == Some("true"), "the field is not marked invalid: {invalid:?}");

        owner.fill("settings-launcher-text", "Chat with us").await?;
        owner.click("settings-save").await?;
        let saved = owner.text_of("settings-saved").await.context("saved once the text fits")?;
        ensure!(saved.contains("Saved"), "after saving: {saved:?}");
        let left = owner.wait_for("settings-launcher-text-error").await?.text().await?;
        ensure!(left.trim().is_empty(), "the old refusal stays: {left:?}");
        Ok(())
    }
    .await;
    owner.quit().await;
    outcome
}

async fn the_install_page_shows_where_the_widget_loaded_and_allows_a_refused_origin(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let settings = json!({"allowed_origins": ["https://shop.example"]});
    let shop = seed(&api, &env, "", settings, &[("ana", "owner")]).await?;
    // What the loader on each page asks for; a page's origin rides in `Origin`.
    let launcher = format!("/api/shops/{shop}/launcher");
    for origin in ["https://shop.example", "https://staging.shop.example"] {
        let (status, _, body) = api.get_with(&launcher, &[("origin", origin)]).await?;
        ensure!(status == 200, "the launcher for {origin} answered {status}: {body}");
    }
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let outcome = async {
        owner.show("install-tab", "install").await?;
        let seen = owner.text_of("install-seen").await?;
        // When, in words: "just now" on a quick machine, "1 minute ago" on a slow one.
        let when = |text: &str| text.contains("just now") || text.contains(" ago");
        ensure!(seen.starts_with("Seen on https://shop.example ") && when(&seen), "the seen origin reads {seen:?}");
        let refused = owner.text_of("install-refused").await?;
        ensure!(
            refused.starts_with("Refused on https://staging.shop.example ")
                && refused.contains(": add it?")
                && when(&refused),
            "the refused origin reads {refused:?}"
        );
        owner.click("install-allow").await?;
        eventually("the refused origin allowed", || async {
            let origins = owner.text_of("install-origins").await?;
            let allowed = origins.contains("https://staging.shop.example") && !owner.has("install-refused").await?;
            Ok(allowed.then_some(()))
        })
        .await?;
        let ana = login(&api, &shop, "ana").await?;
        let (_, _, body) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
        let stored: serde_json::Value = serde_json::from_str(&body)?;
        ensure!(
            stored["allowed_origins"] == json!(["https://shop.example", "https://staging.shop.example"]),
            "the stored origins: {}",
            stored["allowed_origins"]
        );
        Ok(())
    }
    .await;
    owner.quit().await;
    outcome
}

async fn a_password_reset_link_sets_a_new_password_that_signs_in(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let bo_email = agent_email(&shop, "bo");
    let (status, body) =
        api.post(&format!("/api/shops/{shop}/team/resets"), &json!({"email": bo_email}), Some(&ana.cookie)).await?;
    ensure!(status == 201, "issuing a reset answered {status}: {body}");
    let link = serde_json::from_str::<IssuedLink>(&body)?.link;
    let page = ConsolePage::open(&env, "", &link).await?;
    let outcome = async {
        page.fill("reset-password", "bo's brand new password").await?;
        page.fill("reset-password-again", "bo's brand new password").await?;
        page.click("reset-submit").await?;
        let notice = page.text_of("login-notice").await.context("the sign-in form after the reset")?;
        ensure!(notice.contains("password is changed"), "the sign-in form says {notice:?}");
        page.fill("login-email", &bo_email).await?;
        page.fill("login-password", "bo's brand new password").await?;
        page.click("login-submit").await?;
        page.wait_for_workspace().await.context("the new password signs in")?;
        Ok(())
    }
    .await;
    page.quit().await;
    outcome
}

async fn a_time_zone_picked_and_saved_ticks_the_checklists_hours_step(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let outcome = async {
        let hours_done = || async {
            let step = owner.driver.find(By::Css("[data-testid=checklist-step][data-step=hours]")).await?;
            anyhow::Ok(step.attr("data-done").await?)
        };
        owner.wait_for("checklist").await?;
        ensure!(hours_done().await?.as_deref() == Some("false"), "a new shop's hours are set");
        owner.show("settings-tab", "settings-time-zone").await?;
        // As a person picks from the list: the value, then the change event.
        let pick = "const zone = document.querySelector('[data-testid=settings-time-zone]');
            zone.value = 'Europe/Budapest';
            zone.dispatchEvent(new Event('change', { bubbles: true }));";
        owner.driver.execute(pick, Vec::new()).await?;
        owner.click("settings-save").await?;
        eventually("the hours step done", || async {
            Ok((hours_done().await?.as_deref() == Some("true")).then_some(()))
        })
        .await?;
        let ana = login(&api, &shop, "ana").await?;
        let (_, _, body) = api.get(&format!("/api/shops/{shop}/settings"), Some(&ana.cookie)).await?;
        let stored: serde_json::Value = serde_json::from_str(&body)?;
        ensure!(stored["time_zone"] == "Europe/Budapest", "the stored time zone: {}", stored["time_zone"]);
        Ok(())
    }
    .await;
    owner.quit().await;
    outcome
}

/// The team member whose row contains `who`, on the team view `page` shows.
async fn member_row(page: &ConsolePage, who: &str) -> Result<WebElement> {
    eventually(&format!("{who} on the team"), || async {
        for member in page.driver.find_all(By::Css("[data-testid=team-member]")).await? {
            if member.text().await?.contains(who) {
                return Ok(Some(member));
            }
        }
        Ok(None)
    })
    .await
}

async fn the_team_shows_an_agent_away_and_refuses_to_demote_the_last_owner(env: Arc<Env>) -> Result<()> {
    let shop = seed(&Api::new(&env.origin), &env, "", json!({}), &[("ana", "owner"), ("bo", "agent")]).await?;
    let owner = ConsolePage::from(Console::sign_in_as(&env, &shop, "ana").await?);
    let agent = ConsolePage::from(Console::sign_in_as(&env, &shop, "bo").await?);
    let outcome = async {
        agent.show("team-tab", "team").await?;
        // The switch works once the desk socket is up.
        let away = agent.wait_for("away-toggle").await?;
        eventually("the away switch enabled", || async { Ok(away.is_enabled().await?.then_some(())) }).await?;
        away.click().await?;
        eventually("Bo away", || async {
            Ok((away.attr("aria-checked").await?.as_deref() == Some("true")).then_some(()))
        })
        .await?;

        owner.show("team-tab", "team").await?;
        let bo_email = agent_email(&shop, "bo");
        eventually("Bo shown away to the owner", || async {
            let presence = member_row(&owner, &bo_email).await?.find(By::Css("[data-testid=member-presence]")).await?;
            Ok((presence.text().await? == "Away").then_some(()))
        })
        .await?;

        // Ana is the only owner: making herself an agent is refused, beside her row.
        let ana_email = agent_email(&shop, "ana");
        let role = member_row(&owner, &ana_email).await?.find(By::Css("[data-testid=member-role]")).await?;
        let pick = "arguments[0].value = 'agent'; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));";
        owner.driver.execute(pick, vec![role.to_json()?]).await?;
        let refusal = eventually("the refusal beside Ana", || async {
            let row = member_row(&owner, &ana_email).await?;
            match row.find(By::Css(".member-error")).await {
                Ok(error) => Ok(Some(error.text().await?)),
                Err(_) => Ok(None),
            }
        })
        .await?;
        ensure!(refusal.contains("owner"), "the last owner's demotion refused with {refusal:?}");
        ensure!(owner.has("settings-tab").await?, "Ana lost the owner's tabs");
        Ok(())
    }
    .await;
    owner.quit().await;
    agent.quit().await;
    outcome
}

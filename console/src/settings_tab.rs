//! The Settings view, for the shop's owners: every setting of the shop (`GET
//! /api/shops/{shop}/settings`) in one form, saved whole with one button (`settings-save`) as
//! a JSON merge patch of the full settings, which the edge checks and answers as stored. Then
//! the form shows the stored settings and says so (`settings-saved`); a refusal shows its
//! message beside the field it names (`{field's hook}-error`), or at the top
//! (`settings-error`), and the form keeps what the owner typed. Beside the launcher and the
//! greeting, a live preview. Below the form, the shop's canned answers, saved one by one.

use crate::api::{get_json, patch_json};
use crate::canned_answers_card::CannedAnswersCard;
use crate::card::Card;
use crate::form_errors::{FieldError, FormErrors, GeneralError};
use crate::hours_editor::HoursEditor;
use crate::identity_examples::IdentityExamples;
use crate::launcher_preview::LauncherPreview;
use crate::origins_editor::OriginsEditor;
use crate::secret_field::SecretField;
use crate::select_field::SelectField;
use crate::settings_draft::{wire_name, SettingsDraft};
use crate::text_field::TextField;
use crate::time_zone_field::TimeZoneField;
use crate::webhook_fields::WebhookFields;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::industry::Industry;
use parley_core::launcher::LauncherPosition;
use parley_core::pre_chat::FieldRule;
use parley_core::protocol::ApiError;
use parley_core::settings::ShopSettings;

/// Every setting the form shows beside a field of its own, as the edge names them.
const FIELDS: &[&str] = &[
    "allowed_origins",
    "assignment.auto_assign",
    "assignment.capacity",
    "assignment.reroute_after_millis",
    "frt_target_seconds",
    "time_zone",
    "hours",
    "webhook",
    "identity_secret",
    "pre_chat.name",
    "pre_chat.email",
    "launcher.color",
    "launcher.position",
    "launcher.text",
    "greeting.text",
    "greeting.show_reply_time",
    "industry",
    "retention_days",
];

#[component]
pub fn SettingsTab(shop: ShopId, shop_changed: Trigger) -> impl IntoView {
    let draft = SettingsDraft::new();
    let loaded = RwSignal::new(None::<Result<(), ApiError>>);
    let errors = FormErrors::new(FIELDS);
    let saved = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/shops/{shop}/settings"));
    spawn_local_scoped(async move {
        let answer = get_json::<ShopSettings>(&path.get_value()).await;
        loaded.set(Some(answer.map(|settings| draft.fill(&settings))));
    });
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        if saving.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        let settings = match draft.settings() {
            Ok(settings) => settings,
            Err(refused) => return errors.show(refused),
        };
        saving.set(true);
        spawn_local_scoped(async move {
            // The whole settings as a merge patch: every field is named, and `null` (no
            // webhook, no launcher text) removes what was there.
            match patch_json::<_, ShopSettings>(&path.get_value(), &settings).await {
                Ok(stored) => {
                    draft.fill(&stored);
                    saved.set(true);
                    shop_changed.notify();
                }
                Err(refused) => errors.show(refused),
            }
            saving.set(false);
        });
    };
    let shop_name = StoredValue::new(shop.to_string());
    let shop = StoredValue::new(shop);
    view! {
        <section class="page" aria-labelledby="settings-heading" data-testid="settings">
            <header class="page-header">
                <h2 class="page-heading" id="settings-heading">
                    "Settings"
                </h2>
                <p class="page-intro">"How your widget looks and behaves, and how chats reach your team."</p>
            </header>
            {move || match loaded.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(refused)) => view! { <p class="error" role="alert">{refused.message}</p> }.into_any(),
                Some(Ok(())) => {
                    view! {
                        <form class="settings-form" on:submit=save novalidate>
                            <GeneralError errors testid="settings-error" />
                            <div class="cards">
                                <Card id="settings-embedding" title="Where your widget shows" wide=true>
                                    <OriginsEditor draft errors />
                                </Card>
                                <Card id="settings-look" title="Launcher and greeting" wide=true>
                                    <div class="look">
                                        <div class="look-fields">
                                            <LookFields draft errors />
                                        </div>
                                        <LauncherPreview draft shop_name=shop_name.get_value() />
                                    </div>
                                </Card>
                                <Card id="settings-hours" title="Opening hours" wide=true>
                                    <TimeZoneField value=draft.time_zone errors />
                                    <HoursEditor draft errors />
                                </Card>
                                <Card id="settings-assignment" title="Assignment">
                                    <AssignmentFields draft errors />
                                </Card>
                                <Card id="settings-pre-chat" title="Before the chat">
                                    <PreChatFields draft errors />
                                </Card>
                                <Card id="settings-shop" title="Your shop">
                                    <ShopFields draft errors />
                                </Card>
                                <Card id="settings-webhook" title="Webhook">
                                    <WebhookFields draft errors shop=shop.get_value() />
                                </Card>
                                <Card id="settings-identity" title="Identity verification" wide=true>
                                    <SecretField
                                        id="settings-identity-secret"
                                        label="Identity secret"
                                        hint="At least 16 characters; blank turns verification off."
                                        value=draft.identity_secret
                                        errors
                                        field="identity_secret"
                                    />
                                    <IdentityExamples />
                                </Card>
                            </div>
                            <div class="save-bar">
                                <button type="submit" class="button primary" data-testid="settings-save" disabled=move || saving.get()>
                                    {move || if saving.get() { "Saving…" } else { "Save settings" }}
                                </button>
                                <p class="success" role="status" data-testid="settings-saved">
                                    {move || saved.get().then_some("Saved.")}
                                </p>
                            </div>
                        </form>
                    }
                        .into_any()
                }
            }}
            // Saved on their own, each answer at once: not part of the settings' form.
            <div class="cards">
                <CannedAnswersCard shop=shop.get_value() />
            </div>
        </section>
    }
}

#[component]
fn LookFields(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    let positions = [(LauncherPosition::Right, "Bottom right"), (LauncherPosition::Left, "Bottom left")];
    view! {
        <div class="form-field">
            <label class="field-label" for="settings-color">
                "Colour"
            </label>
            <p class="field-hint" id="settings-color-hint">
                "The launcher, the chat's header and the shopper's messages; the text on it turns black or white, whichever reads better."
            </p>
            <input
                id="settings-color"
                class="color"
                type="color"
                data-testid="settings-color"
                aria-describedby="settings-color-hint settings-color-error"
                bind:value=draft.launcher_color
            />
            <FieldError errors field="launcher.color" id="settings-color-error" />
        </div>
        <SelectField
            id="settings-position"
            label="Corner"
            value=draft.launcher_position
            options=positions.map(|(position, reads)| (wire_name(&position), reads)).to_vec()
            errors
            field="launcher.position"
        />
        <TextField
            id="settings-launcher-text"
            label="Launcher text"
            hint="Up to 30 characters beside the icon, e.g. Chat with us; blank shows the icon alone."
            value=draft.launcher_text
            errors
            field="launcher.text"
        />
        <div class="form-field">
            <label class="field-label" for="settings-greeting">
                "Greeting"
            </label>
            <p class="field-hint" id="settings-greeting-hint">
                "Up to 300 characters, before anyone writes; blank greets in the shopper's language."
            </p>
            <textarea
                id="settings-greeting"
                class="field"
                rows="3"
                data-testid="settings-greeting"
                aria-describedby="settings-greeting-hint settings-greeting-error"
                bind:value=draft.greeting_text
            ></textarea>
            <FieldError errors field="greeting.text" id="settings-greeting-error" />
        </div>
        <Checkbox id="settings-reply-time" label="Show the typical reply time under the greeting" checked=draft.show_reply_time />
    }
}

#[component]
fn AssignmentFields(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    view! {
        <Checkbox
            id="settings-auto-assign"
            label="Assign waiting chats automatically to the least busy available agent"
            checked=draft.auto_assign
        />
        <TextField
            id="settings-capacity"
            label="Chats per agent"
            hint="The most automatic assignment gives one agent at once, 1 to 50."
            kind="number"
            value=draft.capacity
            errors
            field="assignment.capacity"
        />
        <TextField
            id="settings-reroute"
            label="Minutes to answer"
            hint="An assignee who has not answered by then loses the chat back to the queue."
            kind="number"
            value=draft.reroute_minutes
            errors
            field="assignment.reroute_after_millis"
        />
        <TextField
            id="settings-frt-target"
            label="First-response target, seconds"
            hint="The dashboard shows the share of first responses within it."
            kind="number"
            value=draft.frt_target_seconds
            errors
            field="frt_target_seconds"
        />
    }
}

#[component]
fn PreChatFields(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    let rules = || {
        [(FieldRule::Off, "Not asked"), (FieldRule::Optional, "Asked, optional"), (FieldRule::Required, "Required")]
            .map(|(rule, reads)| (rule.as_str().to_owned(), reads))
            .to_vec()
    };
    view! {
        <p class="field-hint">"What the widget asks a shopper before their first message."</p>
        <SelectField id="settings-pre-chat-name" label="Name" value=draft.pre_chat_name options=rules() errors field="pre_chat.name" />
        <SelectField
            id="settings-pre-chat-email"
            label="E-mail"
            value=draft.pre_chat_email
            options=rules()
            errors
            field="pre_chat.email"
        />
    }
}

#[component]
fn ShopFields(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    let industries = std::iter::once((String::new(), "Not chosen"))
        .chain(Industry::ALL.map(|industry| (wire_name(&industry), industry.name())))
        .collect();
    view! {
        <SelectField
            id="settings-industry"
            label="Industry"
            value=draft.industry
            options=industries
            errors
            field="industry"
        />
        <TextField
            id="settings-retention"
            label="Keep conversations, days"
            hint="Deleted that many days after their last message, 1 to 3650; blank keeps everything. Metrics stay."
            kind="number"
            value=draft.retention_days
            errors
            field="retention_days"
        />
    }
}

/// A setting that is on or off.
#[component]
fn Checkbox(id: &'static str, label: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="form-field checkbox">
            <input id=id type="checkbox" data-testid=id bind:checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

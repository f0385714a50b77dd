//! The settings' webhook: where the shop's desk posts each conversation event
//! (`settings-webhook-url`; blank turns it off) and the secret it signs them with
//! (`settings-webhook-secret`, with a generator), and a test event to the saved receiver
//! (`webhook-test`, `POST /api/shops/{shop}/webhook/tests`), whose answer shows
//! (`webhook-test-result`). A refusal of either field shows beside the URL.

use crate::api::post_empty_for_json;
use crate::form_errors::FormErrors;
use crate::secret_field::SecretField;
use crate::settings_draft::SettingsDraft;
use crate::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::ids::ShopId;
use parley_core::protocol::{ApiError, WebhookTestResult};

#[component]
pub fn WebhookFields(draft: SettingsDraft, errors: FormErrors, shop: ShopId) -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<WebhookTestResult, ApiError>>);
    let testing = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/shops/{shop}/webhook/tests"));
    let test = move |_| {
        if testing.get_untracked() {
            return;
        }
        testing.set(true);
        outcome.set(None);
        spawn_local_scoped(async move {
            outcome.set(Some(post_empty_for_json::<WebhookTestResult>(&path.get_value()).await));
            testing.set(false);
        });
    };
    let said = move || {
        outcome.get().map(|outcome| match outcome {
            Ok(WebhookTestResult { status: Some(status), .. }) => {
                (format!("Receiver answered {status}"), (200..300).contains(&status))
            }
            Ok(WebhookTestResult { error: Some(error), .. }) => (format!("Not delivered: {error}"), false),
            Ok(WebhookTestResult { status: None, error: None }) => ("Not delivered".to_owned(), false),
            Err(refused) => (refused.message, false),
        })
    };
    view! {
        <TextField
            id="settings-webhook-url"
            label="Webhook URL"
            hint="An https address of your server; blank sends nothing."
            kind="url"
            value=draft.webhook_url
            errors
            field="webhook"
        />
        <SecretField
            id="settings-webhook-secret"
            label="Signing secret"
            hint="At least 16 characters. Each request's Parley-Signature header is signed with it."
            value=draft.webhook_secret
            errors
            field="webhook.secret"
        />
        <div class="test-row">
            <button type="button" class="button small" data-testid="webhook-test" aria-busy=move || testing.get().then_some("true") on:click=test>
                {move || if testing.get() { "Sending…" } else { "Send a test event" }}
            </button>
            <span class="field-hint">"To the saved URL, signed with the saved secret: save first."</span>
        </div>
        <p class="test-result" role="status" data-testid="webhook-test-result">
            {move || said().map(|(text, good)| view! { <span class=if good { "success" } else { "error" }>{text}</span> })}
        </p>
    }
}

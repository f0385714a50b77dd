//! A secret the shop shares with its own server (the webhook's signing secret, the identity
//! secret): typed, or generated here from the browser's random numbers, long enough to guess
//! never. It is shown in the clear, since the owner copies it into their server's
//! configuration.

use crate::form_errors::{FieldError, FormErrors};
use leptos::prelude::*;

/// How many random bytes a generated secret holds (written as twice as many hex digits).
const SECRET_BYTES: usize = 24;

#[component]
pub fn SecretField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    field: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = format!("{hint_id} {error_id}");
    view! {
        <div class="form-field">
            <label class="field-label" for=id>
                {label}
            </label>
            <p class="field-hint" id=hint_id>
                {hint}
            </p>
            <div class="copy-row">
                <input
                    id=id
                    class="field mono"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    data-testid=id
                    aria-describedby=described_by
                    aria-invalid=move || errors.about(field).map(|_| "true")
                    bind:value=value
                />
                <button
                    type="button"
                    class="button small"
                    data-testid=format!("{id}-generate")
                    on:click=move |_| {
                        if let Some(secret) = random_secret() {
                            value.set(secret);
                        }
                    }
                >
                    "Generate"
                </button>
            </div>
            <FieldError errors field id=error_id />
        </div>
    }
}

/// A fresh secret from the browser's cryptographic random numbers; none if it has none.
fn random_secret() -> Option<String> {
    let mut bytes = [0u8; SECRET_BYTES];
    window().crypto().ok()?.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

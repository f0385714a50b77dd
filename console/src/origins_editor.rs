//! The settings' allowed origins: the sites whose pages may show the widget, one per row
//! (`settings-origin`), added (`settings-origin-add`) and removed; a refusal of any of them
//! shows under the list (`settings-origins-error`).

use crate::form_errors::{FieldError, FormErrors};
use crate::settings_draft::{SettingsDraft, TextRow};
use leptos::prelude::*;

#[component]
pub fn OriginsEditor(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    let rows = draft.allowed_origins;
    view! {
        <div class="form-field" role="group" aria-labelledby="settings-origins-label" aria-describedby="settings-origins-hint settings-origins-error">
            <p class="field-label" id="settings-origins-label">
                "Allowed origins"
            </p>
            <p class="field-hint" id="settings-origins-hint">
                "Where your pages are: https://shop.example, or http://localhost:* for any port. The widget shows nowhere else."
            </p>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="empty-rows">"None yet: the widget shows on no site."</p>
            </Show>
            <ul class="rows">
                <For each=move || rows.get() key=|row| row.key children=move |row| view! { <OriginRow row rows errors /> } />
            </ul>
            <button type="button" class="button small" data-testid="settings-origin-add" on:click=move |_| draft.add_origin()>
                "Add an origin"
            </button>
            <FieldError errors field="allowed_origins" id="settings-origins-error" />
        </div>
    }
}

#[component]
fn OriginRow(row: TextRow, rows: RwSignal<Vec<TextRow>>, errors: FormErrors) -> impl IntoView {
    let remove = move |_| rows.update(|rows| rows.retain(|other| other.key != row.key));
    view! {
        <li class="row">
            <input
                class="field"
                type="url"
                inputmode="url"
                placeholder="https://shop.example"
                aria-label="Allowed origin"
                aria-invalid=move || errors.about("allowed_origins").map(|_| "true")
                data-testid="settings-origin"
                bind:value=row.text
            />
            <button
                type="button"
                class="button small"
                aria-label=move || format!("Remove {}", row.text.get())
                on:click=remove
            >
                "Remove"
            </button>
        </li>
    }
}

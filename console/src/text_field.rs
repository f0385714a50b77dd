//! One labelled input of a form with the place for its refusal beside it: `id` is its element
//! id and its test hook, `{id}-error` the refusal's.

use crate::form_errors::{FieldError, FormErrors};
use leptos::prelude::*;

#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    /// The request's field this input fills, as the edge names it in a refusal.
    field: &'static str,
    /// The input's `type`; `text` unless given.
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Shown under the label: what the field takes.
    #[prop(optional)]
    hint: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="form-field">
            <label class="field-label" for=id>
                {label}
            </label>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            <input
                id=id
                class="field"
                type=kind.unwrap_or("text")
                autocomplete=autocomplete
                required=required
                data-testid=id
                aria-describedby=described_by
                aria-invalid=move || errors.about(field).map(|_| "true")
                bind:value=value
            />
            <FieldError errors field id=error_id />
        </div>
    }
}

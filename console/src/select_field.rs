//! One labelled choice of a form, with the place for its refusal beside it: `id` is its element
//! id and its test hook, `{id}-error` the refusal's. Each option's value is what the request
//! carries. The chosen option is marked on the options: a select's own value, set before its
//! options exist, would not take.

use crate::form_errors::{FieldError, FormErrors};
use leptos::prelude::*;

#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// Each option's value and what it reads as.
    options: Vec<(String, &'static str)>,
    errors: FormErrors,
    /// The request's field this choice fills, as the edge names it in a refusal.
    field: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="form-field">
            <label class="field-label" for=id>
                {label}
            </label>
            <select
                id=id
                class="field"
                data-testid=id
                aria-describedby=error_id.clone()
                aria-invalid=move || errors.about(field).map(|_| "true")
                on:change=move |event| value.set(event_target_value(&event))
            >
                {options
                    .into_iter()
                    .map(|(option, reads)| {
                        let chosen = {
                            let option = option.clone();
                            move || value.with(|value| value == &option)
                        };
                        view! { <option value=option prop:selected=chosen>{reads}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError errors field id=error_id />
        </div>
    }
}

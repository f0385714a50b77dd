//! The settings' time zone, which the opening hours are in: a picker of the IANA zones the
//! browser knows (`Intl.supportedValuesOf('timeZone')`), or a text field where it cannot list
//! them (`settings-time-zone` either way). The edge checks the name against its own list.

use crate::form_errors::{FieldError, FormErrors};
use crate::text_field::TextField;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn TimeZoneField(value: RwSignal<String>, errors: FormErrors) -> impl IntoView {
    let Some(mut zones) = supported_time_zones() else {
        return view! {
            <TextField
                id="settings-time-zone"
                label="Time zone"
                hint="An IANA name, e.g. Europe/Budapest or UTC"
                value
                errors
                field="time_zone"
            />
        }
        .into_any();
    };
    // Browsers leave out some names the edge takes (UTC among them): the one chosen stays
    // choosable.
    for kept in ["UTC".to_owned(), value.get_untracked()] {
        if !kept.is_empty() && !zones.contains(&kept) {
            zones.push(kept);
        }
    }
    zones.sort();
    view! {
        <div class="form-field">
            <label class="field-label" for="settings-time-zone">
                "Time zone"
            </label>
            <select
                id="settings-time-zone"
                class="field"
                data-testid="settings-time-zone"
                aria-describedby="settings-time-zone-error"
                aria-invalid=move || errors.about("time_zone").map(|_| "true")
                on:change=move |event| value.set(event_target_value(&event))
            >
                {zones
                    .into_iter()
                    .map(|zone| {
                        let chosen = {
                            let zone = zone.clone();
                            move || value.with(|value| value == &zone)
                        };
                        let value = zone.clone();
                        view! { <option value=value prop:selected=chosen>{zone}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError errors field="time_zone" id="settings-time-zone-error" />
        </div>
    }
    .into_any()
}

/// The browser's time zones, sorted, or `None` where it cannot list them.
fn supported_time_zones() -> Option<Vec<String>> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let list = js_sys::Reflect::get(&intl, &"supportedValuesOf".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let zones = list.call1(&intl, &"timeZone".into()).ok()?.dyn_into::<js_sys::Array>().ok()?;
    let zones: Vec<String> = zones.iter().filter_map(|zone| zone.as_string()).collect();
    (!zones.is_empty()).then_some(zones)
}

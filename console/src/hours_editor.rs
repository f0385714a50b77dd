//! The settings' opening hours: for each weekday, zero or more intervals it is open (a day
//! without any is closed), each from a time to a later one, `HH:MM` in the shop's time zone,
//! `24:00` being the day's end; added and removed per day. A refusal of any day shows under
//! the week (`settings-hours-error`).

use crate::form_errors::{FieldError, FormErrors};
use crate::settings_draft::{IntervalRow, SettingsDraft};
use leptos::prelude::*;
use parley_core::business_hours::Weekday;

#[component]
pub fn HoursEditor(draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    view! {
        <fieldset class="hours" aria-describedby="settings-hours-hint settings-hours-error">
            <legend class="field-label">"Opening hours"</legend>
            <p class="field-hint" id="settings-hours-hint">
                "Times as HH:MM, e.g. 09:00 to 17:30; 24:00 is midnight at the day's end. A day without hours is closed."
            </p>
            {Weekday::ALL
                .into_iter()
                .map(|day| view! { <Day day rows=draft.hours[day.index()] draft errors /> })
                .collect_view()}
            <FieldError errors field="hours" id="settings-hours-error" />
        </fieldset>
    }
}

#[component]
fn Day(day: Weekday, rows: RwSignal<Vec<IntervalRow>>, draft: SettingsDraft, errors: FormErrors) -> impl IntoView {
    let heading = format!("settings-hours-{}", day.index());
    let labelled_by = heading.clone();
    view! {
        <div class="day" role="group" aria-labelledby=labelled_by>
            <span class="day-name" id=heading>
                {day.to_string()}
            </span>
            <div class="day-intervals">
                <Show when=move || rows.with(Vec::is_empty)>
                    <span class="closed">"Closed"</span>
                </Show>
                <ul class="rows">
                    <For each=move || rows.get() key=|row| row.key children=move |row| view! { <Interval day row rows errors /> } />
                </ul>
            </div>
            <button
                type="button"
                class="button small"
                data-testid="settings-hours-add"
                aria-label=format!("Add hours on {day}")
                on:click=move |_| draft.add_interval(day)
            >
                "Add hours"
            </button>
        </div>
    }
}

#[component]
fn Interval(day: Weekday, row: IntervalRow, rows: RwSignal<Vec<IntervalRow>>, errors: FormErrors) -> impl IntoView {
    let invalid = move || errors.about("hours").map(|_| "true");
    let remove = move |_| rows.update(|rows| rows.retain(|other| other.key != row.key));
    view! {
        <li class="row interval">
            <input
                class="field time"
                inputmode="numeric"
                placeholder="09:00"
                size="5"
                aria-label=format!("{day} opens at")
                aria-invalid=invalid
                bind:value=row.opens
            />
            <span aria-hidden="true">"–"</span>
            <input
                class="field time"
                inputmode="numeric"
                placeholder="17:00"
                size="5"
                aria-label=format!("{day} closes at")
                aria-invalid=invalid
                bind:value=row.closes
            />
            <button
                type="button"
                class="button small"
                aria-label=move || format!("Remove {day} {} to {}", row.opens.get(), row.closes.get())
                on:click=remove
            >
                "Remove"
            </button>
        </li>
    }
}

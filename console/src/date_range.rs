//! The dashboard's window: a first and a last day (UTC, both included, as the report's days
//! are), or a preset of the last 7, 30 or 90 days up to today. A pick becomes the metrics
//! window `[first day's midnight, the midnight after the last day)`; a start after the end is
//! refused here, and anything the edge refuses (over 93 days) shows its message. Test hooks:
//! `data-testid="range-from"`, `"range-to"`, `"range-7"`, `"range-30"` and `"range-90"`.

use leptos::prelude::*;
use parley_core::time::UnixMillis;
use parley_core::utc_date;

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// The presets offered, in days up to today.
const PRESETS: [u64; 3] = [7, 30, 90];

/// A metrics window, `[from, to)`.
pub type Window = (UnixMillis, UnixMillis);

/// The window of the days from `first` to `last`, both `YYYY-MM-DD` and included.
fn picked(first: &str, last: &str) -> Result<Window, &'static str> {
    let from = utc_date::parse_date(first).ok_or("Pick a start date.")?;
    let last = utc_date::parse_date(last).ok_or("Pick an end date.")?;
    if from > last {
        return Err("The start date is after the end date.");
    }
    Ok((from, UnixMillis(last.0 + DAY_MILLIS)))
}

/// The window of the last `days` UTC days, today included.
fn last_days(now: UnixMillis, days: u64) -> Window {
    let tomorrow = now.0 - now.0 % DAY_MILLIS + DAY_MILLIS;
    (UnixMillis(tomorrow - days * DAY_MILLIS), UnixMillis(tomorrow))
}

/// The first and the last day a window shows: the last is the day of its last millisecond.
pub fn shown_days((from, to): Window) -> (String, String) {
    (utc_date::date(from), utc_date::date(UnixMillis(to.0.saturating_sub(1))))
}

/// The picker, showing `shown` (the report's window, once there is one) and calling `pick`
/// with a new window.
#[component]
pub fn DateRange(shown: Signal<Option<Window>>, pick: impl Fn(Window) + Copy + Send + Sync + 'static) -> impl IntoView {
    let first = NodeRef::<leptos::html::Input>::new();
    let last = NodeRef::<leptos::html::Input>::new();
    let refusal = RwSignal::new(None::<&'static str>);
    let days = move || shown.get().map(shown_days);
    let changed = move |_: leptos::ev::Event| {
        let (Some(first), Some(last)) = (first.get(), last.get()) else { return };
        match picked(&first.value(), &last.value()) {
            Ok(window) => {
                refusal.set(None);
                pick(window);
            }
            Err(why) => refusal.set(Some(why)),
        }
    };
    view! {
        <fieldset class="date-range">
            <legend class="visually-hidden">"Dates shown"</legend>
            <label class="date-field">
                <span>"From"</span>
                <input
                    type="date"
                    node_ref=first
                    data-testid="range-from"
                    prop:value=move || days().map(|(first, _)| first).unwrap_or_default()
                    on:change=changed
                />
            </label>
            <label class="date-field">
                <span>"To"</span>
                <input
                    type="date"
                    node_ref=last
                    data-testid="range-to"
                    prop:value=move || days().map(|(_, last)| last).unwrap_or_default()
                    on:change=changed
                />
            </label>
            {PRESETS
                .into_iter()
                .map(|preset| {
                    view! {
                        <button
                            type="button"
                            class="button small"
                            data-testid=format!("range-{preset}")
                            on:click=move |_| {
                                refusal.set(None);
                                pick(last_days(UnixMillis(js_sys::Date::now() as u64), preset));
                            }
                        >
                            {format!("{preset} days")}
                        </button>
                    }
                })
                .collect_view()}
            {move || refusal.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-04T00:00:00Z.
    const MARCH_4: u64 = 1_709_510_400_000;

    #[test]
    fn picked_days_are_whole_utc_days_both_included() {
        let cases = [
            ("2024-03-04", "2024-03-04", Ok((MARCH_4, MARCH_4 + DAY_MILLIS))),
            ("2024-03-04", "2024-03-10", Ok((MARCH_4, MARCH_4 + 7 * DAY_MILLIS))),
            ("2024-03-05", "2024-03-04", Err("The start date is after the end date.")),
            ("", "2024-03-04", Err("Pick a start date.")),
            ("2024-03-04", "", Err("Pick an end date.")),
            ("2024-02-30", "2024-03-04", Err("Pick a start date.")),
        ];
        for (first, last, expected) in cases {
            let expected = expected.map(|(from, to)| (UnixMillis(from), UnixMillis(to)));
            assert_eq!(picked(first, last), expected, "{first} to {last}");
        }
    }

    #[test]
    fn presets_end_today() {
        let noon = UnixMillis(MARCH_4 + 12 * 60 * 60 * 1000);
        assert_eq!(last_days(noon, 7), (UnixMillis(MARCH_4 - 6 * DAY_MILLIS), UnixMillis(MARCH_4 + DAY_MILLIS)));
        assert_eq!(last_days(UnixMillis(MARCH_4), 1), (UnixMillis(MARCH_4), UnixMillis(MARCH_4 + DAY_MILLIS)));
    }

    #[test]
    fn a_window_shows_its_first_and_last_day() {
        let cases = [
            ((MARCH_4, MARCH_4 + 7 * DAY_MILLIS), ("2024-03-04", "2024-03-10")),
            ((MARCH_4 + 1000, MARCH_4 + 7 * DAY_MILLIS + 1000), ("2024-03-04", "2024-03-11")),
        ];
        for ((from, to), (first, last)) in cases {
            assert_eq!(shown_days((UnixMillis(from), UnixMillis(to))), (first.to_owned(), last.to_owned()));
        }
    }
}

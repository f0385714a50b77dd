//! The dashboard's first line: how many shoppers are waiting for a first response right now and
//! how long the oldest has waited, in large type and amber while anyone waits, so a tail of
//! unanswered shoppers can't hide behind good averages; and how many of them are past the
//! shop's target, which the share within target counts as missed. Test hooks:
//! `data-testid="unanswered"`, `"unanswered-count"`, `"oldest-wait"` and `"waiting-past-target"`.

use crate::format;
use leptos::prelude::*;

#[component]
pub fn Unanswered(waiting: u64, oldest_seconds: Option<f64>, past_target: u64, target_seconds: u64) -> impl IntoView {
    let shoppers = if waiting == 1 { "shopper" } else { "shoppers" };
    let class = if waiting > 0 { "unanswered waiting" } else { "unanswered" };
    view! {
        <section
            class=class
            aria-labelledby="unanswered-heading"
            data-testid="unanswered"
        >
            <h3 class="visually-hidden" id="unanswered-heading">
                "Unanswered now"
            </h3>
            <p class="unanswered-figure">
                <span class="unanswered-count" data-testid="unanswered-count">
                    {waiting}
                </span>
                {format!(" {shoppers} waiting for a first response")}
            </p>
            <p class="unanswered-detail">
                "Oldest waiting: "
                <strong data-testid="oldest-wait">{format::seconds(oldest_seconds)}</strong>
                " · past the "
                {format::round_duration(target_seconds)}
                " target: "
                <strong data-testid="waiting-past-target">{past_target}</strong>
                " (counted as missed)"
            </p>
        </section>
    }
}

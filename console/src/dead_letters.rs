//! What the edge gave up delivering, for the shop's owners: how many deliveries were given up
//! after their retries (requests between the shop's objects, webhook events), and the latest,
//! each with what it was, where it went, how it last failed and when. From
//! `GET /api/shops/{shop}/dead-letters`. Test hooks: `data-testid="dead-letter-count"` and
//! `"dead-letter"` (one per listed letter).

use crate::format;
use leptos::prelude::*;
use parley_core::protocol::{DeadLetter, DeadLetterKind, DeadLetters};

/// How many of the latest dead letters are listed on the dashboard.
const LISTED: usize = 10;

#[component]
pub fn DeadLetterList(listing: DeadLetters) -> impl IntoView {
    view! {
        <p class="dead-letter-summary">
            "Deliveries given up after their retries: "
            <strong data-testid="dead-letter-count">{listing.count.to_string()}</strong>
        </p>
        <ul class="dead-letters">
            {listing.latest.into_iter().take(LISTED).map(|letter| view! { <Letter letter /> }).collect_view()}
        </ul>
    }
}

#[component]
fn Letter(letter: DeadLetter) -> impl IntoView {
    let kind = match letter.kind {
        DeadLetterKind::Request => "Request",
        DeadLetterKind::Webhook => "Webhook",
    };
    let when = format::time_of_day(letter.given_up_at);
    view! {
        <li class="dead-letter" data-testid="dead-letter">
            <span class="dead-letter-what">{format!("{kind}: {}", letter.what)}</span>
            " to "
            <span class="dead-letter-target">{letter.target}</span>
            <span class="dead-letter-failure">
                {format!(" — {} after {} attempts, given up at {when}", letter.last_failure, letter.attempts)}
            </span>
        </li>
    }
}

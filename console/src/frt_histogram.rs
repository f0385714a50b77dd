//! How first-response times spread: one bar per bucket of the metrics report ("≤ 30 s",
//! "≤ 1 min", … "> 24 h"), with its count. The bars are `<meter>`s styled in the stylesheet (the
//! page's CSP allows no inline styles) and hidden from screen readers, which read the counts.

use crate::format;
use leptos::prelude::*;
use parley_core::metrics::HistogramBucket;

#[component]
pub fn FrtHistogram(buckets: Vec<HistogramBucket>) -> impl IntoView {
    // The longest bar fills the width; all empty still draws an axis of empty bars.
    let most = buckets.iter().map(|bucket| bucket.count).max().unwrap_or(0).max(1);
    let rows: Vec<(String, u64)> = buckets
        .iter()
        .scan(None, |previous_bound, bucket| {
            let label = match (bucket.le_seconds, *previous_bound) {
                (Some(bound), _) => format!("≤ {}", format::round_duration(bound)),
                (None, Some(previous)) => format!("> {}", format::round_duration(previous)),
                (None, None) => "any".to_owned(),
            };
            *previous_bound = bucket.le_seconds.or(*previous_bound);
            Some((label, bucket.count))
        })
        .collect();
    view! {
        <figure class="histogram">
            <figcaption class="card-subheading" id="frt-histogram-caption">
                "First responses by time taken"
            </figcaption>
            <ul class="histogram-rows" aria-labelledby="frt-histogram-caption" data-testid="frt-histogram">
                {rows
                    .into_iter()
                    .map(|(label, count)| {
                        view! {
                            <li class="histogram-row">
                                <span class="histogram-label">{label}</span>
                                <meter
                                    class="histogram-bar"
                                    min="0"
                                    max=most.to_string()
                                    value=count.to_string()
                                    aria-hidden="true"
                                ></meter>
                                <span class="histogram-count">{count}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </figure>
    }
}

//! The shopper's rating of the resolved conversation, as a fact in the chat's header: the
//! score ("4 / 5") and their comment. Test hooks: `data-testid="rating"` and
//! `"rating-comment"`.

use crate::format;
use leptos::prelude::*;
use parley_core::rating::Rating;

#[component]
pub fn RatingFact(rating: Rating) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>"Rating"</dt>
            <dd>
                <span data-testid="rating">{format::score(rating.score)}</span>
                {rating.comment.map(|comment| view! { <q class="rating-comment" data-testid="rating-comment">{comment}</q> })}
            </dd>
        </div>
    }
}

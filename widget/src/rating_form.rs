//! "How did we do?": once an agent has resolved the conversation, the shopper rates it from 1
//! to 5 with an optional comment, once per resolved cycle; afterwards the widget thanks them
//! and shows their score. Test hooks: `rating-form`, `rating-score` (with `value` 1-5),
//! `rating-comment`, `rating-submit`, `rating-thanks`.

use crate::attention::focus_composer;
use crate::chat::Chat;
use crate::live::{keep_in, live, on_submit};
use crate::text::{t, t_with};
use leptos::prelude::*;
use parley_core::protocol::Status;
use parley_core::rating::{Rating, MAX_COMMENT_CHARS, MAX_SCORE, MIN_SCORE};
use parley_core::widget_text::Text;

/// How many scores there are to pick from.
const SCORES: usize = (MAX_SCORE - MIN_SCORE + 1) as usize;

/// "5 out of 5", for each score's label.
fn out_of(score: u8) -> String {
    t_with(Text::OutOf, &[&score.to_string(), &MAX_SCORE.to_string()])
}

/// The thanks once rated: "Thanks for rating us 4 out of 5."
fn thanks(rating: &Rating) -> String {
    t_with(Text::RatingThanks, &[&out_of(rating.score)])
}

#[component]
pub fn RatingForm(chat: Chat) -> impl IntoView {
    // The score picked, 0 until one is: a `u32` like the chime's count rather than an
    // `Option<u8>`, as each signal type costs the widget its own copy of the signal code.
    let score = RwSignal::new(0_u32);
    let comment = RwSignal::new(String::new());
    let resolved = move || chat.conversation().filter(|conversation| conversation.status == Status::Resolved);
    let given = move || resolved().and_then(|conversation| conversation.rating);
    let submit = on_submit(move || {
        let picked = u8::try_from(score.get_untracked()).ok().filter(|&score| score >= MIN_SCORE);
        if let (Some(live), Some(score)) = (chat.live.get_untracked(), picked) {
            live.rate(score, Some(comment.get_untracked()).filter(|comment| !comment.trim().is_empty()));
            focus_composer();
        }
    });
    // An array rather than a collected list: tachys draws a fixed array with far less code.
    let scores: [_; SCORES] = std::array::from_fn(|index| {
        let value = MIN_SCORE + index as u8;
        view! {
            <label class="parley-rating-score">
                <input
                    type="radio"
                    name="parley-rating"
                    value=value.to_string()
                    aria-label=out_of(value)
                    data-testid="rating-score"
                    on:change=move |_| score.set(u32::from(value))
                />
                {value}
            </label>
        }
    });
    view! {
        <p class="parley-notice" data-testid="rating-thanks" role="status" hidden=live(move || given().is_none())>
            {live(move || given().map(|rating| thanks(&rating)))}
        </p>
        <form
            class="parley-contact"
            data-testid="rating-form"
            on:submit=submit
            hidden=live(move || resolved().is_none_or(|conversation| conversation.rating.is_some()))
        >
            <fieldset class="parley-rating-scores">
                <legend class="parley-contact-label">{t(Text::RatingQuestion)}</legend>
                {scores}
            </fieldset>
            <label class="parley-contact-label" for="parley-rating-comment">{t(Text::RatingComment)}</label>
            <div class="parley-contact-row">
                <textarea
                    id="parley-rating-comment"
                    class="parley-contact-input"
                    rows="2"
                    maxlength=MAX_COMMENT_CHARS.to_string()
                    data-testid="rating-comment"
                    on:input=keep_in(comment)
                ></textarea>
                <button
                    type="submit"
                    class="parley-send"
                    data-testid="rating-submit"
                    disabled=live(move || score.get() == 0)
                >
                    {t(Text::RatingSubmit)}
                </button>
            </div>
        </form>
    }
}

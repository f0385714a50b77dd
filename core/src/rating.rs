//! A shopper's satisfaction rating of a resolved service cycle: a score from 1 to 5 and an
//! optional comment. A rating belongs to the cycle that was resolved; docs/METRICS.md says how
//! ratings make the shop's CSAT.

use crate::error::RatingError;
use crate::json::Json;
use crate::time::UnixMillis;
use crate::wire::{Fields, Object, Wire};
use crate::wire_serde::serde_via_wire;

/// The lowest score a shopper can give.
pub const MIN_SCORE: u8 = 1;
/// The highest score a shopper can give.
pub const MAX_SCORE: u8 = 5;
/// A score at or above this counts as a satisfied shopper in CSAT (4 and 5 of 5, the usual
/// top-two-box definition).
pub const SATISFIED_SCORE: u8 = 4;
/// The longest comment kept with a rating, in characters after trimming.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// A rating as stored with its cycle and shown to agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub score: u8,
    pub comment: Option<String>,
    /// When the shopper gave it.
    pub at: UnixMillis,
}

impl Rating {
    /// Checks a rating from outside: a score from [`MIN_SCORE`] to [`MAX_SCORE`], and a comment
    /// trimmed (an empty one is no comment) and at most [`MAX_COMMENT_CHARS`] long.
    pub fn given(score: u8, comment: Option<&str>, at: UnixMillis) -> Result<Rating, RatingError> {
        if !(MIN_SCORE..=MAX_SCORE).contains(&score) {
            return Err(RatingError::Score { min: MIN_SCORE, max: MAX_SCORE });
        }
        let comment = comment.map(str::trim).filter(|comment| !comment.is_empty());
        let chars = comment.map_or(0, |comment| comment.chars().count());
        if chars > MAX_COMMENT_CHARS {
            return Err(RatingError::CommentTooLong { chars, limit: MAX_COMMENT_CHARS });
        }
        Ok(Rating { score, comment: comment.map(str::to_owned), at })
    }

    /// Whether `other` says the same thing, whenever it was given: a repeat, e.g. sent again
    /// after a reconnect.
    pub fn says_the_same(&self, other: &Rating) -> bool {
        self.score == other.score && self.comment == other.comment
    }
}

impl Wire for Rating {
    fn to_json(&self) -> Json {
        let Self { score, comment, at } = self;
        Object::new().field("score", score).field("comment", comment).field("at", at).build()
    }

    fn from_json(json: &Json) -> Result<Self, crate::error::WireError> {
        let fields = Fields::of(json)?;
        Ok(Rating {
            score: fields.required("score")?,
            comment: fields.required("comment")?,
            at: fields.required("at")?,
        })
    }
}

serde_via_wire!(Rating);

/// Whether a score counts as a satisfied shopper.
pub fn satisfied(score: u8) -> bool {
    score >= SATISFIED_SCORE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_from_outside() {
        let at = UnixMillis(1_700_000_000_000);
        let long = "é".repeat(MAX_COMMENT_CHARS);
        let too_long = "é".repeat(MAX_COMMENT_CHARS + 1);
        let rating = |score, comment: Option<&str>| Rating { score, comment: comment.map(str::to_owned), at };
        /// Name, score, comment, and the rating kept or why it is refused.
        type Case<'a> = (&'a str, u8, Option<&'a str>, Result<Rating, RatingError>);
        let cases: Vec<Case> = vec![
            ("the lowest score", 1, None, Ok(rating(1, None))),
            ("the highest score with a comment", 5, Some("Quick and kind"), Ok(rating(5, Some("Quick and kind")))),
            ("a comment is trimmed", 4, Some("  thanks \n"), Ok(rating(4, Some("thanks")))),
            ("a blank comment is no comment", 3, Some(" \n\t "), Ok(rating(3, None))),
            ("a comment at the limit", 2, Some(&long), Ok(rating(2, Some(&long)))),
            (
                "a comment over the limit",
                2,
                Some(&too_long),
                Err(RatingError::CommentTooLong { chars: MAX_COMMENT_CHARS + 1, limit: MAX_COMMENT_CHARS }),
            ),
            ("zero", 0, None, Err(RatingError::Score { min: 1, max: 5 })),
            ("six", 6, Some("great"), Err(RatingError::Score { min: 1, max: 5 })),
            ("far out of range", u8::MAX, None, Err(RatingError::Score { min: 1, max: 5 })),
        ];
        for (name, score, comment, expected) in cases {
            assert_eq!(Rating::given(score, comment, at), expected, "{name}");
        }
    }

    #[test]
    fn a_repeat_says_the_same_whenever_it_was_given() {
        let first = Rating::given(4, Some("good"), UnixMillis(1)).expect("valid");
        let again = Rating::given(4, Some(" good "), UnixMillis(2)).expect("valid");
        let other = Rating::given(4, None, UnixMillis(2)).expect("valid");
        assert!(first.says_the_same(&again));
        assert!(!first.says_the_same(&other));
    }

    #[test]
    fn four_and_five_are_satisfied() {
        let satisfied: Vec<u8> = (MIN_SCORE..=MAX_SCORE).filter(|&score| satisfied(score)).collect();
        assert_eq!(satisfied, [4, 5]);
    }
}

//! Limits on what shoppers and agents may send, checked once here for every party.

use crate::error::TextError;

/// The longest message, in characters (Unicode scalar values), that a conversation accepts.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// The largest WebSocket frame, in bytes, the edge reads. A full-length message of 4-byte
/// characters plus its JSON envelope fits; anything larger is refused before parsing.
pub const MAX_FRAME_BYTES: usize = 4 * MAX_MESSAGE_CHARS + 1024;

/// Trims the text and checks it is neither empty nor longer than [`MAX_MESSAGE_CHARS`].
pub fn message_text(raw: &str) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(TextError::TooLong { chars, limit: MAX_MESSAGE_CHARS });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_rules() {
        let long = "é".repeat(MAX_MESSAGE_CHARS);
        let too_long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        let cases: &[(&str, Result<&str, TextError>)] = &[
            ("hello", Ok("hello")),
            ("  padded \n", Ok("padded")),
            ("", Err(TextError::Empty)),
            (" \n\t ", Err(TextError::Empty)),
            (&long, Ok(&long)),
            (&too_long, Err(TextError::TooLong { chars: MAX_MESSAGE_CHARS + 1, limit: MAX_MESSAGE_CHARS })),
        ];
        for (input, expected) in cases {
            let got = message_text(input);
            assert_eq!(got.as_deref(), expected.as_deref(), "input {input:?}");
        }
    }
}

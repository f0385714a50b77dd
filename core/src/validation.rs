//! Limits on what shoppers and agents may send, checked once here for every party.

use crate::error::{EmailError, TextError};
use crate::protocol::PageContext;

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

/// The longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Lowercases an e-mail address and checks its rough shape `local@domain.tld`. Only the shape:
/// whether mail arrives is for the mail system to tell. Only ASCII letters are lowercased:
/// Unicode case tables would cost the widget 8 KB, and mail systems fold no other letters.
pub fn email_address(raw: &str) -> Result<String, EmailError> {
    let email = raw.trim().to_ascii_lowercase();
    let well_formed = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.'));
    well_formed.then_some(email).ok_or(EmailError)
}

/// The longest page URL and title kept with a conversation, in characters.
pub const MAX_PAGE_URL_CHARS: usize = 2048;
pub const MAX_PAGE_TITLE_CHARS: usize = 300;

/// Shortens shopper-supplied page context to the stored limits. It is informational, so
/// it is trimmed rather than refused; only `http(s)` URLs are kept, as agents may click them.
pub fn page_context(page: PageContext) -> PageContext {
    let url = page.url.trim();
    let linkable = url.starts_with("https://") || url.starts_with("http://");
    PageContext {
        url: if linkable { url.chars().take(MAX_PAGE_URL_CHARS).collect() } else { String::new() },
        title: page.title.trim().chars().take(MAX_PAGE_TITLE_CHARS).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_context_is_trimmed_and_only_http_urls_kept() {
        let page = |url: &str, title: &str| PageContext { url: url.into(), title: title.into() };
        let cases = [
            (page("https://shop.test/p/1", " Shoes "), page("https://shop.test/p/1", "Shoes")),
            (page("javascript:alert(1)", "x"), page("", "x")),
            (
                page(&format!("http://a.test/{}", "x".repeat(3000)), &"t".repeat(400)),
                page(
                    &format!("http://a.test/{}", "x".repeat(MAX_PAGE_URL_CHARS - 14)),
                    &"t".repeat(MAX_PAGE_TITLE_CHARS),
                ),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(page_context(input.clone()), expected, "{input:?}");
        }
    }

    #[test]
    fn email_addresses() {
        for (raw, expected) in [
            (" Ana@Shop.Example ", Some("ana@shop.example")),
            ("no-at.example", None),
            ("@shop.example", None),
            ("a@nodot", None),
            ("a@.example", None),
            ("a b@c.de", None),
            ("a@b@c.de", None),
        ] {
            assert_eq!(email_address(raw).ok().as_deref(), expected, "{raw:?}");
        }
    }

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

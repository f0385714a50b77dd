//! Where a draft asks for a canned answer: a `/` that starts a word, and what was typed after
//! it up to the caret (no spaces). The browser counts the caret in UTF-16 units, Rust strings
//! in bytes; this module converts between them.

/// A `/` word at the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashQuery {
    /// The byte offset of the `/`.
    pub start: usize,
    /// The byte offset of the caret.
    pub end: usize,
    /// What was typed after the `/`.
    pub query: String,
}

/// The `/` word the caret (in UTF-16 units, as the browser gives it) ends, if any: the `/`
/// starts the draft or follows white space, so `and/or` and URLs never open the list.
pub fn at_caret(draft: &str, caret_utf16: usize) -> Option<SlashQuery> {
    let end = byte_offset(draft, caret_utf16);
    let before = &draft[..end];
    let start = before.rfind('/')?;
    let query = &before[start + 1..];
    let starts_word = before[..start].chars().next_back().is_none_or(char::is_whitespace);
    (starts_word && !query.chars().any(char::is_whitespace)).then(|| SlashQuery { start, end, query: query.to_owned() })
}

/// `draft` with the `/` word replaced by `text`, and the caret (in UTF-16 units) just after it.
pub fn replace(draft: &str, slash: &SlashQuery, text: &str) -> (String, usize) {
    let mut replaced = String::with_capacity(draft.len() + text.len());
    replaced.push_str(&draft[..slash.start]);
    replaced.push_str(text);
    let caret = replaced.encode_utf16().count();
    replaced.push_str(&draft[slash.end.min(draft.len())..]);
    (replaced, caret)
}

/// The byte offset of a UTF-16 offset in `text`, at a character's boundary (past the end: the
/// end).
fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (offset, c) in text.char_indices() {
        if units >= utf16 {
            return offset;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(draft: &str, caret: usize) -> Option<String> {
        at_caret(draft, caret).map(|slash| slash.query)
    }

    #[test]
    fn a_slash_starting_a_word_before_the_caret_asks() {
        let cases = [
            ("/", 1, Some("")),
            ("/ship", 5, Some("ship")),
            ("/ship", 3, Some("sh")),
            ("Thanks! /ret", 12, Some("ret")),
            ("line\n/ret", 9, Some("ret")),
            ("/ship now", 9, None),
            ("and/or", 6, None),
            ("see https://x.example/a", 23, None),
            ("no slash", 8, None),
            ("", 0, None),
            ("/ship", 99, Some("ship")),
            // "é" and "😀" are one and two UTF-16 units, two and four bytes.
            ("é /ok", 5, Some("ok")),
            ("😀 /ok", 6, Some("ok")),
        ];
        for (draft, caret, expected) in cases {
            assert_eq!(query(draft, caret).as_deref(), expected, "{draft:?} at {caret}");
        }
    }

    #[test]
    fn the_slash_word_is_replaced_and_the_caret_follows_the_text() {
        let cases = [
            ("/ship", 5, "We ship.", "We ship.", 8),
            ("Hi! /sh and more", 7, "We ship.", "Hi! We ship. and more", 12),
            ("😀 /sh", 6, "Szállítunk", "😀 Szállítunk", 13),
        ];
        for (draft, caret, text, expected, expected_caret) in cases {
            let slash = at_caret(draft, caret).expect("a slash word");
            assert_eq!(replace(draft, &slash, text), (expected.to_owned(), expected_caret), "{draft:?}");
        }
    }
}

//! Canned answers: texts a shop's owners prepare for questions that come again and again, which
//! agents insert by typing `/` and a few letters in the composer. Each has a title, a shortcut,
//! a text with placeholders (`{shopper.name}`, `{agent.name}`, each with an optional fallback
//! after `|`: `Hi {shopper.name|there}!`), optionally one text per language the widget speaks,
//! and a count of its uses that owners see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::CannedError;
use crate::locale::Locale;
use crate::validation::MAX_MESSAGE_CHARS;

/// The most canned answers a shop keeps.
pub const MAX_CANNED_ANSWERS: usize = 500;
/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;
/// The longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 30;

/// A canned answer as an owner writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedDraft {
    pub title: String,
    /// What the agent types after `/`: lower-case letters, digits, `-` and `_`.
    pub shortcut: String,
    /// The text, used when the shopper's language has none of its own.
    pub text: String,
    /// Texts by language tag (`hu`, `pl`, …): only languages the widget speaks.
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
}

/// A canned answer as the shop keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedAnswer {
    pub id: String,
    pub title: String,
    pub shortcut: String,
    pub text: String,
    pub translations: BTreeMap<String, String>,
    /// How many times agents inserted it.
    pub uses: u64,
}

impl CannedDraft {
    /// The draft as stored: trimmed, checked, the shortcut without a leading `/`.
    pub fn validated(self) -> Result<CannedDraft, CannedError> {
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
            return Err(CannedError::Title { max: MAX_TITLE_CHARS });
        }
        let shortcut = self.shortcut.trim().trim_start_matches('/').to_owned();
        let shortcut_ok = !shortcut.is_empty()
            && shortcut.chars().count() <= MAX_SHORTCUT_CHARS
            && shortcut.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !shortcut_ok {
            return Err(CannedError::Shortcut { max: MAX_SHORTCUT_CHARS });
        }
        let text = checked_text(&self.text, "text")?;
        let mut translations = BTreeMap::new();
        for (tag, text) in self.translations {
            let Some(locale) = Locale::ALL.into_iter().find(|locale| locale.tag() == tag) else {
                return Err(CannedError::Language { tag });
            };
            let text = text.trim();
            // A blank translation is none: the default text serves that language.
            if !text.is_empty() {
                translations.insert(locale.tag().to_owned(), checked_text(text, locale.tag())?);
            }
        }
        Ok(CannedDraft { title, shortcut, text, translations })
    }
}

fn checked_text(text: &str, which: &str) -> Result<String, CannedError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(CannedError::Text { which: which.to_owned(), max: MAX_MESSAGE_CHARS });
    }
    Ok(text.to_owned())
}

impl CannedAnswer {
    /// A stored answer from a validated draft.
    pub fn new(id: String, draft: CannedDraft, uses: u64) -> Self {
        let CannedDraft { title, shortcut, text, translations } = draft;
        Self { id, title, shortcut, text, translations, uses }
    }

    /// The text for a shopper who reads `locale`: its own translation, else the default text.
    pub fn text_for(&self, locale: Option<Locale>) -> &str {
        locale.and_then(|locale| self.translations.get(locale.tag())).unwrap_or(&self.text)
    }

    /// How well it matches what the agent typed after `/`: a shortcut that starts with it
    /// first, then a title or shortcut that contains it, then a text that does; `None` when
    /// nothing does. Case is ignored.
    pub fn rank(&self, query: &str) -> Option<u8> {
        let query = query.trim().to_lowercase();
        let contains = |haystack: &str| haystack.to_lowercase().contains(&query);
        if self.shortcut.starts_with(&query) {
            Some(0)
        } else if contains(&self.title) || self.shortcut.contains(&query) {
            Some(1)
        } else if contains(&self.text) || self.translations.values().any(|text| contains(text)) {
            Some(2)
        } else {
            None
        }
    }
}

/// The answers matching `query`, best first (by [`CannedAnswer::rank`], then most used, then
/// by shortcut).
pub fn matching<'a>(answers: &'a [CannedAnswer], query: &str) -> Vec<&'a CannedAnswer> {
    let mut ranked: Vec<(u8, &CannedAnswer)> =
        answers.iter().filter_map(|answer| answer.rank(query).map(|rank| (rank, answer))).collect();
    ranked.sort_by(|(a_rank, a), (b_rank, b)| {
        a_rank.cmp(b_rank).then(b.uses.cmp(&a.uses)).then_with(|| a.shortcut.cmp(&b.shortcut))
    });
    ranked.into_iter().map(|(_, answer)| answer).collect()
}

/// Who the placeholders name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placeholders<'a> {
    pub shopper_name: Option<&'a str>,
    pub agent_name: Option<&'a str>,
}

/// `text` with its placeholders filled: `{shopper.name}` and `{agent.name}` by the names
/// known, else by the fallback written after `|` (`{shopper.name|there}`), else by nothing.
/// Anything else in braces is left as written.
pub fn fill(text: &str, names: Placeholders<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inside = &after[..close];
        let (name, fallback) = inside.split_once('|').unwrap_or((inside, ""));
        let known = match name.trim() {
            "shopper.name" => Some(names.shopper_name),
            "agent.name" => Some(names.agent_name),
            _ => None,
        };
        match known {
            Some(value) => out.push_str(value.filter(|value| !value.trim().is_empty()).unwrap_or(fallback.trim())),
            None => {
                out.push('{');
                out.push_str(inside);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, shortcut: &str, text: &str) -> CannedDraft {
        CannedDraft { title: title.into(), shortcut: shortcut.into(), text: text.into(), translations: BTreeMap::new() }
    }

    fn answer(shortcut: &str, title: &str, text: &str, uses: u64) -> CannedAnswer {
        CannedAnswer::new(shortcut.into(), draft(title, shortcut, text), uses)
    }

    #[test]
    fn drafts_are_trimmed_and_checked() {
        let ok = draft("  Shipping ", "/shipping", " We ship in 2 days. ").validated();
        assert_eq!(ok, Ok(draft("Shipping", "shipping", "We ship in 2 days.")));
        let refused = [
            (draft("", "a", "x"), "title"),
            (draft("T", "Has Caps", "x"), "shortcut"),
            (draft("T", "", "x"), "shortcut"),
            (draft("T", "a", "   "), "text"),
            (draft("T", &"a".repeat(31), "x"), "shortcut"),
        ];
        for (draft, field) in refused {
            let error = draft.clone().validated().expect_err("refused");
            assert_eq!(error.field(), field, "{draft:?}");
        }
        let mut translated = draft("T", "t", "Hello");
        translated.translations = BTreeMap::from([("hu".into(), " Szia ".into()), ("pl".into(), " ".into())]);
        let stored = translated.validated().expect("valid");
        assert_eq!(stored.translations, BTreeMap::from([("hu".to_owned(), "Szia".to_owned())]));
        let mut klingon = draft("T", "t", "Hello");
        klingon.translations = BTreeMap::from([("tlh".into(), "nuqneH".into())]);
        assert_eq!(klingon.validated(), Err(CannedError::Language { tag: "tlh".into() }));
    }

    #[test]
    fn the_shoppers_language_is_preferred() {
        let mut draft = draft("Hi", "hi", "Hello!");
        draft.translations = BTreeMap::from([("hu".into(), "Szia!".into())]);
        let answer = CannedAnswer::new("1".into(), draft, 0);
        assert_eq!(answer.text_for(Some(Locale::Hungarian)), "Szia!");
        assert_eq!(answer.text_for(Some(Locale::Polish)), "Hello!");
        assert_eq!(answer.text_for(None), "Hello!");
    }

    #[test]
    fn matches_rank_shortcuts_then_titles_then_texts() {
        let answers = vec![
            answer("returns", "Returns policy", "30 days to return anything.", 1),
            answer("shipping", "Shipping times", "Orders ship within 2 days.", 5),
            answer("ship-abroad", "Abroad", "We ship to the EU.", 9),
            answer("hello", "Greeting", "Hi {shopper.name|there}!", 0),
        ];
        let shortcuts = |query: &str| matching(&answers, query).iter().map(|a| a.shortcut.clone()).collect::<Vec<_>>();
        assert_eq!(shortcuts("ship"), ["ship-abroad", "shipping"]);
        assert_eq!(shortcuts("RETURN"), ["returns"]);
        assert_eq!(shortcuts("days"), ["shipping", "returns"]);
        assert_eq!(shortcuts(""), ["ship-abroad", "shipping", "returns", "hello"]);
        assert!(shortcuts("zebra").is_empty());
    }

    #[test]
    fn placeholders_take_names_or_fallbacks() {
        let both = Placeholders { shopper_name: Some("Kata"), agent_name: Some("Ana") };
        let cases = [
            ("Hi {shopper.name}, I'm {agent.name}.", both, "Hi Kata, I'm Ana."),
            ("Hi {shopper.name|there}!", Placeholders::default(), "Hi there!"),
            ("Hi {shopper.name}!", Placeholders::default(), "Hi !"),
            ("Hi { shopper.name | there }!", Placeholders { shopper_name: Some(" "), agent_name: None }, "Hi there!"),
            ("Keep {order.id} and {unclosed", both, "Keep {order.id} and {unclosed"),
            ("No placeholders.", both, "No placeholders."),
        ];
        for (text, names, expected) in cases {
            assert_eq!(fill(text, names), expected, "{text}");
        }
    }
}

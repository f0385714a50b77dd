//! The languages the shopper widget speaks, and choosing one from what the shopper's side
//! prefers: the embed tag's `data-locale`, the shop page's `lang`, then the browser's
//! languages, most preferred first.

/// A language the widget has every string in (see `widget_text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    English,
    Hungarian,
    Polish,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::English, Locale::Hungarian, Locale::Polish];

    /// The BCP 47 language tag, e.g. for `<html lang>` and `Intl` formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::English => "en",
            Locale::Hungarian => "hu",
            Locale::Polish => "pl",
        }
    }

    /// The first language in `preferences` (comma-separated tags such as `hu-HU, en;q=0.8`,
    /// as in `Accept-Language` or the loader's list) that the widget speaks, matched by primary
    /// subtag; English when none is.
    pub fn negotiate(preferences: &str) -> Locale {
        preferences
            .split(',')
            .filter_map(|preference| {
                let tag = preference.split(';').next()?.trim();
                let primary = tag.split(['-', '_']).next()?;
                Locale::ALL.into_iter().find(|locale| primary.eq_ignore_ascii_case(locale.tag()))
            })
            .next()
            .unwrap_or(Locale::English)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_spoken_preference_wins() {
        let cases = [
            ("hu", Locale::Hungarian),
            ("pl-PL", Locale::Polish),
            ("HU_hu", Locale::Hungarian),
            ("de-DE, pl;q=0.9, en;q=0.8", Locale::Polish),
            ("fr, en-GB", Locale::English),
            ("en-US,hu", Locale::English),
            ("", Locale::English),
            ("klingon", Locale::English),
            (" ,;q=1,hu", Locale::Hungarian),
        ];
        for (preferences, expected) in cases {
            assert_eq!(Locale::negotiate(preferences), expected, "{preferences:?}");
        }
    }
}

//! How the chat launcher looks on a shop's pages: the shop's theme colour (also the chat's
//! accent), which corner it sits in, and an optional short text beside its icon. Part of the
//! shop's settings; the loader reads it, with the readable text colour core picks, from the
//! public `GET /api/shops/{shop}/launcher`.

use crate::color::Rgb;
use crate::error::SettingsError;
use crate::locale::Locale;
use crate::protocol::LauncherView;
use crate::widget_text::{word, Text};
use serde::{Deserialize, Serialize};

/// The longest launcher text, in characters: it must fit on a phone beside the icon.
pub const MAX_LAUNCHER_TEXT_CHARS: usize = 30;

/// The colour Parley uses when a shop has not chosen one.
pub const DEFAULT_COLOR: Rgb = Rgb::new(0x2f, 0x5b, 0xd3);

/// The bottom corner of the page the launcher sits in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherPosition {
    Left,
    #[default]
    Right,
}

/// The shop's launcher settings. Unknown fields are refused, like all settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LauncherSettings {
    /// The theme colour: the launcher's background and the chat's header and send button.
    pub color: Rgb,
    pub position: LauncherPosition,
    /// Shown beside the icon, e.g. "Chat with us"; only the icon when `None`.
    pub text: Option<String>,
}

impl Default for LauncherSettings {
    fn default() -> Self {
        Self { color: DEFAULT_COLOR, position: LauncherPosition::default(), text: None }
    }
}

impl LauncherSettings {
    /// The settings as stored: the text trimmed, and `None` when blank.
    pub fn validated(self) -> Result<Self, SettingsError> {
        let text = self.text.as_deref().map(str::trim).filter(|text| !text.is_empty());
        if let Some(text) = text {
            if text.chars().count() > MAX_LAUNCHER_TEXT_CHARS || text.chars().any(char::is_control) {
                return Err(SettingsError::LauncherText { max: MAX_LAUNCHER_TEXT_CHARS });
            }
        }
        Ok(Self { text: text.map(str::to_owned), ..self })
    }

    /// What the loader of `shop_name`'s pages is told, with the text colour for the theme.
    pub fn view(&self, shop_name: &str, locale: Locale) -> LauncherView {
        LauncherView {
            shop_name: shop_name.to_owned(),
            color: self.color,
            text_color: self.color.readable_text(),
            position: self.position,
            text: self.text.clone(),
            open_label: word(locale, Text::OpenChat).to_owned(),
            unread_label: word(locale, Text::Unread).to_owned(),
            frame_title: word(locale, Text::ChatFrame).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launcher_text_rules() {
        let with_text = |text: Option<&str>| {
            LauncherSettings { text: text.map(str::to_owned), ..LauncherSettings::default() }
                .validated()
                .map(|s| s.text)
        };
        let too_long = Err(SettingsError::LauncherText { max: MAX_LAUNCHER_TEXT_CHARS });
        type Text = Option<String>;
        let cases: Vec<(Text, Result<Text, SettingsError>)> = vec![
            (None, Ok(None)),
            (Some("  Chat with us ".into()), Ok(Some("Chat with us".into()))),
            (Some("   ".into()), Ok(None)),
            (Some("é".repeat(MAX_LAUNCHER_TEXT_CHARS)), Ok(Some("é".repeat(MAX_LAUNCHER_TEXT_CHARS)))),
            (Some("é".repeat(MAX_LAUNCHER_TEXT_CHARS + 1)), too_long.clone()),
            (Some("Chat\nnow".into()), too_long),
        ];
        for (text, expected) in cases {
            assert_eq!(with_text(text.as_deref()), expected, "{text:?}");
        }
    }

    #[test]
    fn the_view_carries_a_readable_text_colour_and_the_shoppers_words() {
        let cases = [
            (DEFAULT_COLOR, LauncherPosition::Right, Rgb::WHITE, Locale::English, "Open chat"),
            (Rgb::new(0xf2, 0xb7, 0x05), LauncherPosition::Left, Rgb::BLACK, Locale::Polish, "Otwórz czat"),
        ];
        for (color, position, text_color, locale, open_label) in cases {
            let view = LauncherSettings { color, position, text: None }.view("Demo Shop", locale);
            assert_eq!((view.color, view.text_color, view.position), (color, text_color, position));
            assert_eq!((view.shop_name.as_str(), view.open_label.as_str()), ("Demo Shop", open_label));
        }
    }

    #[test]
    fn launcher_settings_json() {
        let json = r##"{"color": "#F2B705", "position": "left", "text": "Ask us"}"##;
        let parsed: Result<LauncherSettings, _> = serde_json::from_str(json);
        let expected = LauncherSettings {
            color: Rgb::new(0xf2, 0xb7, 0x05),
            position: LauncherPosition::Left,
            text: Some("Ask us".into()),
        };
        assert_eq!(parsed.ok(), Some(expected));
        for refused in [r#"{"position": "top"}"#, r#"{"color": "red"}"#, r##"{"colour": "#000000"}"##] {
            assert!(serde_json::from_str::<LauncherSettings>(refused).is_err(), "{refused}");
        }
    }
}

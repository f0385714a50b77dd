//! The colour a shop themes its launcher and chat with, and the text colour that stays readable
//! on it: WCAG 2.2 AA asks for a contrast ratio of at least 4.5:1 for normal text.
//!
//! Of black and white, one always reaches at least 4.58:1 against any colour (the two ratios
//! are equal at a relative luminance of about 0.179, where both are √21), so the text colour is
//! simply whichever of the two contrasts more.

use crate::error::ColorError;
use serde::{Deserialize, Serialize};

/// An sRGB colour, written `#rrggbb` on the wire (stored lowercase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgb {
    red: u8,
    green: u8,
    blue: u8,
}

/// The smallest contrast ratio WCAG 2.2 AA allows for normal text.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

impl Rgb {
    pub const BLACK: Rgb = Rgb { red: 0, green: 0, blue: 0 };
    pub const WHITE: Rgb = Rgb { red: 255, green: 255, blue: 255 };

    pub const fn new(red: u8, green: u8, blue: u8) -> Rgb {
        Rgb { red, green, blue }
    }

    /// `#rrggbb`, in either case.
    pub fn parse(raw: &str) -> Result<Rgb, ColorError> {
        let digits = raw.strip_prefix('#').filter(|d| d.len() == 6 && d.chars().all(|c| c.is_ascii_hexdigit()));
        let channel = |at: usize| digits.and_then(|d| u8::from_str_radix(&d[at..at + 2], 16).ok());
        match (channel(0), channel(2), channel(4)) {
            (Some(red), Some(green), Some(blue)) => Ok(Rgb { red, green, blue }),
            _ => Err(ColorError),
        }
    }

    /// WCAG's relative luminance: 0 for black, 1 for white.
    fn luminance(self) -> f64 {
        let linear = |channel: u8| {
            let c = f64::from(channel) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue)
    }

    /// WCAG's contrast ratio between two colours, from 1 (none) to 21 (black on white).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Black or white, whichever reads better on this colour (always at least
    /// [`MIN_TEXT_CONTRAST`]).
    pub fn readable_text(self) -> Rgb {
        if self.contrast(Rgb::BLACK) > self.contrast(Rgb::WHITE) {
            Rgb::BLACK
        } else {
            Rgb::WHITE
        }
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }
}

impl TryFrom<String> for Rgb {
    type Error = ColorError;

    fn try_from(raw: String) -> Result<Rgb, ColorError> {
        Rgb::parse(&raw)
    }
}

impl From<Rgb> for String {
    fn from(color: Rgb) -> String {
        color.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        let cases = [
            ("#2f5bd3", Ok(Rgb::new(0x2f, 0x5b, 0xd3))),
            ("#FFFFFF", Ok(Rgb::WHITE)),
            ("#000000", Ok(Rgb::BLACK)),
            ("2f5bd3", Err(ColorError)),
            ("#2f5bd", Err(ColorError)),
            ("#2f5bd3a", Err(ColorError)),
            ("#2g5bd3", Err(ColorError)),
            ("#+f5bd3", Err(ColorError)),
            ("#é5bd3", Err(ColorError)),
            ("", Err(ColorError)),
        ];
        for (raw, expected) in cases {
            assert_eq!(Rgb::parse(raw), expected, "{raw:?}");
        }
        assert_eq!(Rgb::new(0x2f, 0x5b, 0xd3).to_string(), "#2f5bd3");
    }

    #[test]
    fn contrast_ratios_match_wcag() {
        let cases = [
            (Rgb::BLACK, Rgb::WHITE, 21.0),
            (Rgb::WHITE, Rgb::WHITE, 1.0),
            // WCAG's own example pairs, to two decimals.
            (Rgb::new(0x76, 0x76, 0x76), Rgb::WHITE, 4.54),
            (Rgb::new(0x77, 0x77, 0x77), Rgb::WHITE, 4.48),
        ];
        for (a, b, expected) in cases {
            let ratio = a.contrast(b);
            assert!((ratio - expected).abs() < 0.01, "{a} on {b}: {ratio}");
        }
    }

    #[test]
    fn the_text_colour_is_the_more_readable_of_black_and_white() {
        let cases = [
            ("#2f5bd3", Rgb::WHITE),
            ("#ffffff", Rgb::BLACK),
            ("#000000", Rgb::WHITE),
            ("#f2b705", Rgb::BLACK),
            ("#2a9d8f", Rgb::BLACK),
            ("#1d2330", Rgb::WHITE),
            ("#777777", Rgb::BLACK),
        ];
        for (raw, expected) in cases {
            assert_eq!(Rgb::parse(raw).map(Rgb::readable_text), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn every_colour_gets_text_of_at_least_aa_contrast() {
        let steps = (0..=255u8).step_by(5);
        for red in steps.clone() {
            for green in steps.clone() {
                for blue in steps.clone() {
                    let color = Rgb::new(red, green, blue);
                    let ratio = color.contrast(color.readable_text());
                    assert!(ratio >= MIN_TEXT_CONTRAST, "{color}: {ratio}");
                }
            }
        }
    }

    #[test]
    fn colours_travel_as_hex_text() {
        assert_eq!(serde_json::to_string(&Rgb::new(1, 2, 255)).ok().as_deref(), Some(r##""#0102ff""##));
        assert_eq!(serde_json::from_str::<Rgb>(r##""#0102FF""##).ok(), Some(Rgb::new(1, 2, 255)));
        assert!(serde_json::from_str::<Rgb>(r#""blue""#).is_err());
    }
}

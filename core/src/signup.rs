//! What a new shop and a new password must be: the rules of sign-up, of an operator creating a
//! shop, and of anyone choosing a password (accepting an invite, resetting, changing it).
//!
//! - A new shop's id is its handle in the embed tag and in URLs: 3 to 40 characters of a-z,
//!   0-9 and `-`, starting with a letter, not ending with `-`, and not a word Parley or a shop's
//!   visitors could mistake for Parley's own (`admin`, `api`, `console`, `parley`, `support`, …).
//!   Ids that exist already (`demo`, `_` in them) stay valid: these rules are only for new shops.
//! - A shop's name is 1 to 80 characters on one line.
//! - A password is at least 10 characters and not one of the most common passwords (compared
//!   without case), which are the first ones any guesser tries.

use serde::{Deserialize, Serialize};

use crate::error::SignupError;
use crate::ids::ShopId;

/// The fewest characters of a password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The most characters of a password (PBKDF2 hashes any length, but nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 200;
/// The fewest and most characters of a new shop's id.
pub const SHOP_ID_CHARS: (usize, usize) = (3, 40);
/// The most characters of a shop's name.
pub const MAX_SHOP_NAME_CHARS: usize = 80;
/// The most characters of a person's name.
pub const MAX_PERSON_NAME_CHARS: usize = 100;

/// Words no new shop may take as its id: they name Parley's own pages and routes, or would
/// let a shop pass for Parley or its staff.
const RESERVED_SHOP_IDS: [&str; 32] = [
    "admin",
    "administrator",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "blog",
    "console",
    "dashboard",
    "demo",
    "dev",
    "docs",
    "help",
    "login",
    "logout",
    "mail",
    "me",
    "new",
    "operator",
    "parley",
    "root",
    "security",
    "settings",
    "signup",
    "staff",
    "static",
    "status",
    "support",
    "system",
    "test",
    "www",
];

/// The passwords guessers try first (lowercase), from published lists of the most common ones,
/// at least 10 characters long (shorter ones are refused by length anyway).
const COMMON_PASSWORDS: [&str; 40] = [
    "1234567890",
    "0123456789",
    "0987654321",
    "1111111111",
    "123456789a",
    "1234567890a",
    "12345678910",
    "123123123123",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "asdfghjkl1",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "welcome1234",
    "football123",
    "baseball123",
    "superman123",
    "princess123",
    "sunshine123",
    "starwars123",
    "trustno1234",
    "abc1234567",
    "abcdefghij",
    "aaaaaaaaaa",
    "changeme123",
    "administrator",
    "qazwsxedcrfv",
    "1q2w3e4r5t6y",
];

/// A new shop, as sign-up or the operator asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShop {
    pub shop: String,
    pub name: String,
}

impl NewShop {
    /// The shop's id and trimmed name, once both follow the rules.
    pub fn checked(&self) -> Result<(ShopId, String), SignupError> {
        Ok((new_shop_id(&self.shop)?, shop_name(&self.name)?))
    }
}

/// Checks a new shop's id (module docs).
pub fn new_shop_id(raw: &str) -> Result<ShopId, SignupError> {
    let (min, max) = SHOP_ID_CHARS;
    let well_formed = (min..=max).contains(&raw.len())
        && raw.starts_with(|c: char| c.is_ascii_lowercase())
        && !raw.ends_with('-')
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return Err(SignupError::ShopId { min, max });
    }
    if RESERVED_SHOP_IDS.contains(&raw) {
        return Err(SignupError::ReservedShopId);
    }
    ShopId::parse(raw).map_err(|_| SignupError::ShopId { min, max })
}

/// Checks and trims a shop's name.
pub fn shop_name(raw: &str) -> Result<String, SignupError> {
    one_line(raw, MAX_SHOP_NAME_CHARS).ok_or(SignupError::ShopName { max: MAX_SHOP_NAME_CHARS })
}

/// Checks and trims the name a person gives themselves (an owner signing up, an agent joining).
pub fn person_name(raw: &str) -> Result<String, SignupError> {
    one_line(raw, MAX_PERSON_NAME_CHARS).ok_or(SignupError::PersonName { max: MAX_PERSON_NAME_CHARS })
}

/// `raw` trimmed, if it is 1 to `max` characters on one line.
fn one_line(raw: &str, max: usize) -> Option<String> {
    let trimmed = raw.trim();
    let fits = !trimmed.is_empty() && trimmed.chars().count() <= max && !trimmed.chars().any(char::is_control);
    fits.then(|| trimmed.to_owned())
}

/// Checks a password someone chose (module docs).
pub fn password(raw: &str) -> Result<(), SignupError> {
    let chars = raw.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(SignupError::ShortPassword { min: MIN_PASSWORD_CHARS });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(SignupError::LongPassword { max: MAX_PASSWORD_CHARS });
    }
    if COMMON_PASSWORDS.contains(&raw.to_lowercase().as_str()) {
        return Err(SignupError::CommonPassword);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_shop_ids() {
        let bad = Err(SignupError::ShopId { min: 3, max: 40 });
        let cases = [
            ("trail-shoes", Ok("trail-shoes")),
            ("abc", Ok("abc")),
            ("shop2go", Ok("shop2go")),
            (&"a".repeat(40), Ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")),
            ("ab", bad.clone()),
            (&"a".repeat(41), bad.clone()),
            ("2shoes", bad.clone()),
            ("-shoes", bad.clone()),
            ("shoes-", bad.clone()),
            ("Shoes", bad.clone()),
            ("shoe_box", bad.clone()),
            ("shoe box", bad.clone()),
            ("cipő", bad.clone()),
            ("console", Err(SignupError::ReservedShopId)),
            ("parley", Err(SignupError::ReservedShopId)),
            ("demo", Err(SignupError::ReservedShopId)),
        ];
        for (raw, expected) in cases {
            let got = new_shop_id(raw).map(|id| id.as_str().to_owned());
            assert_eq!(got, expected.map(str::to_owned), "{raw:?}");
        }
    }

    #[test]
    fn shop_names() {
        assert_eq!(shop_name("  Trail Shoes  "), Ok("Trail Shoes".to_owned()));
        for bad in ["", "   ", "Two\nlines", &"x".repeat(81)] {
            assert_eq!(shop_name(bad), Err(SignupError::ShopName { max: MAX_SHOP_NAME_CHARS }), "{bad:?}");
        }
        assert_eq!(person_name(" Kata Szabó "), Ok("Kata Szabó".to_owned()));
        assert_eq!(person_name(&"x".repeat(100)).map(|name| name.len()), Ok(100));
        for bad in ["", "Tab\there", &"x".repeat(101)] {
            assert_eq!(person_name(bad), Err(SignupError::PersonName { max: MAX_PERSON_NAME_CHARS }), "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        let cases = [
            ("correct horse battery", Ok(())),
            ("ten chars!", Ok(())),
            ("nine char", Err(SignupError::ShortPassword { min: 10 })),
            ("", Err(SignupError::ShortPassword { min: 10 })),
            ("Password123", Err(SignupError::CommonPassword)),
            ("QWERTYUIOP", Err(SignupError::CommonPassword)),
            ("1234567890", Err(SignupError::CommonPassword)),
        ];
        for (raw, expected) in cases {
            assert_eq!(password(raw), expected, "{raw:?}");
        }
        assert_eq!(password(&"x".repeat(201)), Err(SignupError::LongPassword { max: MAX_PASSWORD_CHARS }));
        assert!(COMMON_PASSWORDS.iter().all(|common| common.chars().count() >= MIN_PASSWORD_CHARS));
        assert!(COMMON_PASSWORDS.iter().all(|common| *common == common.to_lowercase()));
    }
}

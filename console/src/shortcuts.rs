//! The console's keyboard shortcuts, as Gmail, Front and Intercom users know them: `j`/`k`
//! move through the waiting chats, `c` claims, `e` resolves (Gmail's and Front's "done"), `r`
//! replies (into the composer), `?` lists them all and Escape leaves (the list, or the text
//! box). Letters never fire while the agent types in a field or presses Ctrl, Alt or ⌘, so
//! they take nothing from writing or from the browser's own shortcuts; Escape always does.

/// What a shortcut does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shortcut {
    NextWaiting,
    PreviousWaiting,
    Claim,
    Resolve,
    Reply,
    Help,
    Leave,
}

/// Every shortcut: its key as written on the keyboard, and what it does; the help overlay and
/// the README list them in this order.
pub const ALL: [(&str, Shortcut, &str); 7] = [
    ("j", Shortcut::NextWaiting, "Next waiting chat"),
    ("k", Shortcut::PreviousWaiting, "Previous waiting chat"),
    ("c", Shortcut::Claim, "Claim the picked waiting chat (else the oldest)"),
    ("r", Shortcut::Reply, "Reply: go to the composer"),
    ("e", Shortcut::Resolve, "Resolve the chat shown"),
    ("?", Shortcut::Help, "Show these shortcuts"),
    ("Esc", Shortcut::Leave, "Close this list, or leave the text box"),
];

/// A key pressed, as far as shortcuts care.
#[derive(Clone, Copy, Debug)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`: `"j"`, `"?"`, `"Escape"`, …
    pub key: &'a str,
    /// Ctrl, Alt or ⌘ was held (Shift is not a modifier here: `?` needs it).
    pub modified: bool,
    /// The keyboard is in a text field, text area, list box or editable element.
    pub typing: bool,
}

/// The shortcut a key press means, if any.
pub fn shortcut_for(press: KeyPress<'_>) -> Option<Shortcut> {
    if press.key == "Escape" {
        return Some(Shortcut::Leave);
    }
    if press.modified || press.typing {
        return None;
    }
    // Escape is matched above, by its `key`; the list writes it short.
    ALL.iter()
        .find(|(written, shortcut, _)| *written == press.key && *shortcut != Shortcut::Leave)
        .map(|(_, shortcut, _)| *shortcut)
}

/// The next (or previous) position among `count` waiting chats after `current`, wrapping
/// around; the first (or last) when none is picked.
pub fn step(current: Option<usize>, count: usize, forward: bool) -> Option<usize> {
    if count == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, true) => 0,
        (None, false) => count - 1,
        (Some(at), true) => (at + 1) % count,
        (Some(at), false) => (at + count - 1) % count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_fire_only_outside_fields_and_without_modifiers() {
        let press = |key, modified, typing| KeyPress { key, modified, typing };
        let cases = [
            (press("j", false, false), Some(Shortcut::NextWaiting)),
            (press("k", false, false), Some(Shortcut::PreviousWaiting)),
            (press("c", false, false), Some(Shortcut::Claim)),
            (press("e", false, false), Some(Shortcut::Resolve)),
            (press("r", false, false), Some(Shortcut::Reply)),
            (press("?", false, false), Some(Shortcut::Help)),
            (press("c", false, true), None),
            (press("?", false, true), None),
            (press("c", true, false), None),
            (press("C", false, false), None),
            (press("Esc", false, false), None),
            (press("x", false, false), None),
            (press("Escape", false, true), Some(Shortcut::Leave)),
            (press("Escape", true, false), Some(Shortcut::Leave)),
        ];
        for (press, expected) in cases {
            assert_eq!(shortcut_for(press), expected, "{press:?}");
        }
    }

    #[test]
    fn steps_wrap_around_the_waiting_chats() {
        let cases = [
            (None, 0, true, None),
            (None, 3, true, Some(0)),
            (None, 3, false, Some(2)),
            (Some(0), 3, true, Some(1)),
            (Some(2), 3, true, Some(0)),
            (Some(0), 3, false, Some(2)),
            (Some(5), 3, true, Some(0)),
        ];
        for (current, count, forward, expected) in cases {
            assert_eq!(step(current, count, forward), expected, "{current:?} of {count}, forward {forward}");
        }
    }
}

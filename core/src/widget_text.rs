//! Every string the shopper widget shows, in each language it speaks.
//!
//! The edge writes the chosen language's strings into the widget's page (a JSON array in
//! `Text` order), so the widget carries one language's words instead of all of them, and a new
//! language needs no new widget build. `{}` marks where `fill` puts values, in order.

use crate::greeting::ReplyTime;
use crate::locale::Locale;

/// A string of the widget, by what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The page title: the shop's name.
    ChatTitle,
    Greeting,
    CloseChat,
    MessageLabel,
    MessagePlaceholder,
    Send,
    SendLabel,
    Sending,
    Sent,
    Read,
    /// The reason.
    NotSent,
    Reconnecting,
    WaitingForAgent,
    /// The agent's name.
    AgentHere,
    AnAgent,
    Resolved,
    ShopClosed,
    NoAgents,
    /// The place in line.
    Overdue,
    /// The place in line, then the minutes.
    Wait,
    LeaveEmailLabel,
    EmailPlaceholder,
    Save,
    /// The address.
    AnswerAt,
    Unavailable,
    /// The limit in characters.
    TooLong,
    NotAnEmail,
    /// Seconds to wait.
    RateLimited,
    Offline,
    Gone,
    Failed,
    /// The launcher's name.
    OpenChat,
    /// After the launcher's name: the number of unread messages.
    Unread,
    /// The chat frame's title on the shop's page.
    ChatFrame,
    RatingQuestion,
    RatingComment,
    RatingSubmit,
    /// The score, then the highest score.
    OutOf,
    /// The score given, as `OutOf` says it.
    RatingThanks,
    PreChatLegend,
    YourName,
    YourEmail,
    Optional,
    NameRequired,
    EmailRequired,
    /// The limit in characters.
    NameTooLong,
    /// The sound toggle's name.
    Sound,
    /// The shop's measured typical reply time, under the greeting: within 5 minutes.
    RepliesInFewMinutes,
    /// Within an hour.
    RepliesInUnderAnHour,
    /// Within 4 hours.
    RepliesInFewHours,
    /// Within a day.
    RepliesInADay,
}

/// How many strings a language has.
pub const TEXT_COUNT: usize = Text::RepliesInADay as usize + 1;

impl Text {
    /// How the widget words a shop's typical reply time.
    pub fn reply_time(reply_time: ReplyTime) -> Text {
        match reply_time {
            ReplyTime::FewMinutes => Text::RepliesInFewMinutes,
            ReplyTime::UnderAnHour => Text::RepliesInUnderAnHour,
            ReplyTime::FewHours => Text::RepliesInFewHours,
            ReplyTime::ADay => Text::RepliesInADay,
        }
    }
}

/// The strings of `locale`, in `Text` order.
pub fn catalog(locale: Locale) -> &'static [&'static str; TEXT_COUNT] {
    match locale {
        Locale::English => &ENGLISH,
        Locale::Hungarian => &HUNGARIAN,
        Locale::Polish => &POLISH,
    }
}

/// The string for `text` in `locale`.
pub fn word(locale: Locale, text: Text) -> &'static str {
    catalog(locale)[text as usize]
}

/// `template` with each `{}` replaced by the next of `values` (a missing value leaves it out).
pub fn fill(template: &str, values: &[&str]) -> String {
    // Split at `{` and look for the `}` after it, not at `"{}"`: a string pattern links a
    // substring search into the widget (~1 KB).
    let mut parts = template.split('{');
    let mut out = parts.next().unwrap_or_default().to_owned();
    let mut values = values.iter();
    for part in parts {
        match part.strip_prefix('}') {
            Some(after) => {
                out.push_str(values.next().copied().unwrap_or_default());
                out.push_str(after);
            }
            None => {
                out.push('{');
                out.push_str(part);
            }
        }
    }
    out
}

const ENGLISH: [&str; TEXT_COUNT] = [
    "Chat with {}",
    "Hi! How can we help you today?",
    "Close chat",
    "Message",
    "Write a message…",
    "Send",
    "Send message",
    "Sending…",
    "Sent",
    "Read",
    "Not sent: {}",
    "Reconnecting…",
    "Waiting for an agent…",
    "{} is here to help",
    "An agent",
    "This conversation is closed. Write to us again any time.",
    "We're closed right now. Leave your e-mail and we'll answer when we're back.",
    "No one is available right now. Leave your e-mail and we'll answer.",
    "You're #{} in line. Sorry, this is taking longer than we said.",
    "You're #{} in line · about {} min",
    "Leave your e-mail and we'll answer there:",
    "you@example.com",
    "Save",
    "We'll answer at {}.",
    "This chat is not available.",
    "That message is too long: the limit is {} characters.",
    "That does not look like an e-mail address.",
    "You're sending too fast. Try again in {} s.",
    "We can't reach the chat. Check your connection and send again.",
    "This conversation is no longer available. Send a message to start a new one.",
    "Something went wrong. Please try again.",
    "Open chat",
    "{} unread",
    "Chat",
    "How did we do?",
    "Anything you'd like to add? (optional)",
    "Send rating",
    "{} out of {}",
    "Thanks for rating us {}.",
    "Before we start",
    "Your name",
    "Your e-mail",
    " (optional)",
    "Please tell us your name.",
    "Please tell us your e-mail address.",
    "That name is too long: the limit is {} characters.",
    "Sound for new messages",
    "Typically replies in a few minutes",
    "Typically replies in under an hour",
    "Typically replies in a few hours",
    "Typically replies in a day",
];

const HUNGARIAN: [&str; TEXT_COUNT] = [
    "Csevegés – {}",
    "Szia! Miben segíthetünk?",
    "Csevegés bezárása",
    "Üzenet",
    "Írj üzenetet…",
    "Küldés",
    "Üzenet küldése",
    "Küldés…",
    "Elküldve",
    "Elolvasva",
    "Nem ment el: {}",
    "Újracsatlakozás…",
    "Egy munkatársunkra vársz…",
    "{} segít neked",
    "Egy munkatársunk",
    "A beszélgetés lezárult. Írj nekünk bármikor újra.",
    "Most zárva vagyunk. Add meg az e-mail-címed, és amint visszaérünk, válaszolunk.",
    "Most senki sem elérhető. Add meg az e-mail-címed, és válaszolunk.",
    "{}. vagy a sorban. Elnézést, tovább tart, mint ígértük.",
    "{}. vagy a sorban · kb. {} perc",
    "Add meg az e-mail-címed, és oda válaszolunk:",
    "te@pelda.hu",
    "Mentés",
    "Erre a címre válaszolunk: {}.",
    "Ez a csevegés nem érhető el.",
    "Túl hosszú üzenet: legfeljebb {} karakter lehet.",
    "Ez nem tűnik e-mail-címnek.",
    "Túl gyorsan küldesz. Próbáld újra {} másodperc múlva.",
    "Nem érjük el a csevegést. Ellenőrizd a kapcsolatot, és küldd újra.",
    "Ez a beszélgetés már nem érhető el. Egy új üzenettel újat kezdhetsz.",
    "Valami hiba történt. Kérjük, próbáld újra.",
    "Csevegés megnyitása",
    "{} olvasatlan",
    "Csevegés",
    "Hogy sikerült?",
    "Szeretnél még valamit hozzátenni? (nem kötelező)",
    "Értékelés küldése",
    "{} / {}",
    "Köszönjük az értékelést: {}.",
    "Mielőtt elkezdjük",
    "A neved",
    "Az e-mail-címed",
    " (nem kötelező)",
    "Kérjük, add meg a neved.",
    "Kérjük, add meg az e-mail-címed.",
    "Túl hosszú név: legfeljebb {} karakter lehet.",
    "Hang új üzenetnél",
    "Általában néhány percen belül válaszol",
    "Általában egy órán belül válaszol",
    "Általában néhány órán belül válaszol",
    "Általában egy napon belül válaszol",
];

const POLISH: [&str; TEXT_COUNT] = [
    "Czat – {}",
    "Cześć! W czym możemy pomóc?",
    "Zamknij czat",
    "Wiadomość",
    "Napisz wiadomość…",
    "Wyślij",
    "Wyślij wiadomość",
    "Wysyłanie…",
    "Wysłano",
    "Przeczytano",
    "Nie wysłano: {}",
    "Ponowne łączenie…",
    "Czekasz na konsultanta…",
    "Pomaga Ci: {}",
    "Konsultant",
    "Ta rozmowa jest zamknięta. Napisz do nas ponownie w dowolnej chwili.",
    "Teraz jesteśmy zamknięci. Zostaw e-mail, a odpowiemy, gdy wrócimy.",
    "Nikt nie jest teraz dostępny. Zostaw e-mail, a odpowiemy.",
    "Jesteś {}. w kolejce. Przepraszamy, trwa to dłużej, niż zapowiadaliśmy.",
    "Jesteś {}. w kolejce · ok. {} min",
    "Zostaw e-mail, a odpowiemy na niego:",
    "ty@przyklad.pl",
    "Zapisz",
    "Odpowiemy na adres {}.",
    "Ten czat jest niedostępny.",
    "Wiadomość jest za długa: limit to {} znaków.",
    "To nie wygląda na adres e-mail.",
    "Wysyłasz zbyt szybko. Spróbuj ponownie za {} s.",
    "Nie możemy połączyć się z czatem. Sprawdź połączenie i wyślij ponownie.",
    "Ta rozmowa nie jest już dostępna. Wyślij wiadomość, aby zacząć nową.",
    "Coś poszło nie tak. Spróbuj ponownie.",
    "Otwórz czat",
    "nieprzeczytane: {}",
    "Czat",
    "Jak nam poszło?",
    "Chcesz coś dodać? (opcjonalnie)",
    "Wyślij ocenę",
    "{} na {}",
    "Dziękujemy za ocenę: {}.",
    "Zanim zaczniemy",
    "Twoje imię",
    "Twój e-mail",
    " (opcjonalnie)",
    "Podaj, proszę, swoje imię.",
    "Podaj, proszę, swój adres e-mail.",
    "Imię jest za długie: limit to {} znaków.",
    "Dźwięk nowych wiadomości",
    "Zwykle odpowiada w ciągu kilku minut",
    "Zwykle odpowiada w ciągu godziny",
    "Zwykle odpowiada w ciągu kilku godzin",
    "Zwykle odpowiada w ciągu doby",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string_with_the_same_placeholders() {
        for locale in Locale::ALL {
            for (i, (text, english)) in catalog(locale).iter().zip(ENGLISH).enumerate() {
                assert!(!text.trim().is_empty(), "{locale:?} string {i} is empty");
                assert_eq!(text.matches("{}").count(), english.matches("{}").count(), "{locale:?} string {i}: {text}");
            }
        }
        // The languages really differ (a copy-paste would pass the checks above).
        assert_ne!(word(Locale::Hungarian, Text::Send), word(Locale::Polish, Text::Send));
    }

    #[test]
    fn the_greeting_promises_nothing_and_each_reply_time_has_its_words() {
        let reply_times = [ReplyTime::FewMinutes, ReplyTime::UnderAnHour, ReplyTime::FewHours, ReplyTime::ADay];
        for locale in Locale::ALL {
            // Only the measured reply time may say how fast the shop answers.
            let greeting = word(locale, Text::Greeting);
            let promises = ["minute", "perc", "minut", "usually", "általában", "zwykle"];
            assert!(
                !promises.iter().any(|promise| greeting.to_lowercase().contains(promise)),
                "{locale:?}: {greeting}"
            );
            let mut worded: Vec<&str> =
                reply_times.map(|reply_time| word(locale, Text::reply_time(reply_time))).to_vec();
            worded.dedup();
            assert_eq!(worded.len(), reply_times.len(), "{locale:?}: {worded:?}");
        }
        assert_eq!(
            word(Locale::English, Text::reply_time(ReplyTime::UnderAnHour)),
            "Typically replies in under an hour"
        );
    }

    #[test]
    fn fill_puts_values_in_order() {
        let cases: [(&str, &[&str], &str); 6] = [
            ("You're #{} in line · about {} min", &["2", "5"], "You're #2 in line · about 5 min"),
            ("{} segít neked", &["Ana"], "Ana segít neked"),
            ("no placeholder", &["x"], "no placeholder"),
            ("{} and {}", &["one"], "one and "),
            // A lone brace is text.
            ("a {b} c", &["x"], "a {b} c"),
            ("{{}}", &["x"], "{x}"),
        ];
        for (template, values, expected) in cases {
            assert_eq!(fill(template, values), expected);
        }
    }
}

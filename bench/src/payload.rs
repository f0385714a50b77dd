//! What a benchmark message says, whatever carries it: which conversation, which side sent it,
//! its number in that side's sequence, and when it was sent on the run's clock. The receiver
//! reads the text back to check order and exactly-once delivery and to time it.

/// Which end of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Shopper,
    Agent,
}

impl Side {
    fn letter(self) -> char {
        match self {
            Side::Shopper => 's',
            Side::Agent => 'a',
        }
    }

    fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "s" => Some(Side::Shopper),
            "a" => Some(Side::Agent),
            _ => None,
        }
    }
}

/// One benchmark message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload {
    pub conversation: usize,
    pub from: Side,
    /// 0, 1, 2, … per conversation and side, in the order sent.
    pub n: u64,
    pub sent_nanos: u64,
}

/// Starts every benchmark message, so that other texts on the same sockets (a conversation's
/// opening lines, Parley's system lines) are told apart.
const PREFIX: &str = "bench";

impl Payload {
    /// The message's text: `bench {conversation} {s|a} {n} {sent_nanos}`.
    pub fn text(&self) -> String {
        format!("{PREFIX} {} {} {} {}", self.conversation, self.from.letter(), self.n, self.sent_nanos)
    }

    /// A message id unique in its conversation, for protocols that want one.
    pub fn client_id(&self) -> String {
        format!("{}{}", self.from.letter(), self.n)
    }

    /// Reads a text back; `None` for a text that is not a benchmark message.
    pub fn read(text: &str) -> Option<Self> {
        let mut words = text.split(' ');
        if words.next() != Some(PREFIX) {
            return None;
        }
        let conversation = words.next()?.parse().ok()?;
        let from = Side::from_letter(words.next()?)?;
        let n = words.next()?.parse().ok()?;
        let sent_nanos = words.next()?.parse().ok()?;
        words.next().is_none().then_some(Self { conversation, from, n, sent_nanos })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reads_back_as_what_was_sent_and_nothing_else_reads_at_all() {
        let sent = Payload { conversation: 17, from: Side::Agent, n: 42, sent_nanos: 123_456_789 };
        let cases = [
            (sent.text(), Some(sent)),
            ("bench 1 s 0 5".to_owned(), Some(Payload { conversation: 1, from: Side::Shopper, n: 0, sent_nanos: 5 })),
            ("Hello, is anyone there?".to_owned(), None),
            ("bench 1 x 0 5".to_owned(), None),
            ("bench 1 s 0".to_owned(), None),
            ("bench 1 s 0 5 6".to_owned(), None),
            ("bench -1 s 0 5".to_owned(), None),
        ];
        for (text, expected) in cases {
            assert_eq!(Payload::read(&text), expected, "{text}");
        }
        assert_eq!(sent.client_id(), "a42");
    }
}

//! What deserves the agent's attention, decided without the browser: which desk changes are
//! news (a chat newly waiting, a shopper writing in one of the agent's chats), and how each is
//! told (a beep, a count in the tab's title, a browser notification) given whether the tab is
//! hidden, whether the chat is on screen, and whether the agent switched alerts on.

use parley_core::ids::ConversationId;
use std::collections::{BTreeSet, HashMap};

/// Something that happened at the desk.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Happening {
    /// A conversation started waiting for an agent.
    NewWaiting,
    /// The shopper wrote in one of the agent's chats; `shown` if that chat is the one on screen.
    ShopperWrote { shown: bool },
}

/// Where the agent is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Tab {
    /// The console's tab is in the background (or the window minimised).
    pub hidden: bool,
    /// The agent switched alerts on: sound, and notifications if the browser permits them.
    pub alerts_on: bool,
}

/// How a happening is told.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Alert {
    pub beep: bool,
    /// Counts in the tab's title until the tab is shown again.
    pub count_in_title: bool,
    /// A browser notification (if the browser permits them).
    pub notify: bool,
}

impl Alert {
    /// The rule. While the tab is hidden, everything is told: counted in the title always, and
    /// with sound and a notification once alerts are on. While it is shown, a new waiting chat
    /// beeps (the queue may be out of sight), a message in a chat not on screen beeps (its
    /// row shows the unread count), and a message in the chat on screen is already seen.
    pub fn for_happening(happening: Happening, tab: Tab) -> Alert {
        if tab.hidden {
            return Alert { beep: tab.alerts_on, count_in_title: true, notify: tab.alerts_on };
        }
        let beep = match happening {
            Happening::NewWaiting => tab.alerts_on,
            Happening::ShopperWrote { shown } => tab.alerts_on && !shown,
        };
        Alert { beep, count_in_title: false, notify: false }
    }
}

/// What the console has already heard of, so that only news is told.
#[derive(Debug, Default)]
pub struct Heard {
    /// The waiting conversations of the last queue; `None` before the first, which is the
    /// state the agent found, not news.
    waiting: Option<BTreeSet<ConversationId>>,
    /// The agent's chats when the first queue came: their messages so far are not news.
    mine_at_start: Option<BTreeSet<ConversationId>>,
    /// Per chat of the agent's, the latest shopper message's `seq` heard of.
    latest_shopper_seq: HashMap<ConversationId, u64>,
}

impl Heard {
    /// Takes a queue's waiting and assigned-to-me conversations; answers those newly waiting.
    pub fn queue(&mut self, waiting: &[ConversationId], mine: &[ConversationId]) -> Vec<ConversationId> {
        self.mine_at_start.get_or_insert_with(|| mine.iter().cloned().collect());
        let now: BTreeSet<ConversationId> = waiting.iter().cloned().collect();
        let news = match &self.waiting {
            None => Vec::new(),
            Some(before) => waiting.iter().filter(|id| !before.contains(id)).cloned().collect(),
        };
        self.waiting = Some(now);
        news
    }

    /// Takes the latest shopper message's `seq` in one of my chats (0 while it has none);
    /// answers whether it is news. A chat that was mine when the console started is first
    /// heard as it stands; one that became mine later (assigned, transferred) is news from its
    /// first message.
    pub fn shopper_message(&mut self, conversation_id: &ConversationId, seq: u64) -> bool {
        let known_at_start = self.mine_at_start.as_ref().is_some_and(|mine| mine.contains(conversation_id));
        match self.latest_shopper_seq.insert(conversation_id.clone(), seq) {
            Some(before) => seq > before,
            None => !known_at_start && seq > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ConversationId {
        ConversationId::parse(&format!("{n:032x}")).expect("a valid id")
    }

    #[test]
    fn alerts_follow_the_tab_the_chat_and_the_switch() {
        let waiting = Happening::NewWaiting;
        let in_shown = Happening::ShopperWrote { shown: true };
        let in_other = Happening::ShopperWrote { shown: false };
        let tab = |hidden, alerts_on| Tab { hidden, alerts_on };
        let alert = |beep, count_in_title, notify| Alert { beep, count_in_title, notify };
        let cases = [
            (waiting, tab(true, true), alert(true, true, true)),
            (waiting, tab(true, false), alert(false, true, false)),
            (waiting, tab(false, true), alert(true, false, false)),
            (waiting, tab(false, false), alert(false, false, false)),
            (in_shown, tab(true, true), alert(true, true, true)),
            (in_shown, tab(false, true), alert(false, false, false)),
            (in_other, tab(false, true), alert(true, false, false)),
            (in_other, tab(true, false), alert(false, true, false)),
            (in_other, tab(false, false), alert(false, false, false)),
        ];
        for (happening, tab, expected) in cases {
            assert_eq!(Alert::for_happening(happening, tab), expected, "{happening:?} in {tab:?}");
        }
    }

    #[test]
    fn only_newly_waiting_chats_are_news() {
        let mut heard = Heard::default();
        assert!(heard.queue(&[id(1), id(2)], &[]).is_empty(), "what was waiting on arrival");
        assert_eq!(heard.queue(&[id(1), id(2), id(3)], &[]), [id(3)]);
        assert!(heard.queue(&[id(2), id(3)], &[]).is_empty(), "one left the queue");
        // Back in the queue (its agent did not answer): waiting again is news again.
        assert_eq!(heard.queue(&[id(1), id(2), id(3)], &[]), [id(1)]);
    }

    #[test]
    fn shopper_messages_are_news_once_and_new_chats_from_their_first() {
        let mut heard = Heard::default();
        heard.queue(&[], &[id(1)]);
        let cases = [
            (id(1), 4, false, "a chat of mine on arrival: heard as it stands"),
            (id(1), 4, false, "the same message again"),
            (id(1), 6, true, "the shopper wrote"),
            (id(1), 6, false, "an agent wrote since"),
            (id(2), 1, true, "a chat given to me later: its first message"),
            (id(3), 0, false, "a chat of mine without a shopper message yet"),
            (id(3), 2, true, "its first message"),
        ];
        for (conversation, seq, news, why) in cases {
            assert_eq!(heard.shopper_message(&conversation, seq), news, "{why}");
        }
    }
}

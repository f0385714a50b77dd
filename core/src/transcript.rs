//! A client's copy of one conversation: stored messages in `seq` order, its own messages not
//! yet acknowledged, and the conversation's view. Widget and console both keep one.
//!
//! It is what makes reconnects lossless and free of doubles: the resume point goes into
//! `hello`, frames are applied idempotently (a `seq` already held is skipped), and every pending
//! message is sent again after a reconnect with its original `client_id`, which the edge stores
//! once.
//!
//! A `welcome` carries at most a page of messages, the latest. When it says there are earlier
//! ones, the transcript asks for the page before it ([`Transcript::take_request`]), and so on
//! until it holds them all; until then it resumes from where the gap starts, so a reconnect
//! halfway never leaves a hole.

use crate::ids::ClientMessageId;
use crate::message::{Author, Message};
use crate::protocol::{ApiError, ClientFrame, ConversationView, ServerFrame, PROTOCOL_VERSION};

/// One of our own messages that the edge has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub client_id: ClientMessageId,
    pub text: String,
    /// An agents-only note.
    pub internal: bool,
    /// Set when the edge refused it; such a message is not sent again.
    pub refused: Option<ApiError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    messages: Vec<Message>,
    pending: Vec<Pending>,
    conversation: Option<ConversationView>,
    /// Whether the other side is typing right now.
    typing: bool,
    /// While earlier messages are still being fetched page by page: the `seq` they come after,
    /// which is where a reconnect resumes.
    fetching_after: Option<u64>,
    /// The `history` request to send next, if a page is missing.
    request: Option<ClientFrame>,
}

impl Transcript {
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    pub fn conversation(&self) -> Option<&ConversationView> {
        self.conversation.as_ref()
    }

    pub fn other_side_typing(&self) -> bool {
        self.typing
    }

    /// The highest `seq` held.
    pub fn last_seq(&self) -> u64 {
        self.messages.last().map_or(0, |m| m.seq)
    }

    /// The frame that opens (or re-opens) the connection: it resumes after the last message
    /// held, or where earlier messages are still missing.
    pub fn hello(&self, token: Option<String>) -> ClientFrame {
        ClientFrame::Hello { v: PROTOCOL_VERSION, token, last_seq: self.fetching_after.unwrap_or(self.last_seq()) }
    }

    /// The `history` request for the next missing page, once: to send after applying a frame.
    pub fn take_request(&mut self) -> Option<ClientFrame> {
        self.request.take()
    }

    /// Records a new message of ours and returns the frame that sends it.
    pub fn compose(&mut self, client_id: ClientMessageId, text: String, internal: bool) -> ClientFrame {
        self.pending.push(Pending { client_id: client_id.clone(), text: text.clone(), internal, refused: None });
        ClientFrame::Send { client_id, text, internal }
    }

    /// The frames to send again after a reconnect, oldest first.
    pub fn unacknowledged(&self) -> Vec<ClientFrame> {
        self.pending
            .iter()
            .filter(|p| p.refused.is_none())
            .map(|p| ClientFrame::Send { client_id: p.client_id.clone(), text: p.text.clone(), internal: p.internal })
            .collect()
    }

    /// Applies one frame from the edge. Returns an error that is not about one of our
    /// messages (those are shown beside the message itself).
    pub fn apply(&mut self, frame: ServerFrame) -> Option<ApiError> {
        match frame {
            ServerFrame::Welcome { conversation, missed, earlier } => {
                // What this page comes after: where the gap being filled starts, or else what
                // the `hello` resumed from.
                let after = self.fetching_after.unwrap_or(self.last_seq());
                let before = missed.first().map(|m| m.seq);
                self.conversation = Some(conversation);
                missed.into_iter().for_each(|m| self.insert(m));
                self.fetching_after = None;
                if let (true, Some(before)) = (earlier, before) {
                    self.fetching_after = Some(after);
                    self.request = Some(ClientFrame::History { after, before });
                }
            }
            ServerFrame::Message { message } => self.insert(message),
            ServerFrame::Ack { client_id, .. } => self.pending.retain(|p| p.client_id != client_id),
            ServerFrame::Conversation { conversation } => self.conversation = Some(conversation),
            // Only the other side's typing is relayed to us.
            ServerFrame::Typing { typing, .. } => self.typing = typing,
            ServerFrame::Read { author, seq } => {
                if let Some(conversation) = self.conversation.as_mut() {
                    match author {
                        Author::Shopper => conversation.shopper_read = conversation.shopper_read.max(seq),
                        Author::Agent => conversation.agent_read = conversation.agent_read.max(seq),
                        Author::System => {}
                    }
                }
            }
            ServerFrame::Place { place } => {
                if let Some(conversation) = self.conversation.as_mut() {
                    conversation.place = place;
                }
            }
            ServerFrame::Error { error, client_id: Some(client_id) } => {
                match self.pending.iter_mut().find(|p| p.client_id == client_id) {
                    Some(pending) => pending.refused = Some(error),
                    None => return Some(error),
                }
            }
            ServerFrame::Error { error, client_id: None } => return Some(error),
        }
        None
    }

    fn insert(&mut self, message: Message) {
        self.pending.retain(|p| p.client_id != message.client_id);
        // Whoever was typing has sent it.
        self.typing = false;
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(_) => {}
            Err(at) => self.messages.insert(at, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ConversationId;
    use crate::message::Author;
    use crate::protocol::{ErrorCode, Status};
    use crate::time::UnixMillis;

    fn cid(s: &str) -> ClientMessageId {
        ClientMessageId::parse(s).expect("valid id")
    }

    fn message(seq: u64, client_id: &str) -> Message {
        Message {
            seq,
            client_id: cid(client_id),
            author: Author::Shopper,
            sender: None,
            text: format!("m{seq}"),
            at: UnixMillis(seq),
            internal: false,
        }
    }

    fn view() -> ConversationView {
        ConversationView::bare(ConversationId::parse(&"a".repeat(32)).expect("valid id"), Status::Waiting)
    }

    #[test]
    fn replays_and_echoes_never_double_a_message() {
        let mut transcript = Transcript::default();
        transcript.compose(cid("c2"), "m2".into(), false);
        transcript.apply(ServerFrame::Welcome { conversation: view(), missed: vec![message(1, "c1")], earlier: false });
        transcript.apply(ServerFrame::Message { message: message(2, "c2") });
        transcript.apply(ServerFrame::Ack { client_id: cid("c2"), seq: 2 });
        // A reconnect replays what we already hold, out of order.
        transcript.apply(ServerFrame::Welcome {
            conversation: view(),
            missed: vec![message(3, "c3"), message(2, "c2"), message(1, "c1")],
            earlier: false,
        });
        let seqs: Vec<u64> = transcript.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert_eq!(transcript.last_seq(), 3);
        assert!(transcript.pending().is_empty());
    }

    #[test]
    fn unacknowledged_messages_are_resent_with_their_ids_unless_refused() {
        let mut transcript = Transcript::default();
        transcript.compose(cid("c1"), "one".into(), false);
        transcript.compose(cid("c2"), "two".into(), true);
        transcript.compose(cid("c3"), "three".into(), false);
        transcript.apply(ServerFrame::Ack { client_id: cid("c1"), seq: 1 });
        let refusal = transcript.apply(ServerFrame::Error {
            error: ApiError::new(ErrorCode::TooLarge, "too long"),
            client_id: Some(cid("c3")),
        });
        assert_eq!(refusal, None, "a refusal of our message is shown beside it");
        assert_eq!(
            transcript.unacknowledged(),
            vec![ClientFrame::Send { client_id: cid("c2"), text: "two".into(), internal: true }]
        );
        assert_eq!(transcript.hello(None), ClientFrame::Hello { v: PROTOCOL_VERSION, token: None, last_seq: 0 });
    }

    fn page(seqs: std::ops::RangeInclusive<u64>, earlier: bool) -> ServerFrame {
        ServerFrame::Welcome {
            conversation: view(),
            missed: seqs.map(|seq| message(seq, &format!("c{seq}"))).collect(),
            earlier,
        }
    }

    #[test]
    fn earlier_pages_are_fetched_one_by_one_and_a_reconnect_resumes_at_the_gap() {
        let history = |after, before| Some(ClientFrame::History { after, before });
        let hello = |last_seq| ClientFrame::Hello { v: PROTOCOL_VERSION, token: None, last_seq };
        let mut transcript = Transcript::default();
        transcript.apply(page(1..=3, false));
        assert_eq!(transcript.take_request(), None, "nothing earlier");
        // Away for a while: the welcome holds the latest page of what was missed.
        transcript.apply(page(9..=10, true));
        assert_eq!(transcript.take_request(), history(3, 9));
        assert_eq!(transcript.take_request(), None, "asked once");
        assert_eq!(transcript.hello(None), hello(3), "a reconnect now resumes at the gap");
        transcript.apply(page(7..=8, true));
        assert_eq!(transcript.take_request(), history(3, 7));
        // The connection dropped before the answer: the new welcome starts over from the gap.
        transcript.apply(page(9..=11, true));
        assert_eq!(transcript.take_request(), history(3, 9));
        transcript.apply(page(4..=8, false));
        assert_eq!(transcript.take_request(), None, "complete");
        assert_eq!(transcript.hello(None), hello(11));
        let seqs: Vec<u64> = transcript.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=11).collect::<Vec<u64>>());
    }
}

//! The shop's desk over `/api/desk/ws`: every open conversation of the shop, the shop's agents
//! and its first-response target, live; the waiting chat the keyboard picked; claims,
//! transfers, and the agent setting themselves away. The edge sends the whole queue on connect,
//! then numbered changes, which core's `QueueCopy` applies; a missed one (a gap in the numbers,
//! or the desk restarted) asks for the whole queue again, and a reconnect gets it anyway.

use crate::clock;
use crate::open_chats::OpenChats;
use crate::shortcuts;
use leptos::prelude::*;
use parley_client::{Link, LiveSocket};
use parley_core::desk_feed::{Followed, QueueCopy};
use parley_core::ids::{AgentId, ConversationId};
use parley_core::protocol::{AgentSeat, ApiError, DeskClientFrame, DeskServerFrame, QueueItem, Status};
use parley_core::settings::ShopSettings;
use parley_core::time::UnixMillis;

/// The desk's state; copies share it.
#[derive(Clone, Copy)]
pub struct Desk {
    socket: LiveSocket,
    /// The queue, the agents and the first-response target, as the edge last told them.
    queue: RwSignal<QueueCopy>,
    /// Whether a queue has come since connecting for the first time.
    has_queue: RwSignal<bool>,
    /// How far the edge's clock is ahead of the browser's (behind if negative), in ms.
    edge_ahead_millis: RwSignal<i64>,
    /// The waiting conversation picked with the keyboard (`j`/`k`), which `c` claims.
    picked: RwSignal<Option<ConversationId>>,
    error: RwSignal<Option<ApiError>>,
}

impl Desk {
    /// Connects; a successful claim opens the claimed chat in `chats`.
    pub fn open(chats: OpenChats) -> Desk {
        let mut copy = QueueCopy::default();
        copy.frt_target_seconds = ShopSettings::default().frt_target_seconds;
        let queue = RwSignal::new(copy);
        let has_queue = RwSignal::new(false);
        let edge_ahead_millis = RwSignal::new(0);
        let error = RwSignal::new(None);
        let socket = LiveSocket::open("/api/desk/ws", (), Vec::new, move |text| {
            match serde_json::from_str(&text) {
                Ok(DeskServerFrame::Claimed { conversation_id }) => chats.show(conversation_id),
                Ok(DeskServerFrame::Error { error: refused }) => error.set(Some(refused)),
                Ok(frame) => match queue.try_update(|copy| copy.follow(frame)) {
                    Some(Followed::Changed) => {
                        let now = queue.with_untracked(|copy| copy.edge_now);
                        // Milliseconds since 1970 fit an i64 for millions of years.
                        edge_ahead_millis.set(now.0 as i64 - clock::read().0 as i64);
                        has_queue.set(true);
                    }
                    Some(Followed::Missed) => return serde_json::to_string(&DeskClientFrame::Resync).ok(),
                    Some(Followed::Ignored) | None => {}
                },
                Err(problem) => leptos::logging::warn!("ignoring a desk frame that does not parse ({problem}): {text}"),
            }
            None
        });
        Desk { socket, queue, has_queue, edge_ahead_millis, picked: RwSignal::new(None), error }
    }

    /// The edge's clock when the browser's reads `browser_now` (tracked): the queue's times
    /// are the edge's, and a browser's clock may be off.
    pub fn edge_time(&self, browser_now: UnixMillis) -> UnixMillis {
        UnixMillis(browser_now.0.saturating_add_signed(self.edge_ahead_millis.get()))
    }

    /// Whether the edge has sent the queue yet (tracked): before, an empty queue means nothing.
    pub fn has_queue(&self) -> bool {
        self.has_queue.get()
    }

    /// The shop's first-response target, in seconds (tracked).
    pub fn frt_target_seconds(&self) -> u64 {
        self.queue.with(|copy| copy.frt_target_seconds)
    }

    /// Whether the keyboard picked this conversation (tracked).
    pub fn is_picked(&self, conversation_id: &ConversationId) -> bool {
        self.picked.with(|picked| picked.as_ref() == Some(conversation_id))
    }

    /// Picks the next (or previous) waiting conversation, wrapping around; answers it.
    pub fn pick_next(&self, forward: bool) -> Option<ConversationId> {
        let waiting = untrack(|| self.waiting());
        let at = self.picked.with_untracked(|picked| {
            picked.as_ref().and_then(|picked| waiting.iter().position(|item| &item.conversation_id == picked))
        });
        let next = shortcuts::step(at, waiting.len(), forward)
            .and_then(|at| waiting.get(at))
            .map(|item| item.conversation_id.clone());
        self.picked.set(next.clone());
        next
    }

    /// Claims the picked conversation if it still waits, else the one waiting longest.
    pub fn claim_picked(&self) {
        let waiting = untrack(|| self.waiting());
        let picked = self.picked.get_untracked();
        let chosen = waiting
            .iter()
            .find(|item| Some(&item.conversation_id) == picked.as_ref())
            .or_else(|| waiting.first())
            .map(|item| item.conversation_id.clone());
        if let Some(conversation_id) = chosen {
            self.picked.set(None);
            self.claim(conversation_id);
        }
    }

    /// Conversations waiting for an agent, oldest first (tracked).
    pub fn waiting(&self) -> Vec<QueueItem> {
        self.items_where(|item| item.status == Status::Waiting)
    }

    /// Conversations assigned to `agent`, oldest first (tracked).
    pub fn assigned_to(&self, agent: &AgentId) -> Vec<QueueItem> {
        self.items_where(|item| item.assignee.as_ref() == Some(agent))
    }

    /// Whether the desk lists this conversation as `agent`'s (tracked).
    pub fn is_assigned(&self, conversation_id: &ConversationId, agent: &AgentId) -> bool {
        self.queue.with(|copy| {
            copy.items
                .iter()
                .any(|item| &item.conversation_id == conversation_id && item.assignee.as_ref() == Some(agent))
        })
    }

    fn items_where(&self, keep: impl Fn(&QueueItem) -> bool) -> Vec<QueueItem> {
        self.queue.with(|copy| copy.items.iter().filter(|item| keep(item)).cloned().collect())
    }

    /// The shop's agents other than `me`, as the desk last listed them (tracked).
    pub fn colleagues_of(&self, me: &AgentId) -> Vec<AgentSeat> {
        self.queue.with(|copy| copy.agents.iter().filter(|seat| &seat.agent != me).cloned().collect())
    }

    /// Every agent of the shop, as the desk last listed them (tracked).
    pub fn seats(&self) -> Vec<AgentSeat> {
        self.queue.with(|copy| copy.agents.clone())
    }

    /// How the desk last listed `agent` (tracked).
    pub fn seat_of(&self, agent: &AgentId) -> Option<AgentSeat> {
        self.queue.with(|copy| copy.agents.iter().find(|seat| &seat.agent == agent).cloned())
    }

    /// An agent's display name, if the desk lists them (tracked).
    pub fn name_of(&self, agent: &AgentId) -> Option<String> {
        self.queue.with(|copy| copy.agents.iter().find(|seat| &seat.agent == agent).map(|seat| seat.name.clone()))
    }

    /// Asks for a waiting conversation; the edge answers `Claimed` or, if someone was faster,
    /// an error.
    pub fn claim(&self, conversation_id: ConversationId) {
        self.error.set(None);
        self.send(&DeskClientFrame::Claim { conversation_id });
    }

    /// Hands one of my conversations to another agent; the edge answers with a new queue or an
    /// error.
    pub fn transfer(&self, conversation_id: ConversationId, to: AgentId) {
        self.error.set(None);
        self.send(&DeskClientFrame::Transfer { conversation_id, to });
    }

    /// Sets the signed-in agent away (given no new chats) or back; the next queue shows it.
    pub fn set_away(&self, away: bool) {
        self.error.set(None);
        self.send(&DeskClientFrame::Away { away });
    }

    fn send(&self, frame: &DeskClientFrame) {
        match serde_json::to_string(frame) {
            Ok(text) => self.socket.send(&text),
            Err(problem) => leptos::logging::warn!("cannot encode a desk frame: {problem}"),
        }
    }

    pub fn link(&self) -> Signal<Link> {
        let socket = self.socket;
        Signal::derive(move || socket.link())
    }

    /// The latest problem at the desk, shown above the workspace until the next claim or
    /// transfer.
    pub fn error(&self) -> Signal<Option<ApiError>> {
        self.error.into()
    }

    /// Shows a problem outside the desk's own frames (e.g. signing out failed).
    pub fn report(&self, problem: ApiError) {
        self.error.set(Some(problem));
    }
}

//! What a shop's desk object keeps in memory between events, so that an event costs what it
//! changes rather than what is stored: its [`Desk`] (queue, agents, presence), the recent first
//! responses behind the wait estimates, and what consoles were last told (agents, target, and
//! the number of the last change). The object is the only writer of its storage, so the copy
//! stays true; it is loaded on first use, and dropped whenever a write fails or storage changes
//! behind the desk's back, so that the next event loads it again.

use std::cell::{Cell, RefCell};

use parley_core::desk::Desk;
use parley_core::metrics::RecentFirstResponses;
use parley_core::metrics_window::UtcHour;
use parley_core::protocol::AgentSeat;

use crate::error::EdgeResult;

pub struct DeskMemory {
    desk: RefCell<Option<Desk>>,
    /// The recent first responses, and the hour for which they hold (`metrics`'s key).
    recent: RefCell<Option<(UtcHour, RecentFirstResponses)>>,
    /// The agents and first-response target consoles were last told.
    told: RefCell<Option<(Vec<AgentSeat>, u64)>>,
    /// Names this run of the object in its frames: numbers start again in a new one.
    epoch: String,
    /// The number of the last change sent to consoles.
    seq: Cell<u64>,
}

impl DeskMemory {
    pub fn new(epoch: String) -> Self {
        Self {
            desk: RefCell::default(),
            recent: RefCell::default(),
            told: RefCell::default(),
            epoch,
            seq: Cell::new(0),
        }
    }

    /// Takes the desk out, `load`ing it if it is not kept; [`DeskMemory::keep`] puts it back.
    /// Until then it is not kept, so an error on the way drops it.
    pub fn take(&self, load: impl FnOnce() -> EdgeResult<Desk>) -> EdgeResult<Desk> {
        match self.desk.borrow_mut().take() {
            Some(desk) => Ok(desk),
            None => load(),
        }
    }

    pub fn keep(&self, desk: Desk) {
        *self.desk.borrow_mut() = Some(desk);
    }

    /// Reads the desk, `load`ing it first if it is not kept.
    pub fn read<T>(&self, load: impl FnOnce() -> EdgeResult<Desk>, read: impl FnOnce(&Desk) -> T) -> EdgeResult<T> {
        let desk = self.take(load)?;
        let answer = read(&desk);
        self.keep(desk);
        Ok(answer)
    }

    /// Drops the desk: storage changed other than through it, or a write failed.
    pub fn forget(&self) {
        self.desk.borrow_mut().take();
    }

    /// The recent first responses at the hour `key`, `load`ed when it is not the one kept.
    pub fn recent(
        &self,
        key: UtcHour,
        load: impl FnOnce() -> EdgeResult<RecentFirstResponses>,
    ) -> EdgeResult<RecentFirstResponses> {
        if let Some((kept_key, recent)) = *self.recent.borrow() {
            if kept_key == key {
                return Ok(recent);
            }
        }
        let recent = load()?;
        *self.recent.borrow_mut() = Some((key, recent));
        Ok(recent)
    }

    /// Drops the recent first responses: one was recorded.
    pub fn forget_recent(&self) {
        self.recent.borrow_mut().take();
    }

    /// What of `agents` and `target` consoles have not been told yet; remembers them as told.
    pub fn untold(&self, agents: Vec<AgentSeat>, target: u64) -> (Option<Vec<AgentSeat>>, Option<u64>) {
        let mut told = self.told.borrow_mut();
        let (new_agents, new_target) = match told.as_ref() {
            Some((told_agents, told_target)) => {
                ((told_agents != &agents).then(|| agents.clone()), (*told_target != target).then_some(target))
            }
            None => (Some(agents.clone()), Some(target)),
        };
        *told = Some((agents, target));
        (new_agents, new_target)
    }

    /// Remembers what a whole queue told every console.
    pub fn told_all(&self, agents: Vec<AgentSeat>, target: u64) {
        *self.told.borrow_mut() = Some((agents, target));
    }

    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// The number of the last change sent.
    pub fn seq(&self) -> u64 {
        self.seq.get()
    }

    /// Numbers the next change.
    pub fn next_seq(&self) -> u64 {
        let next = self.seq.get() + 1;
        self.seq.set(next);
        next
    }
}

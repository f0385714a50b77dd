//! A small seeded random number generator for the fault suite (xorshift64*, seeded through
//! splitmix64): the same seed makes the same choices, so a failing run can be replayed.

use std::ops::Range;
use std::time::Duration;

pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 spreads similar seeds apart; xorshift's state must not be 0.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self { state: (z ^ (z >> 31)) | 1 }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `range`, which must not be empty.
    pub fn in_range(&mut self, range: Range<u64>) -> u64 {
        range.start + self.next_u64() % (range.end - range.start).max(1)
    }

    /// True once in `n` times, on average.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.in_range(0..n) == 0
    }

    /// A wait of a number of milliseconds in `range`.
    pub fn millis(&mut self, range: Range<u64>) -> Duration {
        Duration::from_millis(self.in_range(range))
    }

    /// A generator of its own for one task, drawn from this one: each task's choices then
    /// depend on the seed alone, not on how the tasks happen to interleave.
    pub fn fork(&mut self) -> Self {
        Self::new(self.next_u64())
    }
}

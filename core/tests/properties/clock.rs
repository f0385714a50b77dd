//! A fake clock for the state machines: each input comes some milliseconds after the last one,
//! often in the same millisecond, and the clock never goes back.

use parley_core::time::UnixMillis;
use proptest::collection::vec;
use proptest::prelude::*;
use std::fmt::Debug;

/// When the first input may come.
pub const START: UnixMillis = UnixMillis(1_700_000_000_000);

/// Up to `max_steps` inputs, each with its time.
pub fn timed<T: Debug + 'static>(inputs: BoxedStrategy<T>, max_steps: usize) -> BoxedStrategy<Vec<(UnixMillis, T)>> {
    let gap = prop_oneof![2 => Just(0u64), 3 => 0..5_000u64, 2 => 0..600_000u64];
    vec((gap, inputs), 0..max_steps)
        .prop_map(|steps| {
            let mut now = START;
            steps
                .into_iter()
                .map(|(gap, input)| {
                    now = UnixMillis(now.0 + gap);
                    (now, input)
                })
                .collect()
        })
        .boxed()
}

//! Properties of core that must hold for any input, not only for the cases the unit tests
//! pick: the wire keeps every value and field it carries, and the state machines keep their
//! promises whatever happens in whatever order.
//!
//! Each module says what its properties mean. Property tests run proptest's generated cases:
//! few by default, so `cargo test` stays fast; set `PROPTEST_CASES` for a longer hunt.

mod arbitrary;
mod clock;
mod config;
mod conversation;
mod decoders;
mod desk;
mod round_trip;
mod transcript;
mod wire_fields;
mod wire_round_trip;

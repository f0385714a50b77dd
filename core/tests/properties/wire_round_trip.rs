//! Any valid frame or body comes back from the wire as it went: its `Wire` text decodes to it,
//! and serde writes the same JSON and reads it back to it. Texts, numbers and ids range over
//! everything valid, so escaping, big numbers, empty strings and absent options are all tried.

use crate::arbitrary::{client_frame, new_conversation, server_frame, widget_view};
use crate::config::config;
use crate::round_trip::round_trip;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn client_frames_survive_the_wire(frame in client_frame()) {
        round_trip(&frame).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn server_frames_survive_the_wire(frame in server_frame()) {
        round_trip(&frame).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn new_conversation_bodies_survive_the_wire(body in new_conversation()) {
        round_trip(&body).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn widget_views_survive_the_wire(view in widget_view()) {
        round_trip(&view).map_err(TestCaseError::fail)?;
    }
}

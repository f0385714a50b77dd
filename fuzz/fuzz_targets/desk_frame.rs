//! What an agent's console sends on the desk socket, as the edge reads it (`DeskClientFrame`
//! through serde_json, like `frames::decode_frame`): any UTF-8 text is decoded or refused
//! without a panic, and a frame it accepts survives the wire.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_core::protocol::DeskClientFrame;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(frame) = serde_json::from_str::<DeskClientFrame>(text) {
        let written = serde_json::to_string(&frame).expect("a frame serializes");
        assert_eq!(serde_json::from_str::<DeskClientFrame>(&written).ok(), Some(frame), "a frame survives the wire");
    }
});

//! What a shopper's or agent's socket sends, as the widget's decoder reads it
//! (`ClientFrame::decode`, the `Wire` path): any bytes that are UTF-8 (a WebSocket text frame
//! always is) are decoded or refused without a panic, and a frame it accepts survives the wire.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_core::protocol::ClientFrame;
use parley_core::wire::Wire;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(frame) = ClientFrame::decode(text) {
        assert_eq!(ClientFrame::decode(&frame.encode()), Ok(frame), "a decoded frame encodes to itself");
    }
});

//! Core's JSON parser (`Json::parse`), under every `Wire` decoder: any UTF-8 text is parsed or
//! refused without a panic, only real JSON is accepted, and what it parses reads back the same
//! from the text `Json` writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_core::json::Json;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(json) = Json::parse(text) {
        assert!(serde_json::from_str::<serde_json::Value>(text).is_ok(), "accepted text that is not JSON");
        assert_eq!(Json::parse(&json.to_text()), Ok(json), "reads back what it writes");
    }
});

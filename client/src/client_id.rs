//! Fresh ids for the messages a client sends: the edge stores a message once per id, so an
//! id must never repeat, across tabs and reloads too.

use parley_core::ids::ClientMessageId;

/// 128 random bits as 32 lowercase hex digits.
pub fn new_client_id() -> ClientMessageId {
    let mut bytes = [0u8; 16];
    let from_crypto = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !from_crypto {
        // Only a very unusual host lacks `crypto`; uniqueness, not secrecy, is what matters here.
        bytes.iter_mut().for_each(|byte| *byte = (js_sys::Math::random() * 256.0) as u8);
    }
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    ClientMessageId::parse(&hex).expect("32 hex digits are a valid client message id")
}

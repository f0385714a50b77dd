//! Decoding the JSON frames clients send on the edge's WebSockets, with the size limit.

use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::validation::MAX_FRAME_BYTES;
use worker::WebSocketIncomingMessage;

/// Decodes a text frame within the size limit, or says what is wrong with it.
pub fn decode_frame<T: serde::de::DeserializeOwned>(message: WebSocketIncomingMessage) -> Result<T, ApiError> {
    let WebSocketIncomingMessage::String(text) = message else {
        return Err(ApiError::new(ErrorCode::BadRequest, "frames must be JSON text"));
    };
    if text.len() > MAX_FRAME_BYTES {
        return Err(ApiError::new(ErrorCode::TooLarge, format!("frames are limited to {MAX_FRAME_BYTES} bytes")));
    }
    serde_json::from_str(&text).map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("malformed frame: {e}")))
}

//! Decoding the JSON frames clients send on the edge's WebSockets, with the size limit, and
//! answering on a socket that may have closed meanwhile.

use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::validation::MAX_FRAME_BYTES;
use serde::Serialize;
use worker::{WebSocket, WebSocketIncomingMessage};

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

/// Answers a client on its socket. The socket may have closed while the frame it sent was
/// handled (the client went away, or its connection dropped): then nobody is there to hear,
/// and the client learns what it needs when it reconnects (a resent message is acknowledged
/// then), so a failed send is no error of the handler's.
pub fn reply(ws: &WebSocket, frame: &impl Serialize) -> worker::Result<()> {
    let _ = ws.send(frame);
    Ok(())
}

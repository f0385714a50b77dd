//! Randomness, hashing and password derivation through the runtime's WebCrypto, so that
//! secrets never depend on a hand-rolled primitive and cost the Worker almost no CPU time.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};

use crate::error::EdgeError;

/// PBKDF2-HMAC-SHA256 rounds for agent passwords: the most Cloudflare's WebCrypto allows.
const PBKDF2_ROUNDS: u32 = 100_000;

/// The global `crypto`. workerd's global object is not a `WorkerGlobalScope` instance, so it is
/// read as a property rather than through a checked cast.
fn crypto() -> Result<Crypto, EdgeError> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).map_err(EdgeError::from_js)?;
    if crypto.is_undefined() {
        return Err(EdgeError::internal("no global crypto"));
    }
    Ok(crypto.unchecked_into())
}

fn subtle() -> Result<SubtleCrypto, EdgeError> {
    Ok(crypto()?.subtle())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` bytes from the CSPRNG as lowercase hex (ids, tokens, salts, nonces).
pub fn random_hex(bytes: usize) -> Result<String, EdgeError> {
    let mut buffer = vec![0u8; bytes];
    crypto()?.get_random_values_with_u8_array(&mut buffer).map_err(EdgeError::from_js)?;
    Ok(hex(&buffer))
}

/// SHA-256 of `data` as hex: how bearer secrets (conversation tokens, session tokens) are
/// stored, so a copy of the database grants no access.
pub async fn sha256_hex(data: &str) -> Result<String, EdgeError> {
    let digest = subtle()?.digest_with_str_and_u8_array("SHA-256", data.as_bytes()).map_err(EdgeError::from_js)?;
    let buffer = JsFuture::from(digest).await.map_err(EdgeError::from_js)?;
    Ok(hex(&Uint8Array::new(&buffer).to_vec()))
}

/// PBKDF2-HMAC-SHA256 of a password with a hex salt, as hex.
pub async fn password_hash(password: &str, salt_hex: &str) -> Result<String, EdgeError> {
    let subtle = subtle()?;
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let raw = Uint8Array::from(password.as_bytes());
    let key = subtle.import_key_with_str("raw", &raw, "PBKDF2", false, &usages).map_err(EdgeError::from_js)?;
    let key: CryptoKey = JsFuture::from(key).await.map_err(EdgeError::from_js)?.unchecked_into();
    let algorithm = Object::new();
    let set = |name: &str, value: &JsValue| Reflect::set(&algorithm, &JsValue::from_str(name), value).map(drop);
    set("name", &"PBKDF2".into()).map_err(EdgeError::from_js)?;
    set("hash", &"SHA-256".into()).map_err(EdgeError::from_js)?;
    set("salt", &Uint8Array::from(salt_hex.as_bytes()).into()).map_err(EdgeError::from_js)?;
    set("iterations", &PBKDF2_ROUNDS.into()).map_err(EdgeError::from_js)?;
    let bits = subtle.derive_bits_with_object(&algorithm, &key, 256).map_err(EdgeError::from_js)?;
    let bits = JsFuture::from(bits).await.map_err(EdgeError::from_js)?;
    Ok(hex(&Uint8Array::new(&bits).to_vec()))
}

/// Compares two secrets' hashes without an early exit, so timing tells nothing.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! The one check of a value's trip over the wire: its `Wire` text decodes back to it, and serde,
//! which is generated from `Wire` for the edge and the console, writes the same JSON and reads
//! that text back to it too.

use parley_core::json::Json;
use parley_core::wire::Wire;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// `Ok` if `value` survives the wire both ways, or what went wrong.
pub fn round_trip<T>(value: &T) -> Result<(), String>
where
    T: Wire + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = value.encode();
    match T::decode(&text) {
        Ok(back) if back == *value => {}
        Ok(back) => return Err(format!("{text} decodes to {back:?}")),
        Err(error) => return Err(format!("{text} does not decode: {error}")),
    }
    let serde_text = serde_json::to_string(value).map_err(|error| format!("serde cannot write {value:?}: {error}"))?;
    // serde_json escapes a few control characters its own way: the JSON must match, not the text.
    if Json::parse(&serde_text) != Ok(value.to_json()) {
        return Err(format!("serde writes {serde_text}, Wire {text}"));
    }
    match serde_json::from_str::<T>(&text) {
        Ok(back) if back == *value => Ok(()),
        Ok(back) => Err(format!("serde reads {text} as {back:?}")),
        Err(error) => Err(format!("serde cannot read {text}: {error}")),
    }
}

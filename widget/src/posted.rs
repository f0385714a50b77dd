//! Reading the plain objects the shop's page posts us: fields that may be missing or of any
//! type, taken leniently (a wrong type reads as absent), as nothing the page sends can be
//! trusted to have a shape.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The field `name` of `data`; `None` when absent, `undefined` or `null`.
pub fn field(data: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(data, &JsValue::from_str(name)).ok().filter(|value| !value.is_undefined() && !value.is_null())
}

/// A string field, a number written as text, or empty.
pub fn text(data: &JsValue, name: &str) -> String {
    field(data, name).map(|value| as_text(&value)).unwrap_or_default()
}

/// A string, a number written as text (by JS: Rust's float printing would cost the widget
/// kilobytes), or empty.
pub fn as_text(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .as_f64()
                .and_then(|number| js_sys::Number::from(number).to_string_with_radix(10).ok().map(String::from))
        })
        .unwrap_or_default()
}

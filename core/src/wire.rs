//! How the types the shopper widget exchanges with the edge become JSON and back: the `Wire`
//! trait, written by hand for each of them next to its definition.
//!
//! These types are the widget's whole protocol, and the widget must fit in 90 KB (issue 4):
//! serde's derived code for them alone was about 44 KB of gzipped wasm. So `Wire` is the one
//! definition of their JSON, and their serde impls (which the edge and the console use, and
//! which types that still derive serde rely on) are generated from it by `serde_via_wire!`
//! (see `wire_serde`). The rules mirror what serde's attributes said before: an `Option`
//! that is `None` is left out and a missing one reads as `None`; `Fields::or_default` is
//! `#[serde(default)]`; `Object::flag` is a `bool` left out when false, `Object::text` a
//! string left out when empty.
//!
//! A struct's `to_json` takes it apart whole (`let Self { a, b } = self;`, never `..`), and an
//! enum's binds every field of each variant, so a field added later cannot be silently left off
//! the wire or out of storage: the compiler asks where it goes. (`from_json` builds the value
//! with a struct literal, which asks the same.)

use crate::error::WireError;
use crate::json::Json;

/// A type with a JSON form on the wire.
pub trait Wire: Sized {
    fn to_json(&self) -> Json;

    fn from_json(json: &Json) -> Result<Self, WireError>;

    /// What an absent field of this type reads as; `None` makes it required.
    fn absent() -> Option<Self> {
        None
    }

    /// Whether this value is left out of the object holding it.
    fn is_absent(&self) -> bool {
        false
    }

    /// Parses JSON text as this type.
    fn decode(text: &str) -> Result<Self, WireError> {
        Self::from_json(&Json::parse(text)?)
    }

    /// This value as compact JSON text.
    fn encode(&self) -> String {
        self.to_json().to_text()
    }
}

impl Wire for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::Bool(value) => Ok(*value),
            _ => Err(WireError::Expected("true or false")),
        }
    }
}

impl Wire for u64 {
    fn to_json(&self) -> Json {
        Json::Number(*self)
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::Number(value) => Ok(*value),
            _ => Err(WireError::Expected("a whole number")),
        }
    }
}

impl Wire for u32 {
    fn to_json(&self) -> Json {
        Json::Number(u64::from(*self))
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        u32::try_from(u64::from_json(json)?).map_err(|_| WireError::Expected("a number below 2^32"))
    }
}

impl Wire for u8 {
    fn to_json(&self) -> Json {
        Json::Number(u64::from(*self))
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        u8::try_from(u64::from_json(json)?).map_err(|_| WireError::Expected("a number below 256"))
    }
}

impl Wire for String {
    fn to_json(&self) -> Json {
        Json::String(self.clone())
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::String(value) => Ok(value.clone()),
            _ => Err(WireError::Expected("a string")),
        }
    }
}

impl<T: Wire> Wire for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, T::to_json)
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::Null => Ok(None),
            json => T::from_json(json).map(Some),
        }
    }

    fn absent() -> Option<Self> {
        Some(None)
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn to_json(&self) -> Json {
        Json::Array(self.iter().map(T::to_json).collect())
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        match json {
            Json::Array(items) => items.iter().map(T::from_json).collect(),
            _ => Err(WireError::Expected("an array")),
        }
    }
}

/// Builds a JSON object field by field.
#[derive(Default)]
pub struct Object(Vec<(String, Json)>);

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    /// An object of a tagged enum: `{"type": tag, …}` (or whatever `field` names the tag).
    pub fn tagged(field: &str, tag: &str) -> Object {
        Object(vec![(field.to_owned(), Json::String(tag.to_owned()))])
    }

    /// Adds `name`, unless the value is absent (a `None`).
    pub fn field(mut self, name: &str, value: &impl Wire) -> Object {
        if !value.is_absent() {
            self.0.push((name.to_owned(), value.to_json()));
        }
        self
    }

    /// Adds `name: text`, or nothing when the text is empty.
    pub fn text(self, name: &str, text: &str) -> Object {
        if text.is_empty() {
            self
        } else {
            self.field(name, &text.to_owned())
        }
    }

    /// Adds `name: true`, or nothing when false.
    pub fn flag(self, name: &str, value: bool) -> Object {
        if value {
            self.field(name, &true)
        } else {
            self
        }
    }

    pub fn build(self) -> Json {
        Json::Object(self.0)
    }
}

/// Reads the fields of a JSON object.
pub struct Fields<'a>(&'a Json);

impl<'a> Fields<'a> {
    pub fn of(json: &'a Json) -> Result<Fields<'a>, WireError> {
        match json {
            Json::Object(_) => Ok(Fields(json)),
            _ => Err(WireError::Expected("an object")),
        }
    }

    /// Field `name`, which must be there unless its type reads absence (an `Option`).
    pub fn required<T: Wire>(&self, name: &'static str) -> Result<T, WireError> {
        match self.0.get(name) {
            Some(json) => T::from_json(json).map_err(|error| in_field(name, error)),
            None => T::absent().ok_or(WireError::Missing(name)),
        }
    }

    /// Field `name`, or the type's default when it is missing.
    pub fn or_default<T: Wire + Default>(&self, name: &'static str) -> Result<T, WireError> {
        match self.0.get(name) {
            Some(_) => self.required(name),
            None => Ok(T::default()),
        }
    }

    /// Refuses any field not named in `known` (serde's `deny_unknown_fields`).
    pub fn only(self, known: &[&str]) -> Result<Fields<'a>, WireError> {
        if let Json::Object(fields) = self.0 {
            if let Some((name, _)) = fields.iter().find(|(name, _)| !known.contains(&name.as_str())) {
                return Err(WireError::Unknown { what: "field", value: name.clone() });
            }
        }
        Ok(self)
    }

    /// The tag of a tagged enum (a string field, e.g. `type`).
    pub fn tag(&self, name: &'static str) -> Result<&'a str, WireError> {
        match self.0.get(name) {
            Some(Json::String(tag)) => Ok(tag),
            Some(_) => Err(WireError::Expected("a string tag")),
            None => Err(WireError::Missing(name)),
        }
    }
}

/// The error of field `name` whose value was refused. Kept out of line: `required` is
/// instantiated for every field type, and each copy of the boxing would weigh on the widget.
#[inline(never)]
fn in_field(field: &'static str, error: WireError) -> WireError {
    WireError::InField { field, error: Box::new(error) }
}

/// `Wire` for a fieldless enum written as a string: `wire_names!(Status, "status", { New =>
/// "new", … })`. Also gives the type `as_str()`.
macro_rules! wire_names {
    ($type:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// The name on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($type::$variant => $name,)+
                }
            }
        }

        impl $crate::wire::Wire for $type {
            fn to_json(&self) -> $crate::json::Json {
                $crate::json::Json::String(self.as_str().to_owned())
            }

            fn from_json(json: &$crate::json::Json) -> Result<Self, $crate::error::WireError> {
                match json {
                    $($crate::json::Json::String(name) if name == $name => Ok($type::$variant),)+
                    $crate::json::Json::String(name) => {
                        Err($crate::error::WireError::Unknown { what: $what, value: name.clone() })
                    }
                    _ => Err($crate::error::WireError::Expected("a string")),
                }
            }
        }
    };
}
pub(crate) use wire_names;

/// The error for a tagged enum's unknown tag.
pub fn unknown_tag(what: &'static str, tag: &str) -> WireError {
    WireError::Unknown { what, value: tag.to_owned() }
}

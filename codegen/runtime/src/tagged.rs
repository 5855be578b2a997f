//! Unions told apart by a tag member (an OpenAPI `discriminator`): what generated `Deserialize` and
//! `Serialize` impls call, so that each union's own code is one match.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The value of the tag member `name` of a JSON object, if it is a string.
pub fn tag_of(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Decodes the variant a tag selected from the whole value (tag member included).
pub fn from_json<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(E::custom)
}

/// Encodes a variant with its tag member: the member is written as `tag` unless the variant's own type
/// already holds it, so a value decoded with any tag the variant answers to encodes back unchanged.
pub fn serialize_tagged<T: Serialize, S: serde::Serializer>(
    value: &T,
    name: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut encoded = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    match &mut encoded {
        Value::Object(members) => {
            members.entry(name.to_owned()).or_insert_with(|| Value::String(tag.to_owned()));
        }
        _ => return Err(serde::ser::Error::custom(format!("a `{name}`-tagged value must be an object"))),
    }
    encoded.serialize(serializer)
}

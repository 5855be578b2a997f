//! Objects decoded in one pass: what the generated `Deserialize` impls of structs call.
//!
//! A struct keeps the members its schema does not declare in a map. serde's `flatten` would do that by
//! buffering the whole object before it assigns any field; the generated visitors instead read each
//! member once, straight into its field or into the map. The errors are the ones serde's derive gives.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Error, MapAccess};

/// A member's name, borrowed from the input when the format allows.
pub struct MemberName<'de>(Cow<'de, str>);

impl MemberName<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for MemberName<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::value::deserialize_str(deserializer).map(MemberName)
    }
}

/// Reads a declared member's value into its slot; a member given twice is an error, as with serde's derive.
#[inline]
pub fn member<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads a member the schema does not declare into the map that keeps them.
#[inline]
pub fn unknown_member<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    kept: &mut BTreeMap<String, T>,
    name: MemberName<'de>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    kept.insert(name.0.into_owned(), value);
    Ok(())
}

/// Skips the value of a member the schema does not declare, for a struct that does not keep them.
#[inline]
pub fn ignored_member<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(drop)
}

/// The value of a required member, or the "missing field" error.
#[inline]
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The value of a member that may be absent or `null`: `None` for either.
#[inline]
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

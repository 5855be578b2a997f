//! Values on the wire: enum values this version does not know, and parameters written as text.

use std::borrow::Cow;
use std::fmt;

/// An enum value the API description this crate was generated from does not list.
///
/// Generated enums keep such a value in their `Unrecognized` variant, so a response from a newer server
/// decodes and encodes back unchanged. It can only be made by decoding or by `From<&str>` on the enum,
/// which picks the known variant whenever there is one, so every value has exactly one representation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnrecognizedValue(String);

impl UnrecognizedValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnrecognizedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A generated enum of string values: the variants it knows, and one that keeps any other value.
pub trait StringEnum: Sized {
    /// The variant of `value`, when the enum knows it.
    fn known(value: &str) -> Option<Self>;
    /// The variant that keeps a value the enum does not know.
    fn unrecognized(value: UnrecognizedValue) -> Self;
}

/// `value` as a `T`: its known variant, or else the one that keeps it; what a generated enum's `From`
/// impls call. Only a value `T` does not know becomes an [`UnrecognizedValue`].
pub fn string_enum<T: StringEnum>(value: impl AsRef<str> + Into<String>) -> T {
    T::known(value.as_ref()).unwrap_or_else(|| T::unrecognized(UnrecognizedValue(value.into())))
}

/// Decodes a string, borrowing it from the input when the format allows.
pub fn deserialize_str<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct Visitor;

    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(value))
        }

        fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value.to_owned()))
        }

        fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value))
        }
    }

    deserializer.deserialize_str(Visitor)
}

/// A value that can be sent as a path segment, query value or header: written as the API expects it.
pub trait ParamValue {
    /// The value as text, before percent-encoding.
    fn to_param(&self) -> Cow<'_, str>;
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> Cow<'_, str> {
        (**self).to_param()
    }
}

impl ParamValue for str {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ParamValue for String {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {
        $(impl ParamValue for $ty {
            fn to_param(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        })*
    };
}

display_param!(bool, i32, i64, f32, f64, chrono::NaiveDate);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    /// ISO-8601 with a `Z` offset and milliseconds, as the API writes dates.
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}

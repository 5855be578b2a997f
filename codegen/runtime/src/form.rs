//! `application/x-www-form-urlencoded` bodies read into the documented type, the way the client writes
//! them (`Request::form_body`): a field per member, an array as its field repeated, an object as JSON
//! text. Values are text on the wire: each is read as the type its member asks for (a number, a boolean,
//! an enum, a date), so that the same struct serves a JSON body and a form.
//!
//! Copied only into crates whose operations answer with a form; it needs nothing but serde, serde_json
//! and serde_path_to_error, which every generated crate depends on already.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// The error of this module's deserializers.
type FormDeError = de::value::Error;

/// Why a form body does not read as the type asked for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FormError {
    /// The path of the field that failed (`.` for the whole body).
    pub(crate) path: String,
    /// What is wrong with it.
    pub(crate) message: String,
}

/// Reads a form body as `T`: its fields as the members of an object.
pub(crate) fn from_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormError> {
    serde_path_to_error::deserialize(Form(fields(body)))
        .map_err(|err| FormError { path: err.path().to_string(), message: err.inner().to_string() })
}

/// The fields of a form body in the order each first appears, each with its values in order (a field
/// given several times is an array); names and values decoded.
fn fields(body: &[u8]) -> Vec<(String, Vec<String>)> {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for pair in body.split(|byte| *byte == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|byte| *byte == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let (name, value) = (decoded(name), decoded(value));
        match index.get(&name) {
            Some(&at) => fields[at].1.push(value),
            None => {
                index.insert(name.clone(), fields.len());
                fields.push((name, vec![value]));
            }
        }
    }
    fields
}

/// A name or value as the form encoding writes it: `+` for a space, `%XX` for a byte; bytes that do not
/// make UTF-8 are replaced, as a form's text must be UTF-8.
fn decoded(text: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let hex = |byte: u8| char::from(byte).to_digit(16);
        match text[at] {
            b'+' => bytes.push(b' '),
            b'%' => match (text.get(at + 1).copied().and_then(hex), text.get(at + 2).copied().and_then(hex)) {
                (Some(high), Some(low)) => {
                    // Two hex digits make a byte: the cast cannot cut anything.
                    bytes.push((high * 16 + low) as u8);
                    at += 2;
                }
                _ => bytes.push(b'%'),
            },
            byte => bytes.push(byte),
        }
        at += 1;
    }
    String::from_utf8(bytes).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// A whole form: an object of its fields.
struct Form(Vec<(String, Vec<String>)>);

impl<'de> Deserializer<'de> for Form {
    type Error = FormDeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Fields { fields: self.0.into_iter(), values: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The fields of a form, one member each.
struct Fields {
    fields: std::vec::IntoIter<(String, Vec<String>)>,
    values: Option<Vec<String>>,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = FormDeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let Some((name, values)) = self.fields.next() else { return Ok(None) };
        self.values = Some(values);
        seed.deserialize(IntoDeserializer::<FormDeError>::into_deserializer(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let values = self.values.take().ok_or_else(|| de::Error::custom("a value asked for before its name"))?;
        seed.deserialize(Field(values))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// The values of one field: read as the type asked for.
struct Field(Vec<String>);

impl Field {
    /// The one value of a field that is not an array.
    fn single(self) -> Result<String, FormDeError> {
        let count = self.0.len();
        let mut values = self.0.into_iter();
        match (values.next(), count) {
            (Some(value), 1) => Ok(value),
            _ => Err(de::Error::custom(format!("expected one value, the field is given {count} times"))),
        }
    }

    /// The one value, parsed as `T` (a number, a boolean).
    fn parsed<T: std::str::FromStr>(self, what: &str) -> Result<T, FormDeError> {
        let value = self.single()?;
        value.parse().map_err(|_| de::Error::custom(format!("expected {what}, found {value:?}")))
    }

    /// The one value read as JSON text: how the client writes an object in a form.
    fn json(self) -> Result<serde_json::Value, FormDeError> {
        let value = self.single()?;
        serde_json::from_str(&value).map_err(|err| de::Error::custom(format!("expected an object as JSON text: {err}")))
    }
}

/// A `deserialize_*` method that parses the one value as a number or a boolean.
macro_rules! parsed {
    ($($method:ident => $visit:ident($ty:ty, $what:literal)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.$visit(self.parsed::<$ty>($what)?)
        })*
    };
}

impl<'de> Deserializer<'de> for Field {
    type Error = FormDeError;

    /// Text, or an array of texts for a field given several times: what a form says without a type.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.0.len() == 1 { visitor.visit_string(self.single()?) } else { self.deserialize_seq(visitor) }
    }

    parsed! {
        deserialize_bool => visit_bool(bool, "a boolean"),
        deserialize_i8 => visit_i8(i8, "an integer"),
        deserialize_i16 => visit_i16(i16, "an integer"),
        deserialize_i32 => visit_i32(i32, "an integer"),
        deserialize_i64 => visit_i64(i64, "an integer"),
        deserialize_i128 => visit_i128(i128, "an integer"),
        deserialize_u8 => visit_u8(u8, "an integer"),
        deserialize_u16 => visit_u16(u16, "an integer"),
        deserialize_u32 => visit_u32(u32, "an integer"),
        deserialize_u64 => visit_u64(u64, "an integer"),
        deserialize_u128 => visit_u128(u128, "an integer"),
        deserialize_f32 => visit_f32(f32, "a number"),
        deserialize_f64 => visit_f64(f64, "a number"),
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_string(self.single()?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_byte_buf(self.single()?.into_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    /// A field that is there has a value: one that is not is absent from the form.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Each value of the field, in order.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(de::value::SeqDeserializer::new(self.0.into_iter().map(|value| Field(vec![value]))))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.json()?.deserialize_map(visitor).map_err(de::Error::custom)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.json()?.deserialize_struct(name, fields, visitor).map_err(de::Error::custom)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let value = IntoDeserializer::<FormDeError>::into_deserializer(self.single()?);
        value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }
}

impl<'de> IntoDeserializer<'de, FormDeError> for Field {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::{FormError, from_form};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Token {
        access_token: String,
        expires_in: i64,
        #[serde(default)]
        scope: Vec<String>,
        active: Option<bool>,
        owner: Option<Owner>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Owner {
        id: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Bearer,
    }

    #[test]
    fn a_form_reads_as_the_struct_its_fields_make() {
        let body = b"access_token=a+b%2Fc&expires_in=3600&scope=read&scope=write&active=true&kind=bearer\
                     &owner=%7B%22id%22%3A%22u1%22%7D&unknown=x";
        let token: Token = from_form(body).unwrap();
        assert_eq!(
            token,
            Token {
                access_token: "a b/c".to_owned(),
                expires_in: 3600,
                scope: vec!["read".to_owned(), "write".to_owned()],
                active: Some(true),
                owner: Some(Owner { id: "u1".to_owned() }),
                kind: Some(Kind::Bearer),
            }
        );
        let token: Token = from_form(b"expires_in=1&access_token=").unwrap();
        assert_eq!((token.access_token.as_str(), token.active, token.scope.len()), ("", None, 0));
    }

    #[test]
    fn a_form_reads_as_a_map_or_any_json() {
        let body = b"a=1&b=x&b=y&caf%C3%A9=%E2%82%AC&bad=%zz%2";
        let map: BTreeMap<String, serde_json::Value> = from_form(body).unwrap();
        assert_eq!(map["a"], json!("1"));
        assert_eq!(map["b"], json!(["x", "y"]));
        assert_eq!(map["café"], json!("€"));
        assert_eq!(map["bad"], json!("%zz%2"), "what is not an escape is kept as written");
        let value: serde_json::Value = from_form(b"").unwrap();
        assert_eq!(value, json!({}));
    }

    #[test]
    fn a_field_that_does_not_read_names_its_path() {
        let err = from_form::<Token>(b"access_token=t&expires_in=soon").unwrap_err();
        assert_eq!(
            err,
            FormError { path: "expires_in".to_owned(), message: "expected an integer, found \"soon\"".to_owned() }
        );
        let err = from_form::<Token>(b"access_token=t&access_token=u&expires_in=1").unwrap_err();
        assert_eq!(err.path, "access_token");
        assert_eq!(err.message, "expected one value, the field is given 2 times");
        let err = from_form::<Token>(b"expires_in=1").unwrap_err();
        assert_eq!((err.path.as_str(), err.message.as_str()), (".", "missing field `access_token`"));
    }
}

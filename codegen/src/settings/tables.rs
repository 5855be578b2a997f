//! Tables only where the settings expect tables. Serde lets a struct be given as a list of its field
//! values in order (`regions = [["us-east-1", "https://…", "https://…"]]`), which no one writes on
//! purpose, and which would make every pointer into such an entry name a member the file does not have.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A `T` given as a table, and nothing else.
struct Table<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for TableVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer.deserialize_map(TableVisitor(PhantomData)).map(Table)
    }
}

/// A struct field given as a table.
pub(super) fn table<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Table::deserialize(deserializer).map(|Table(value)| value)
}

/// A list of tables.
pub(super) fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let tables: Vec<Table<T>> = Vec::deserialize(deserializer)?;
    Ok(tables.into_iter().map(|Table(value)| value).collect())
}

/// A table of tables, by name.
pub(super) fn by_name<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, T>, D::Error> {
    let tables: BTreeMap<String, Table<T>> = BTreeMap::deserialize(deserializer)?;
    Ok(tables.into_iter().map(|(name, Table(value))| (name, value)).collect())
}

//! Schemas and references: the 2.0 keywords 3.0 spells otherwise, the names of `definitions` as 3.0
//! component names, and `$ref`s into the sections that moved.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::Converter;
use crate::error::{Pointer, reference_token};

/// The keywords of a parameter, header or form field that describe its value: they move into its schema.
pub(super) const VALUE_KEYWORDS: [&str; 17] = [
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "additionalProperties",
    "pattern",
    "enum",
    "default",
];

/// The names `definitions` take as 3.0 schema components, and the names of the other sections'
/// entries, which move as they are but for characters a component name cannot hold.
#[derive(Debug, Default)]
pub(super) struct ComponentNames {
    /// Definitions whose name changed: the 2.0 name, then the 3.0 one.
    schemas: HashMap<String, String>,
}

impl ComponentNames {
    /// The 3.0 names of `definitions`, in its order: a name 3.0 cannot hold has each run of other characters
    /// replaced by `_` (`Page«User»` is `Page_User_`), with a number after it when another definition has
    /// that name already, as swagger2openapi names them.
    pub(super) fn of(definitions: Option<&Map<String, Value>>) -> Self {
        let names: Vec<&String> = definitions.into_iter().flat_map(Map::keys).collect();
        let mut taken: HashSet<String> = names.iter().map(|name| (*name).clone()).collect();
        let mut schemas = HashMap::new();
        for name in names {
            let base = sanitise(&name.replace('/', "_"));
            if base == *name {
                continue;
            }
            let mut candidate = base.clone();
            let mut suffix = 1;
            while taken.contains(&candidate) {
                suffix += 1;
                candidate = format!("{base}{suffix}");
            }
            taken.insert(candidate.clone());
            schemas.insert(name.clone(), candidate);
        }
        Self { schemas }
    }

    /// The 3.0 name of the definition `name`.
    pub(super) fn schema<'a>(&'a self, name: &'a str) -> &'a str {
        self.schemas.get(name).map_or(name, String::as_str)
    }

    /// The definitions whose name changed, 2.0 name first.
    pub(super) fn renamed(&self) -> impl Iterator<Item = (&String, &String)> {
        self.schemas.iter()
    }
}

/// A name as a 3.0 component name: `[]` as `Array`, and each run of characters other than letters, digits,
/// `_`, `-` and `.` as `_` (before the first `/`, which swagger2openapi leaves as it is).
pub(super) fn sanitise(name: &str) -> String {
    let name = name.replacen("[]", "Array", 1);
    let (head, tail) = name.split_once('/').map_or((name.as_str(), None), |(head, tail)| (head, Some(tail)));
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in head.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    if let Some(tail) = tail {
        out.push('/');
        out.push_str(tail);
    }
    out
}

impl Converter {
    /// Points every `$ref` of the document into the 3.0 sections: `#/definitions/X` to
    /// `#/components/schemas/X` (renamed as `definitions` are), `#/parameters/X` and `#/responses/X` to their
    /// `components` sections. Other references are left as they are.
    pub(super) fn rewrite_refs(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(target)) => {
                            if let Some(rewritten) = self.rewritten_ref(target) {
                                *target = rewritten;
                            }
                        }
                        (_, inner) => self.rewrite_refs(inner),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.rewrite_refs(item)),
            _ => {}
        }
    }

    /// The 3.0 form of a local reference into `definitions`, `parameters` or `responses`, recorded beside
    /// the original text.
    pub(super) fn rewritten_ref(&mut self, target: &str) -> Option<String> {
        let rewritten = self.converted_ref(target)?;
        self.origins.record_reference(&rewritten, target);
        Some(rewritten)
    }

    fn converted_ref(&self, target: &str) -> Option<String> {
        let (section, rest) = [("definitions", "schemas"), ("parameters", "parameters"), ("responses", "responses")]
            .into_iter()
            .find_map(|(old, new)| Some((new, target.strip_prefix(&format!("#/{old}/"))?)))?;
        let (name, below) = rest.split_once('/').map_or((rest, ""), |(name, below)| (name, below));
        let name = reference_token(name);
        let name = match section {
            "schemas" => self.names.schema(&name).to_owned(),
            _ => sanitise(&name),
        };
        let name = name.replace('~', "~0").replace('/', "~1");
        let separator = if below.is_empty() { "" } else { "/" };
        Some(format!("#/components/{section}/{name}{separator}{below}"))
    }

    /// A Schema Object in 3.0 form: its own keywords, then every schema inside it. The members beside a
    /// `$ref` are left as they are, since 3.0 tools ignore them (the generator reads a `description` there).
    pub(super) fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        if map.contains_key("$ref") {
            return;
        }
        self.schema_keywords(map, at);
        for key in ["items", "additionalItems", "additionalProperties", "not"] {
            if let Some(inner) = map.get_mut(key).filter(|inner| inner.is_object()) {
                self.schema(inner, &at.join(key));
            }
        }
        for key in ["properties", "patternProperties"] {
            let members = map.get_mut(key).and_then(Value::as_object_mut);
            for (name, member) in members.into_iter().flatten() {
                self.schema(member, &at.join(key).join(name));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            let members = map.get_mut(key).and_then(Value::as_array_mut);
            for (index, member) in members.into_iter().flatten().enumerate() {
                self.schema(member, &at.join(key).join(index));
            }
        }
    }

    /// The keywords of one schema that 2.0 spells otherwise, or that 3.0 lacks.
    fn schema_keywords(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        // Extensions that stood for 3.0 keywords in 2.0 documents.
        if let Some(Value::Array(required)) = map.remove("x-required") {
            let list = map.entry("required").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                list.extend(required);
            }
        }
        for (extension, keyword) in [("x-anyOf", "anyOf"), ("x-oneOf", "oneOf"), ("x-not", "not")] {
            if let Some(value) = map.remove(extension) {
                map.insert(keyword.to_owned(), value);
            }
        }
        match map.remove("x-nullable") {
            Some(Value::Bool(nullable)) => {
                map.insert("nullable".to_owned(), Value::Bool(nullable));
            }
            Some(other) => {
                self.sink.warn(&at.join("x-nullable"), format!("`x-nullable` is {other}, not true or false: ignored"));
            }
            None => {}
        }
        self.discriminator(map);
        items_list(map);
        self.schema_type(map, at);
        if let Some(Value::Bool(_)) = map.get("required") {
            map.remove("required");
            let message = "`required: true` or `false` in a schema is not OpenAPI: a property is required by \
                           listing its name in the `required` of the object that has it; ignored";
            self.sink.warn(&at.join("required"), message);
        }
        // Only a query parameter may allow an empty value; in a schema it means nothing.
        map.remove("allowEmptyValue");
    }

    /// `discriminator: name` as `discriminator: {propertyName: name}`, and the `x-discriminator` some 2.0
    /// documents use for a 3.0 discriminator, with its mapping pointed into `components`.
    fn discriminator(&mut self, map: &mut Map<String, Value>) {
        let extension =
            map.get("x-discriminator").filter(|value| value.get("propertyName").is_some_and(Value::is_string));
        if let Some(mut extension) = extension.cloned() {
            map.remove("x-discriminator");
            let mapping = extension.get_mut("mapping").and_then(Value::as_object_mut);
            for target in mapping.into_iter().flat_map(|mapping| mapping.values_mut()) {
                if let Some(rewritten) = target.as_str().and_then(|target| self.rewritten_ref(target)) {
                    *target = Value::String(rewritten);
                }
            }
            map.insert("discriminator".to_owned(), extension);
        }
        if let Some(Value::String(name)) = map.get("discriminator") {
            let mut discriminator = Map::new();
            discriminator.insert("propertyName".to_owned(), Value::String(name.clone()));
            map.insert("discriminator".to_owned(), Value::Object(discriminator));
        }
    }

    /// `type`: `file` is binary text, `null` a nullable schema, and an array always has `items`.
    fn schema_type(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        match map.get("type") {
            Some(Value::String(name)) if name == "file" => {
                map.insert("type".to_owned(), Value::String("string".to_owned()));
                map.insert("format".to_owned(), Value::String("binary".to_owned()));
            }
            Some(Value::String(name)) if name == "null" => {
                map.remove("type");
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
            Some(Value::String(name)) if name == "array" && !map.contains_key("items") => {
                map.insert("items".to_owned(), Value::Object(Map::new()));
            }
            Some(Value::Array(_)) => {
                let message = "a list of types: OpenAPI 2.0 and 3.0 give a schema one type (3.1 reads a list)";
                self.sink.error(&at.join("type"), message);
            }
            _ => {}
        }
    }
}

/// `items` given as a list (a tuple, which 2.0 does not have but some documents write): none is any value,
/// one is that one, several are any of them.
fn items_list(map: &mut Map<String, Value>) {
    let Some(Value::Array(list)) = map.get_mut("items") else {
        return;
    };
    let items = match list.len() {
        0 => Value::Object(Map::new()),
        1 => list.remove(0),
        _ => {
            let mut any = Map::new();
            any.insert("anyOf".to_owned(), Value::Array(std::mem::take(list)));
            Value::Object(any)
        }
    };
    map.insert("items".to_owned(), items);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_component_names_as_swagger2openapi_makes_them() {
        assert_eq!(sanitise("Pet"), "Pet");
        assert_eq!(sanitise("Page«User»"), "Page_User_");
        assert_eq!(sanitise("List[]"), "ListArray");
        assert_eq!(sanitise("a b  c"), "a_b_c");
        assert_eq!(sanitise("v1.Pod-x_y"), "v1.Pod-x_y");
    }

    #[test]
    fn renamed_definitions_do_not_take_a_name_already_there() {
        let definitions = serde_json::json!({"A B": {}, "A_B": {}, "A-B": {}, "A/B": {}});
        let names = ComponentNames::of(definitions.as_object());
        assert_eq!(names.schema("A B"), "A_B2");
        assert_eq!(names.schema("A_B"), "A_B");
        assert_eq!(names.schema("A-B"), "A-B");
        assert_eq!(names.schema("A/B"), "A_B3");
    }
}

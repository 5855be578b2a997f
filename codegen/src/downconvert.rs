//! OpenAPI 3.1 to 3.0: rewrites a raw 3.1 document in place into what the 3.0 model of `openapiv3` reads.
//!
//! `openapiv3` silently ignores keywords it does not know, so a 3.1 construct that 3.0 cannot express
//! would otherwise vanish from the typed document; each such place is reported instead.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Diagnostics, Pointer, Sink};

/// The version the converted document declares.
const TARGET_VERSION: &str = "3.0.3";

/// Schema keywords that only annotate and that 3.0 lacks: dropped, as 3.0 tools would ignore them anyway.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "$dynamicAnchor",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// Schema keywords that constrain or structure data in ways 3.0 cannot express: refused, one error each.
const REFUSED: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "$dynamicRef",
    "$defs",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// Siblings of a schema `$ref` that may stay beside it: 3.0 tools ignore them, the generator reads them raw.
const REF_ANNOTATIONS: &[&str] = &["description", "summary"];

/// The operation keys of a Path Item Object.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The prefix of a local `$ref` to a reusable path item, which only 3.1 has.
const PATH_ITEM_REF: &str = "#/components/pathItems/";

/// Whether `raw` declares OpenAPI 3.1, the only version this module converts.
pub(crate) fn is_3_1(raw: &Value) -> bool {
    raw.get("openapi").and_then(Value::as_str).is_some_and(|version| version.starts_with("3.1."))
}

/// Rewrites the 3.1 document `raw` into 3.0 in place; `path` is used in diagnostics only.
///
/// Every construct 3.0 cannot express is one diagnostic, all of them reported together.
pub(crate) fn downconvert(path: &Path, raw: &mut Value) -> Result<(), Diagnostics> {
    let mut walker = Walker { sink: Sink::new(path), path_items: Map::new() };
    if let Some(doc) = raw.as_object_mut() {
        walker.document(doc);
    }
    walker.sink.finish(())
}

/// The state of one conversion: the problems found, and the reusable path items that `$ref`s are resolved to.
struct Walker {
    sink: Sink,
    path_items: Map<String, Value>,
}

impl Walker {
    /// The top level: fields 3.0 lacks go, then every part that holds schemas is walked.
    fn document(&mut self, doc: &mut Map<String, Value>) {
        doc.insert("openapi".to_owned(), Value::String(TARGET_VERSION.to_owned()));
        doc.remove("webhooks");
        doc.remove("jsonSchemaDialect");
        let license = doc.get_mut("info").and_then(|info| info.get_mut("license"));
        if let Some(license) = license.and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
        doc.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        let root = Pointer::root();
        if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
            self.components(components, &root.join("components"));
        }
        if let Some(paths) = doc.get_mut("paths") {
            self.path_items_in(paths, &root.join("paths"));
        }
    }

    /// `components`: `pathItems` is taken out (3.0 has no such section), the sections with schemas walked.
    fn components(&mut self, components: &mut Map<String, Value>, at: &Pointer) {
        if let Some(Value::Object(path_items)) = components.remove("pathItems") {
            self.path_items = path_items;
        }
        for (name, schema) in entries(components.get_mut("schemas")) {
            self.schema(schema, &at.join("schemas").join(name));
        }
        for (name, parameter) in entries(components.get_mut("parameters")) {
            self.parameter(parameter, &at.join("parameters").join(name));
        }
        for (name, body) in entries(components.get_mut("requestBodies")) {
            self.content_of(body, &at.join("requestBodies").join(name));
        }
        for (name, response) in entries(components.get_mut("responses")) {
            self.response(response, &at.join("responses").join(name));
        }
        for (name, header) in entries(components.get_mut("headers")) {
            self.parameter(header, &at.join("headers").join(name));
        }
        for (name, callback) in entries(components.get_mut("callbacks")) {
            self.path_items_in(callback, &at.join("callbacks").join(name));
        }
    }

    /// A map of path items: `paths`, or a callback.
    fn path_items_in(&mut self, items: &mut Value, at: &Pointer) {
        for (key, item) in entries(Some(items)) {
            self.path_item(item, &at.join(key));
        }
    }

    /// A Path Item Object, with a `$ref` to `components/pathItems` inlined first.
    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        self.inline_path_item(item, at);
        let Some(item) = item.as_object_mut() else {
            return;
        };
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                self.parameters(value, &at.join(key));
            } else if METHODS.contains(&key.as_str()) {
                self.operation(value, &at.join(key));
            }
        }
    }

    /// Replaces a path item that refers to `components/pathItems` by a copy of its target, since that
    /// section goes; `summary` and `description` beside the `$ref` override the target's.
    fn inline_path_item(&mut self, item: &mut Value, at: &Pointer) {
        let Some(Value::String(reference)) = item.get("$ref") else {
            return;
        };
        let Some(name) = reference.strip_prefix(PATH_ITEM_REF) else {
            return;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        match self.path_items.get(&name) {
            Some(Value::Object(target)) if !target.contains_key("$ref") => {
                let mut inlined = target.clone();
                let overrides = item.as_object().into_iter().flatten();
                for (key, value) in overrides.filter(|(key, _)| key.as_str() != "$ref") {
                    inlined.insert(key.clone(), value.clone());
                }
                *item = Value::Object(inlined);
            }
            _ => {
                let message =
                    format!("path item reference `{reference}` does not name a path item in `components/pathItems`");
                self.sink.error(&at.join("$ref"), message);
            }
        }
    }

    /// An Operation Object.
    fn operation(&mut self, operation: &mut Value, at: &Pointer) {
        let Some(operation) = operation.as_object_mut() else {
            return;
        };
        // 3.1 makes `responses` optional; 3.0 requires it, and none documented means none to decode.
        operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
        for (key, value) in operation.iter_mut() {
            let here = at.join(key);
            match key.as_str() {
                "parameters" => self.parameters(value, &here),
                "requestBody" => self.content_of(value, &here),
                "responses" => {
                    for (status, response) in entries(Some(value)) {
                        self.response(response, &here.join(status));
                    }
                }
                "callbacks" => {
                    for (name, callback) in entries(Some(value)) {
                        self.path_items_in(callback, &here.join(name));
                    }
                }
                _ => {}
            }
        }
    }

    /// A list of parameters.
    fn parameters(&mut self, list: &mut Value, at: &Pointer) {
        let Some(list) = list.as_array_mut() else {
            return;
        };
        for (index, parameter) in list.iter_mut().enumerate() {
            self.parameter(parameter, &at.join(index));
        }
    }

    /// A Parameter or Header Object: a `schema`, or a `content` map.
    fn parameter(&mut self, parameter: &mut Value, at: &Pointer) {
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &at.join("schema"));
        }
        self.content_of(parameter, at);
    }

    /// A Response Object: its `headers` and its `content`.
    fn response(&mut self, response: &mut Value, at: &Pointer) {
        for (name, header) in entries(response.get_mut("headers")) {
            self.parameter(header, &at.join("headers").join(name));
        }
        self.content_of(response, at);
    }

    /// The `content` map of an object (a request body, say): each media type's schema and encoding headers.
    fn content_of(&mut self, object: &mut Value, at: &Pointer) {
        let at = at.join("content");
        for (media, media_type) in entries(object.get_mut("content")) {
            let here = at.join(media);
            if let Some(schema) = media_type.get_mut("schema") {
                self.schema(schema, &here.join("schema"));
            }
            for (property, encoding) in entries(media_type.get_mut("encoding")) {
                let encoding_at = here.join("encoding").join(property);
                for (name, header) in entries(encoding.get_mut("headers")) {
                    self.parameter(header, &encoding_at.join("headers").join(name));
                }
            }
        }
    }

    /// A Schema Object: its own keywords converted, then every schema inside it.
    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        if let Value::Bool(accepts) = *schema {
            *schema = boolean_schema(accepts);
        }
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        self.refuse(map, at);
        convert_prefix_items(map);
        convert_null_members(map);
        Self::convert_type(map);
        convert_const(map);
        convert_examples(map);
        exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, inclusive| bound >= inclusive);
        exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, inclusive| bound <= inclusive);
        convert_content(map);
        wrap_ref(map);
        self.subschemas(map, at);
    }

    /// The schemas nested in one: properties, items, additional properties, and the combinators.
    fn subschemas(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        for (name, property) in entries(map.get_mut("properties")) {
            self.schema(property, &at.join("properties").join(name));
        }
        if let Some(items) = map.get_mut("items") {
            self.schema(items, &at.join("items"));
        }
        // `additionalProperties: false` is already 3.0; only a schema needs converting.
        if let Some(extra) = map.get_mut("additionalProperties").filter(|v| v.is_object()) {
            self.schema(extra, &at.join("additionalProperties"));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let members = map.get_mut(key).and_then(Value::as_array_mut);
            for (index, member) in members.into_iter().flatten().enumerate() {
                self.schema(member, &at.join(key).join(index));
            }
        }
        if let Some(not) = map.get_mut("not") {
            self.schema(not, &at.join("not"));
        }
    }

    /// Reports every keyword of the schema that 3.0 cannot express.
    fn refuse(&mut self, map: &Map<String, Value>, at: &Pointer) {
        for keyword in REFUSED.iter().filter(|keyword| map.contains_key(**keyword)) {
            self.unsupported(&at.join(keyword), keyword);
        }
    }

    /// `type: [X, "null"]` becomes `type: X` with `nullable: true`, and `type: [X]` becomes `type: X`; several
    /// types become an `anyOf` of one schema each (3.0 has one type per schema), and `"null"` alone an untyped
    /// nullable schema.
    fn convert_type(map: &mut Map<String, Value>) {
        let Some(typ) = map.get("type") else {
            return;
        };
        match single_type(typ) {
            Some((name, nullable)) => {
                map.insert("type".to_owned(), Value::String(name));
                if nullable {
                    map.insert("nullable".to_owned(), Value::Bool(true));
                }
            }
            None => {
                let names: Vec<String> = match typ {
                    Value::String(name) => vec![name.clone()],
                    Value::Array(names) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                    _ => return,
                };
                let nullable = names.iter().any(|name| name == "null");
                let others: Vec<Value> =
                    names.iter().filter(|name| *name != "null").map(|name| json_type(name)).collect();
                // Several types are any of them (an `anyOf` already there says which); `"null"` alone is a
                // value that is always null: untyped.
                map.remove("type");
                if others.len() > 1 && !map.contains_key("anyOf") {
                    map.insert("anyOf".to_owned(), Value::Array(others));
                }
                if nullable {
                    map.insert("nullable".to_owned(), Value::Bool(true));
                }
            }
        }
    }

    /// Records that the construct at `at` has no 3.0 equivalent.
    fn unsupported(&mut self, at: &Pointer, construct: &str) {
        let message = format!("unsupported OpenAPI 3.1 construct `{construct}`: 3.0 cannot express it");
        self.sink.error(at, message);
    }
}

/// A schema of one type.
fn json_type(name: &str) -> Value {
    let mut map = Map::new();
    map.insert("type".to_owned(), Value::String(name.to_owned()));
    Value::Object(map)
}

/// `prefixItems` (a tuple) becomes `items` that may be any of the tuple's members: positions are lost,
/// values are kept.
fn convert_prefix_items(map: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = map.remove("prefixItems") else { return };
    if map.contains_key("items") || members.is_empty() {
        return;
    }
    let mut distinct: Vec<Value> = Vec::new();
    for member in members {
        if !distinct.contains(&member) {
            distinct.push(member);
        }
    }
    let items = if distinct.len() == 1 {
        distinct.remove(0)
    } else {
        let mut any = Map::new();
        any.insert("anyOf".to_owned(), Value::Array(distinct));
        Value::Object(any)
    };
    map.insert("items".to_owned(), items);
}

/// The one type other than `"null"` that `typ` names, and whether it names `"null"` too; `None` when it
/// names no other type or several.
fn single_type(typ: &Value) -> Option<(String, bool)> {
    let names: Vec<&str> = match typ {
        Value::String(name) => vec![name],
        Value::Array(list) => list.iter().map(Value::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    let nullable = names.contains(&"null");
    match names.into_iter().filter(|name| *name != "null").collect::<Vec<_>>()[..] {
        [name] => Some((name.to_owned(), nullable)),
        _ => None,
    }
}

/// A boolean schema as an object: `true` accepts anything, `false` nothing.
fn boolean_schema(accepts: bool) -> Value {
    let mut map = Map::new();
    if !accepts {
        map.insert("not".to_owned(), Value::Object(Map::new()));
    }
    Value::Object(map)
}

/// `const: V` becomes `enum: [V]`, with the `type` of `V` when the schema names none, since 3.0 has no
/// `const` and the generator needs a type to name the enum's values.
fn convert_const(map: &mut Map<String, Value>) {
    let Some(value) = map.remove("const") else {
        return;
    };
    if !map.contains_key("type") {
        if let Some(typ) = type_of(&value) {
            map.insert("type".to_owned(), Value::String(typ.to_owned()));
        }
    }
    map.insert("enum".to_owned(), Value::Array(vec![value]));
}

/// The 3.0 type of a scalar value; `None` for null, arrays and objects.
fn type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

/// `examples: [a, ...]` becomes `example: a`: 3.0 schemas have one example, and no `examples`.
fn convert_examples(map: &mut Map<String, Value>) {
    let Some(examples) = map.remove("examples") else {
        return;
    };
    let first = examples.as_array().and_then(|list| list.first());
    if let Some(first) = first.filter(|_| !map.contains_key("example")) {
        map.insert("example".to_owned(), first.clone());
    }
}

/// A numeric `exclusiveMinimum: N` (3.1) becomes `minimum: N` with `exclusiveMinimum: true` (3.0), and
/// likewise for the maximum. When an inclusive bound is there too, the tighter of the two is kept:
/// `tighter(exclusive, inclusive)` says whether the exclusive one is.
fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, inclusive: &str, tighter: fn(f64, f64) -> bool) {
    let Some(Value::Number(bound)) = map.get(exclusive) else {
        return;
    };
    let bound = bound.clone();
    let current = map.get(inclusive).and_then(Value::as_f64);
    let keep_exclusive = match (bound.as_f64(), current) {
        (Some(exclusive), Some(inclusive)) => tighter(exclusive, inclusive),
        _ => true,
    };
    if keep_exclusive {
        map.insert(inclusive.to_owned(), Value::Number(bound));
        map.insert(exclusive.to_owned(), Value::Bool(true));
    } else {
        map.remove(exclusive);
    }
}

/// `contentEncoding: base64` and `contentMediaType: application/octet-stream` on a string become the 3.0
/// formats `byte` and `binary`; then every annotation 3.0 lacks is dropped.
fn convert_content(map: &mut Map<String, Value>) {
    let is_string = map.get("type").and_then(Value::as_str) == Some("string");
    if is_string && !map.contains_key("format") {
        let encoding = map.get("contentEncoding").and_then(Value::as_str);
        let media = map.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media) {
            (Some("base64"), _) => Some("byte"),
            (_, Some("application/octet-stream")) => Some("binary"),
            _ => None,
        };
        if let Some(format) = format {
            map.insert("format".to_owned(), Value::String(format.to_owned()));
        }
    }
    for keyword in DROPPED {
        map.remove(*keyword);
    }
}

/// `anyOf`/`oneOf` with a `{type: "null"}` member (3.1's way to say "or null") loses that member and gains
/// `nullable: true`. When one member is left, it stands alone: a `$ref` as `allOf: [{$ref}]` (3.0's way to
/// give a reference siblings), an inline schema merged into this one where it does not clash.
fn convert_null_members(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else { continue };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() == before {
            continue;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        let Some(Value::Array(members)) = map.get(key) else { continue };
        match members.as_slice() {
            [] => {
                map.remove(key);
            }
            [Value::Object(only)] if only.contains_key("$ref") => {
                let only = Value::Object(only.clone());
                map.remove(key);
                let mut all = vec![only];
                if let Some(Value::Array(existing)) = map.remove("allOf") {
                    all.extend(existing);
                }
                map.insert("allOf".to_owned(), Value::Array(all));
            }
            [Value::Object(only)] if only.keys().all(|k| !map.contains_key(k) || k == "nullable") => {
                let only = only.clone();
                map.remove(key);
                for (k, v) in only {
                    map.entry(k).or_insert(v);
                }
            }
            _ => {}
        }
    }
}

/// Whether a schema is `{type: "null"}` (or `["null"]`) and nothing else that matters.
fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let is_null = match map.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => names.len() == 1 && names[0] == "null",
        _ => false,
    };
    is_null && map.keys().all(|k| k == "type" || DROPPED.contains(&k.as_str()) || k == "description")
}

/// A `$ref` with siblings (3.1 applies both) becomes `allOf: [{$ref}]` beside the siblings, since a 3.0
/// `$ref` replaces its whole object; `description` and `summary` alone may stay beside it.
fn wrap_ref(map: &mut Map<String, Value>) {
    let has_constraints = map.keys().any(|key| key != "$ref" && !REF_ANNOTATIONS.contains(&key.as_str()));
    if !has_constraints {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let mut target = Map::new();
    target.insert("$ref".to_owned(), reference);
    let mut members = vec![Value::Object(target)];
    if let Some(Value::Array(existing)) = map.remove("allOf") {
        members.extend(existing);
    }
    map.insert("allOf".to_owned(), Value::Array(members));
}

/// The entries of `value` when it is an object; none otherwise.
fn entries(value: Option<&mut Value>) -> impl Iterator<Item = (&String, &mut Value)> {
    value.and_then(Value::as_object_mut).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Converts a whole document; the error is the diagnostics' text.
    fn convert(mut doc: Value) -> Result<Value, String> {
        downconvert(Path::new("spec.yaml"), &mut doc).map_err(|err| err.to_string())?;
        Ok(doc)
    }

    /// A 3.1 document with `schema` as `components/schemas/Pet`.
    fn with_schema(schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Pet": schema}},
        })
    }

    /// `schema` as `components/schemas/Pet`, converted.
    fn pet(schema: Value) -> Result<Value, String> {
        let doc = convert(with_schema(schema))?;
        Ok(doc["components"]["schemas"]["Pet"].clone())
    }

    /// The error for a `Pet` schema that 3.0 cannot express.
    fn refused(schema: Value) -> String {
        match pet(schema) {
            Ok(converted) => format!("converted to {converted}"),
            Err(err) => err,
        }
    }

    /// The error expected for `construct` at `components/schemas/Pet/<token>`.
    fn refusal(token: &str, construct: &str) -> String {
        format!(
            "spec.yaml#/components/schemas/Pet/{token}: unsupported OpenAPI 3.1 construct \
             `{construct}`: 3.0 cannot express it"
        )
    }

    #[test]
    fn only_3_1_documents_are_converted() {
        assert!(is_3_1(&json!({"openapi": "3.1.0"})));
        assert!(is_3_1(&json!({"openapi": "3.1.1"})));
        assert!(!is_3_1(&json!({"openapi": "3.0.3"})));
        assert!(!is_3_1(&json!({"openapi": 3.1})));
        assert!(!is_3_1(&json!([])));
    }

    #[test]
    fn nullable_type_list_becomes_nullable() {
        let expected = json!({"type": "string", "nullable": true});
        assert_eq!(pet(json!({"type": ["string", "null"]})), Ok(expected.clone()));
        assert_eq!(pet(json!({"type": ["null", "string"]})), Ok(expected));
    }

    #[test]
    fn single_type_list_becomes_type() {
        assert_eq!(pet(json!({"type": ["integer"]})), Ok(json!({"type": "integer"})));
    }

    #[test]
    fn const_becomes_single_enum_keeping_type() {
        let converted = pet(json!({"type": "string", "const": "cat"}));
        assert_eq!(converted, Ok(json!({"type": "string", "enum": ["cat"]})));
    }

    #[test]
    fn const_infers_its_type() {
        let cases = [(json!("cat"), "string"), (json!(7), "integer"), (json!(1.5), "number"), (json!(true), "boolean")];
        for (value, typ) in cases {
            let converted = pet(json!({"const": value.clone()}));
            assert_eq!(converted, Ok(json!({"type": typ, "enum": [value]})));
        }
        assert_eq!(pet(json!({"const": null})), Ok(json!({"enum": [null]})));
    }

    #[test]
    fn examples_become_first_example() {
        let converted = pet(json!({"type": "string", "examples": ["a", "b"]}));
        assert_eq!(converted, Ok(json!({"type": "string", "example": "a"})));
        let kept = pet(json!({"example": "x", "examples": ["a"]}));
        assert_eq!(kept, Ok(json!({"example": "x"})));
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags() {
        let converted = pet(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10}));
        let expected = json!({
            "type": "number",
            "minimum": 0,
            "exclusiveMinimum": true,
            "maximum": 10,
            "exclusiveMaximum": true,
        });
        assert_eq!(converted, Ok(expected));
    }

    #[test]
    fn the_tighter_bound_wins() {
        let converted = pet(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 0}));
        assert_eq!(converted, Ok(json!({"type": "integer", "minimum": 5})));
        let converted = pet(json!({"type": "integer", "maximum": 5, "exclusiveMaximum": 3}));
        let expected = json!({"type": "integer", "maximum": 3, "exclusiveMaximum": true});
        assert_eq!(converted, Ok(expected));
    }

    #[test]
    fn boolean_exclusive_bounds_are_left_alone() {
        let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(pet(schema.clone()), Ok(schema));
    }

    #[test]
    fn ref_with_siblings_is_wrapped_in_all_of() {
        let converted = pet(json!({"$ref": "#/components/schemas/Cat", "readOnly": true}));
        let expected = json!({"allOf": [{"$ref": "#/components/schemas/Cat"}], "readOnly": true});
        assert_eq!(converted, Ok(expected));
    }

    #[test]
    fn ref_joins_an_existing_all_of() {
        let schema = json!({"$ref": "#/a", "allOf": [{"$ref": "#/b"}], "description": "d"});
        let expected = json!({"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "description": "d"});
        assert_eq!(pet(schema), Ok(expected));
    }

    #[test]
    fn ref_with_description_stays() {
        let schema = json!({"$ref": "#/a", "description": "d", "summary": "s"});
        assert_eq!(pet(schema.clone()), Ok(schema));
    }

    #[test]
    fn ref_with_dropped_annotations_stays() {
        let converted = pet(json!({"$ref": "#/a", "$comment": "c"}));
        assert_eq!(converted, Ok(json!({"$ref": "#/a"})));
    }

    #[test]
    fn annotations_are_dropped() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "pet",
            "$comment": "c",
            "$anchor": "a",
            "contentMediaType": "text/plain",
            "contentEncoding": "quoted-printable",
            "type": "string",
        });
        assert_eq!(pet(schema), Ok(json!({"type": "string"})));
    }

    #[test]
    fn base64_content_becomes_byte() {
        let converted = pet(json!({"type": "string", "contentEncoding": "base64"}));
        assert_eq!(converted, Ok(json!({"type": "string", "format": "byte"})));
    }

    #[test]
    fn octet_stream_content_becomes_binary() {
        let schema = json!({"type": "string", "contentMediaType": "application/octet-stream"});
        assert_eq!(pet(schema), Ok(json!({"type": "string", "format": "binary"})));
    }

    #[test]
    fn boolean_schemas_become_objects() {
        let schema = json!({"type": "object", "properties": {"a": true, "b": false}});
        let expected = json!({"type": "object", "properties": {"a": {}, "b": {"not": {}}}});
        assert_eq!(pet(schema), Ok(expected));
        let closed = json!({"type": "object", "additionalProperties": false});
        assert_eq!(pet(closed.clone()), Ok(closed));
    }

    #[test]
    fn nested_schemas_are_converted() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"type": ["string", "null"]}},
            "additionalProperties": {"const": 1},
            "allOf": [{"type": ["integer"]}],
            "oneOf": [{"examples": [1]}],
            "anyOf": [{"$id": "x"}],
            "not": {"type": ["boolean"]},
        });
        let expected = json!({
            "type": "object",
            "properties": {"a": {"type": "string", "nullable": true}},
            "additionalProperties": {"type": "integer", "enum": [1]},
            "allOf": [{"type": "integer"}],
            "oneOf": [{"example": 1}],
            "anyOf": [{}],
            "not": {"type": "boolean"},
        });
        assert_eq!(pet(schema), Ok(expected));
        let array = pet(json!({"type": "array", "items": {"type": ["string", "null"]}}));
        let expected = json!({"type": "array", "items": {"type": "string", "nullable": true}});
        assert_eq!(array, Ok(expected));
    }

    #[test]
    fn top_level_fields_become_3_0() {
        let doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"pathItems": {}},
        });
        let expected = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
            "paths": {},
            "components": {},
        });
        assert_eq!(convert(doc), Ok(expected));
    }

    #[test]
    fn path_item_references_are_inlined() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "here"}},
            "components": {"pathItems": {"A": {"summary": "there", "get": {"responses": {}}}}},
        });
        let converted = convert(doc).map(|doc| doc["paths"]["/a"].clone());
        assert_eq!(converted, Ok(json!({"summary": "here", "get": {"responses": {}}})));
    }

    #[test]
    fn unknown_path_item_references_are_refused() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/a": {"$ref": "#/components/pathItems/B"}}});
        let expected = "spec.yaml#/paths/~1a/$ref: path item reference `#/components/pathItems/B` \
                        does not name a path item in `components/pathItems`";
        assert_eq!(convert(doc), Err(expected.to_owned()));
    }

    #[test]
    fn schemas_under_paths_and_components_are_converted() {
        let nullable = json!({"type": ["string", "null"]});
        let content = json!({"application/json": {
            "schema": nullable,
            "encoding": {"a": {"headers": {"X-E": {"schema": nullable}}}},
        }});
        let operation = json!({
            "parameters": [{"name": "p", "in": "query", "schema": nullable}],
            "requestBody": {"content": content},
            "responses": {"200": {
                "description": "ok",
                "headers": {"X-R": {"schema": nullable}},
                "content": content,
            }},
            "callbacks": {"cb": {"{$url}": {"post": {"requestBody": {"content": content}}}}},
        });
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"parameters": [{"name": "q", "in": "query", "content": content}], "get": operation}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "schema": nullable}},
                "requestBodies": {"B": {"content": content}},
                "responses": {"R": {"description": "ok", "content": content}},
                "headers": {"H": {"schema": nullable}},
            },
        });
        let converted = convert(doc).unwrap_or_default().to_string();
        assert!(!converted.contains("null\""), "{converted}");
        assert_eq!(converted.matches("\"nullable\":true").count(), 16, "{converted}");
    }

    #[test]
    fn prefix_items_become_items_of_any_member() {
        let converted =
            pet(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}, {"type": "string"}]}));
        assert_eq!(
            converted.unwrap(),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        let converted = pet(json!({"type": "array", "prefixItems": [{"type": "string"}]}));
        assert_eq!(converted.unwrap(), json!({"type": "array", "items": {"type": "string"}}));
    }

    #[test]
    fn if_then_else_are_refused() {
        let err = refused(json!({"if": {}, "then": {}, "else": {}}));
        let expected = [refusal("else", "else"), refusal("if", "if"), refusal("then", "then")];
        assert_eq!(err, expected.join("\n"));
    }

    #[test]
    fn dependent_schemas_are_refused() {
        let err = refused(json!({"dependentSchemas": {"a": {}}}));
        assert_eq!(err, refusal("dependentSchemas", "dependentSchemas"));
    }

    #[test]
    fn dependent_required_is_refused() {
        let err = refused(json!({"dependentRequired": {"a": ["b"]}}));
        assert_eq!(err, refusal("dependentRequired", "dependentRequired"));
    }

    #[test]
    fn unevaluated_properties_are_refused() {
        let err = refused(json!({"type": "object", "unevaluatedProperties": false}));
        assert_eq!(err, refusal("unevaluatedProperties", "unevaluatedProperties"));
    }

    #[test]
    fn unevaluated_items_are_refused() {
        let err = refused(json!({"type": "array", "unevaluatedItems": false}));
        assert_eq!(err, refusal("unevaluatedItems", "unevaluatedItems"));
    }

    #[test]
    fn pattern_properties_are_refused() {
        let err = refused(json!({"patternProperties": {"^x": {}}}));
        assert_eq!(err, refusal("patternProperties", "patternProperties"));
    }

    #[test]
    fn dynamic_refs_are_refused() {
        let err = refused(json!({"$dynamicRef": "#node"}));
        assert_eq!(err, refusal("$dynamicRef", "$dynamicRef"));
    }

    #[test]
    fn property_names_are_refused() {
        let err = refused(json!({"propertyNames": {"pattern": "^a"}}));
        assert_eq!(err, refusal("propertyNames", "propertyNames"));
    }

    #[test]
    fn contains_is_refused() {
        let err = refused(json!({"type": "array", "contains": {"type": "string"}}));
        assert_eq!(err, refusal("contains", "contains"));
    }

    #[test]
    fn several_types_become_any_of() {
        let converted = pet(json!({"type": ["string", "integer", "null"], "maxLength": 3}));
        assert_eq!(
            converted.unwrap(),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "maxLength": 3, "nullable": true})
        );
        let converted =
            pet(json!({"type": ["string", "integer", "null"], "anyOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(converted.unwrap(), json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
    }

    #[test]
    fn null_type_alone_is_an_untyped_nullable_schema() {
        assert_eq!(pet(json!({"type": "null"})).unwrap(), json!({"nullable": true}));
        assert_eq!(pet(json!({"type": ["null"]})).unwrap(), json!({"nullable": true}));
    }

    #[test]
    fn every_refusal_is_reported_sorted_with_escaped_pointers() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a/{id}": {"get": {"parameters": [{"schema": {"contains": {}}}]}}},
            "components": {"schemas": {"B": {"properties": {"x~y": {"$dynamicRef": "#x"}}}, "A": {"if": {}}}},
        });
        let expected = [
            "spec.yaml#/components/schemas/A/if: unsupported OpenAPI 3.1 construct `if`: \
             3.0 cannot express it",
            "spec.yaml#/components/schemas/B/properties/x~0y/$dynamicRef: unsupported OpenAPI 3.1 \
             construct `$dynamicRef`: 3.0 cannot express it",
            "spec.yaml#/paths/~1a~1{id}/get/parameters/0/schema/contains: unsupported OpenAPI \
             3.1 construct `contains`: 3.0 cannot express it",
        ];
        assert_eq!(convert(doc), Err(expected.join("\n")));
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let docs = [
            json!([]),
            json!({"openapi": "3.1.0", "paths": "x", "components": {"schemas": []}}),
            json!({"openapi": "3.1.0", "info": {"license": 1}, "paths": {"/a": {"get": 1, "parameters": {}}}}),
            with_schema(json!({"type": [], "properties": [], "allOf": {}, "examples": 1})),
            with_schema(json!({"type": [1, null], "exclusiveMinimum": 1e308, "minimum": "x"})),
            with_schema(json!({"items": 3, "const": {}, "not": null, "$ref": 1, "nullable": true})),
        ];
        for doc in docs {
            let _ = convert(doc);
        }
    }

    #[test]
    fn null_members_of_any_of_become_nullable() {
        let converted = pet(json!({"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]})).unwrap();
        assert_eq!(converted, json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true}));
        let converted =
            pet(json!({"oneOf": [{"type": "string", "maxLength": 3}, {"type": "null"}], "description": "d"})).unwrap();
        assert_eq!(converted, json!({"type": "string", "maxLength": 3, "nullable": true, "description": "d"}));
        let converted = pet(json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})).unwrap();
        assert_eq!(converted, json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
    }
}

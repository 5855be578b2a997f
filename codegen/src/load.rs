//! Load: the spec file as text, then as `openapiv3::OpenAPI` and as a raw JSON value for pointer look-ups.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::{Diagnostic, Diagnostics, Location, Pointer};

/// A parsed spec document.
#[derive(Debug)]
pub struct Document {
    /// The path diagnostics name.
    pub path: PathBuf,
    /// The typed document.
    pub api: OpenAPI,
    /// The same document untyped, for what `openapiv3` drops (a `description` beside a `$ref`).
    pub raw: serde_json::Value,
}

impl Document {
    /// The string at `pointer` in the raw document, if there is one.
    pub fn raw_str(&self, pointer: &Pointer) -> Option<&str> {
        self.raw.pointer(pointer.as_json_pointer()).and_then(serde_json::Value::as_str)
    }
}

/// Reads and parses the spec at `path` (YAML or JSON).
pub fn load(path: &Path) -> Result<Document, Diagnostics> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Diagnostics::file(path, format!("cannot read spec: {err}")))?;
    parse(path, &text)
}

/// Parses spec text (YAML or JSON); `path` is used in diagnostics only.
pub fn parse(path: &Path, text: &str) -> Result<Document, Diagnostics> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        one(path, Location::LineColumn { line, column }, format!("invalid YAML: {}", first_line(&err.to_string())))
    })?;
    let raw = to_json(&yaml);
    check_version(path, &raw)?;
    let api: OpenAPI = serde_path_to_error::deserialize(yaml).map_err(|err| {
        // openapiv3 flattens extensions into most objects, which hides the path below them; narrow it down.
        let mut found = narrow::locate(&raw);
        if found.is_empty() {
            found.push((pointer_of(err.path()), err.inner().to_string()));
        }
        let diagnostics = found
            .into_iter()
            .map(|(pointer, message)| Diagnostic {
                file: path.to_path_buf(),
                location: Location::Pointer(pointer),
                message: format!("not a valid OpenAPI 3.0 document: {}", first_line(&message)),
            })
            .collect();
        Diagnostics(diagnostics)
    })?;
    Ok(Document { path: path.to_path_buf(), api, raw })
}

/// Finds the innermost objects that fail to parse, by parsing the parts of the document one by one.
mod narrow {
    use openapiv3::{Parameter, ReferenceOr, RequestBody, Response, Schema};
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use crate::error::Pointer;

    type Found = Vec<(Pointer, String)>;

    pub(super) fn locate(raw: &Value) -> Found {
        let mut found = Vec::new();
        for (path, item) in entries(raw.get("paths")) {
            let at = Pointer::root().join("paths").join(path);
            for (method, operation) in entries(Some(item)) {
                let here = at.join(method);
                match method.as_str() {
                    "parameters" => list::<ReferenceOr<Parameter>>(operation, &here, &mut found),
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                        self::operation(operation, &here, &mut found)
                    }
                    _ => {}
                }
            }
        }
        let components = raw.get("components");
        for (name, schema) in entries(components.and_then(|c| c.get("schemas"))) {
            self::schema(schema, &Pointer::root().join("components").join("schemas").join(name), &mut found);
        }
        found
    }

    fn operation(value: &Value, at: &Pointer, found: &mut Found) {
        if parses::<openapiv3::Operation>(value).is_ok() {
            return;
        }
        let before = found.len();
        if let Some(parameters) = value.get("parameters") {
            list::<ReferenceOr<Parameter>>(parameters, &at.join("parameters"), found);
        }
        if let Some(body) = value.get("requestBody") {
            check::<ReferenceOr<RequestBody>>(body, &at.join("requestBody"), found);
        }
        match value.get("responses") {
            Some(responses) if responses.is_object() => {
                for (status, response) in entries(Some(responses)) {
                    check::<ReferenceOr<Response>>(response, &at.join("responses").join(status), found);
                }
            }
            Some(responses) => check::<openapiv3::Responses>(responses, &at.join("responses"), found),
            None => {}
        }
        if found.len() == before {
            check::<openapiv3::Operation>(value, at, found);
        }
    }

    fn schema(value: &Value, at: &Pointer, found: &mut Found) {
        if parses::<ReferenceOr<Schema>>(value).is_ok() {
            return;
        }
        let before = found.len();
        for (name, property) in entries(value.get("properties")) {
            schema(property, &at.join("properties").join(name), found);
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner) = value.get(key).filter(|v| v.is_object()) {
                schema(inner, &at.join(key), found);
            }
        }
        if found.len() == before {
            check::<ReferenceOr<Schema>>(value, at, found);
        }
    }

    fn list<T: DeserializeOwned>(value: &Value, at: &Pointer, found: &mut Found) {
        match value.as_array() {
            Some(items) => items.iter().enumerate().for_each(|(i, item)| check::<T>(item, &at.join(i), found)),
            None => check::<Vec<T>>(value, at, found),
        }
    }

    fn check<T: DeserializeOwned>(value: &Value, at: &Pointer, found: &mut Found) {
        if let Err(message) = parses::<T>(value) {
            found.push((at.clone(), message));
        }
    }

    fn parses<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
        T::deserialize(value).map_err(|err| err.to_string())
    }

    fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
        value.and_then(Value::as_object).into_iter().flatten()
    }
}

fn check_version(path: &Path, raw: &serde_json::Value) -> Result<(), Diagnostics> {
    let pointer = Pointer::root().join("openapi");
    match raw.get("openapi").and_then(serde_json::Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(()),
        Some(version) => Err(one(path, Location::Pointer(pointer), format!("unsupported OpenAPI version {version:?}: expected 3.0.x"))),
        None => Err(one(path, Location::Pointer(pointer), "missing `openapi` version field: expected 3.0.x")),
    }
}

fn one(path: &Path, location: Location, message: impl Into<String>) -> Diagnostics {
    Diagnostics(vec![Diagnostic { file: path.to_path_buf(), location, message: message.into() }])
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().trim_end_matches('.').to_owned()
}

/// The JSON pointer of a `serde_path_to_error` path.
fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.join(index),
        Segment::Map { key } => pointer.join(key),
        Segment::Enum { variant } => pointer.join(variant),
        Segment::Unknown => pointer,
    })
}

/// YAML to JSON; keys that are not strings (an unquoted `200:`) become their text.
fn to_json(value: &serde_yaml::Value) -> serde_json::Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => serde_json::Value::Bool(*b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(serde_json::Value::Null),
        Y::String(s) => serde_json::Value::String(s.clone()),
        Y::Sequence(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Y::Mapping(map) => serde_json::Value::Object(
            map.iter().map(|(k, v)| (key_text(k), to_json(v))).collect(),
        ),
        Y::Tagged(tagged) => to_json(&tagged.value),
    }
}

fn key_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_errors_have_a_line() {
        let err = parse(Path::new("s.yaml"), "openapi: 3.0.3\ninfo: [\n").unwrap_err().to_string();
        assert!(err.starts_with("s.yaml:"), "{err}");
        assert!(err.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn shape_errors_have_a_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = parse(Path::new("s.yaml"), text).unwrap_err().to_string();
        assert!(err.starts_with("s.yaml#/paths/~1a/get/responses: not a valid OpenAPI 3.0 document"), "{err}");
    }

    #[test]
    fn other_versions_are_refused() {
        let err = parse(Path::new("s.json"), r#"{"openapi": "3.1.0", "info": {}, "paths": {}}"#).unwrap_err();
        assert_eq!(err.to_string(), "s.json#/openapi: unsupported OpenAPI version \"3.1.0\": expected 3.0.x");
    }
}

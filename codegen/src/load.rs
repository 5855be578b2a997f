//! Load: the spec file as text, then as `openapiv3::OpenAPI` and as a raw JSON value for pointer look-ups.
//! A 3.1 document is first converted to 3.0 ([`downconvert`]), and a 2.0 (Swagger) one too ([`swagger`]), as
//! `openapiv3` models 3.0 only.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::{Diagnostic, Diagnostics, Location, Pointer};
use crate::settings::Selection;

/// OpenAPI 3.1 to 3.0, kept beside this module so that `lib.rs` need not name it.
#[path = "downconvert.rs"]
mod downconvert;
/// Path items given by `$ref`, replaced by what they name.
#[path = "path_items.rs"]
mod path_items;
/// The operations the settings select, cut out before the document is typed.
#[path = "select.rs"]
mod select;
/// Slips with one sound reading (a response without `description`), read so with a warning.
#[path = "slips.rs"]
mod slips;
/// OpenAPI 2.0 to 3.0.
#[path = "swagger/mod.rs"]
mod swagger;

/// A parsed spec document.
#[derive(Debug)]
pub struct Document {
    /// The path diagnostics name.
    pub path: PathBuf,
    /// The typed document.
    pub api: OpenAPI,
    /// The same document untyped, for what `openapiv3` drops (a `description` beside a `$ref`).
    pub raw: serde_json::Value,
    /// What loading noticed but did not refuse (a selected tag that no operation has, say).
    pub warnings: Vec<Diagnostic>,
    /// What loading refused but could read past (a construct a 2.0 document has and 3.0 cannot say), to be
    /// reported with whatever else the document holds.
    pub errors: Vec<Diagnostic>,
    /// For a converted 2.0 document, where its parts came from.
    origins: Option<swagger::Origins>,
    /// Operations of a path item given by `$ref` that leave their `operationId` to another copy of the
    /// same operation, by place, with the reason, for the warning that names them.
    pub shared_operations: std::collections::BTreeMap<Pointer, String>,
    /// The fields of path items given by `$ref`, each with the place it was copied from.
    copies: Vec<(Pointer, Pointer)>,
}

impl Document {
    /// `diagnostics` pointing into the file as the user wrote it: a 2.0 document is read as its 3.0 form,
    /// and what is said about a part that moved is said at the place it came from, as is what is said
    /// about a part of a path item given by `$ref` (then sorted by place again, each once, as copies of
    /// the same part repeat it).
    pub fn relocate(&self, diagnostics: Diagnostics) -> Diagnostics {
        let mut relocated: Vec<Diagnostic> = diagnostics.0.into_iter().map(|d| self.relocate_one(d)).collect();
        // Sorted by place again: the places are the file's now.
        relocated.sort();
        relocated.dedup();
        Diagnostics(relocated)
    }

    /// One diagnostic, as [`Document::relocate`] gives it.
    pub fn relocate_one(&self, diagnostic: Diagnostic) -> Diagnostic {
        let mut diagnostic = match &self.origins {
            Some(origins) if diagnostic.file == self.path => origins.relocate(diagnostic),
            _ => diagnostic,
        };
        // What is said of a part of a path item given by `$ref` is said where that part is written.
        if let Location::Pointer(pointer) = &diagnostic.location {
            if let Some(written) = path_items::written(&self.copies, pointer).filter(|_| diagnostic.file == self.path) {
                diagnostic.location = Location::Pointer(written);
            }
        }
        diagnostic
    }

    /// `result` with the errors loading read past: an error then, holding them and those of `result` (less
    /// the ones at or around the place of one of them, which only repeat it).
    pub fn with_errors<T>(&self, result: Result<T, Diagnostics>) -> Result<T, Diagnostics> {
        if self.errors.is_empty() {
            return result;
        }
        let mut all = self.errors.clone();
        if let Err(Diagnostics(later)) = result {
            all.extend(later.into_iter().filter(|diagnostic| !repeats(diagnostic, &self.errors)));
        }
        all.sort();
        all.dedup();
        Err(Diagnostics(all))
    }

    /// The string at `pointer` in the raw document, if there is one.
    pub fn raw_str(&self, pointer: &Pointer) -> Option<&str> {
        self.raw.pointer(pointer.as_json_pointer()).and_then(serde_json::Value::as_str)
    }
}

/// Reads and parses the spec at `path` (YAML or JSON), keeping the operations `selection` selects.
pub fn load(path: &Path, selection: &Selection) -> Result<Document, Diagnostics> {
    let text =
        std::fs::read_to_string(path).map_err(|err| Diagnostics::file(path, format!("cannot read spec: {err}")))?;
    parse(path, &text, selection)
}

/// Parses spec text (YAML or JSON), keeping the operations `selection` selects; `path` is used in
/// diagnostics only.
pub fn parse(path: &Path, text: &str, selection: &Selection) -> Result<Document, Diagnostics> {
    let mut raw = untyped(path, text)?;
    check_version(path, &raw)?;
    // Before anything reads operations (the selection, the conversions), so that they see the copies.
    let inlined = path_items::inline(&mut raw);
    let select = |raw: &mut serde_json::Value| {
        select::apply(raw, selection)
            .map_err(|message| one(&selection.file, Location::Pointer(Pointer::root().join("select")), message))
    };
    let (mut raw, mut warnings, mut errors, origins) = if swagger::is_2_0(&raw) {
        // The selection is cut out of the 2.0 document, so that only what is kept is converted.
        let mut warnings = select(&mut raw)?;
        let converted = swagger::upconvert(path, raw);
        warnings.extend(converted.warnings);
        (converted.raw, warnings, converted.errors, Some(converted.origins))
    } else {
        if downconvert::is_3_1(&raw) {
            downconvert::downconvert(path, &mut raw)?;
        }
        remove_callbacks(&mut raw);
        let warnings = select(&mut raw)?;
        (raw, warnings, Vec::new(), None)
    };
    let at = |(pointer, message): (Pointer, String)| Diagnostic {
        file: path.to_path_buf(),
        location: Location::Pointer(pointer),
        message,
    };
    let slips: Vec<Diagnostic> = slips::read_past(&mut raw).into_iter().map(at).collect();
    // Path items were inlined in the document as written, so their places need no relocating.
    errors.extend(inlined.errors.into_iter().map(at));
    warnings.extend(inlined.warnings.into_iter().map(at));
    let mut doc = Document {
        path: path.to_path_buf(),
        api: OpenAPI::default(),
        raw,
        warnings: Vec::new(),
        errors,
        origins,
        shared_operations: inlined.shared,
        copies: inlined.copies,
    };
    // The slips were read past in the converted form of a 2.0 document and in copies of path items: each
    // is said once, at its place as written.
    let mut slips: Vec<Diagnostic> = slips.into_iter().map(|warning| doc.relocate_one(warning)).collect();
    slips.sort();
    slips.dedup();
    warnings.extend(slips);
    doc.warnings = warnings;
    // The errors loading read past wait for the model, which reports them with its own.
    match typed(path, &doc.raw, &doc.raw) {
        Ok(api) => doc.api = api,
        Err(diagnostics) => return doc.with_errors(Err(doc.relocate(diagnostics))),
    }
    Ok(doc)
}

/// Whether `diagnostic` is at or around (above or below) the place of one of `earlier`, of the same file.
fn repeats(diagnostic: &Diagnostic, earlier: &[Diagnostic]) -> bool {
    let Location::Pointer(at) = &diagnostic.location else { return false };
    let at = at.as_json_pointer();
    let related = |a: &str, b: &str| a == b || b.strip_prefix(a).is_some_and(|rest| rest.starts_with('/'));
    earlier.iter().any(|earlier| match &earlier.location {
        Location::Pointer(place) if earlier.file == diagnostic.file => {
            let place = place.as_json_pointer();
            related(place, at) || related(at, place)
        }
        _ => false,
    })
}

/// A description as it is kept: the part of it a selection keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The text: the description as it was when the selection keeps all of it, else the part it keeps,
    /// written as the description was (pretty JSON, or YAML).
    pub text: String,
    /// Whether it is a Swagger 2.0 document (else OpenAPI 3.x).
    pub swagger: bool,
    /// Whether it is written as JSON (else YAML).
    pub json: bool,
}

/// The part of the description `text` that `selection` keeps: the operations it selects and every
/// component they reach, the rest of the document as it is, in the document's own version (a 2.0 document
/// stays 2.0). `path` is used in diagnostics only.
pub fn cut(path: &Path, text: &str, selection: &Selection) -> Result<Cut, Diagnostics> {
    let raw = untyped(path, text)?;
    check_version(path, &raw)?;
    let swagger = swagger::is_2_0(&raw);
    let json = looks_like_json(text);
    let mut kept = raw.clone();
    select::apply(&mut kept, selection)
        .map_err(|message| one(&selection.file, Location::Pointer(Pointer::root().join("select")), message))?;
    if kept == raw {
        return Ok(Cut { text: text.to_owned(), swagger, json });
    }
    let text = if json {
        serde_json::to_string_pretty(&kept)
            .map(|text| text + "\n")
            .map_err(|err| Diagnostics::file(path, format!("cannot write the selection as JSON: {err}")))?
    } else {
        serde_yaml::to_string(&kept)
            .map_err(|err| Diagnostics::file(path, format!("cannot write the selection as YAML: {err}")))?
    };
    Ok(Cut { text, swagger, json })
}

/// Whether spec text starts like JSON (an object), and is read as JSON first.
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// The document as JSON. YAML is read straight into JSON values, which holds the least in memory; a
/// document that cannot be (a tagged value, say) is read as YAML values first, and then converted.
fn untyped(path: &Path, text: &str) -> Result<serde_json::Value, Diagnostics> {
    // JSON is not quite YAML: YAML refuses some characters a JSON string may hold as they are (U+2028 ends
    // a line, DEL is a control character). A document that starts like JSON is read as JSON first.
    if let Some(raw) = looks_like_json(text).then(|| serde_json::from_str(text).ok()).flatten() {
        return Ok(raw);
    }
    if let Ok(raw) = serde_yaml::from_str(text) {
        return Ok(raw);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        one(path, Location::LineColumn { line, column }, format!("invalid YAML: {}", first_line(&err.to_string())))
    })?;
    Ok(to_json(&yaml))
}

/// Removes callbacks (requests the API makes to the caller, which a client does not send), before
/// `openapiv3` reads them: it cannot read a callback given by `$ref`.
fn remove_callbacks(raw: &mut serde_json::Value) {
    use select::METHODS;
    if let Some(paths) = raw.get_mut("paths").and_then(serde_json::Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(operation) = item.get_mut(method).and_then(serde_json::Value::as_object_mut) {
                    operation.remove("callbacks");
                }
            }
        }
    }
    if let Some(components) = raw.get_mut("components").and_then(serde_json::Value::as_object_mut) {
        components.remove("callbacks");
    }
}

/// Deserializes the typed document from `from`, the same document as `raw` (YAML, or the converted JSON of a
/// 3.1 document); on failure, `raw` is searched for the innermost objects that fail.
fn typed<'de, D: serde::Deserializer<'de>>(
    path: &Path,
    raw: &serde_json::Value,
    from: D,
) -> Result<OpenAPI, Diagnostics> {
    serde_path_to_error::deserialize(from).map_err(|err| {
        // openapiv3 flattens extensions into most objects, which hides the path below them; narrow it down.
        let mut found = narrow::locate(raw);
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
    })
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

/// Accepts the versions this generator reads: 3.0.x, and 2.0 and 3.1.x by conversion.
fn check_version(path: &Path, raw: &serde_json::Value) -> Result<(), Diagnostics> {
    const EXPECTED: &str = "expected 3.0.x, 3.1.x or Swagger 2.0";
    let pointer = Pointer::root().join("openapi");
    match raw.get("openapi").and_then(serde_json::Value::as_str) {
        Some(version) if version.starts_with("3.0.") || version.starts_with("3.1.") => Ok(()),
        Some(version) => {
            Err(one(path, Location::Pointer(pointer), format!("unsupported OpenAPI version {version:?}: {EXPECTED}")))
        }
        None if swagger::is_2_0(raw) => Ok(()),
        None => match raw.get("swagger") {
            Some(version) => {
                let version = version.as_str().map_or_else(|| version.to_string(), |v| format!("{v:?}"));
                let message = format!("unsupported Swagger version {version}: {EXPECTED}");
                Err(one(path, Location::Pointer(Pointer::root().join("swagger")), message))
            }
            None => Err(one(path, Location::Pointer(pointer), format!("missing `openapi` version field: {EXPECTED}"))),
        },
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
        Y::Mapping(map) => serde_json::Value::Object(map.iter().map(|(k, v)| (key_text(k), to_json(v))).collect()),
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
        let err =
            parse(Path::new("s.yaml"), "openapi: 3.0.3\ninfo: [\n", &Selection::default()).unwrap_err().to_string();
        assert!(err.starts_with("s.yaml:"), "{err}");
        assert!(err.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn keys_that_are_not_strings_and_tagged_values_are_read() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1', x-a: !tagged 7}\npaths:\n  /a:\n    get:\n      responses: {200: {description: ok}}\n";
        let doc = parse(Path::new("s.yaml"), text, &Selection::default()).unwrap();
        assert_eq!(doc.raw.pointer("/info/x-a"), Some(&serde_json::json!(7)));
        assert!(doc.raw.pointer("/paths/~1a/get/responses/200/description").is_some());
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {200: {description: ok}}\n";
        let doc = parse(Path::new("s.yaml"), text, &Selection::default()).unwrap();
        assert!(doc.raw.pointer("/paths/~1a/get/responses/200/description").is_some());
    }

    #[test]
    fn shape_errors_have_a_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = parse(Path::new("s.yaml"), text, &Selection::default()).unwrap_err().to_string();
        assert!(err.starts_with("s.yaml#/paths/~1a/get/responses: not a valid OpenAPI 3.0 document"), "{err}");
    }

    #[test]
    fn other_versions_are_refused() {
        let err = parse(Path::new("s.json"), r#"{"openapi": "3.2.0", "info": {}, "paths": {}}"#, &Selection::default())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json#/openapi: unsupported OpenAPI version \"3.2.0\": expected 3.0.x, 3.1.x or Swagger 2.0"
        );
        let err = parse(Path::new("s.json"), r#"{"info": {}, "paths": {}}"#, &Selection::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json#/openapi: missing `openapi` version field: expected 3.0.x, 3.1.x or Swagger 2.0"
        );
        let err = parse(Path::new("s.json"), r#"{"swagger": "1.2", "paths": {}}"#, &Selection::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json#/swagger: unsupported Swagger version \"1.2\": expected 3.0.x, 3.1.x or Swagger 2.0"
        );
    }

    #[test]
    fn openapi_3_1_is_converted_to_3_0() {
        let text = r##"openapi: 3.1.0
info: {title: t, version: '1', license: {name: MIT, identifier: MIT}}
webhooks:
  ping: {post: {responses: {'200': {description: ok}}}}
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: [integer, 'null'], exclusiveMinimum: 0}}
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/Pet', description: the pet, readOnly: true}}
components:
  schemas:
    Pet:
      type: object
      properties:
        kind: {const: cat}
        name: {type: [string, 'null'], examples: [Tom]}
        owner: {$ref: '#/components/schemas/Owner', description: who feeds it}
    Owner: {type: object}
"##;
        let doc = parse(Path::new("s.yaml"), text, &Selection::default()).unwrap();
        let raw = |pointer: &str| doc.raw.pointer(pointer).cloned();
        assert_eq!(raw("/openapi"), Some(serde_json::json!("3.0.3")));
        assert_eq!(raw("/webhooks"), None);
        assert_eq!(raw("/info/license/identifier"), None);
        assert_eq!(raw("/components/schemas/Pet/properties/kind/enum"), Some(serde_json::json!(["cat"])));
        assert_eq!(raw("/components/schemas/Pet/properties/name/nullable"), Some(serde_json::json!(true)));
        assert_eq!(raw("/components/schemas/Pet/properties/name/example"), Some(serde_json::json!("Tom")));
        let owner = Pointer::root().join("components").join("schemas").join("Pet").join("properties").join("owner");
        assert_eq!(doc.raw_str(&owner.join("description")), Some("who feeds it"));
        let body = "/paths/~1pets/get/responses/200/content/application~1json/schema";
        assert_eq!(raw(&format!("{body}/allOf/0/$ref")), Some(serde_json::json!("#/components/schemas/Pet")));

        assert_eq!(doc.api.openapi, "3.0.3");
        let schemas = &doc.api.components.as_ref().unwrap().schemas;
        let openapiv3::ReferenceOr::Item(pet) = &schemas["Pet"] else { panic!("Pet is a reference") };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &pet.schema_kind else { panic!("{pet:?}") };
        let openapiv3::ReferenceOr::Item(name) = &object.properties["name"] else { panic!("name is a reference") };
        assert!(name.schema_data.nullable);
        let openapiv3::ReferenceOr::Item(kind) = &object.properties["kind"] else { panic!("kind is a reference") };
        let openapiv3::SchemaKind::Type(openapiv3::Type::String(kind)) = &kind.schema_kind else { panic!("{kind:?}") };
        assert_eq!(kind.enumeration, [Some("cat".to_owned())]);
        assert!(matches!(object.properties["owner"], openapiv3::ReferenceOr::Reference { .. }));
        let (_, _, operation) = doc.api.operations().next().unwrap();
        let openapiv3::ParameterSchemaOrContent::Schema(openapiv3::ReferenceOr::Item(limit)) =
            &operation.parameters[0].as_item().unwrap().parameter_data_ref().format
        else {
            panic!("limit has no schema")
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Integer(limit)) = &limit.schema_kind else {
            panic!("{limit:?}")
        };
        assert_eq!((limit.minimum, limit.exclusive_minimum), (Some(0), true));
    }

    /// Path items given by `$ref` are copied before a 2.0 document is converted or a 3.1 one read as 3.0,
    /// and the slips of either are read past after, said where they are written.
    #[test]
    fn path_items_given_by_ref_and_slips_are_read_in_every_version() {
        let swagger = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/paths/~1b'}\n  /b:\n    get:\n      operationId: getB\n      responses: {'200': {schema: {type: string}}}\n";
        let openapi_3_1 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/components/pathItems/B'}\ncomponents:\n  pathItems:\n    B:\n      get:\n        operationId: getB\n        responses: {'200': {content: {application/json: {schema: {type: [string, 'null']}}}}}\n";
        for (text, written) in
            [(swagger, "#/paths/~1b/get/responses/200"), (openapi_3_1, "#/components/pathItems/B/get/responses/200")]
        {
            let doc = parse(Path::new("s.yaml"), text, &Selection::default()).unwrap();
            assert!(doc.raw.pointer("/paths/~1a/get/responses/200/description").is_some(), "{:?}", doc.raw);
            let warnings: Vec<String> = doc.warnings.iter().map(ToString::to_string).collect();
            assert_eq!(
                warnings,
                [format!(
                    "s.yaml{written}/description: a response needs a `description`, which OpenAPI requires: read as an empty one"
                )]
            );
        }
    }

    #[test]
    fn openapi_3_1_constructs_3_0_lacks_are_refused() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Pet: {if: {}}\n";
        let err = parse(Path::new("spec.yaml"), text, &Selection::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "spec.yaml#/components/schemas/Pet/if: \
             unsupported OpenAPI 3.1 construct `if`: 3.0 cannot express it"
        );
    }
}

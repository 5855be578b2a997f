//! OpenAPI 2.0 (Swagger) to 3.0: rewrites a raw 2.0 document into the 3.0 document `openapiv3` reads.
//!
//! The result is what the reference converter, swagger2openapi, makes of the same document wherever the
//! generated client could tell them apart (a test holds the two crates to that, and the README lists what
//! differs on purpose). What 3.0 cannot say is an error at its place. Every part that moves is recorded in
//! [`Origins`], so that what is said about the converted document points into the file the user holds.

mod operations;
mod origins;
mod schemas;

use std::path::Path;

use serde_json::{Map, Value};

pub(crate) use self::origins::Origins;
use self::schemas::ComponentNames;
use crate::error::{Diagnostic, Pointer, Sink};

/// The version the converted document declares.
const TARGET_VERSION: &str = "3.0.3";

/// The sections 3.0 keeps under `components`, with the top-level member each was in 2.0.
const SECTIONS: [(&str, &str); 4] = [
    ("schemas", "definitions"),
    ("parameters", "parameters"),
    ("responses", "responses"),
    ("securitySchemes", "securityDefinitions"),
];

/// Whether `raw` declares Swagger 2.0 (`swagger: "2.0"`, or the number `2.0` of an unquoted YAML value).
pub(crate) fn is_2_0(raw: &Value) -> bool {
    match raw.get("swagger") {
        Some(Value::String(version)) => version == "2.0",
        Some(Value::Number(version)) => version.as_f64() == Some(2.0),
        _ => false,
    }
}

/// A 2.0 document converted: the 3.0 document, where its parts came from, and what the conversion found.
#[derive(Debug)]
pub(crate) struct Converted {
    /// The 3.0 document.
    pub(crate) raw: Value,
    /// Where the parts that moved came from.
    pub(crate) origins: Origins,
    /// Slips that were read one way, at their place in the 2.0 document.
    pub(crate) warnings: Vec<Diagnostic>,
    /// Constructs 3.0 cannot say, at their place in the 2.0 document: each is left as it was, so that the
    /// rest of the document can still be read and every problem reported together.
    pub(crate) errors: Vec<Diagnostic>,
}

/// Converts the 2.0 document `raw` (an object, since [`is_2_0`] read a member of it); `path` is used in
/// diagnostics only.
pub(crate) fn upconvert(path: &Path, raw: Value) -> Converted {
    let mut doc = match raw {
        Value::Object(doc) => doc,
        _ => Map::new(),
    };
    drop_nulls(&mut doc, false);
    let definitions = doc.get("definitions").and_then(Value::as_object);
    let mut converter = Converter {
        sink: Sink::new(path),
        origins: Origins::default(),
        names: ComponentNames::of(definitions),
        consumes: media_types(doc.get("consumes")),
        produces: media_types(doc.get("produces")),
        body_parameters: Map::new(),
    };
    doc.values_mut().for_each(|value| converter.rewrite_refs(value));
    let converted = converter.document(doc);
    let Converter { mut sink, origins, .. } = converter;
    let warnings = sink.take_warnings();
    let errors = sink.finish(()).err().map(|diagnostics| diagnostics.0).unwrap_or_default();
    Converted { raw: Value::Object(converted), origins, warnings, errors }
}

/// The state of one conversion.
struct Converter {
    sink: Sink,
    origins: Origins,
    names: ComponentNames,
    /// The document's `consumes`, for operations that say none of their own.
    consumes: Vec<String>,
    /// The document's `produces`, likewise.
    produces: Vec<String>,
    /// The body and form parameters of the `parameters` section, by their 3.0 component name: 3.0 has them
    /// as request bodies, so each is written into the operations that refer to it.
    body_parameters: Map<String, Value>,
}

impl Converter {
    /// The top level: `openapi` first, then the members in their order, with `servers` and `components`
    /// made from the 2.0 members that 3.0 moved.
    fn document(&mut self, mut doc: Map<String, Value>) -> Map<String, Value> {
        let root = Pointer::root();
        let mut out = Map::new();
        out.insert("openapi".to_owned(), Value::String(TARGET_VERSION.to_owned()));
        self.origins.record(&root.join("openapi"), &root.join("swagger"));
        // Whether or not the document has them: a `$ref` into a section it lacks is said in 2.0's words too.
        for (section, original) in SECTIONS {
            self.origins.record_section(&root.join("components").join(section), &root.join(original));
        }
        let servers = self.servers(&doc);
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = doc.remove("definitions") {
            components.insert("schemas".to_owned(), Value::Object(self.definitions(definitions)));
        }
        if let Some(Value::Object(parameters)) = doc.remove("parameters") {
            let parameters = self.shared_parameters(parameters);
            if !parameters.is_empty() {
                components.insert("parameters".to_owned(), Value::Object(parameters));
            }
        }
        if let Some(Value::Object(responses)) = doc.remove("responses") {
            components.insert("responses".to_owned(), Value::Object(self.shared_responses(responses)));
        }
        if let Some(Value::Object(schemes)) = doc.remove("securityDefinitions") {
            components.insert("securitySchemes".to_owned(), Value::Object(self.security_schemes(schemes)));
        }
        for (key, mut value) in doc {
            match key.as_str() {
                "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" => continue,
                "paths" => self.paths(&mut value),
                "security" => self.security_requirements(&mut value, &root.join("security")),
                _ => {}
            }
            out.insert(key, value);
        }
        // 3.0 requires `paths`; a document without one describes no operation.
        out.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        if let Some(servers) = servers {
            out.insert("servers".to_owned(), servers);
        }
        if !components.is_empty() {
            out.insert("components".to_owned(), Value::Object(components));
        }
        out
    }

    /// `definitions` as `components/schemas`, renamed where 3.0 names cannot hold their names.
    fn definitions(&mut self, definitions: Map<String, Value>) -> Map<String, Value> {
        let (root, section) = (Pointer::root(), Pointer::root().join("components").join("schemas"));
        for (old, new) in self.names.renamed() {
            self.origins.record(&section.join(new), &root.join("definitions").join(old));
        }
        let mut schemas = Map::new();
        for (name, mut schema) in definitions {
            let new = self.names.schema(&name).to_owned();
            self.schema(&mut schema, &root.join("definitions").join(&name));
            schemas.insert(new, schema);
        }
        schemas
    }

    /// `host`, `basePath` and `schemes` as `servers`: a URL per scheme, without a trailing `/`.
    fn servers(&mut self, doc: &Map<String, Value>) -> Option<Value> {
        let base_path = doc.get("basePath").and_then(Value::as_str);
        let urls: Vec<String> = match doc.get("host").and_then(Value::as_str) {
            Some(host) => {
                let base_path = base_path.unwrap_or_default();
                let base_path = base_path.strip_suffix('/').unwrap_or(base_path);
                let schemes: Vec<&str> = match doc.get("schemes").and_then(Value::as_array) {
                    Some(schemes) => schemes.iter().filter_map(Value::as_str).collect(),
                    None => vec![""],
                };
                schemes
                    .into_iter()
                    .map(|scheme| match scheme {
                        "" => format!("//{host}{base_path}"),
                        scheme => format!("{scheme}://{host}{base_path}"),
                    })
                    .collect()
            }
            None => base_path.map(|base_path| vec![base_path.to_owned()]).unwrap_or_default(),
        };
        if urls.is_empty() {
            return None;
        }
        let at = if doc.contains_key("host") { "host" } else { "basePath" };
        self.origins.record(&Pointer::root().join("servers"), &Pointer::root().join(at));
        Some(Value::Array(urls.into_iter().map(server).collect()))
    }

    /// `securityDefinitions` as `components/securitySchemes`: `basic` is an `http` scheme, and an `oauth2`
    /// scheme's one flow goes under `flows`.
    fn security_schemes(&mut self, schemes: Map<String, Value>) -> Map<String, Value> {
        let root = Pointer::root();
        let section = root.join("components").join("securitySchemes");
        let mut out = Map::new();
        for (name, mut scheme) in schemes {
            let at = root.join("securityDefinitions").join(&name);
            let new = schemas::sanitise(&name);
            if out.contains_key(&new) {
                let message = format!("security scheme {name:?} has the 3.0 name {new:?} of another one");
                self.sink.error(&at, message);
                continue;
            }
            self.origins.record(&section.join(&new), &at);
            if let Some(scheme) = scheme.as_object_mut() {
                self.security_scheme(scheme, &at);
            }
            out.insert(new, scheme);
        }
        out
    }

    /// Security requirements (at `at`) with each scheme under its 3.0 name.
    pub(super) fn security_requirements(&mut self, requirements: &mut Value, at: &Pointer) {
        for (index, requirement) in requirements.as_array_mut().into_iter().flatten().enumerate() {
            let Some(map) = requirement.as_object_mut() else { continue };
            let mut renamed = Map::new();
            for (name, scopes) in std::mem::take(map) {
                let new = schemas::sanitise(&name);
                self.origins.record(&at.join(index).join(&new), &at.join(index).join(&name));
                renamed.insert(new, scopes);
            }
            *map = renamed;
        }
    }

    fn security_scheme(&mut self, scheme: &mut Map<String, Value>, at: &Pointer) {
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                scheme.insert("type".to_owned(), Value::String("http".to_owned()));
                scheme.insert("scheme".to_owned(), Value::String("basic".to_owned()));
            }
            Some("oauth2") => {
                let flow_name = match scheme.remove("flow").as_ref().and_then(Value::as_str) {
                    Some("application") => "clientCredentials".to_owned(),
                    Some("accessCode") => "authorizationCode".to_owned(),
                    Some(other) => other.to_owned(),
                    None => {
                        self.sink.error(&at.join("flow"), "an oauth2 security scheme needs its `flow`");
                        return;
                    }
                };
                let mut flow = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(Value::String(url)) = scheme.remove(key) {
                        // 3.0 URLs take no query; swagger2openapi cuts it off.
                        let url = url.split('?').next().unwrap_or_default().trim();
                        flow.insert(key.to_owned(), Value::String(if url.is_empty() { "/" } else { url }.to_owned()));
                    }
                }
                let scopes = scheme.remove("scopes").unwrap_or_else(|| Value::Object(Map::new()));
                flow.insert("scopes".to_owned(), scopes);
                let mut flows = Map::new();
                flows.insert(flow_name, Value::Object(flow));
                scheme.insert("flows".to_owned(), Value::Object(flows));
                if scheme.remove("name").is_some() {
                    self.sink.warn(&at.join("name"), "an oauth2 security scheme has no `name`: ignored");
                }
            }
            _ => {}
        }
    }
}

/// A Server Object for `url`, with a variable for each `{name}` in it, as 3.0 requires.
fn server(url: String) -> Value {
    let url = url.replace("{{", "{").replace("}}", "}");
    let mut variables = Map::new();
    let mut rest = url.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else { break };
        let mut variable = Map::new();
        variable.insert("default".to_owned(), Value::String("unknown".to_owned()));
        variables.insert(rest[open + 1..close].to_owned(), Value::Object(variable));
        rest = &rest[close + 1..];
    }
    let mut server = Map::new();
    server.insert("url".to_owned(), Value::String(url.clone()));
    if !variables.is_empty() {
        server.insert("variables".to_owned(), Value::Object(variables));
    }
    Value::Object(server)
}

/// A `consumes` or `produces` list, without repeats; a single string is read as a list of one.
fn media_types(value: Option<&Value>) -> Vec<String> {
    let mut list: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    list.retain(|media| seen.insert(media.clone()));
    list
}

/// Removes members whose value is `null`, as swagger2openapi does before it converts: a 2.0 document
/// means "absent" by them. Extensions, defaults and examples keep theirs, as values.
fn drop_nulls(map: &mut Map<String, Value>, in_example: bool) {
    map.retain(|key, value| {
        let keeps_null = in_example || key.starts_with("x-") || key == "default";
        !value.is_null() || keeps_null
    });
    for (key, value) in map.iter_mut() {
        let in_example = in_example || key.starts_with("example");
        match value {
            Value::Object(inner) => drop_nulls(inner, in_example),
            Value::Array(items) => {
                for item in items.iter_mut() {
                    if let Value::Object(inner) = item {
                        drop_nulls(inner, in_example);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn convert(doc: Value) -> Converted {
        upconvert(Path::new("s.json"), doc)
    }

    #[test]
    fn host_base_path_and_schemes_are_servers() {
        let servers = |doc: Value| convert(doc).raw["servers"].clone();
        let doc =
            json!({"swagger": "2.0", "host": "api.example.com", "basePath": "/v1/", "schemes": ["https", "http"]});
        assert_eq!(servers(doc), json!([{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}]));
        assert_eq!(servers(json!({"swagger": "2.0", "host": "h.example"})), json!([{"url": "//h.example"}]));
        assert_eq!(servers(json!({"swagger": "2.0", "basePath": "/api"})), json!([{"url": "/api"}]));
        assert_eq!(servers(json!({"swagger": "2.0"})), Value::Null, "no host, no servers");
        let templated = json!({"swagger": "2.0", "host": "{tenant}.example.com", "schemes": ["https"]});
        let expected =
            json!([{"url": "https://{tenant}.example.com", "variables": {"tenant": {"default": "unknown"}}}]);
        assert_eq!(servers(templated), expected);
    }

    #[test]
    fn security_definitions_are_security_schemes_under_3_0_names() {
        let doc = json!({
            "swagger": "2.0",
            "securityDefinitions": {
                "PureCloud OAuth": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://l.example/authorize?x=1", "scopes": {"all": "All"}},
                "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://l.example/token"},
                "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://l.example/a", "tokenUrl": "https://l.example/t", "scopes": {}},
                "basic": {"type": "basic", "description": "user and password"},
                "key": {"type": "apiKey", "name": "X-Key", "in": "header"}
            },
            "security": [{"PureCloud OAuth": ["all"]}],
            "paths": {"/a": {"get": {"security": [{"PureCloud OAuth": ["a:read"]}, {"key": []}], "responses": {}}}}
        });
        let converted = convert(doc);
        assert!(converted.errors.is_empty(), "{:?}", converted.errors);
        let schemes = &converted.raw["components"]["securitySchemes"];
        assert_eq!(
            schemes["PureCloud_OAuth"],
            json!({"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://l.example/authorize", "scopes": {"all": "All"}}}})
        );
        assert_eq!(
            schemes["app"]["flows"],
            json!({"clientCredentials": {"tokenUrl": "https://l.example/token", "scopes": {}}})
        );
        assert!(schemes["code"]["flows"]["authorizationCode"].is_object());
        assert_eq!(schemes["basic"], json!({"type": "http", "description": "user and password", "scheme": "basic"}));
        assert_eq!(schemes["key"], json!({"type": "apiKey", "name": "X-Key", "in": "header"}));
        assert_eq!(converted.raw["security"], json!([{"PureCloud_OAuth": ["all"]}]));
        assert_eq!(
            converted.raw["paths"]["/a"]["get"]["security"],
            json!([{"PureCloud_OAuth": ["a:read"]}, {"key": []}])
        );
    }

    #[test]
    fn schema_keywords_2_0_spells_otherwise_are_the_3_0_ones() {
        let doc = json!({
            "swagger": "2.0",
            "definitions": {
                "Pet": {
                    "type": "object",
                    "discriminator": "kind",
                    "description": null,
                    "properties": {
                        "kind": {"type": "string"},
                        "name": {"type": "string", "x-nullable": true},
                        "photo": {"type": "file"},
                        "tags": {"type": "array"},
                        "owner": {"$ref": "#/definitions/Owner", "x-nullable": true},
                        "flag": {"type": "boolean", "required": true}
                    }
                },
                "Owner": {"type": "object", "default": null}
            }
        });
        let converted = convert(doc);
        let pet = &converted.raw["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert!(pet.get("description").is_none(), "a null member means absent");
        assert_eq!(pet["properties"]["name"], json!({"type": "string", "nullable": true}));
        assert_eq!(pet["properties"]["photo"], json!({"type": "string", "format": "binary"}));
        assert_eq!(pet["properties"]["tags"], json!({"type": "array", "items": {}}));
        assert_eq!(
            pet["properties"]["owner"],
            json!({"$ref": "#/components/schemas/Owner", "x-nullable": true}),
            "beside a $ref, members stay as they are"
        );
        assert_eq!(pet["properties"]["flag"], json!({"type": "boolean"}));
        assert_eq!(converted.raw["components"]["schemas"]["Owner"], json!({"type": "object", "default": null}));
        let warnings: Vec<String> = converted.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("s.json#/definitions/Pet/properties/flag/required: `required: true`"));
    }

    #[test]
    fn what_3_0_cannot_say_is_an_error_at_its_place_and_the_rest_is_converted() {
        let doc = json!({
            "swagger": "2.0",
            "paths": {"/a/{id}": {"get": {
                "parameters": [
                    {"name": "id", "in": "path", "type": "array", "collectionFormat": "pipes", "items": {"type": "string"}},
                    {"name": "b", "in": "body", "schema": {"type": "string"}},
                    {"name": "f", "in": "formData", "type": "string"},
                    {"name": "q", "in": "query", "type": ["string", "null"]},
                    {"name": "z", "in": "query", "type": "array", "collectionFormat": "bogus", "items": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok"}}
            }}}
        });
        let converted = convert(doc);
        let errors: Vec<String> = converted.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "s.json#/paths/~1a~1{id}/get/parameters/0/collectionFormat: `collectionFormat: pipes` in a path parameter: OpenAPI 3.0 has no such style (only a query parameter may be pipes)",
                "s.json#/paths/~1a~1{id}/get/parameters/2: a form parameter beside a body parameter: an operation has one request body",
                "s.json#/paths/~1a~1{id}/get/parameters/3/type: a list of types: OpenAPI 2.0 and 3.0 give a schema one type (3.1 reads a list)",
                "s.json#/paths/~1a~1{id}/get/parameters/4/collectionFormat: unknown `collectionFormat` \"bogus\": expected csv, ssv, tsv, pipes or multi",
            ]
        );
        assert_eq!(converted.raw["openapi"], json!("3.0.3"));
        assert_eq!(converted.raw["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"]["type"], json!("array"));
    }
}

//! Paths, parameters and responses: `body` and `formData` parameters become a request body, the value
//! keywords of the others move into a `schema`, `collectionFormat` becomes a style, and a response's
//! `schema` goes under `content`, once per media type the operation produces.

use serde_json::{Map, Value};

use super::schemas::{VALUE_KEYWORDS, sanitise};
use super::{Converter, media_types};
use crate::error::Pointer;

/// The operation keys of a Path Item Object.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The media type of a body that no `consumes` names.
const DEFAULT_CONSUMES: &str = "application/json";
/// The media type of a response body that no `produces` names: any.
const DEFAULT_PRODUCES: &str = "*/*";

/// A parameter that 3.0 has as (part of) a request body, with where it stands in the 2.0 document.
struct BodyPart {
    param: Map<String, Value>,
    at: Pointer,
}

impl BodyPart {
    fn location(&self) -> Option<&str> {
        self.param.get("in").and_then(Value::as_str)
    }

    fn is_form(&self) -> bool {
        self.location() == Some("formData")
    }
}

/// Whether a (resolved) 2.0 parameter is a body, a form field or a file, which 3.0 has in a request body.
fn is_body_part(param: &Map<String, Value>) -> bool {
    matches!(param.get("in").and_then(Value::as_str), Some("body" | "formData"))
        || param.get("type").and_then(Value::as_str) == Some("file")
}

impl Converter {
    /// The `parameters` section: body and form parameters are kept aside for the operations that refer to
    /// them; the others become `components/parameters`.
    pub(super) fn shared_parameters(&mut self, parameters: Map<String, Value>) -> Map<String, Value> {
        let root = Pointer::root();
        let section = root.join("components").join("parameters");
        let mut out = Map::new();
        for (name, param) in parameters {
            let at = root.join("parameters").join(&name);
            let new = sanitise(&name);
            let Value::Object(mut param) = param else {
                out.insert(new, param);
                continue;
            };
            if is_body_part(&param) {
                if let Some(schema) = param.get_mut("schema") {
                    self.schema(schema, &at.join("schema"));
                }
                self.body_parameters.insert(new, Value::Object(param));
                continue;
            }
            self.origins.record(&section.join(&new), &at);
            self.origins.record(&section.join(&new).join("schema"), &at);
            self.parameter(&mut param, &at);
            out.insert(new, Value::Object(param));
        }
        out
    }

    /// The `responses` section as `components/responses`, with the document's `produces`.
    pub(super) fn shared_responses(&mut self, responses: Map<String, Value>) -> Map<String, Value> {
        let root = Pointer::root();
        let section = root.join("components").join("responses");
        let produces = self.produces.clone();
        let mut out = Map::new();
        for (name, mut response) in responses {
            let new = sanitise(&name);
            let at = root.join("responses").join(&name);
            self.origins.record(&section.join(&new), &at);
            self.response(&mut response, &produces, &section.join(&new), &at);
            out.insert(new, response);
        }
        out
    }

    /// Every path item.
    pub(super) fn paths(&mut self, paths: &mut Value) {
        let at = Pointer::root().join("paths");
        for (path, item) in paths.as_object_mut().into_iter().flatten() {
            if let Some(item) = item.as_object_mut() {
                self.path_item(item, &at.join(path));
            }
        }
    }

    /// A Path Item Object: its operations, each with the body and form parameters of the path that it does
    /// not override, then the path's other parameters.
    fn path_item(&mut self, item: &mut Map<String, Value>, at: &Pointer) {
        let shared: Vec<Value> = match item.get("parameters") {
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                self.operation(operation, &shared, at, &at.join(method));
            }
        }
        if let Some(Value::Array(list)) = item.remove("parameters") {
            let kept = self.parameter_list(list, &at.join("parameters"), &mut Vec::new());
            if !kept.is_empty() {
                item.insert("parameters".to_owned(), Value::Array(kept));
            }
        }
    }

    /// An Operation Object.
    fn operation(&mut self, operation: &mut Map<String, Value>, shared: &[Value], item_at: &Pointer, at: &Pointer) {
        let consumes = match operation.remove("consumes") {
            Some(own) => media_types(Some(&own)),
            None => self.consumes.clone(),
        };
        let produces = match operation.remove("produces") {
            Some(own) => media_types(Some(&own)),
            None => self.produces.clone(),
        };
        operation.remove("schemes");
        let own = match operation.remove("parameters") {
            Some(Value::Array(list)) => list,
            Some(other) => {
                operation.insert("parameters".to_owned(), other);
                Vec::new()
            }
            None => Vec::new(),
        };
        // Body and form parameters of the path come first, unless the operation has its own of that name.
        let mut parts = Vec::new();
        for (index, param) in shared.iter().enumerate() {
            let Some(part) = self.body_part(param, &item_at.join("parameters").join(index)) else { continue };
            let same = |other: &Value| {
                let other = self.resolved(other);
                let key = |param: &Map<String, Value>| (param.get("name").cloned(), param.get("in").cloned());
                other.is_some_and(|other| key(other) == key(&part.param))
            };
            if !own.iter().any(same) {
                parts.push(part);
            }
        }
        let kept = self.parameter_list(own, &at.join("parameters"), &mut parts);
        if !kept.is_empty() {
            operation.insert("parameters".to_owned(), Value::Array(kept));
        }
        if let Some(body) = self.request_body(parts, &consumes, at) {
            operation.insert("requestBody".to_owned(), body);
        }
        // 3.0 requires `responses`; none documented means none to decode.
        let responses = operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
        for (status, response) in responses.as_object_mut().into_iter().flatten() {
            let here = at.join("responses").join(status);
            self.response(response, &produces, &here, &here);
        }
        if let Some(security) = operation.get_mut("security") {
            self.security_requirements(security, &at.join("security"));
        }
    }

    /// A list of parameters at `at`: body and form parameters go to `parts`, the others are converted and
    /// kept, each recorded at its new place in the list.
    fn parameter_list(&mut self, list: Vec<Value>, at: &Pointer, parts: &mut Vec<BodyPart>) -> Vec<Value> {
        let mut kept = Vec::new();
        for (index, param) in list.into_iter().enumerate() {
            let here = at.join(index);
            if let Some(part) = self.body_part(&param, &here) {
                parts.push(part);
                continue;
            }
            let new = at.join(kept.len());
            self.origins.record(&new, &here);
            let mut param = param;
            if let Some(map) = param.as_object_mut().filter(|map| !map.contains_key("$ref")) {
                self.origins.record(&new.join("schema"), &here);
                self.parameter(map, &here);
            }
            kept.push(param);
        }
        kept
    }

    /// The parameter `param` refers to in `components/parameters`, or `param` itself.
    fn resolved<'a>(&'a self, param: &'a Value) -> Option<&'a Map<String, Value>> {
        match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                self.body_parameters.get(name).and_then(Value::as_object)
            }
            None => param.as_object(),
        }
    }

    /// `param` as a part of a request body, when it is one: a body, form or file parameter, given here or
    /// by a `$ref` into the `parameters` section.
    fn body_part(&mut self, param: &Value, at: &Pointer) -> Option<BodyPart> {
        if let Some(reference) = param.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/components/parameters/")?;
            let target = self.body_parameters.get(name)?.as_object()?.clone();
            let original = Pointer::root().join("parameters").join(name);
            return Some(BodyPart { param: target, at: original });
        }
        let param = param.as_object().filter(|param| is_body_part(param))?;
        let mut param = param.clone();
        if let Some(schema) = param.get_mut("schema") {
            self.schema(schema, &at.join("schema"));
        }
        Some(BodyPart { param, at: at.clone() })
    }

    /// A parameter that stays a parameter: its value keywords in a `schema`, `collectionFormat` as a style.
    pub(super) fn parameter(&mut self, param: &mut Map<String, Value>, at: &Pointer) {
        if let Some(Value::Bool(deprecated)) = param.remove("x-deprecated") {
            param.insert("deprecated".to_owned(), Value::Bool(deprecated));
        }
        if let Some(example) = param.remove("x-example") {
            param.insert("example".to_owned(), example);
        }
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !param.contains_key("type") {
            let message = "a parameter needs a `type` in OpenAPI 2.0: read as a string";
            self.sink.warn(at, message);
            param.insert("type".to_owned(), Value::String("string".to_owned()));
        }
        let collection_format = self.collection_format(param, &location, at);
        let mut schema = match param.remove("schema") {
            Some(Value::Object(schema)) => schema,
            _ => Map::new(),
        };
        if let Some(typ) = param.remove("type") {
            schema.insert("type".to_owned(), typ);
        }
        if let Some(mut items) = param.remove("items") {
            self.nested_collection_formats(&mut items, collection_format.as_deref(), &at.join("items"));
            schema.insert("items".to_owned(), items);
        }
        for keyword in VALUE_KEYWORDS {
            if let Some(value) = param.remove(keyword) {
                schema.insert(keyword.to_owned(), value);
            }
        }
        let mut schema = Value::Object(schema);
        self.schema(&mut schema, at);
        param.insert("schema".to_owned(), schema);
        if location == "path" && param.get("required") != Some(&Value::Bool(true)) {
            let message = "a path parameter is always required: read as `required: true`";
            self.sink.warn(&at.join("required"), message);
            param.insert("required".to_owned(), Value::Bool(true));
        }
    }

    /// `collectionFormat` as the 3.0 `style` and `explode` that send an array the same way; returns the
    /// format (`csv` for an array that names none).
    fn collection_format(&mut self, param: &mut Map<String, Value>, location: &str, at: &Pointer) -> Option<String> {
        let is_array = param.get("type").and_then(Value::as_str) == Some("array");
        let given = param.remove("collectionFormat");
        let here = at.join("collectionFormat");
        let format = match (&given, is_array) {
            (Some(_), false) => {
                self.sink.warn(&here, "`collectionFormat` applies to arrays only: ignored");
                return None;
            }
            (None, false) => return None,
            (None, true) => "csv",
            (Some(Value::String(format)), true) => format.as_str(),
            (Some(_), true) => {
                self.sink.error(&here, "`collectionFormat` must be one of csv, ssv, tsv, pipes and multi");
                return None;
            }
        };
        let set = |param: &mut Map<String, Value>, key: &str, value: Value| {
            param.insert(key.to_owned(), value);
        };
        let style = |name: &str| Value::String(name.to_owned());
        match (format, location) {
            ("csv", "query" | "cookie") => {
                set(param, "style", style("form"));
                set(param, "explode", Value::Bool(false));
            }
            ("csv", _) => set(param, "style", style("simple")),
            ("ssv", "query") => set(param, "style", style("spaceDelimited")),
            ("pipes", "query") => set(param, "style", style("pipeDelimited")),
            ("multi", _) => set(param, "explode", Value::Bool(true)),
            // 3.0 has no tab-delimited style: swagger2openapi keeps the format in an extension, which the
            // generator reads.
            ("tsv", "query") => set(param, "x-collectionFormat", style("tsv")),
            ("ssv" | "pipes" | "tsv", _) => {
                let message = format!(
                    "`collectionFormat: {format}` in a {location} parameter: OpenAPI 3.0 has no such style \
                     (only a query parameter may be {format})"
                );
                self.sink.error(&here, message);
            }
            (other, _) => {
                let message = format!("unknown `collectionFormat` {other:?}: expected csv, ssv, tsv, pipes or multi");
                self.sink.error(&here, message);
            }
        }
        Some(format.to_owned())
    }

    /// Removes the `collectionFormat` of nested `items`, which 3.0 cannot give: an array in an array is sent
    /// in the outer format, so a different inner one is an error.
    fn nested_collection_formats(&mut self, items: &mut Value, outer: Option<&str>, at: &Pointer) {
        let Some(map) = items.as_object_mut() else { return };
        if let Some(inner) = map.remove("collectionFormat") {
            if inner.as_str() != outer {
                let message = "an array in an array with a `collectionFormat` of its own: OpenAPI 3.0 sends \
                               nested arrays in one format";
                self.sink.error(&at.join("collectionFormat"), message);
            }
        }
        if let Some(inner) = map.get_mut("items") {
            self.nested_collection_formats(inner, outer, &at.join("items"));
        }
    }

    /// The request body the body and form parameters of an operation make, if it has any.
    fn request_body(&mut self, parts: Vec<BodyPart>, consumes: &[String], at: &Pointer) -> Option<Value> {
        let (forms, bodies): (Vec<BodyPart>, Vec<BodyPart>) = parts.into_iter().partition(BodyPart::is_form);
        let mut bodies = bodies.into_iter();
        let body = bodies.next();
        for extra in bodies {
            self.sink.error(&extra.at, "a second body parameter: an operation has one request body");
        }
        let body_at = at.join("requestBody");
        match (body, forms.is_empty()) {
            (Some(_), false) => {
                let message = "a form parameter beside a body parameter: an operation has one request body";
                self.sink.error(&forms[0].at, message);
                None
            }
            (Some(body), true) => Some(self.body(body, consumes, &body_at)),
            (None, false) => Some(self.form(forms, consumes, &body_at)),
            (None, true) => None,
        }
    }

    /// A `body` parameter (or a file parameter outside a form) as a request body: its schema once per media
    /// type the operation consumes (JSON when it names none).
    fn body(&mut self, part: BodyPart, consumes: &[String], at: &Pointer) -> Value {
        let BodyPart { mut param, at: origin } = part;
        self.origins.record(at, &origin);
        let mut body = Map::new();
        if let Some(description) = param.remove("description") {
            body.insert("description".to_owned(), description);
        }
        if param.get("required").is_some_and(truthy) {
            body.insert("required".to_owned(), Value::Bool(true));
        }
        let is_file = param.get("in").and_then(Value::as_str) != Some("body");
        let (schema, media_types) = if is_file {
            let mut schema = Map::new();
            schema.insert("type".to_owned(), Value::String("string".to_owned()));
            schema.insert("format".to_owned(), Value::String("binary".to_owned()));
            (Value::Object(schema), vec!["application/octet-stream".to_owned()])
        } else {
            let schema = param.remove("schema").unwrap_or_else(|| Value::Object(Map::new()));
            let media_types = if consumes.is_empty() { vec![DEFAULT_CONSUMES.to_owned()] } else { consumes.to_vec() };
            (schema, media_types)
        };
        let mut content = Map::new();
        for media in media_types {
            let schema_at = at.join("content").join(&media).join("schema");
            self.origins.record(&schema_at.parent(), &origin);
            self.origins.record(&schema_at, &origin.join("schema"));
            let mut entry = Map::new();
            entry.insert("schema".to_owned(), schema.clone());
            content.insert(media, Value::Object(entry));
        }
        body.insert("content".to_owned(), Value::Object(content));
        copy_extensions(&param, &mut body);
        Value::Object(body)
    }

    /// Form parameters as one request body: an object with a property per field, sent as multipart when
    /// the operation consumes `multipart/form-data`, else urlencoded.
    fn form(&mut self, parts: Vec<BodyPart>, consumes: &[String], at: &Pointer) -> Value {
        let media = if consumes.iter().any(|media| media == "multipart/form-data") {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_at = at.join("content").join(media).join("schema");
        self.origins.record(at, &parts[0].at);
        let (mut properties, mut required) = (Map::new(), Vec::new());
        for BodyPart { param, at: origin } in parts {
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            self.origins.record(&schema_at.join("properties").join(&name), &origin);
            if param.get("required").is_some_and(truthy) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, form_field(param));
        }
        let mut schema = Map::new();
        schema.insert("type".to_owned(), Value::String("object".to_owned()));
        schema.insert("properties".to_owned(), Value::Object(properties));
        let mut body = Map::new();
        // The body is required when any of its fields is (swagger2openapi asks the first field only).
        if !required.is_empty() {
            schema.insert("required".to_owned(), Value::Array(required));
            body.insert("required".to_owned(), Value::Bool(true));
        }
        let mut entry = Map::new();
        entry.insert("schema".to_owned(), Value::Object(schema));
        let mut content = Map::new();
        content.insert(media.to_owned(), Value::Object(entry));
        body.insert("content".to_owned(), Value::Object(content));
        Value::Object(body)
    }

    /// A Response Object: its `schema` under `content`, once per media type the operation produces (any,
    /// when it names none), and its headers' value keywords in a `schema`. `at` is its place in the
    /// converted document, `origin` in the original.
    fn response(&mut self, response: &mut Value, produces: &[String], at: &Pointer, origin: &Pointer) {
        let Some(map) = response.as_object_mut().filter(|map| !map.contains_key("$ref")) else { return };
        let mut examples = match map.remove("examples") {
            Some(Value::Object(examples)) => examples,
            _ => Map::new(),
        };
        let mut content = Map::new();
        if let Some(mut schema) = map.remove("schema") {
            self.schema(&mut schema, &origin.join("schema"));
            let media_types = if produces.is_empty() { vec![DEFAULT_PRODUCES.to_owned()] } else { produces.to_vec() };
            for media in media_types {
                let media_at = at.join("content").join(&media);
                self.origins.record(&media_at, origin);
                self.origins.record(&media_at.join("schema"), &origin.join("schema"));
                let mut entry = Map::new();
                entry.insert("schema".to_owned(), schema.clone());
                if let Some(example) = examples.remove(&media) {
                    entry.insert("examples".to_owned(), named_example(example));
                }
                content.insert(media, Value::Object(entry));
            }
        }
        // Examples of media types the operation does not say it produces.
        for (media, example) in examples {
            let entry = content.entry(media).or_insert_with(|| Value::Object(Map::new()));
            if let Some(entry) = entry.as_object_mut() {
                entry.insert("examples".to_owned(), named_example(example));
            }
        }
        if !content.is_empty() {
            map.insert("content".to_owned(), Value::Object(content));
        }
        for (name, header) in map.get_mut("headers").and_then(Value::as_object_mut).into_iter().flatten() {
            let header_at = at.join("headers").join(name);
            let header_origin = origin.join("headers").join(name);
            self.origins.record(&header_at.join("schema"), &header_origin);
            if let Some(header) = header.as_object_mut() {
                self.header(header, &header_origin);
            }
        }
    }

    /// A response header: its value keywords in a `schema`. The client does not read response headers, so
    /// an array format 3.0 cannot give leaves the header out of its schema, with a warning.
    fn header(&mut self, header: &mut Map<String, Value>, at: &Pointer) {
        let mut schema = Map::new();
        if let Some(typ) = header.remove("type") {
            schema.insert("type".to_owned(), typ);
        }
        match header.remove("collectionFormat").as_ref().and_then(Value::as_str) {
            None | Some("csv") if schema.get("type").and_then(Value::as_str) == Some("array") => {
                header.insert("style".to_owned(), Value::String("simple".to_owned()));
            }
            Some("multi") => {
                header.insert("explode".to_owned(), Value::Bool(true));
            }
            None | Some("csv") => {}
            Some(other) => {
                let message = format!(
                    "`collectionFormat: {other}` in a response header: OpenAPI 3.0 has no such style; the client \
                     does not read response headers, so it is left out"
                );
                self.sink.warn(&at.join("collectionFormat"), message);
            }
        }
        for keyword in VALUE_KEYWORDS.into_iter().chain(["items"]) {
            if let Some(value) = header.remove(keyword) {
                schema.insert(keyword.to_owned(), value);
            }
        }
        if let Some(items) = schema.get_mut("items").and_then(Value::as_object_mut) {
            items.remove("collectionFormat");
        }
        header.insert("schema".to_owned(), Value::Object(schema));
    }
}

/// A form parameter as a property of the form's object schema.
fn form_field(mut param: Map<String, Value>) -> Value {
    let mut field = Map::new();
    for key in ["description", "example", "type"] {
        if let Some(value) = param.remove(key) {
            field.insert(key.to_owned(), value);
        }
    }
    if let Some(example) = param.remove("x-example") {
        field.entry("example").or_insert(example);
    }
    for keyword in VALUE_KEYWORDS {
        if let Some(value) = param.remove(keyword) {
            field.insert(keyword.to_owned(), value);
        }
    }
    if field.get("type").and_then(Value::as_str) == Some("array") {
        if let Some(mut items) = param.remove("items") {
            if let Some(items) = items.as_object_mut() {
                items.remove("collectionFormat");
            }
            field.insert("items".to_owned(), items);
        }
    }
    if field.get("type").and_then(Value::as_str) == Some("file") {
        field.insert("type".to_owned(), Value::String("string".to_owned()));
        field.insert("format".to_owned(), Value::String("binary".to_owned()));
    }
    copy_extensions(&param, &mut field);
    Value::Object(field)
}

/// An example of a 2.0 response as a 3.0 `examples` map of one.
fn named_example(value: Value) -> Value {
    let mut example = Map::new();
    example.insert("value".to_owned(), value);
    let mut examples = Map::new();
    examples.insert("response".to_owned(), Value::Object(example));
    Value::Object(examples)
}

/// Copies the extensions (`x-...`) of a parameter to what it became.
fn copy_extensions(from: &Map<String, Value>, to: &mut Map<String, Value>) {
    for (key, value) in from.iter().filter(|(key, _)| key.starts_with("x-")) {
        to.insert(key.clone(), value.clone());
    }
}

/// Whether a value counts as `true` the way a 2.0 document's readers take `required`.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(value) => *value,
        Value::Null => false,
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

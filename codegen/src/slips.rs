//! Slips that real publishers make, each with one sound reading: the document is read so, and a warning
//! says where and how, instead of refusing the whole of it for a field the client does not need.
//!
//! - a response without `description` (the spec requires one; the generated code only puts it in rustdoc)
//!   is read with an empty one;
//! - a document without `paths` (OpenAPI 3.0 and Swagger 2.0 require it, 3.1 does not) is read as a
//!   document of components only: models, and no operations.

use serde_json::{Map, Value};

use super::select::METHODS;
use crate::error::Pointer;

/// Reads past the slips of `raw` (an OpenAPI 3.0 document, converted or not), returning a warning for each,
/// by place, in document order.
pub(crate) fn read_past(raw: &mut Value) -> Vec<(Pointer, String)> {
    let mut warnings = Vec::new();
    let Some(doc) = raw.as_object_mut() else { return warnings };
    let root = Pointer::root();
    if doc.get("paths").is_none_or(Value::is_null) {
        let message = "the document has no `paths`, which OpenAPI requires before 3.1: \
                       read as a document of components only, with models and no operations";
        warnings.push((root.join("paths"), message.to_owned()));
        doc.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    for (path, item) in entries(doc.get_mut("paths")) {
        let at = root.join("paths").join(path);
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut().filter(|(key, _)| METHODS.contains(&key.as_str())) {
            for (status, response) in entries(operation.get_mut("responses")) {
                let here = at.join(method).join("responses").join(status);
                describe(response, &here, &mut warnings);
            }
        }
    }
    let responses = doc.get_mut("components").and_then(|components| components.get_mut("responses"));
    for (name, response) in entries(responses) {
        describe(response, &root.join("components").join("responses").join(name), &mut warnings);
    }
    warnings
}

/// Gives `response` (at `at`) an empty `description` when it has none (or `null`, as YAML reads a key
/// with nothing after it), with a warning; a `$ref` is described where it points.
fn describe(response: &mut Value, at: &Pointer, warnings: &mut Vec<(Pointer, String)>) {
    let Some(response) = response.as_object_mut().filter(|response| !response.contains_key("$ref")) else { return };
    if response.get("description").is_none_or(Value::is_null) {
        response.insert("description".to_owned(), Value::String(String::new()));
        let message = "a response needs a `description`, which OpenAPI requires: read as an empty one";
        warnings.push((at.join("description"), message.to_owned()));
    }
}

/// The members of an object, if `value` is one.
fn entries(value: Option<&mut Value>) -> impl Iterator<Item = (&String, &mut Value)> {
    value.and_then(Value::as_object_mut).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn warnings(raw: &mut Value) -> Vec<String> {
        read_past(raw).into_iter().map(|(at, message)| format!("{at}: {message}")).collect()
    }

    #[test]
    fn responses_without_a_description_get_an_empty_one() {
        let mut raw = json!({
            "paths": {"/a": {
                "parameters": [],
                "get": {"responses": {"200": {"content": {}}, "404": {"description": null}, "500": {"description": "x"}}},
                "post": {"responses": {"default": {"$ref": "#/components/responses/Problem"}}},
            }},
            "components": {"responses": {"Problem": {}}},
        });
        assert_eq!(
            warnings(&mut raw),
            [
                "#/paths/~1a/get/responses/200/description: a response needs a `description`, which OpenAPI requires: read as an empty one",
                "#/paths/~1a/get/responses/404/description: a response needs a `description`, which OpenAPI requires: read as an empty one",
                "#/components/responses/Problem/description: a response needs a `description`, which OpenAPI requires: read as an empty one",
            ]
        );
        assert_eq!(raw.pointer("/paths/~1a/get/responses/200/description"), Some(&json!("")));
        assert_eq!(raw.pointer("/paths/~1a/get/responses/500/description"), Some(&json!("x")));
        assert_eq!(raw.pointer("/components/responses/Problem/description"), Some(&json!("")));
        assert_eq!(
            raw.pointer("/paths/~1a/post/responses/default"),
            Some(&json!({"$ref": "#/components/responses/Problem"}))
        );
    }

    #[test]
    fn a_document_without_paths_is_read_as_components_only() {
        for mut raw in [json!({"components": {}}), json!({"paths": null})] {
            assert_eq!(
                warnings(&mut raw),
                [
                    "#/paths: the document has no `paths`, which OpenAPI requires before 3.1: read as a document of components only, with models and no operations"
                ]
            );
            assert_eq!(raw.get("paths"), Some(&json!({})));
        }
        assert_eq!(warnings(&mut json!({"paths": {}})), Vec::<String>::new());
    }
}

//! Selection: the operations the settings ask for, and the components they reach, cut out of a bigger
//! description before anything else reads it. What is left is a smaller document that generates exactly
//! what a spec with only those operations would.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Diagnostic, Location, Pointer, reference_token};
use crate::settings::Selection;

/// The HTTP methods a path item holds operations under.
pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Component kinds whose unreached entries are removed: the ones that only matter through a `$ref`.
/// (`securitySchemes` are named from `security`, not referenced, and stay.)
const PRUNED: [&str; 6] = ["schemas", "parameters", "responses", "requestBodies", "headers", "examples"];

/// Removes the operations `selection` leaves out, then every component no remaining operation reaches.
///
/// Returns a warning for each name of the selection that matches nothing (a tag or `operationId` no
/// operation has: after a spec bump, a name that disappeared is worth a look, not a failure), or an error
/// when no operation is left.
pub(crate) fn apply(raw: &mut Value, selection: &Selection) -> Result<Vec<Diagnostic>, String> {
    if selection.is_everything() {
        return Ok(Vec::new());
    }
    let mut seen = Seen::default();
    let mut kept = 0;
    if let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|path, item| {
            let Some(item) = item.as_object_mut() else { return true };
            for method in METHODS {
                let Some(operation) = item.get(method) else { continue };
                let facts = OperationFacts::of(path, operation);
                seen.record(&facts);
                if selects(selection, &facts) {
                    kept += 1;
                } else {
                    item.remove(method);
                }
            }
            METHODS.iter().any(|method| item.contains_key(*method))
        });
    }
    if kept == 0 {
        return Err("the selection in the settings leaves no operation to generate".to_owned());
    }
    prune_components(raw);
    prune_tags(raw);
    Ok(seen.unmatched(selection))
}

/// Removes the entries of the top-level `tags` list that no remaining operation has.
fn prune_tags(raw: &mut Value) {
    let mut used = BTreeSet::new();
    for item in raw.get("paths").and_then(Value::as_object).into_iter().flat_map(|paths| paths.values()) {
        for method in METHODS {
            let tags = item.get(method).and_then(|operation| operation.get("tags")).and_then(Value::as_array);
            used.extend(tags.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    if let Some(tags) = raw.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|tag| tag.get("name").and_then(Value::as_str).is_some_and(|name| used.contains(name)));
    }
}

/// Whether `selection` keeps the operation with these facts.
fn selects(selection: &Selection, op: &OperationFacts<'_>) -> bool {
    let includes = selection.tags.is_empty() && selection.paths.is_empty() && selection.operations.is_empty()
        || op.matches(&selection.tags, &selection.paths, &selection.operations);
    includes && !op.matches(&selection.exclude_tags, &selection.exclude_paths, &selection.exclude_operations)
}

/// Whether `path` is `prefix` or below it, segment by segment.
fn under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What a selection looks at in one operation.
struct OperationFacts<'a> {
    /// The path template.
    path: &'a str,
    /// `tags`.
    tags: Vec<&'a str>,
    /// `operationId`, if it has one.
    operation_id: Option<&'a str>,
}

impl<'a> OperationFacts<'a> {
    fn matches(&self, tags: &[String], paths: &[String], ids: &[String]) -> bool {
        self.tags.iter().any(|tag| tags.iter().any(|t| t == tag))
            || paths.iter().any(|prefix| under(self.path, prefix))
            || self.operation_id.is_some_and(|id| ids.iter().any(|i| i == id))
    }

    fn of(path: &'a str, operation: &'a Value) -> Self {
        let tags =
            operation.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        Self { path, tags, operation_id: operation.get("operationId").and_then(Value::as_str) }
    }
}

/// The tags and operation ids the document has, to tell which names of the selection match nothing.
#[derive(Default)]
struct Seen {
    tags: BTreeSet<String>,
    operation_ids: BTreeSet<String>,
    paths: Vec<String>,
}

impl Seen {
    fn record(&mut self, facts: &OperationFacts<'_>) {
        self.tags.extend(facts.tags.iter().map(|tag| (*tag).to_owned()));
        self.operation_ids.extend(facts.operation_id.map(str::to_owned));
        self.paths.push(facts.path.to_owned());
    }

    fn unmatched(&self, selection: &Selection) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let mut check = |key: &str, names: &[String], known: &dyn Fn(&str) -> bool, what: &str| {
            for (index, name) in names.iter().enumerate() {
                if !known(name) {
                    found.push(Diagnostic {
                        file: selection.file.clone(),
                        location: Location::Pointer(Pointer::root().join("select").join(key).join(index)),
                        message: format!("no operation has {what} {name:?}"),
                    });
                }
            }
        };
        let tag = |name: &str| self.tags.contains(name);
        let id = |name: &str| self.operation_ids.contains(name);
        let path = |prefix: &str| self.paths.iter().any(|path| under(path, prefix));
        check("tags", &selection.tags, &tag, "the tag");
        check("exclude-tags", &selection.exclude_tags, &tag, "the tag");
        check("operations", &selection.operations, &id, "the operationId");
        check("exclude-operations", &selection.exclude_operations, &id, "the operationId");
        check("paths", &selection.paths, &path, "a path under");
        check("exclude-paths", &selection.exclude_paths, &path, "a path under");
        found
    }
}

/// Where a document keeps what `$ref`s name: 3.0 under `components`, 2.0 at the top level.
#[derive(Clone, Copy)]
enum Layout {
    /// OpenAPI 3.x: `#/components/<kind>/<name>`.
    Components,
    /// Swagger 2.0: `#/definitions/<name>`, `#/parameters/<name>`, `#/responses/<name>`.
    Swagger,
}

impl Layout {
    fn of(raw: &Value) -> Self {
        if raw.get("swagger").is_some() && raw.get("openapi").is_none() { Self::Swagger } else { Self::Components }
    }

    /// The kinds whose unreached entries are removed.
    fn pruned(self) -> &'static [&'static str] {
        match self {
            Self::Components => &PRUNED,
            Self::Swagger => &["definitions", "parameters", "responses"],
        }
    }

    /// The object that holds the kinds, and the members of the document that are not it.
    fn container(self, raw: &Value) -> Option<&Value> {
        match self {
            Self::Components => raw.get("components"),
            Self::Swagger => Some(raw),
        }
    }

    fn container_mut(self, raw: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
        match self {
            Self::Components => raw.get_mut("components").and_then(Value::as_object_mut),
            Self::Swagger => raw.as_object_mut(),
        }
    }

    /// The members of the document where references start from: all but the container (2.0: all but the
    /// pruned kinds).
    fn is_root_member(self, key: &str) -> bool {
        match self {
            Self::Components => key != "components",
            Self::Swagger => !self.pruned().contains(&key),
        }
    }

    /// The component (kind and name) that a local reference points into, such as `("schemas", "Pet")` for
    /// `#/components/schemas/Pet/properties/name`.
    fn component_of(self, target: &str) -> Option<(String, String)> {
        let rest = match self {
            Self::Components => target.strip_prefix("#/components/")?,
            Self::Swagger => target.strip_prefix("#/")?,
        };
        let mut tokens = rest.split('/');
        let (kind, name) = (tokens.next()?, tokens.next()?);
        Some((reference_token(kind), reference_token(name)))
    }
}

/// Removes the components that nothing left in the document reaches through `$ref`s, following them
/// through components to any depth.
fn prune_components(raw: &mut Value) {
    let layout = Layout::of(raw);
    let mut reached: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut queue = Vec::new();
    for (key, value) in raw.as_object().into_iter().flatten() {
        if layout.is_root_member(key) {
            collect_refs(layout, value, &mut queue);
        }
    }
    let container = layout.container(raw);
    while let Some((kind, name)) = queue.pop() {
        let Some(kind) = layout.pruned().iter().copied().find(|pruned| *pruned == kind) else { continue };
        if reached.entry(kind).or_default().insert(name.clone()) {
            if let Some(value) = container.and_then(|c| c.get(kind)).and_then(|entries| entries.get(&name)) {
                collect_refs(layout, value, &mut queue);
            }
        }
    }
    let Some(container) = layout.container_mut(raw) else { return };
    for kind in layout.pruned() {
        if let Some(entries) = container.get_mut(*kind).and_then(Value::as_object_mut) {
            let keep = reached.get(kind);
            entries.retain(|name, _| keep.is_some_and(|keep| keep.contains(name)));
        }
    }
}

/// Every component that `value` refers to: by `$ref`, and by the values of a discriminator's `mapping`
/// (a pointer, or a schema's bare name).
fn collect_refs(layout: Layout, value: &Value, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.extend(layout.component_of(target)),
                    ("mapping", Value::Object(mapping)) if object.contains_key("propertyName") => {
                        let schemas = match layout {
                            Layout::Components => "schemas",
                            Layout::Swagger => "definitions",
                        };
                        for target in mapping.values().filter_map(Value::as_str) {
                            match layout.component_of(target) {
                                Some(component) => found.push(component),
                                None => found.push((schemas.to_owned(), target.to_owned())),
                            }
                        }
                    }
                    _ => collect_refs(layout, inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(layout, item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn selection(toml: &str) -> Selection {
        let mut selection: Selection = toml::from_str(toml).unwrap();
        selection.file = "codegen.toml".into();
        selection
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "tags": [{"name": "Audit"}, {"name": "Extra"}, {"name": "Users", "description": "people"}],
            "paths": {
                "/api/v2/audits/query": {
                    "post": {"tags": ["Audit"], "operationId": "postAuditsQuery",
                        "requestBody": {"$ref": "#/components/requestBodies/Query"}},
                    "get": {"tags": ["Audit"], "operationId": "getAuditsQuery",
                        "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}
                },
                "/api/v2/auditsextra": {"get": {"tags": ["Extra"], "operationId": "getExtra"}},
                "/api/v2/users": {"get": {"tags": ["Users"], "operationId": "getUsers",
                    "responses": {"200": {"$ref": "#/components/responses/Users"}}}}
            },
            "components": {
                "requestBodies": {"Query": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Query"}}}}},
                "responses": {"Users": {"description": "users"}},
                "schemas": {
                    "Query": {"properties": {"filter": {"$ref": "#/components/schemas/Filter/properties/x"}}},
                    "Filter": {"properties": {"x": {"type": "string"}}},
                    "Page": {"oneOf": [{"$ref": "#/components/schemas/A"}],
                        "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A", "b": "B"}}},
                    "A": {"type": "object"},
                    "B": {"type": "object"},
                    "User": {"type": "object"},
                    "a/b": {"type": "object"}
                },
                "securitySchemes": {"oauth": {"type": "oauth2"}}
            }
        })
    }

    fn keys(value: &Value, pointer: &str) -> Vec<String> {
        value.pointer(pointer).and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }

    #[test]
    fn tags_keep_their_operations_and_what_they_reach() {
        let mut raw = spec();
        let unmatched = apply(&mut raw, &selection("tags = [\"Audit\"]")).unwrap();
        assert!(unmatched.is_empty());
        assert_eq!(keys(&raw, "/paths"), ["/api/v2/audits/query"]);
        assert_eq!(keys(&raw, "/components/schemas"), ["Query", "Filter", "Page", "A", "B"]);
        assert_eq!(keys(&raw, "/components/requestBodies"), ["Query"]);
        assert!(keys(&raw, "/components/responses").is_empty());
        assert_eq!(keys(&raw, "/components/securitySchemes"), ["oauth"]);
        assert_eq!(raw["tags"], json!([{"name": "Audit"}]), "only the tags of the operations kept");
    }

    #[test]
    fn a_swagger_2_0_document_keeps_the_definitions_parameters_and_responses_its_operations_reach() {
        let mut raw = json!({
            "swagger": "2.0",
            "paths": {
                "/a": {"get": {"tags": ["A"], "parameters": [{"$ref": "#/parameters/Page"}],
                    "responses": {"200": {"$ref": "#/responses/Found"}, "404": {"schema": {"$ref": "#/definitions/Error"}}}}},
                "/b": {"get": {"tags": ["B"], "parameters": [{"$ref": "#/parameters/Other"}],
                    "responses": {"200": {"schema": {"$ref": "#/definitions/B"}}}}}
            },
            "parameters": {"Page": {"name": "page", "in": "query", "type": "integer"}, "Other": {"name": "o", "in": "query", "type": "string"}},
            "responses": {"Found": {"description": "found", "schema": {"$ref": "#/definitions/A"}}, "Unused": {"description": "x"}},
            "definitions": {"A": {"properties": {"inner": {"$ref": "#/definitions/Inner"}}}, "Inner": {}, "Error": {}, "B": {}},
            "securityDefinitions": {"oauth": {"type": "oauth2"}}
        });
        apply(&mut raw, &selection("tags = [\"A\"]")).unwrap();
        assert_eq!(keys(&raw, "/paths"), ["/a"]);
        assert_eq!(keys(&raw, "/parameters"), ["Page"]);
        assert_eq!(keys(&raw, "/responses"), ["Found"]);
        assert_eq!(keys(&raw, "/definitions"), ["A", "Inner", "Error"]);
        assert_eq!(keys(&raw, "/securityDefinitions"), ["oauth"]);
    }

    #[test]
    fn path_prefixes_match_whole_segments() {
        let mut raw = spec();
        apply(&mut raw, &selection("paths = [\"/api/v2/audits\"]")).unwrap();
        assert_eq!(keys(&raw, "/paths"), ["/api/v2/audits/query"]);
        let mut raw = spec();
        apply(
            &mut raw,
            &selection(
                "paths = [\"/api/v2/\"]\nexclude-operations = [\"postAuditsQuery\"]\nexclude-tags = [\"Users\"]",
            ),
        )
        .unwrap();
        assert_eq!(keys(&raw, "/paths"), ["/api/v2/audits/query", "/api/v2/auditsextra"]);
        assert_eq!(keys(&raw, "/paths/~1api~1v2~1audits~1query"), ["get"]);
        assert!(keys(&raw, "/components/requestBodies").is_empty());
    }

    #[test]
    fn operation_ids_select_one_operation() {
        let mut raw = spec();
        apply(&mut raw, &selection("operations = [\"getUsers\"]")).unwrap();
        assert_eq!(keys(&raw, "/paths"), ["/api/v2/users"]);
        assert_eq!(keys(&raw, "/components/responses"), ["Users"]);
        assert!(keys(&raw, "/components/schemas").is_empty());
    }

    #[test]
    fn names_that_match_nothing_are_warnings_and_an_empty_selection_an_error() {
        let mut raw = spec();
        let unmatched =
            apply(&mut raw, &selection("tags = [\"Audit\", \"Audits\"]\nexclude-operations = [\"nope\"]")).unwrap();
        let messages: Vec<String> = unmatched.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "codegen.toml#/select/tags/1: no operation has the tag \"Audits\"",
                "codegen.toml#/select/exclude-operations/0: no operation has the operationId \"nope\"",
            ]
        );
        let err = apply(&mut spec(), &selection("tags = [\"Nothing\"]")).err().unwrap();
        assert_eq!(err, "the selection in the settings leaves no operation to generate");
    }

    #[test]
    fn no_selection_changes_nothing() {
        let mut raw = spec();
        apply(&mut raw, &Selection::default()).unwrap();
        assert_eq!(raw, spec());
    }

    #[test]
    fn references_are_unescaped() {
        assert_eq!(
            Layout::Components.component_of("#/components/schemas/a~1b"),
            Some(("schemas".into(), "a/b".into()))
        );
        assert_eq!(
            Layout::Components.component_of("#/components/schemas/a%20b/properties"),
            Some(("schemas".into(), "a b".into()))
        );
        assert_eq!(Layout::Components.component_of("other.yaml#/components/schemas/A"), None);
    }
}

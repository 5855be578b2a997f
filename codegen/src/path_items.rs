//! Path items given by `$ref`: a local reference (to another entry of `paths`, such as `#/paths/~1other`, or
//! into any other part of the document, an extension of `components` say) is replaced by a copy of the path
//! item it names, before anything else reads the document, so that the operations it holds are those of the
//! path that refers to it. References to other files stay an error.
//!
//! An operation that ends up at several paths this way cannot give its `operationId` to each: the copy at
//! the operation's own place keeps it, and every other copy is named from its method and path, with a
//! warning the model gives ([`Inlined::shared`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::select::METHODS;
use crate::error::Pointer;

/// What inlining found: the problems, and the copies that leave their `operationId` to another.
#[derive(Debug, Default)]
pub(crate) struct Inlined {
    /// Errors, by place: a reference to another file, to nothing, to what is not a path item, or a cycle.
    pub(crate) errors: Vec<(Pointer, String)>,
    /// Warnings, by place: a field beside a `$ref` that replaces the same field of the item it names.
    pub(crate) warnings: Vec<(Pointer, String)>,
    /// Operations (by place) whose `operationId` was dropped because another copy of the same operation
    /// keeps it or several copies share it, each with the reason, for the warning that names them.
    pub(crate) shared: BTreeMap<Pointer, String>,
    /// Each field of a path item that is a copy, with the place it was copied from: what is said of a
    /// place below it is said where it is written ([`written`]).
    pub(crate) copies: Vec<(Pointer, Pointer)>,
}

/// Where what is at `pointer` is written, when it is below a field of `copies` (copy, source): at the same
/// place below its source. The copied fields themselves (an operation, which is named and checked against
/// its path as the copy) stay where they are read.
pub(crate) fn written(copies: &[(Pointer, Pointer)], pointer: &Pointer) -> Option<Pointer> {
    let full = pointer.as_json_pointer();
    copies.iter().find_map(|(copy, source)| {
        let rest = full.strip_prefix(copy.as_json_pointer()).filter(|rest| rest.starts_with('/'))?;
        Some(Pointer::from_json_pointer(format!("{}{rest}", source.as_json_pointer())))
    })
}

/// The fields beside a `$ref` that replace the named item's without a word: 3.1 says they do.
const OVERRIDDEN_QUIETLY: [&str; 2] = ["summary", "description"];

/// A path item resolved: its fields, and for each the place it was written.
struct Resolved {
    item: Map<String, Value>,
    sources: BTreeMap<String, Pointer>,
}

/// Replaces every path item of `raw` given by a local `$ref` by what it names (fields beside the `$ref`
/// win); one that cannot be resolved is removed, with an error at its place.
pub(crate) fn inline(raw: &mut Value) -> Inlined {
    let mut found = Inlined::default();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else { return found };
    let paths_at = Pointer::root().join("paths");
    // Resolved against the document as written, then put in place.
    let mut resolved: Vec<(String, Option<Resolved>)> = Vec::new();
    for (path, item) in paths {
        if item.get("$ref").is_some_and(Value::is_string) {
            let at = paths_at.join(path);
            let mut trail = vec![at.as_json_pointer().to_owned()];
            resolved.push((path.clone(), resolve(raw, item, &at, &mut trail, &mut found)));
        }
    }
    if resolved.is_empty() {
        return found;
    }
    // Every place each operation is generated at: its own (when it is an entry of `paths`) and each copy.
    let mut generated_at: BTreeMap<Pointer, Vec<Pointer>> = BTreeMap::new();
    for (path, item) in paths {
        let at = paths_at.join(path);
        if resolved.iter().any(|(p, _)| p == path) {
            continue;
        }
        for method in METHODS.iter().filter(|method| item.get(**method).is_some_and(Value::is_object)) {
            generated_at.entry(at.join(method)).or_default().push(at.join(method));
        }
    }
    for (path, item) in &resolved {
        for (key, source) in item.iter().flat_map(|item| &item.sources) {
            let here = paths_at.join(path).join(key);
            if METHODS.contains(&key.as_str()) {
                generated_at.entry(source.clone()).or_default().push(here.clone());
            }
            if *source != here {
                found.copies.push((here, source.clone()));
            }
        }
    }
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else { return found };
    for (path, item) in resolved {
        let Some(Resolved { mut item, sources }) = item else {
            paths.remove(&path);
            continue;
        };
        let at = paths_at.join(&path);
        for (method, source) in sources.iter().filter(|(key, _)| METHODS.contains(&key.as_str())) {
            let places = &generated_at[source];
            let here = at.join(method);
            if places.len() < 2 || *source == here {
                continue;
            }
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            let Some(Value::String(id)) = operation.remove("operationId") else { continue };
            let reason = if places.contains(source) {
                format!("operation copied from {source} by the path item's `$ref`, where its operationId {id:?} stays")
            } else {
                let count = places.len();
                format!(
                    "operation copied from {source} to {count} paths by their `$ref`s, so its operationId {id:?} names none"
                )
            };
            found.shared.insert(here, reason);
        }
        paths.insert(path, Value::Object(item));
    }
    found
}

/// The path item `item` (at `at`) names through its `$ref`, and those it names in turn, with the fields
/// beside each `$ref` laid over what it names. `trail` holds the places followed so far (the referring
/// item first), to find a cycle.
fn resolve(raw: &Value, item: &Value, at: &Pointer, trail: &mut Vec<String>, found: &mut Inlined) -> Option<Resolved> {
    let own = item.as_object()?;
    let Some(Value::String(reference)) = own.get("$ref") else {
        let sources = own.keys().map(|key| (key.clone(), at.join(key))).collect();
        return Some(Resolved { item: own.clone(), sources });
    };
    let Some(target) = Pointer::of_reference(reference).map(|target| target.as_json_pointer().to_owned()) else {
        let message =
            format!("unsupported path item reference {reference:?}: only references within the document are supported");
        found.errors.push((at.clone(), message));
        return None;
    };
    if let Some(start) = trail.iter().position(|seen| *seen == target) {
        report_cycle(&trail[start..], found);
        return None;
    }
    let named = match raw.pointer(&target) {
        Some(named @ Value::Object(_)) if !target.is_empty() => named,
        Some(other) => {
            let what = match other {
                Value::Object(_) => "the whole document",
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                Value::Null => "null",
            };
            found.errors.push((at.clone(), format!("path item reference {reference:?} names {what}, not a path item")));
            return None;
        }
        None => {
            found.errors.push((at.clone(), format!("path item reference {reference:?} names nothing in the document")));
            return None;
        }
    };
    let target_at = Pointer::from_json_pointer(target.clone());
    trail.push(target);
    let resolved = resolve(raw, named, &target_at, trail, found);
    trail.pop();
    let Resolved { mut item, mut sources } = resolved?;
    for (key, value) in own.iter().filter(|(key, _)| key.as_str() != "$ref") {
        if item.contains_key(key) && !OVERRIDDEN_QUIETLY.contains(&key.as_str()) {
            let replaced = &sources[key];
            let message = format!("`{key}` beside the `$ref` is used instead of the one at {replaced}");
            found.warnings.push((at.join(key), message));
        }
        sources.insert(key.clone(), at.join(key));
        item.insert(key.clone(), value.clone());
    }
    Some(Resolved { item, sources })
}

/// Reports a cycle of path item references (each place refers to the next, the last to the first) once,
/// whichever of its items it was found from: at the first in pointer order, naming them all from there.
fn report_cycle(cycle: &[String], found: &mut Inlined) {
    let first = (0..cycle.len()).min_by_key(|index| &cycle[*index]).unwrap_or(0);
    let mut names: Vec<String> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .map(|place| Pointer::from_json_pointer(place.clone()).to_string())
        .collect();
    names.push(names[0].clone());
    let message = format!("path item references that form a cycle: {}: no path item is named", names.join(" -> "));
    found.errors.push((Pointer::from_json_pointer(cycle[first].clone()), message));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(pointer: &str) -> Pointer {
        Pointer::from_json_pointer(pointer)
    }

    fn lines(found: &[(Pointer, String)]) -> Vec<String> {
        found.iter().map(|(at, message)| format!("{at}: {message}")).collect()
    }

    #[test]
    fn a_path_item_given_by_ref_is_a_copy_of_the_one_it_names() {
        let get = json!({"operationId": "getB", "responses": {}});
        let mut raw = json!({
            "paths": {
                "/a/{id}": {"$ref": "#/paths/~1b~1%7Bid%7D", "summary": "A", "post": {"responses": {}}},
                "/b/{id}": {"parameters": [{"name": "id", "in": "path"}], "get": get, "summary": "B"},
            }
        });
        let found = inline(&mut raw);
        assert!(found.errors.is_empty() && found.warnings.is_empty(), "{found:?}");
        let copy = &raw["paths"]["/a/{id}"];
        assert_eq!(copy["summary"], json!("A"), "a summary beside the `$ref` is the copy's");
        assert_eq!(copy["parameters"], raw["paths"]["/b/{id}"]["parameters"]);
        assert_eq!(copy["get"], json!({"responses": {}}), "the operationId stays with the operation it copies");
        assert_eq!(raw["paths"]["/b/{id}"]["get"]["operationId"], json!("getB"));
        assert_eq!(copy["post"], json!({"responses": {}}));
        assert_eq!(
            found.shared.into_iter().collect::<Vec<_>>(),
            [(
                at("/paths/~1a~1{id}/get"),
                "operation copied from #/paths/~1b~1{id}/get by the path item's `$ref`, where its operationId \
                 \"getB\" stays"
                    .to_owned()
            )]
        );
        // What is said below a copied field is said where it is written; the copied operation is the copy's.
        let written = |pointer: &str| written(&found.copies, &at(pointer)).map(|p| p.to_string());
        assert_eq!(written("/paths/~1a~1{id}/get/responses"), Some("#/paths/~1b~1{id}/get/responses".to_owned()));
        assert_eq!(written("/paths/~1a~1{id}/parameters/0"), Some("#/paths/~1b~1{id}/parameters/0".to_owned()));
        assert_eq!(written("/paths/~1a~1{id}/get"), None);
        assert_eq!(written("/paths/~1a~1{id}/post/responses"), None, "its own operation is written where it is");
    }

    #[test]
    fn a_path_item_elsewhere_keeps_its_operation_ids_unless_several_paths_share_it() {
        let item = json!({"get": {"operationId": "getItem", "responses": {}}});
        let mut once = json!({"paths": {"/a": {"$ref": "#/x-items/Item"}}, "x-items": {"Item": item}});
        let found = inline(&mut once);
        assert!(found.shared.is_empty(), "{found:?}");
        assert_eq!(once["paths"]["/a"]["get"]["operationId"], json!("getItem"));

        let mut twice = json!({
            "paths": {"/a": {"$ref": "#/x-items/Item"}, "/b": {"$ref": "#/paths/~1a"}},
            "x-items": {"Item": item},
        });
        let found = inline(&mut twice);
        let shared: Vec<&Pointer> = found.shared.keys().collect();
        assert_eq!(shared, [&at("/paths/~1a/get"), &at("/paths/~1b/get")]);
        assert!(found.shared.values().all(|reason| reason.contains("to 2 paths")), "{:?}", found.shared);
        assert_eq!(twice["paths"]["/b"]["get"], json!({"responses": {}}));
    }

    #[test]
    fn a_field_beside_the_ref_wins_with_a_warning() {
        let mut raw = json!({
            "paths": {
                "/a": {"$ref": "#/paths/~1b", "get": {"operationId": "getA", "responses": {}}},
                "/b": {"get": {"operationId": "getB", "responses": {}}},
            }
        });
        let found = inline(&mut raw);
        assert_eq!(
            lines(&found.warnings),
            ["#/paths/~1a/get: `get` beside the `$ref` is used instead of the one at #/paths/~1b/get"]
        );
        assert_eq!(raw["paths"]["/a"]["get"]["operationId"], json!("getA"));
        assert!(found.shared.is_empty(), "{found:?}");
    }

    #[test]
    fn references_that_name_no_path_item_are_errors_and_their_items_removed() {
        let mut raw = json!({
            "paths": {
                "/a": {"$ref": "#"},
                "/b": {"$ref": "#/paths/~1c"},
                "/c": {"$ref": "#/paths/~1b"},
                "/d": {"$ref": "#/paths/~1a"},
                "/e": {"get": {"responses": {}}},
            }
        });
        let found = inline(&mut raw);
        let mut errors = lines(&found.errors);
        errors.sort();
        errors.dedup();
        assert_eq!(
            errors,
            [
                "#/paths/~1a: path item reference \"#\" names the whole document, not a path item",
                "#/paths/~1b: path item references that form a cycle: #/paths/~1b -> #/paths/~1c -> #/paths/~1b: no path item is named",
            ]
        );
        let left: Vec<&String> = raw["paths"].as_object().unwrap().keys().collect();
        assert_eq!(left, ["/e"]);
    }
}

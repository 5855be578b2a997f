//! A sample of the platform description to mutate: at 13 MB and 2,894 operations it is too big to
//! generate case after case, so a few of its paths, picked by the run's seed, are taken with the
//! components they refer to, directly or through others.

use fastrand::Rng;
use serde_json::{Map, Value, json};

/// The file name the sample goes by: it names the crate and the diagnostics.
pub const NAME: &str = "genesys-platform-sample.yaml";

/// How many paths the sample takes, at most.
const PATHS: usize = 12;
/// How many schemas the sample may hold: a path that would bring more is passed over, so that a case
/// costs about what an audit spec's does.
const SCHEMAS: usize = 40;

/// The sample for `seed`, or `None` when the shared reference folder is not beside the workspace.
pub fn sample(seed: u64) -> Option<Value> {
    let path = audit_tests::workspace_root().join("../shared/spec-reference/genesys-platform-242.0.0.openapi.yaml");
    let text = std::fs::read_to_string(&path).ok()?;
    let doc: Value = serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{} is not YAML: {err}", path.display()));
    Some(slice(&doc, &mut Rng::with_seed(seed)))
}

/// Up to [`PATHS`] paths of `doc` at random, in the document's order, with every component they need
/// (and the security schemes, which operations name without a `$ref`), within [`SCHEMAS`] schemas.
fn slice(doc: &Value, rng: &mut Rng) -> Value {
    let all: Vec<(&String, &Value)> = doc.get("paths").and_then(Value::as_object).into_iter().flatten().collect();
    let mut order: Vec<usize> = (0..all.len()).collect();
    rng.shuffle(&mut order);
    let mut components = Map::new();
    if let Some(schemes) = doc.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".to_owned(), schemes.clone());
    }
    let mut picked = Vec::new();
    for index in order {
        if picked.len() == PATHS {
            break;
        }
        let mut more = components.clone();
        add_needed(doc, all[index].1, &mut more);
        if more.get("schemas").and_then(Value::as_object).map_or(0, Map::len) <= SCHEMAS {
            components = more;
            picked.push(index);
        }
    }
    picked.sort_unstable();
    let paths: Map<String, Value> = picked.iter().map(|&i| (all[i].0.clone(), all[i].1.clone())).collect();
    json!({
        "openapi": doc.get("openapi"),
        "info": doc.get("info"),
        "servers": doc.get("servers").cloned().unwrap_or_else(|| json!([])),
        "paths": paths,
        "components": components,
    })
}

/// Adds to `components` every component of `doc` that `value` refers to, directly or through others.
fn add_needed(doc: &Value, value: &Value, components: &mut Map<String, Value>) {
    let mut pending = references(value);
    while let Some(reference) = pending.pop() {
        let Some((kind, name)) = reference.strip_prefix("#/components/").and_then(|rest| rest.split_once('/')) else {
            continue;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        let Some(value) = doc.get("components").and_then(|c| c.get(kind)).and_then(|k| k.get(&name)) else { continue };
        let members = components.entry(kind).or_insert_with(|| json!({}));
        if let Some(members) = members.as_object_mut().filter(|members| !members.contains_key(&name)) {
            members.insert(name, value.clone());
            pending.extend(references(value));
        }
    }
}

/// How big a sample is: its operations, schemas and bytes.
pub fn describe(sample: &Value) -> String {
    let operations: usize = sample
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, item)| item.as_object().map_or(0, |item| item.keys().filter(|key| *key != "parameters").count()))
        .sum();
    let schemas = sample.pointer("/components/schemas").and_then(Value::as_object).map_or(0, Map::len);
    format!("{operations} operations, {schemas} schemas, {} bytes as JSON", sample.to_string().len())
}

/// Every `$ref` under `value`.
fn references(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                found.extend(map.get("$ref").and_then(Value::as_str).map(str::to_owned));
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

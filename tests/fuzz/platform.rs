//! Samples of the platform description to mutate, as OpenAPI 3.0 and as Swagger 2.0: at 13 MB (22 MB as 2.0)
//! and 2,894 operations it is too big to generate case after case, so a few of its paths, picked by the
//! run's seed, are taken with the named parts they refer to (components in 3.0; definitions, parameters
//! and responses in 2.0), directly or through others.

use fastrand::Rng;
use serde_json::{Map, Value, json};

use crate::mutate;

/// One form of the platform description.
pub struct Platform {
    /// The file, relative to the workspace root (in the shared reference folder beside it).
    file: &'static str,
    /// The file name the sample goes by: it names the crate and the diagnostics.
    pub name: &'static str,
}

/// The platform description as OpenAPI 3.0.
pub const OPENAPI: Platform = Platform {
    file: "../shared/spec-reference/genesys-platform-242.0.0.openapi.yaml",
    name: "genesys-platform-sample.yaml",
};

/// The platform description as Swagger 2.0, the form Genesys serves.
pub const SWAGGER: Platform = Platform {
    file: "../shared/spec-reference/genesys-platform-242.0.0.swagger.json",
    name: "genesys-platform-swagger-sample.json",
};

/// How many paths the sample takes, at most.
const PATHS: usize = 12;
/// How many schemas the sample may hold: a path that would bring more is passed over, so that a case
/// costs about what an audit spec's does.
const SCHEMAS: usize = 40;

/// The sample of `platform` for `seed`, or `None` when the shared reference folder is not beside the
/// workspace.
pub fn sample(platform: &Platform, seed: u64) -> Option<Value> {
    let path = audit_tests::workspace_root().join(platform.file);
    let text = std::fs::read_to_string(&path).ok()?;
    let doc: Value = if platform.file.ends_with(".json") {
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
    } else {
        serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{} is not YAML: {err}", path.display()))
    };
    Some(slice(&doc, &mut Rng::with_seed(seed)))
}

/// Up to [`PATHS`] paths of `doc` at random, in the document's order, with every named part they need
/// (and the security schemes, which operations name without a `$ref`), within [`SCHEMAS`] schemas.
fn slice(doc: &Value, rng: &mut Rng) -> Value {
    let swagger = mutate::is_swagger(doc);
    let all: Vec<(&String, &Value)> = doc.get("paths").and_then(Value::as_object).into_iter().flatten().collect();
    let mut order: Vec<usize> = (0..all.len()).collect();
    rng.shuffle(&mut order);
    // The sections the sample takes parts of, by the name of each (`schemas`, or `definitions` in 2.0).
    let mut sections = Map::new();
    if let Some(schemes) = doc.pointer("/components/securitySchemes").filter(|_| !swagger) {
        sections.insert("securitySchemes".to_owned(), schemes.clone());
    }
    let schemas = if swagger { "definitions" } else { "schemas" };
    let mut picked = Vec::new();
    for index in order {
        if picked.len() == PATHS {
            break;
        }
        let mut more = sections.clone();
        add_needed(doc, all[index].1, &mut more);
        if more.get(schemas).and_then(Value::as_object).map_or(0, Map::len) <= SCHEMAS {
            sections = more;
            picked.push(index);
        }
    }
    picked.sort_unstable();
    let paths: Map<String, Value> = picked.iter().map(|&i| (all[i].0.clone(), all[i].1.clone())).collect();
    if swagger {
        // The top level as it is (`securityDefinitions`, `consumes` and the others an operation reads)
        // but for the tags and the sections, which hold only what the paths taken need.
        let top = doc.as_object().into_iter().flatten();
        let mut sample: Map<String, Value> = top
            .filter(|(key, _)| !["paths", "tags", "definitions", "parameters", "responses"].contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        sample.insert("paths".to_owned(), Value::Object(paths));
        sample.extend(sections);
        return Value::Object(sample);
    }
    json!({
        "openapi": doc.get("openapi"),
        "info": doc.get("info"),
        "servers": doc.get("servers").cloned().unwrap_or_else(|| json!([])),
        "paths": paths,
        "components": sections,
    })
}

/// Adds to `sections` every named part of `doc` that `value` refers to, directly or through others: a kind
/// of `components` in 3.0, `definitions`, `parameters` or `responses` in 2.0.
fn add_needed(doc: &Value, value: &Value, sections: &mut Map<String, Value>) {
    let swagger = mutate::is_swagger(doc);
    let (prefix, root) = if swagger { ("#/", Some(doc)) } else { ("#/components/", doc.get("components")) };
    let mut pending = references(value);
    while let Some(reference) = pending.pop() {
        let Some((kind, name)) = reference.strip_prefix(prefix).and_then(|rest| rest.split_once('/')) else {
            continue;
        };
        if swagger && !["definitions", "parameters", "responses"].contains(&kind) {
            continue;
        }
        let name = name.replace("~1", "/").replace("~0", "~");
        let Some(value) = root.and_then(|root| root.get(kind)).and_then(|k| k.get(&name)) else { continue };
        let members = sections.entry(kind).or_insert_with(|| json!({}));
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
    let schemas = ["/components/schemas", "/definitions"]
        .iter()
        .find_map(|at| sample.pointer(at).and_then(Value::as_object))
        .map_or(0, Map::len);
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

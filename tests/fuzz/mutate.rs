//! Structural mutations of an OpenAPI document held as a JSON value: delete a node, change a value's type,
//! point a `$ref` elsewhere, add a twin whose Rust name collides with an existing name, fill a string or
//! a key with odd text, or copy one subtree over another. Each mutation says what it did, with the JSON
//! pointer of the place, so that a failing case can be read without replaying it. They read 3.x and 2.0
//! documents alike: a `$ref` is pointed, and a schema added, into the sections of the document's version
//! (`components` in 3.x; `definitions`, `parameters` and `responses` in 2.0, see [`sections`]).

use fastrand::Rng;
use serde_json::{Map, Value, json};

use crate::odd;

/// One step from a node to a child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// The RFC 6901 pointer of `path`, with the `#` of a reference (`#/paths/~1a/get`).
pub fn pointer(path: &[Step]) -> String {
    let mut out = String::from("#");
    for step in path {
        out.push('/');
        match step {
            Step::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

/// Every node below the root, each parent before its children.
pub fn nodes(doc: &Value) -> Vec<Vec<Step>> {
    let mut found = Vec::new();
    walk(doc, &mut Vec::new(), &mut |path, _| {
        found.push(path.to_vec());
        false
    });
    found
}

/// Calls `visit` with every node below `value` and its path (`path` and the steps below), each parent
/// before its children, until `visit` returns `true`; whether it did. Paths are built in one buffer, so
/// that a walk of a large document copies only the paths a caller keeps.
fn walk(value: &Value, path: &mut Vec<Step>, visit: &mut dyn FnMut(&[Step], &Value) -> bool) -> bool {
    let children: Box<dyn Iterator<Item = (Step, &Value)>> = match value {
        Value::Object(map) => Box::new(map.iter().map(|(key, child)| (Step::Key(key.clone()), child))),
        Value::Array(items) => Box::new(items.iter().enumerate().map(|(index, child)| (Step::Index(index), child))),
        _ => return false,
    };
    for (step, child) in children {
        path.push(step);
        let stop = visit(path, child) || walk(child, path, visit);
        path.pop();
        if stop {
            return true;
        }
    }
    false
}

/// The node at `path`.
pub fn get<'a>(doc: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get(key),
        (Value::Array(items), Step::Index(index)) => items.get(*index),
        _ => None,
    })
}

/// The node at `path`, to change.
pub fn get_mut<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get_mut(key),
        (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
        _ => None,
    })
}

/// Whether `doc` is a Swagger 2.0 document, as the generator tells: `swagger: "2.0"` (or the number).
pub fn is_swagger(doc: &Value) -> bool {
    match doc.get("swagger") {
        Some(Value::String(version)) => version == "2.0",
        Some(Value::Number(version)) => version.as_f64() == Some(2.0),
        _ => false,
    }
}

/// The sections a `$ref` of `doc` names parts in, each as the pointer its names follow (`#/definitions/`),
/// the schemas' first: `components` in 3.x, `definitions`, `parameters` and `responses` in 2.0.
pub fn sections(doc: &Value) -> &'static [&'static str] {
    if is_swagger(doc) {
        &["#/definitions/", "#/parameters/", "#/responses/"]
    } else {
        &["#/components/schemas/", "#/components/parameters/", "#/components/responses/", "#/components/requestBodies/"]
    }
}

/// The path from the root to the section whose names follow `prefix` (`#/definitions/`).
pub fn section_path(prefix: &str) -> Vec<Step> {
    prefix
        .trim_start_matches('#')
        .split('/')
        .filter(|key| !key.is_empty())
        .map(|key| Step::Key(key.to_owned()))
        .collect()
}

/// The pointers of the named parts of `doc`: every member of a kind of `components` in 3.x, of
/// `definitions`, `parameters` and `responses` in 2.0.
pub fn named_parts(doc: &Value) -> Vec<String> {
    let sections: Vec<Vec<Step>> = if is_swagger(doc) {
        sections(doc).iter().map(|prefix| section_path(prefix)).collect()
    } else {
        let kinds = doc.get("components").and_then(Value::as_object).into_iter().flat_map(Map::keys);
        kinds.map(|kind| vec![Step::Key("components".into()), Step::Key(kind.clone())]).collect()
    };
    let mut parts = Vec::new();
    for section in sections {
        let names = get(doc, &section).and_then(Value::as_object).into_iter().flat_map(Map::keys);
        parts.extend(names.map(|name| pointer(&[section.clone(), vec![Step::Key(name.clone())]].concat())));
    }
    parts
}

/// A mutation: changes the document and says what it did, or `None` when the document has no place for it.
pub type Mutation = fn(&mut Value, &mut Rng) -> Option<String>;

/// The mutations of a spec; each is picked as often as the others.
pub const SPEC: &[Mutation] = &[delete, retype, retarget_ref, collide, odd_text, graft];

/// The mutations of data (a response body): those that do not need a spec's keywords.
pub const DATA: &[Mutation] = &[delete, retype, twin_key, duplicate_item, odd_text, graft];

/// Applies one to four of `mutations` to `doc` (one half the time), and returns what each did, one line
/// each.
pub fn mutate(doc: &mut Value, rng: &mut Rng, mutations: &[Mutation]) -> Vec<String> {
    let mut count = 1;
    while count < 4 && rng.bool() {
        count += 1;
    }
    let mut done = Vec::new();
    // A mutation that finds no place (no `$ref` to retarget, say) gives way to another.
    for _ in 0..count * 8 {
        if done.len() == count {
            break;
        }
        let mutation = mutations[rng.usize(..mutations.len())];
        done.extend(mutation(doc, rng));
    }
    done
}

/// A short, one-line picture of a value for a mutation's description.
pub fn preview(value: &Value) -> String {
    let text = value.to_string();
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// A node picked at random, not the root.
pub fn any_node(doc: &Value, rng: &mut Rng) -> Option<Vec<Step>> {
    some_node(doc, rng, |_, _| true)
}

/// A node picked at random among those `keep` accepts: counted in one walk, copied out in another.
pub fn some_node(doc: &Value, rng: &mut Rng, keep: impl Fn(&[Step], &Value) -> bool) -> Option<Vec<Step>> {
    let mut count = 0;
    walk(doc, &mut Vec::new(), &mut |path, value| {
        count += usize::from(keep(path, value));
        false
    });
    if count == 0 {
        return None;
    }
    let mut left = rng.usize(..count);
    let mut found = None;
    walk(doc, &mut Vec::new(), &mut |path, value| {
        if !keep(path, value) {
            return false;
        }
        if left == 0 {
            found = Some(path.to_vec());
            return true;
        }
        left -= 1;
        false
    });
    found
}

/// An item of `items` picked at random.
pub fn pick<T>(rng: &mut Rng, items: impl Iterator<Item = T>) -> Option<T> {
    rng.choice(items.collect::<Vec<T>>())
}

/// The key of the last step, if it is a member.
pub fn last_key(path: &[Step]) -> Option<&str> {
    match path.last() {
        Some(Step::Key(key)) => Some(key),
        _ => None,
    }
}

/// Removes a member or an element.
fn delete(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = any_node(doc, rng)?;
    let (last, parent) = path.split_last()?;
    match (get_mut(doc, parent)?, last) {
        (Value::Object(map), Step::Key(key)) => {
            map.shift_remove(key);
        }
        (Value::Array(items), Step::Index(index)) => {
            items.remove(*index);
        }
        _ => return None,
    }
    Some(format!("delete {}", pointer(&path)))
}

/// Replaces a value by one of another JSON type.
fn retype(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = any_node(doc, rng)?;
    let node = get_mut(doc, &path)?;
    let new = other_type(node, rng);
    let description = format!("retype {}: {} → {}", pointer(&path), preview(node), preview(&new));
    *node = new;
    Some(description)
}

/// A value whose JSON type differs from `old`'s.
pub fn other_type(old: &Value, rng: &mut Rng) -> Value {
    loop {
        let new = match rng.usize(..6) {
            0 => Value::String(odd::text(rng)),
            1 => odd::number(rng),
            2 if rng.bool() => json!([]),
            2 => json!([old]),
            3 if rng.bool() => json!({}),
            3 => json!({ "x": old }),
            4 => Value::Null,
            _ => Value::Bool(rng.bool()),
        };
        if std::mem::discriminant(&new) != std::mem::discriminant(old) {
            return new;
        }
    }
}

/// Points a `$ref` elsewhere, or puts one where a value was.
fn retarget_ref(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let Some(path) = some_node(doc, rng, |path, v| last_key(path) == Some("$ref") && v.is_string()) else {
        return add_ref(doc, rng);
    };
    let target = ref_target(doc, &path, rng);
    let node = get_mut(doc, &path)?;
    if node.as_str() == Some(target.as_str()) {
        return None;
    }
    let description = format!("ref {}: {} → {target:?}", pointer(&path), preview(node));
    *node = Value::String(target);
    Some(description)
}

/// Replaces an object by a `$ref` (keeping its members half the time, as siblings the `$ref` overrides).
fn add_ref(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_node(doc, rng, |_, v| v.is_object())?;
    let target = ref_target(doc, &path.iter().cloned().chain([Step::Key("$ref".to_owned())]).collect::<Vec<_>>(), rng);
    let keep = rng.bool();
    let Value::Object(map) = get_mut(doc, &path)? else { return None };
    if !keep {
        map.clear();
    }
    map.insert("$ref".to_owned(), Value::String(target.clone()));
    Some(format!("add ref {}: {target:?}", pointer(&path)))
}

/// Where a `$ref` at `at` is pointed: another existing target, a named part of another kind (a component,
/// or an entry of a 2.0 section), a missing one, a place that is no schema, itself or its owner, or a
/// reference this generator does not follow or that names nothing as written.
fn ref_target(doc: &Value, at: &[Step], rng: &mut Rng) -> String {
    let existing = || {
        nodes(doc)
            .into_iter()
            .filter(|p| last_key(p) == Some("$ref"))
            .filter_map(|p| get(doc, &p)?.as_str().map(str::to_owned))
    };
    let owner = &at[..at.len().saturating_sub(1)];
    let sections = sections(doc);
    let schemas = sections[0];
    let fallback = format!("{schemas}Missing");
    match rng.usize(..6) {
        0 => pick(rng, existing()).unwrap_or(fallback),
        1 => pick(rng, named_parts(doc).into_iter()).unwrap_or(fallback),
        2 => format!("{}Missing{}", sections[rng.usize(..sections.len())], rng.u8(..)),
        3 => {
            let version = if is_swagger(doc) { "#/swagger" } else { "#/openapi" };
            let section = pointer(&section_path(schemas)[..1]);
            let places = ["#", "#/", "#/info", "#/paths", &section, version].map(str::to_owned);
            pick(rng, nodes(doc).iter().map(|p| pointer(p)).chain(places)).unwrap_or(fallback)
        }
        4 if rng.bool() => pointer(owner),
        4 => pointer(&owner[..owner.len().saturating_sub(2)]),
        _ => match rng.usize(..10) {
            0 => format!("other.yaml{schemas}A"),
            1 => format!("https://example.com/spec.yaml{schemas}A"),
            2 => format!("#{}A", &schemas[2..]),
            3 => schemas.to_owned(),
            4 => format!("{schemas}A~2"),
            5 => format!("{schemas}%41"),
            6 => String::new(),
            7 => format!("{schemas}~1"),
            8 => format!("{schemas}A%20B"),
            _ => format!("{schemas}A«B»"),
        },
    }
}

/// Adds a twin: a name that maps to the same Rust identifier as one already there, or the same value twice.
fn collide(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    match rng.usize(..5) {
        0 => twin_key(doc, rng),
        1 => same_operation_id(doc, rng),
        2 => twin_enum_value(doc, rng),
        3 => duplicate_item(doc, rng),
        _ => taken_type_name(doc, rng),
    }
}

/// The keys of maps where names become Rust names, or must be unique.
const NAMED_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "paths",
    "parameters",
    "responses",
    "requestBodies",
    "content",
    "headers",
    "mapping",
    "definitions",
    "securityDefinitions",
];

/// Adds a member beside one of a map, under a name that collides with it in Rust (or in a path template).
fn twin_key(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let named = |path: &[Step], v: &Value| {
        v.as_object().is_some_and(|m| !m.is_empty()) && last_key(path).is_some_and(|key| NAMED_MAPS.contains(&key))
    };
    let path = match some_node(doc, rng, named) {
        Some(path) if rng.u8(..10) < 8 => path,
        _ => some_node(doc, rng, |_, v| v.as_object().is_some_and(|m| !m.is_empty()))?,
    };
    let Value::Object(map) = get_mut(doc, &path)? else { return None };
    let (key, value) = rng.choice(map.iter())?;
    let twin = odd::twin(key, rng);
    if map.contains_key(&twin) {
        return None;
    }
    // The twin's value is the original's half the time, another member's otherwise.
    let value = if rng.bool() { value.clone() } else { rng.choice(map.values())?.clone() };
    let description = format!("twin key {}: {key:?} and {twin:?}", pointer(&path));
    map.insert(twin, value);
    Some(description)
}

/// Gives an operation another's `operationId`, or one that collides with it in Rust.
fn same_operation_id(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let ids: Vec<Vec<Step>> = nodes(doc)
        .into_iter()
        .filter(|p| last_key(p) == Some("operationId") && get(doc, p).is_some_and(Value::is_string))
        .collect();
    let from = rng.choice(ids.iter())?;
    let to = rng.choice(ids.iter())?;
    let id = get(doc, from)?.as_str()?.to_owned();
    let id = if rng.bool() { id } else { odd::twin(&id, rng) };
    let description = format!("operationId {}: {id:?} (from {})", pointer(to), pointer(from));
    *get_mut(doc, to)? = Value::String(id);
    Some(description)
}

/// Adds an enum value that collides with another in Rust, repeats one, or is odd.
fn twin_enum_value(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_node(doc, rng, |path, v| last_key(path) == Some("enum") && v.is_array())?;
    let Value::Array(values) = get_mut(doc, &path)? else { return None };
    let added = match rng.choice(values.iter()) {
        Some(Value::String(value)) if rng.bool() => Value::String(odd::twin(value, rng)),
        Some(value) if rng.bool() => value.clone(),
        _ if rng.bool() => Value::String(odd::text(rng)),
        _ => odd::number(rng),
    };
    let description = format!("enum value {}: {}", pointer(&path), preview(&added));
    let at = rng.usize(..=values.len());
    values.insert(at, added);
    Some(description)
}

/// Repeats an element of an array (a parameter, a `required` name, an `allOf` member), half the time
/// renamed to collide with the original in Rust.
fn duplicate_item(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_node(doc, rng, |_, v| v.as_array().is_some_and(|items| !items.is_empty()))?;
    let Value::Array(items) = get_mut(doc, &path)? else { return None };
    let mut copy = rng.choice(items.iter())?.clone();
    if rng.bool() {
        match &mut copy {
            Value::String(text) => *text = odd::twin(text, rng),
            Value::Object(member) => {
                if let Some(Value::String(name)) = member.get_mut("name") {
                    *name = odd::twin(name, rng);
                }
            }
            _ => {}
        }
    }
    let description = format!("duplicate in {}: {}", pointer(&path), preview(&copy));
    let at = rng.usize(..=items.len());
    items.insert(at, copy);
    Some(description)
}

/// Adds a schema (a component in 3.x, a definition in 2.0) named as the generator names something else: an
/// inline type of a property (`Owner` + `property`), a name the crate reserves, or an operation's.
fn taken_type_name(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let property = some_node(doc, rng, |path, _| {
        path.len() >= 2 && matches!(&path[path.len() - 2], Step::Key(key) if key == "properties")
    });
    let operation = some_node(doc, rng, |path, v| last_key(path) == Some("operationId") && v.is_string());
    let name = match rng.usize(..3) {
        0 => {
            let path = property?;
            let owner = path.iter().rev().skip(2).find_map(|s| match s {
                Step::Key(key) if key != "properties" && key != "items" => Some(key.as_str()),
                _ => None,
            })?;
            format!("{}{}", odd::upper_camel(owner), odd::upper_camel(last_key(&path)?))
        }
        1 => ["Error", "Result", "Client", "Unrecognized", "Value", "Self", "Box", "Option", "String", "Vec"]
            [rng.usize(..10)]
        .to_owned(),
        _ => {
            let id = get(doc, &operation?)?.as_str()?.to_owned();
            format!(
                "{}{}",
                odd::upper_camel(&id),
                ["", "Output", "Body", "Response", "Request", "Query"][rng.usize(..6)]
            )
        }
    };
    let section = section_path(sections(doc)[0]);
    let mut schemas = doc;
    for step in &section {
        let Step::Key(key) = step else { return None };
        schemas = schemas.as_object_mut()?.entry(key.clone()).or_insert_with(|| json!({}));
    }
    let schemas = schemas.as_object_mut()?;
    if schemas.contains_key(&name) {
        return None;
    }
    let value = if rng.bool() {
        json!({"type": "object", "properties": {"x": {"type": "string"}}})
    } else {
        json!({"type": "string", "enum": ["a"]})
    };
    schemas.insert(name.clone(), value);
    Some(format!("schema named {name:?} in {}", pointer(&section)))
}

/// Fills a string, or renames a key, with odd text (or the original with odd text around it).
fn odd_text(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let text = |original: &str, rng: &mut Rng| match rng.usize(..4) {
        0 => format!("{original}{}", odd::text(rng)),
        1 => format!("{}{original}", odd::text(rng)),
        _ => odd::text(rng),
    };
    if rng.bool() {
        let path = some_node(doc, rng, |_, v| v.is_string())?;
        let node = get_mut(doc, &path)?;
        let new = text(node.as_str()?, rng);
        let description = format!("odd string {}: {}", pointer(&path), preview(&Value::String(new.clone())));
        *node = Value::String(new);
        return Some(description);
    }
    let path = some_node(doc, rng, |path, _| last_key(path).is_some())?;
    let (Step::Key(key), parent) = path.split_last()? else { return None };
    let new = text(key, rng);
    let Value::Object(map) = get_mut(doc, parent)? else { return None };
    if map.contains_key(&new) {
        return None;
    }
    rename(map, key, new.clone());
    Some(format!("odd key {}: {}", pointer(&path), preview(&Value::String(new))))
}

/// Renames a member, keeping its place among the others.
pub fn rename(map: &mut Map<String, Value>, from: &str, to: String) {
    let entries = std::mem::take(map);
    *map =
        entries.into_iter().map(|(key, value)| if key == from { (to.clone(), value) } else { (key, value) }).collect();
}

/// Copies one node over another (a schema where a parameter was, a path item where a schema was).
fn graft(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let from = any_node(doc, rng)?;
    let to = any_node(doc, rng)?;
    let value = get(doc, &from)?.clone();
    *get_mut(doc, &to)? = value;
    Some(format!("graft {} over {}", pointer(&from), pointer(&to)))
}

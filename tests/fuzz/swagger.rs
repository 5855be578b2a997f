//! Mutations of a Swagger 2.0 document where the converter to 3.0 reads what 3.0 lays out otherwise:
//! parameters moved `in: body` or `formData` (or out of them) and repeated there, `collectionFormat`
//! values known and not, on arrays and not, `$ref`s into `definitions`, `parameters` and `responses`
//! that name a missing or odd name (`~1`, `%20`, `«»`) and the sections' entries renamed so, `type: file`
//! in odd places, `consumes` and `produces` of the wrong type, a `discriminator` that is not a name,
//! `x-nullable` that is not a boolean, security schemes and flows that 3.0 cannot say, parameters of a
//! path item, and the version itself. They are picked beside the generic ones of [`mutate::SPEC`].

use fastrand::Rng;
use serde_json::{Map, Value, json};

use crate::mutate::{
    Mutation, Step, get, get_mut, last_key, named_parts, nodes, other_type, pick, pointer, preview, rename, some_node,
};
use crate::odd;

/// The mutations of a 2.0 document, beside the generic ones; each is picked as often as the others.
pub const MUTATIONS: &[Mutation] = &[
    body_or_form,
    collection_format,
    section_ref,
    odd_section_name,
    file_type,
    media_types,
    discriminator,
    nullable,
    security,
    path_parameters,
    version,
];

/// The sections of a 2.0 document that `$ref`s name parts in.
const SECTIONS: [&str; 3] = ["definitions", "parameters", "responses"];

/// The operation keys of a Path Item Object.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Where a 2.0 parameter may be, and where it may not.
const LOCATIONS: &[&str] = &["body", "formData", "body", "formData", "query", "header", "path", "cookie", "Body", ""];

/// Whether `path` is a parameter: an item of a `parameters` list, or an entry of the `parameters` section.
fn is_parameter(path: &[Step]) -> bool {
    match path {
        [Step::Key(section), Step::Key(_)] => section == "parameters",
        [.., Step::Key(list), Step::Index(_)] => list == "parameters",
        _ => false,
    }
}

/// Whether `path` is a response: an entry of the `responses` section or of an operation's `responses`.
fn is_response(path: &[Step]) -> bool {
    matches!(path, [.., Step::Key(responses), Step::Key(_)] if responses == "responses")
}

/// Whether `path` is a response header.
fn is_header(path: &[Step]) -> bool {
    matches!(path, [.., Step::Key(headers), Step::Key(_)] if headers == "headers")
}

/// Whether `path` is where a schema stands: a definition, a `schema`, `items`, a property, a member of
/// `allOf`.
fn is_schema(path: &[Step]) -> bool {
    match path {
        [Step::Key(section), Step::Key(_)] if section == "definitions" => true,
        [.., Step::Key(key)] if ["schema", "items", "additionalProperties", "not"].contains(&key.as_str()) => true,
        [.., Step::Key(map), Step::Key(_)] => map == "properties",
        [.., Step::Key(list), Step::Index(_)] => ["allOf", "anyOf", "oneOf"].contains(&list.as_str()),
        _ => false,
    }
}

/// Whether `path` is a Path Item Object.
fn is_path_item(path: &[Step]) -> bool {
    matches!(path, [Step::Key(paths), Step::Key(_)] if paths == "paths")
}

/// Whether `path` is an Operation Object.
fn is_operation(path: &[Step]) -> bool {
    let [Step::Key(paths), Step::Key(_), Step::Key(method)] = path else { return false };
    paths == "paths" && METHODS.contains(&method.as_str())
}

/// An object node picked at random among those `keep` accepts.
fn some_object(doc: &Value, rng: &mut Rng, keep: impl Fn(&[Step]) -> bool) -> Option<Vec<Step>> {
    some_node(doc, rng, |path, value| value.is_object() && keep(path))
}

/// `path` with `key` after it.
fn child(path: &[Step], key: &str) -> Vec<Step> {
    path.iter().cloned().chain([Step::Key(key.to_owned())]).collect()
}

/// Sets `key` of the object at `path` to `value` (removes it for `None`), and says so; `None` when that
/// changes nothing.
fn set(doc: &mut Value, path: &[Step], key: &str, value: Option<Value>) -> Option<String> {
    let map = get_mut(doc, path)?.as_object_mut()?;
    if map.get(key) == value.as_ref() {
        return None;
    }
    let old = match &value {
        Some(value) => map.insert(key.to_owned(), value.clone()),
        None => map.shift_remove(key),
    };
    let old = old.as_ref().map_or_else(|| "absent".to_owned(), preview);
    let new = value.as_ref().map_or_else(|| "absent".to_owned(), preview);
    Some(format!("{key} {}: {old} → {new}", pointer(&child(path, key))))
}

/// A body or form parameter to add: a body with a schema or without one, a form field, a file, or a form
/// field with a body's schema.
fn body_part(doc: &Value, rng: &mut Rng) -> Value {
    let definitions = named_parts(doc).into_iter().filter(|part| part.starts_with("#/definitions/"));
    let schema = match pick(rng, definitions) {
        Some(target) if rng.bool() => json!({ "$ref": target }),
        _ => json!({"type": "object", "properties": {"x": {"type": "string"}}}),
    };
    match rng.usize(..5) {
        0 => json!({"name": "body", "in": "body", "required": rng.bool(), "schema": schema}),
        1 => json!({"name": "body", "in": "body"}),
        2 => json!({"name": "field", "in": "formData", "type": "string", "required": true}),
        3 => json!({"name": "file", "in": "formData", "type": "file"}),
        _ => json!({"name": "field", "in": "formData", "schema": schema}),
    }
}

/// Moves a parameter `in: body` or `formData` (or out of them), repeats one there beside the others, or
/// adds a body or form parameter to an operation or a path: two bodies, a form field beside a body, a
/// body without a schema, a form field with one.
fn body_or_form(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let location = LOCATIONS[rng.usize(..LOCATIONS.len())];
    match rng.usize(..3) {
        0 => {
            let path = some_node(doc, rng, |path, v| is_parameter(path) && v.get("in").is_some())?;
            set(doc, &path, "in", Some(json!(location)))
        }
        1 => {
            let path = some_object(doc, rng, |path| is_parameter(path) && matches!(path.last(), Some(Step::Index(_))))?;
            let (Step::Index(index), list) = path.split_last()? else { return None };
            let mut copy = get(doc, &path)?.clone();
            if let Value::Object(param) = &mut copy {
                if !param.contains_key("$ref") {
                    param.insert("in".to_owned(), json!(location));
                }
                if let Some(Value::String(name)) = param.get_mut("name").filter(|_| rng.bool()) {
                    *name = odd::twin(name, rng);
                }
            }
            let description = format!("repeat {}: {}", pointer(&path), preview(&copy));
            get_mut(doc, list)?.as_array_mut()?.insert(index + 1, copy);
            Some(description)
        }
        _ => {
            let owner = some_object(doc, rng, |path| is_operation(path) || is_path_item(path))?;
            let param = body_part(doc, rng);
            let description = format!("add to {}/parameters: {}", pointer(&owner), preview(&param));
            let owner = get_mut(doc, &owner)?.as_object_mut()?;
            owner.entry("parameters").or_insert_with(|| json!([])).as_array_mut()?.push(param);
            Some(description)
        }
    }
}

/// Sets a `collectionFormat` (known, unknown, or not a string) on a parameter, its `items`, a header or a
/// schema, making it an array half the time (with an array in it, of a format of its own, at times).
fn collection_format(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    const FORMATS: &[&str] =
        &["csv", "ssv", "tsv", "pipes", "multi", "csv", "multi", "CSV", "Multi", "comma", "", " csv", "csv,ssv"];
    let path = some_object(doc, rng, |path| {
        is_parameter(path) || is_header(path) || last_key(path) == Some("items") || is_schema(path)
    })?;
    let mut format = || match rng.u8(..5) {
        0 => other_type(&json!(""), rng),
        _ => json!(FORMATS[rng.usize(..FORMATS.len())]),
    };
    let (value, inner) = (format(), format());
    let mut done = vec![set(doc, &path, "collectionFormat", Some(value))?];
    if rng.bool() {
        let nested = json!({"type": "array", "items": {"type": "string"}, "collectionFormat": inner});
        let items = if rng.bool() { nested } else { json!({"type": "string"}) };
        done.extend(set(doc, &path, "type", Some(json!("array"))));
        done.extend(set(doc, &path, "items", Some(items)));
    }
    Some(done.join("; "))
}

/// Names a `$ref` into a 2.0 section may hold, as written in it: missing, escaped or not, percent-encoded
/// or not, a part below an entry, or the syntax of other references.
const ODD_NAMES: &[&str] = &[
    "Missing",
    "a~1b",
    "a/b",
    "a%20b",
    "a b",
    "Page«Pet»",
    "Page%C2%ABPet%C2%BB",
    "Page%ABPet%BB",
    "Page_Pet_",
    "~1",
    "~0",
    "~2",
    "~",
    "%",
    "%zz",
    "%2F",
    "",
    "«»",
    "Pet/properties/id",
    "Pet~1properties",
    "Pet#x",
    "Pet?x=1",
    "../x",
    "List[]",
];

/// `text` percent-encoded: every byte that is not unreserved in a URI.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(byte).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A name as a 3.0 component name roughly is: each run of characters other than letters, digits, `_`,
/// `-` and `.` as `_`. The name the converter may give another entry, to collide with.
fn component_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// The `$ref` of the entry `name` of `section`, written as RFC 6901 says, percent-encoded, with its `/`
/// and `~` as they are, or as its 3.0 component name.
fn written(section: &str, name: &str, rng: &mut Rng) -> String {
    let escaped = pointer(&[Step::Key(section.to_owned()), Step::Key(name.to_owned())]);
    match rng.usize(..5) {
        0 | 1 => escaped,
        2 => format!("#/{section}/{}", percent_encoded(&escaped[section.len() + 3..])),
        3 => format!("#/{section}/{name}"),
        _ => format!("#/{section}/{}", component_name(name)),
    }
}

/// A `$ref` into a 2.0 section: an entry there or in another section, written one way or another, an odd
/// name, or odd text.
fn section_target(doc: &Value, rng: &mut Rng) -> String {
    let section = SECTIONS[rng.usize(..SECTIONS.len())];
    let names = SECTIONS.iter().flat_map(|section| doc.get(section).and_then(Value::as_object)).flat_map(Map::keys);
    match (rng.usize(..3), pick(rng, names.cloned())) {
        (0, Some(name)) => written(section, &name, rng),
        (1, _) => format!("#/{section}/{}", ODD_NAMES[rng.usize(..ODD_NAMES.len())]),
        _ => format!("#/{section}/{}", odd::text(rng)),
    }
}

/// Points a `$ref` into `definitions`, `parameters` or `responses`, or puts one where a parameter, a
/// response or a schema was (keeping its members half the time).
fn section_ref(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_node(doc, rng, |path, v| {
        (last_key(path) == Some("$ref") && v.is_string())
            || (v.is_object() && (is_parameter(path) || is_response(path) || is_schema(path)))
    })?;
    let target = section_target(doc, rng);
    let keep = rng.bool();
    let node = get_mut(doc, &path)?;
    if node.as_str() == Some(target.as_str()) || node.get("$ref").and_then(Value::as_str) == Some(target.as_str()) {
        return None;
    }
    if node.is_string() {
        let description = format!("ref {}: {} → {target:?}", pointer(&path), preview(node));
        *node = Value::String(target);
        return Some(description);
    }
    let map = node.as_object_mut()?;
    if !keep {
        map.clear();
    }
    map.insert("$ref".to_owned(), Value::String(target.clone()));
    Some(format!("add ref {}: {target:?}", pointer(&path)))
}

/// Renames an entry of `definitions`, `parameters`, `responses` or `securityDefinitions` to an odd name
/// (one 3.0 cannot hold, or the one the converter gives another entry), and has every `$ref` (or security
/// requirement) that named it follow, written one way or another.
fn odd_section_name(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    const SUFFIXES: &[&str] = &["/x", " x", "«x»", "~x", "~1", "%20x", "[]", ".x", ":x", "#x", "?x", "«", " "];
    let section = ["definitions", "parameters", "responses", "securityDefinitions"][rng.usize(..4)];
    let map = doc.get(section)?.as_object()?;
    let old = rng.choice(map.keys())?.clone();
    let other = rng.choice(map.keys())?.clone();
    let new = match rng.usize(..4) {
        0 => format!("{old}{}", SUFFIXES[rng.usize(..SUFFIXES.len())]),
        1 => [component_name(&other), format!("{}2", component_name(&other)), other.replacen("[]", "Array", 1)]
            [rng.usize(..3)]
        .clone(),
        2 => odd::twin(&old, rng),
        _ => odd::text(rng),
    };
    if map.contains_key(&new) {
        return None;
    }
    rename(get_mut(doc, &[Step::Key(section.to_owned())])?.as_object_mut()?, &old, new.clone());
    let from = pointer(&[Step::Key(section.to_owned()), Step::Key(old.clone())]);
    let to = written(section, &new, rng);
    let mut followed = 0;
    for path in nodes(doc) {
        let Some(Value::String(target)) = get_mut(doc, &path).filter(|_| last_key(&path) == Some("$ref")) else {
            continue;
        };
        if let Some(below) = target.strip_prefix(&from).filter(|below| below.is_empty() || below.starts_with('/')) {
            *target = format!("{to}{below}");
            followed += 1;
        }
    }
    if section == "securityDefinitions" {
        let requirements = nodes(doc).into_iter().filter(|path| last_key(path) == Some("security"));
        for path in requirements.collect::<Vec<_>>() {
            for requirement in get_mut(doc, &path).and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(requirement) = requirement.as_object_mut().filter(|r| r.contains_key(&old)) {
                    rename(requirement, &old, new.clone());
                    followed += 1;
                }
            }
        }
    }
    Some(format!("rename {from} to {new:?}: {followed} references follow, as {to:?}"))
}

/// Makes a schema, a parameter, its `items` or a header a file (`type: file`, or a list with it in).
fn file_type(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_object(doc, rng, |path| {
        is_schema(path) || is_parameter(path) || is_header(path) || last_key(path) == Some("items")
    })?;
    let value = match rng.usize(..5) {
        0..=2 => json!("file"),
        3 => json!(["file", "string"]),
        _ => json!("File"),
    };
    set(doc, &path, "type", Some(value))
}

/// Media types, as written in `consumes` and `produces`: ordinary, with parameters, wildcards, forms, and
/// what no media type is.
const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "*/*",
    "text/plain",
    "application/xml",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "application/vnd.api+json",
    "application/*",
    "image/png",
    "JSON",
    "",
    " ",
];

/// Sets the document's or an operation's `consumes` or `produces` to a list of odd media types, an empty
/// one, one of other values, or a value of another type.
fn media_types(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let key = if rng.bool() { "consumes" } else { "produces" };
    let owner = match rng.u8(..3) {
        0 => Vec::new(),
        _ => some_object(doc, rng, is_operation)?,
    };
    let media = |rng: &mut Rng| json!(MEDIA_TYPES[rng.usize(..MEDIA_TYPES.len())]);
    let value = match rng.usize(..6) {
        0 => media(rng),
        1 => other_type(&json!([]), rng),
        2 => json!([]),
        3 => Value::Array((0..rng.usize(1..4)).map(|_| other_type(&json!(""), rng)).collect()),
        _ => Value::Array((0..rng.usize(1..4)).map(|_| media(rng)).collect()),
    };
    set(doc, &owner, key, Some(value))
}

/// Sets a schema's `discriminator` to one of its properties (of whatever type, required or not), a missing
/// one, 3.0's object form, a value of another type, or odd text; or an `x-discriminator` (3.0's form in an
/// extension) with a mapping into the sections, or of another type.
fn discriminator(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = some_object(doc, rng, is_schema)?;
    let properties = get(doc, &path)?.get("properties").and_then(Value::as_object).into_iter().flat_map(Map::keys);
    let name = pick(rng, properties.cloned()).unwrap_or_else(|| "kind".to_owned());
    let (key, value) = match rng.usize(..8) {
        0 | 1 => ("discriminator", json!(name)),
        2 => ("discriminator", json!(format!("{name}Missing"))),
        3 => ("discriminator", json!({ "propertyName": name })),
        4 => ("discriminator", other_type(&json!(""), rng)),
        5 => {
            let mapping = json!({ name.clone(): section_target(doc, rng) });
            ("x-discriminator", json!({"propertyName": name, "mapping": mapping}))
        }
        6 => ("x-discriminator", other_type(&json!({}), rng)),
        _ => ("discriminator", Value::String(odd::text(rng))),
    };
    set(doc, &path, key, Some(value))
}

/// Sets `x-nullable` (or 3.0's `nullable`) on a schema, a parameter, a header or a response, to a boolean
/// or a value of another type.
fn nullable(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path =
        some_object(doc, rng, |path| is_schema(path) || is_parameter(path) || is_header(path) || is_response(path))?;
    let key = if rng.u8(..5) == 0 { "nullable" } else { "x-nullable" };
    let value = match rng.usize(..8) {
        0 => json!(true),
        1 => json!("true"),
        2 => json!("false"),
        3 => json!(1),
        4 => json!(0),
        5 => Value::Null,
        6 => json!({}),
        _ => json!([true]),
    };
    set(doc, &path, key, Some(value))
}

/// Sets a member of a security scheme to what 2.0 does not have there (an unknown type or flow, 3.0's
/// names, a URL that is none, scopes that are no map), removes one, adds a scheme of a wrong shape, or
/// sets a security requirement to name a missing scheme or give its scopes otherwise.
fn security(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let schemes: Vec<String> =
        doc.get("securityDefinitions").and_then(Value::as_object).into_iter().flat_map(Map::keys).cloned().collect();
    match (rng.usize(..3), rng.choice(schemes.iter())) {
        (0, Some(name)) => {
            let values = |list: Value| list.as_array().cloned().unwrap_or_default();
            let (key, choices) = match rng.usize(..6) {
                0 => (
                    "type",
                    values(json!(["oauth2", "basic", "apiKey", "http", "openIdConnect", "OAuth2", "", 1, null])),
                ),
                1 => (
                    "flow",
                    values(json!([
                        "implicit",
                        "password",
                        "application",
                        "accessCode",
                        "clientCredentials",
                        "authorizationCode",
                        "",
                        "bogus",
                        1,
                        null,
                        ["implicit"],
                        {"implicit": {}}
                    ])),
                ),
                2 => (
                    ["authorizationUrl", "tokenUrl"][rng.usize(..2)],
                    values(json!([
                        "",
                        "not a url",
                        "https://a.example/x?y=1&z",
                        "?only=query",
                        "{region}/token",
                        "/relative",
                        1,
                        null
                    ])),
                ),
                3 => ("scopes", values(json!([[], "all", null, {"": ""}, {"a": 1}, {"a b": "c"}, {"x": {"y": "z"}}]))),
                4 => ("in", values(json!(["query", "header", "cookie", "body", "", "Header", 1]))),
                _ => ("name", values(json!(["", 1, "Authorization", "a b", null]))),
            };
            // A member removed, one time in five.
            let value = (rng.u8(..5) > 0).then(|| rng.choice(choices)).flatten();
            set(doc, &[Step::Key("securityDefinitions".to_owned()), Step::Key(name.clone())], key, value)
        }
        (0 | 1, _) => {
            let scheme = match rng.usize(..6) {
                0 => json!({"type": "oauth2", "scopes": {}}),
                1 => json!({"type": "oauth2", "flow": "application", "scopes": {"a": "b"}}),
                2 => json!({"type": "apiKey", "in": "query"}),
                3 => json!({"type": "basic", "flow": "implicit", "authorizationUrl": "https://a.example"}),
                4 => json!({"type": "openIdConnect", "openIdConnectUrl": "https://a.example"}),
                _ => json!({"type": "http", "scheme": "bearer"}),
            };
            let name = match rng.usize(..3) {
                0 => "Added Scheme".to_owned(),
                1 => schemes.first().map_or_else(|| "Added".to_owned(), |name| odd::twin(name, rng)),
                _ => odd::text(rng),
            };
            let top = doc.as_object_mut()?;
            let section = top.entry("securityDefinitions").or_insert_with(|| json!({})).as_object_mut()?;
            if section.contains_key(&name) {
                return None;
            }
            section.insert(name.clone(), scheme.clone());
            Some(format!("security scheme {name:?}: {}", preview(&scheme)))
        }
        _ => {
            let owner = match rng.u8(..3) {
                0 => Vec::new(),
                _ => some_object(doc, rng, is_operation)?,
            };
            let name = rng.choice(schemes.iter()).cloned().unwrap_or_else(|| "Missing".to_owned());
            let requirement = match rng.usize(..7) {
                0 => json!([{"Missing Scheme": []}]),
                1 => json!([{ name: "scope" }]),
                2 => json!([{ name: {} }]),
                3 => json!([{ name: [1, null] }]),
                4 => json!({ name: [] }),
                5 => json!([[], {}]),
                _ => Value::String(name),
            };
            set(doc, &owner, "security", Some(requirement))
        }
    }
}

/// Changes the parameters of a path item: one of an operation's copied to the path (which the operation
/// then overrides, or not, as its `in` matches) or the path's to an operation, at times in another place;
/// a `$ref`, a body or form parameter or a path parameter not required added to the path; or the path's
/// `parameters` of another type.
fn path_parameters(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let item = some_object(doc, rng, is_path_item)?;
    let operations: Vec<Vec<Step>> = METHODS
        .iter()
        .map(|method| child(&item, method))
        .filter(|path| get(doc, path).is_some_and(Value::is_object))
        .collect();
    match rng.usize(..4) {
        0 | 1 => {
            let lists: Vec<Vec<Step>> =
                operations.iter().chain([&item]).map(|owner| child(owner, "parameters")).collect();
            let params = lists.iter().flat_map(|list| {
                let count = get(doc, list).and_then(Value::as_array).map_or(0, Vec::len);
                (0..count).map(move |index| list.iter().cloned().chain([Step::Index(index)]).collect::<Vec<_>>())
            });
            let from = pick(rng, params)?;
            let owners: Vec<&Vec<Step>> = operations.iter().chain([&item]).collect();
            let to = rng.choice(owners)?.clone();
            let mut copy = get(doc, &from)?.clone();
            if let Some(param) = copy.as_object_mut().filter(|param| !param.contains_key("$ref") && rng.bool()) {
                param.insert("in".to_owned(), json!(LOCATIONS[rng.usize(..LOCATIONS.len())]));
            }
            let description = format!("copy {} to {}/parameters: {}", pointer(&from), pointer(&to), preview(&copy));
            let owner = get_mut(doc, &to)?.as_object_mut()?;
            let list = owner.entry("parameters").or_insert_with(|| json!([])).as_array_mut()?;
            let at = rng.usize(..=list.len());
            list.insert(at, copy);
            Some(description)
        }
        2 => {
            let Some(Step::Key(template)) = item.last() else { return None };
            let variable =
                template.split('{').nth(1).and_then(|rest| rest.split('}').next()).unwrap_or("id").to_owned();
            let param = match rng.usize(..3) {
                0 => json!({ "$ref": written("parameters", &variable, rng) }),
                1 => body_part(doc, rng),
                _ => json!({"name": variable, "in": "path", "type": "string"}),
            };
            let description = format!("add to {}/parameters: {}", pointer(&item), preview(&param));
            let owner = get_mut(doc, &item)?.as_object_mut()?;
            owner.entry("parameters").or_insert_with(|| json!([])).as_array_mut()?.push(param);
            Some(description)
        }
        _ => {
            let value = match rng.usize(..3) {
                0 => other_type(&json!([]), rng),
                1 => json!([null, 1, "id", []]),
                _ => json!({"id": {"name": "id", "in": "path", "type": "string"}}),
            };
            set(doc, &item, "parameters", Some(value))
        }
    }
}

/// Sets the version to what reads as 2.0 or not (a number, a longer version, blank around it), or adds
/// `openapi` beside it.
fn version(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let (key, value) = match rng.usize(..7) {
        0 => ("swagger", json!(2.0)),
        1 => ("swagger", json!(2)),
        2 => ("swagger", json!("2")),
        3 => ("swagger", json!("2.0.0")),
        4 => ("swagger", json!(" 2.0")),
        5 => ("openapi", json!("3.0.3")),
        _ => ("swagger", Value::Null),
    };
    set(doc, &[], key, Some(value))
}

#[test]
fn every_2_0_mutation_finds_a_place_in_the_2_0_fixtures() {
    let docs: Vec<Value> = ["swagger-sections.yaml", "swagger-bodies.yaml", "swagger-parameters.yaml"]
        .iter()
        .map(|name| {
            let path = audit_tests::spec_fixture(name);
            let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {name}: {err}"));
            serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{name} is not YAML: {err}"))
        })
        .collect();
    let mut rng = Rng::with_seed(2);
    for (index, mutation) in MUTATIONS.iter().enumerate() {
        let mut done = 0;
        for doc in &docs {
            for _ in 0..40 {
                let mut doc = doc.clone();
                let before = doc.clone();
                if let Some(description) = mutation(&mut doc, &mut rng) {
                    assert!(!description.is_empty(), "mutation {index} says nothing");
                    assert_ne!(doc, before, "mutation {index} changed nothing: {description}");
                    done += 1;
                }
            }
        }
        eprintln!("mutation {index}: {done} of {}", docs.len() * 40);
        assert!(done > docs.len() * 10, "mutation {index} seldom finds a place: {done} of {}", docs.len() * 40);
    }
}

//! `allOf`, `oneOf` and `anyOf`: members merged into one struct, or told apart by a tag or by their shape.

use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind};

use super::types::{ObjectParts, TypeBuilder};
use super::{Type, TypeKind, Union, UnionVariant};
use crate::error::{Pointer, Sink};
use crate::load::Document;
use crate::naming::{self, Namespace};

const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// The variant that keeps what no member matches.
const UNRECOGNIZED: &str = "Unrecognized";
/// How deep `allOf` members may refer to other `allOf`s: deeper is an error rather than a risk to the stack.
const MAX_DEPTH: usize = 32;
/// How many structs the choices of the `oneOf`s among an `allOf`'s members may make (each choice of one
/// times each of another): more is an error rather than a flood of types.
const MAX_CHOICES: usize = 64;

/// One choice among the unions of an `allOf`: the labels of the members chosen, and the object they make.
type Choice = (Vec<String>, ObjectParts);

/// A `oneOf` or `anyOf` met among the members of an `allOf` (or beside properties in one of them): the
/// object is one of its members, merged with everything else.
#[derive(Clone, Debug)]
pub(super) struct FoundUnion {
    /// The place of its `oneOf` or `anyOf` keyword; its members are below it by index.
    pub(super) at: Pointer,
    /// Its members.
    pub(super) members: Vec<ReferenceOr<Schema>>,
    /// The `discriminator` of the schema that holds it.
    pub(super) discriminator: Option<Discriminator>,
}

/// The one member of an `allOf` that says what its values are, with its index, when nothing needs
/// merging: the other members only annotate (a description, `nullable`, an example), or none of them is
/// an object and the first typed one is taken (the rest only narrow it). A `$ref` given a description or
/// `nullable` this way is that type.
pub(super) fn sole_member<'s>(doc: &Document, schema: &'s Schema) -> Option<(usize, &'s ReferenceOr<Schema>)> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if any.properties.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() => {
            &any.all_of
        }
        _ => return None,
    };
    let typed: Vec<(usize, &ReferenceOr<Schema>)> =
        members.iter().enumerate().filter(|(_, m)| !annotation_only(m)).collect();
    match typed.as_slice() {
        [only] => Some(*only),
        [first, ..] if typed.iter().all(|(_, m)| !object_like(doc, m, &mut Vec::new())) => Some(*first),
        _ => None,
    }
}

/// Whether a member says nothing of the values' shape: a description, `nullable`, an example.
fn annotation_only(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default()))
}

/// Whether a member is an object whose properties an `allOf` merges (following `$ref`s), or a choice of
/// such objects (a `oneOf` or `anyOf` of them, which the `allOf` is then a choice of).
///
/// `seen` holds the components looked into so far: one met again adds nothing (it is being looked into
/// now, or it was and is not object-like, since the first that is ends the search), so each is looked
/// into once, however many members name it.
fn object_like<'d>(doc: &'d Document, member: &'d ReferenceOr<Schema>, seen: &mut Vec<&'d str>) -> bool {
    let schema = match member {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => match component(doc, reference) {
            Some((schema, _)) if !seen.contains(&reference.as_str()) => {
                seen.push(reference);
                schema
            }
            _ => return false,
        },
    };
    let any_object =
        |members: &'d [ReferenceOr<Schema>], seen: &mut Vec<&'d str>| members.iter().any(|m| object_like(doc, m, seen));
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(_)) => true,
        SchemaKind::Any(any) => {
            !any.properties.is_empty()
                || any.typ.as_deref() == Some("object")
                || any_object(&any.all_of, seen)
                || !constraints_only(&any.one_of) && any_object(&any.one_of, seen)
                || !constraints_only(&any.any_of) && any_object(&any.any_of, seen)
        }
        SchemaKind::AllOf { all_of } => any_object(all_of, seen),
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            !constraints_only(members) && any_object(members, seen)
        }
        _ => false,
    }
}

/// A JSON type with its article: "an array", "a string".
fn article(json_type: &str) -> String {
    let an = json_type.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {json_type}", if an { "an" } else { "a" })
}

/// The JSON type a member's values have, following `$ref`s; `None` when it does not say.
fn json_type<'d>(doc: &'d Document, member: &'d ReferenceOr<Box<Schema>>) -> Option<&'static str> {
    let schema: &Schema = match member {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => component(doc, reference)?.0,
    };
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::String(_)) => Some("string"),
        SchemaKind::Type(openapiv3::Type::Number(_)) | SchemaKind::Type(openapiv3::Type::Integer(_)) => Some("number"),
        SchemaKind::Type(openapiv3::Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Type(openapiv3::Type::Array(_)) => Some("array"),
        SchemaKind::Type(openapiv3::Type::Object(_)) => Some("object"),
        SchemaKind::Any(any) if !any.properties.is_empty() => Some("object"),
        _ => None,
    }
}

/// Adds the properties of `schema` (an object, or an `allOf` of objects) to `parts`, following `$ref`s.
/// A member that is not an object, or that names a property another member gives another schema, is
/// an error at its place. `trail` holds the schemas being merged, outermost first, to find a cycle.
pub(super) fn collect(
    doc: &Document,
    schema: &Schema,
    pointer: &Pointer,
    parts: &mut ObjectParts,
    trail: &mut Vec<Pointer>,
    sink: &mut Sink,
) {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(object)) => {
            add_checked(
                doc,
                parts,
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                pointer,
                sink,
            );
        }
        SchemaKind::AllOf { all_of } => members(doc, all_of, &pointer.join("allOf"), parts, trail, sink),
        SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
            add_checked(doc, parts, &any.properties, &any.required, any.additional_properties.as_ref(), pointer, sink);
            members(doc, &any.all_of, &pointer.join("allOf"), parts, trail, sink);
        }
        // Constraints on which properties are present: nothing to merge.
        SchemaKind::OneOf { one_of: m } | SchemaKind::AnyOf { any_of: m } if constraints_only(m) => {}
        SchemaKind::OneOf { one_of: m } | SchemaKind::AnyOf { any_of: m } => {
            let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
            found_union(schema, m, &pointer.join(key), parts);
        }
        SchemaKind::Any(any) => {
            // Properties beside a `oneOf` or `anyOf`: the object is one of its members, with them.
            add_checked(doc, parts, &any.properties, &any.required, any.additional_properties.as_ref(), pointer, sink);
            members(doc, &any.all_of, &pointer.join("allOf"), parts, trail, sink);
            for (key, m) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                if !constraints_only(m) {
                    found_union(schema, m, &pointer.join(key), parts);
                }
            }
        }
        // What a value must not be: a constraint the server checks, with nothing to merge.
        SchemaKind::Not { .. } => {}
        SchemaKind::Type(_) => {
            let what = non_object(schema).map_or_else(|| "a value of another type".to_owned(), article);
            sink.warn(pointer, format!("{LEFT_OUT} {what}"));
        }
    }
}

/// The warning for an `allOf` member of another JSON type than the object the others describe; the type
/// follows.
const LEFT_OUT: &str = "an `allOf` member that is not an object is left out of the struct the others merge into, \
                        since no value is both an object and";

/// Records the union of `members` (at `at`) that `schema` holds.
fn found_union(schema: &Schema, members: &[ReferenceOr<Schema>], at: &Pointer, parts: &mut ObjectParts) {
    let discriminator = schema.schema_data.discriminator.clone();
    parts.unions.push(FoundUnion { at: at.clone(), members: members.to_vec(), discriminator });
}

/// The JSON type of a schema that says it is not an object (`string`, `array`, ...); `None` otherwise.
fn non_object(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::String(_)) => Some("string"),
        SchemaKind::Type(openapiv3::Type::Number(_) | openapiv3::Type::Integer(_)) => Some("number"),
        SchemaKind::Type(openapiv3::Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Type(openapiv3::Type::Array(_)) => Some("array"),
        _ => None,
    }
}

/// Leaves out of `parts` each union one of whose members is the schema at `root`: the union of a parent
/// that lists its children, met again from one of them (`Cat: allOf: [Pet, ...]` where `Pet: oneOf: [Cat,
/// Dog]`). The child is the choice already: it takes the parent's properties, not the choice again.
pub(super) fn drop_parent_unions(parts: &mut ObjectParts, root: &Pointer) {
    parts.unions.retain(|union| {
        !union.members.iter().any(|member| match member {
            ReferenceOr::Reference { reference } => component_pointer(reference).is_some_and(|at| at == *root),
            ReferenceOr::Item(_) => false,
        })
    });
}

/// The place of the component schema a `$ref` names, if it names one.
fn component_pointer(reference: &str) -> Option<Pointer> {
    Pointer::of_reference(reference).filter(|target| target.as_json_pointer().starts_with("/components/schemas/"))
}

/// Adds the properties of `schema` and its `allOf` members to `parts`, leaving out the `oneOf`/`anyOf` at
/// `chosen` (its own, or an `allOf` member's), which the caller makes a union of; any other is recorded to
/// be chosen from too.
pub(super) fn collect_object_only(
    doc: &Document,
    schema: &Schema,
    pointer: &Pointer,
    chosen: &Pointer,
    parts: &mut ObjectParts,
    sink: &mut Sink,
) {
    let (own, all_of): (Option<&openapiv3::AnySchema>, &[ReferenceOr<Schema>]) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => (None, all_of),
        SchemaKind::Any(any) => (Some(any), &any.all_of),
        _ => return collect(doc, schema, pointer, parts, &mut vec![pointer.clone()], sink),
    };
    if let Some(any) = own {
        add_checked(doc, parts, &any.properties, &any.required, any.additional_properties.as_ref(), pointer, sink);
        for (key, members) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
            if !constraints_only(members) {
                found_union(schema, members, &pointer.join(key), parts);
            }
        }
    }
    for (index, member) in all_of.iter().enumerate() {
        if !annotation_only(member) {
            collect_member(doc, member, &pointer.join("allOf").join(index), parts, sink);
        }
    }
    parts.unions.retain(|union| union.at != *chosen);
}

/// Adds the properties of one `allOf` member (or union member) at `at` to `parts`, following a `$ref`.
pub(super) fn collect_member(
    doc: &Document,
    member: &ReferenceOr<Schema>,
    at: &Pointer,
    parts: &mut ObjectParts,
    sink: &mut Sink,
) {
    match member {
        ReferenceOr::Item(schema) => collect(doc, schema, at, parts, &mut vec![at.clone()], sink),
        ReferenceOr::Reference { reference } => follow(doc, reference, at, parts, &mut Vec::new(), sink),
    }
}

/// Whether every member of a union only constrains which properties are present (`required`, bounds),
/// naming no type and no property: validation, not a choice of shapes.
pub(super) fn constraints_only(members: &[ReferenceOr<Schema>]) -> bool {
    members.iter().all(|member| match member {
        ReferenceOr::Item(schema) => matches!(&schema.schema_kind, SchemaKind::Any(any)
            if any.typ.is_none() && any.properties.is_empty() && any.items.is_none() && any.enumeration.is_empty()
                && any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() && any.not.is_none()),
        ReferenceOr::Reference { .. } => false,
    })
}

/// The `oneOf`/`anyOf` that is a member of an `allOf`, with its index and keyword, if there is one.
pub(super) fn union_in_all_of(schema: &Schema) -> Option<(usize, &'static str, &[ReferenceOr<Schema>])> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => &any.all_of,
        _ => return None,
    };
    members.iter().enumerate().find_map(|(index, member)| match member {
        ReferenceOr::Item(inner) => match &inner.schema_kind {
            SchemaKind::OneOf { one_of } if !constraints_only(one_of) => Some((index, "oneOf", one_of.as_slice())),
            SchemaKind::AnyOf { any_of } if !constraints_only(any_of) => Some((index, "anyOf", any_of.as_slice())),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    })
}

fn members(
    doc: &Document,
    members: &[ReferenceOr<Schema>],
    pointer: &Pointer,
    parts: &mut ObjectParts,
    trail: &mut Vec<Pointer>,
    sink: &mut Sink,
) {
    if trail.len() > MAX_DEPTH {
        sink.error(pointer, format!("`allOf` members nest more than {MAX_DEPTH} schemas deep"));
        return;
    }
    for (index, member) in members.iter().enumerate() {
        let at = pointer.join(index);
        if annotation_only(member) {
            continue;
        }
        match member {
            ReferenceOr::Item(schema) => collect(doc, schema, &at, parts, trail, sink),
            ReferenceOr::Reference { reference } => follow(doc, reference, &at, parts, trail, sink),
        }
    }
}

/// Adds the properties of the component schema `reference` names (at `at`), unless it is one being merged
/// already: then schemas include each other through `allOf`, and no struct can hold them.
fn follow(
    doc: &Document,
    reference: &str,
    at: &Pointer,
    parts: &mut ObjectParts,
    trail: &mut Vec<Pointer>,
    sink: &mut Sink,
) {
    let Some((schema, target)) = component(doc, reference) else {
        let elsewhere = Pointer::of_reference(reference)
            .filter(|target| !target.as_json_pointer().starts_with("/components/schemas/"))
            .is_some_and(|target| doc.raw.pointer(target.as_json_pointer()).is_some());
        let message = if elsewhere {
            format!(
                "unsupported: an `allOf` member that refers to a schema outside components/schemas ({reference:?}); \
                 move it there"
            )
        } else {
            format!("reference {reference:?} names no schema in components/schemas")
        };
        sink.error(at, message);
        return;
    };
    if let Some(start) = trail.iter().position(|merging| *merging == target) {
        report_all_of_cycle(&trail[start..], sink);
        return;
    }
    if let Some(what) = non_object(schema) {
        sink.warn(at, format!("{LEFT_OUT} {} ({target} is one)", article(what)));
        return;
    }
    if !parts.merged.insert(target.clone()) {
        return;
    }
    trail.push(target.clone());
    collect(doc, schema, &target, parts, trail, sink);
    trail.pop();
}

/// Reports a cycle of schemas that include each other, once whichever schema it was found from: at the
/// first in pointer order, naming them all in the order they include each other.
fn report_all_of_cycle(cycle: &[Pointer], sink: &mut Sink) {
    let places: Vec<&Pointer> = cycle.iter().collect();
    let Some((first, cycle)) = super::recursion::cycle_text(&places) else { return };
    sink.error(first, format!("`allOf` cycle that no type can represent: {cycle}: a schema cannot include itself"));
}

/// The component schema a `$ref` names, and its pointer.
fn component<'d>(doc: &'d Document, reference: &str) -> Option<(&'d Schema, Pointer)> {
    let tokens: Vec<String> = Pointer::of_reference(reference)?.tokens().collect();
    let [components, schemas, wire] = &tokens[..] else { return None };
    if (components.as_str(), schemas.as_str()) != ("components", "schemas") {
        return None;
    }
    let schema = doc.api.components.as_ref()?.schemas.get(wire.as_str())?.as_item()?;
    Some((schema, Pointer::root().join("components").join("schemas").join(wire)))
}

/// Adds an object's members to `parts`. A property already there keeps its place; a later member that
/// gives it a schema of the same JSON type (a narrower one, as a child type does) replaces it; one of
/// another type is an error naming both places.
fn add_checked(
    doc: &Document,
    parts: &mut ObjectParts,
    properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
    additional: Option<&openapiv3::AdditionalProperties>,
    pointer: &Pointer,
    sink: &mut Sink,
) {
    let mut fresh = indexmap::IndexMap::new();
    for (wire, schema) in properties {
        let here = pointer.join("properties").join(wire);
        match parts.properties.iter_mut().find(|(name, _, _)| name == wire) {
            Some((_, first, _)) if same_schema(first, schema) => {}
            Some((_, first, at)) => match (json_type(doc, first), json_type(doc, schema)) {
                (Some(a), Some(b)) if a != b => {
                    sink.error(
                        &here,
                        format!(
                            "`allOf` members disagree on property {wire:?}: {} here, {} at {at}",
                            article(b),
                            article(a)
                        ),
                    );
                }
                _ => {
                    *first = schema.clone();
                    *at = here;
                }
            },
            None => {
                fresh.insert(wire.clone(), schema.clone());
            }
        }
    }
    parts.add(&fresh, required, additional, pointer);
}

fn same_schema(a: &ReferenceOr<Box<Schema>>, b: &ReferenceOr<Box<Schema>>) -> bool {
    let plain = |schema: &ReferenceOr<Box<Schema>>| match schema {
        ReferenceOr::Item(schema) => {
            let mut schema = schema.clone();
            schema.schema_data.description = None;
            schema.schema_data.example = None;
            ReferenceOr::Item(schema)
        }
        other => other.clone(),
    };
    plain(a) == plain(b)
}

impl TypeBuilder<'_> {
    /// The tag a discriminator gives a member its `mapping` does not name: the component schema's name.
    fn implicit_tag(&self, rust_name: &str) -> String {
        let wire = self.components.iter().find(|(_, rust)| rust.as_str() == rust_name).map(|(wire, _)| wire);
        wire.map_or_else(|| rust_name.to_owned(), Clone::clone)
    }

    /// The union of an object with properties of its own (`base`) and a `oneOf`/`anyOf` of `members` (at
    /// `pointer`): each member merged with the base into a struct of its own (`{owner}{member}`), as the
    /// schema means. A `oneOf` the base or a member holds besides is chosen from too: a struct per choice of
    /// each (`{owner}{member}{choice}`). `root` is the place of the schema being defined.
    pub(super) fn distributed(
        &mut self,
        owner: &str,
        base: &ObjectParts,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&Discriminator>,
        pointer: &Pointer,
        root: &Pointer,
    ) -> Union {
        // Each member's choices: its place, label and the labels and parts of each choice.
        let mut chosen: Vec<(usize, Pointer, String, Vec<Choice>)> = Vec::new();
        let mut expanding = vec![pointer.clone()];
        let mut count = 0;
        for (index, member) in members.iter().enumerate() {
            let at = pointer.join(index);
            let mut parts = base.clone();
            collect_member(self.doc, member, &at, &mut parts, &mut self.sink);
            let label = self.member_label(member, index, &at);
            let mut choices = Vec::new();
            self.choices(parts, vec![label.clone()], root, &mut expanding, &mut choices, count);
            count += choices.len();
            chosen.push((index, at, label, choices));
        }
        if count > MAX_CHOICES {
            let message = format!(
                "the `oneOf`s and `anyOf`s among these `allOf` members make more than {MAX_CHOICES} \
                 combinations, each a struct: too many to generate"
            );
            self.sink.error(root, message);
            return Union { variants: Vec::new(), tag: None, unrecognized: Some(UNRECOGNIZED.to_owned()) };
        }
        let several = chosen.iter().any(|(_, _, _, choices)| choices.len() > 1);
        let mut merged = Vec::with_capacity(count);
        for (index, at, label, choices) in chosen {
            for (labels, parts) in choices {
                let label = if labels.len() == 1 { label.clone() } else { labels.concat() };
                let name = self.names.claim(naming::type_name(&format!("{owner}{label}")));
                let strukt = self.object(&name, parts, &at);
                let described = match labels.as_slice() {
                    [only] => format!("its `{only}` member describes"),
                    [first @ .., last] => {
                        let first: Vec<String> = first.iter().map(|l| format!("`{l}`")).collect();
                        format!("its {} and `{last}` members describe", first.join(", "))
                    }
                    [] => "its members describe".to_owned(),
                };
                let docs = vec![format!("[`{owner}`](crate::models::{owner}) as {described} it.")];
                self.insert(name.clone(), &at, docs, TypeKind::Struct(strukt));
                merged.push((&members[index], label, name));
            }
        }
        if discriminator.is_some() && several {
            let message = "the discriminator is not used: members hold a `oneOf` or `anyOf` of their own, so the \
                           structs of their choices are told apart by shape";
            self.sink.warn(pointer, message);
        }
        let discriminator = discriminator.filter(|_| !several);
        let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
        let tagged = discriminator.filter(|_| members.iter().all(|m| matches!(m, ReferenceOr::Reference { .. })));
        let mut variants: Vec<((u8, usize), usize, UnionVariant)> = Vec::new();
        for (index, (member, label, name)) in merged.into_iter().enumerate() {
            let tags = match (tagged, member) {
                (Some(discriminator), ReferenceOr::Reference { reference }) => {
                    let mut tags: Vec<String> = discriminator
                        .mapping
                        .iter()
                        .filter(|(_, target)| {
                            target.as_str() == reference || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    if tags.is_empty() {
                        tags.push(self.implicit_tag(&label));
                    }
                    tags
                }
                _ => Vec::new(),
            };
            let ty = Type::Named(name);
            let rank = if tagged.is_some() { (0, 0) } else { specificity(&ty, self) };
            variants.push((rank, index, UnionVariant { name: names.claim(label), ty, tags, boxed: false }));
        }
        if tagged.is_some() {
            variants.sort_by(|a, b| a.2.name.cmp(&b.2.name));
        } else {
            variants.sort_by_key(|(rank, order, _)| (*rank, *order));
        }
        let variants: Vec<UnionVariant> = variants.into_iter().map(|(_, _, v)| v).collect();
        Union { variants, tag: tagged.map(|d| d.property_name.clone()), unrecognized: Some(UNRECOGNIZED.to_owned()) }
    }

    /// The variant label of a union member: its type's name for a `$ref`, its place otherwise.
    fn member_label(&mut self, member: &ReferenceOr<Schema>, index: usize, at: &Pointer) -> String {
        match member {
            ReferenceOr::Reference { reference } => match self.reference(reference, at) {
                Type::Named(name) => name,
                _ => format!("Variant{}", index + 1),
            },
            ReferenceOr::Item(_) => format!("Variant{}", index + 1),
        }
    }

    /// Adds to `out` the choices `parts` makes, each with the labels of the members chosen (after
    /// `labels`): one per member of its first union, merged with the rest and chosen from in turn, or
    /// `parts` itself when it holds none. A union being chosen from already (met again through a member)
    /// and a parent's list of its children are not chosen again. Stops past [`MAX_CHOICES`], counting
    /// `before` made elsewhere.
    fn choices(
        &mut self,
        mut parts: ObjectParts,
        labels: Vec<String>,
        root: &Pointer,
        expanding: &mut Vec<Pointer>,
        out: &mut Vec<Choice>,
        before: usize,
    ) {
        drop_parent_unions(&mut parts, root);
        parts.unions.retain(|union| !expanding.contains(&union.at));
        if parts.unions.is_empty() {
            out.push((labels, parts));
            return;
        }
        let union = parts.unions.remove(0);
        expanding.push(union.at.clone());
        for (index, member) in union.members.iter().enumerate() {
            if before + out.len() > MAX_CHOICES {
                break;
            }
            let at = union.at.join(index);
            let mut choice = parts.clone();
            collect_member(self.doc, member, &at, &mut choice, &mut self.sink);
            let mut labels = labels.clone();
            labels.push(self.member_label(member, index, &at));
            self.choices(choice, labels, root, expanding, out, before);
        }
        expanding.pop();
    }

    /// The union of `members` (of a `oneOf` or `anyOf` at `pointer`), named `owner`: tagged by the
    /// discriminator when every member is a `$ref`, told apart by shape otherwise.
    pub(super) fn union(
        &mut self,
        owner: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&Discriminator>,
        pointer: &Pointer,
    ) -> Union {
        let all_references = members.iter().all(|m| matches!(m, ReferenceOr::Reference { .. }));
        match discriminator {
            Some(discriminator) if all_references => self.tagged(members, discriminator, pointer),
            Some(_) => {
                self.sink.warn(
                    pointer,
                    "the discriminator is not used: a member is not a `$ref`, so members are told apart by shape",
                );
                self.untagged(owner, members, pointer)
            }
            None => self.untagged(owner, members, pointer),
        }
    }

    fn tagged(&mut self, members: &[ReferenceOr<Schema>], discriminator: &Discriminator, pointer: &Pointer) -> Union {
        // Each member's component name, then the tags that select it: the mapping's, or its name.
        let mut targets: Vec<(String, Vec<String>)> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else { continue };
            let ty = self.reference(reference, &pointer.join(index));
            let Type::Named(name) = ty else { continue };
            if !targets.iter().any(|(n, _)| *n == name) {
                targets.push((name, Vec::new()));
            }
        }
        let discriminator_at = pointer.parent().join("discriminator").join("mapping");
        for (tag, target) in &discriminator.mapping {
            let reference = if target.starts_with('#') { target.clone() } else { format!("{SCHEMA_PREFIX}{target}") };
            let Type::Named(name) = self.reference(&reference, &discriminator_at.join(tag)) else { continue };
            match targets.iter_mut().find(|(n, _)| *n == name) {
                Some((_, tags)) => tags.push(tag.clone()),
                None => targets.push((name, vec![tag.clone()])),
            }
        }
        let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
        let mut variants: Vec<UnionVariant> = targets
            .into_iter()
            .map(|(name, mut tags)| {
                if tags.is_empty() {
                    tags.push(self.implicit_tag(&name));
                }
                UnionVariant { name: names.claim(name.clone()), ty: Type::Named(name), tags, boxed: false }
            })
            .collect();
        variants.sort_by(|a, b| a.name.cmp(&b.name));
        Union { variants, tag: Some(discriminator.property_name.clone()), unrecognized: Some(UNRECOGNIZED.to_owned()) }
    }

    fn untagged(&mut self, owner: &str, members: &[ReferenceOr<Schema>], pointer: &Pointer) -> Union {
        let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let place = format!("Variant{}", index + 1);
            let ty = self.schema_type(member, &pointer.join(index), &format!("{owner}{place}"));
            let name = match (&ty, member) {
                (Type::Named(name), ReferenceOr::Reference { .. }) => name.clone(),
                (Type::Named(_), ReferenceOr::Item(_)) => place,
                (other, _) => shape_name(other),
            };
            variants.push((
                specificity(&ty, self),
                index,
                UnionVariant { name: names.claim(name), ty, tags: Vec::new(), boxed: false },
            ));
        }
        variants.sort_by_key(|(rank, index, _)| (*rank, *index));
        let variants: Vec<UnionVariant> = variants.into_iter().map(|(_, _, variant)| variant).collect();
        let unrecognized = (!variants.iter().any(|v| v.ty == Type::Json)).then(|| UNRECOGNIZED.to_owned());
        Union { variants, tag: None, unrecognized }
    }
}

/// A variant name for a member that is not a named type: what it is.
fn shape_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".to_owned(),
        Type::Bool => "Boolean".to_owned(),
        Type::Int32 | Type::Int64 => "Integer".to_owned(),
        Type::Float | Type::Double => "Number".to_owned(),
        Type::DateTime => "DateTime".to_owned(),
        Type::Date => "Date".to_owned(),
        Type::Json => "Json".to_owned(),
        Type::Vec(item) => format!("{}Array", shape_name(item)),
        Type::Map(value) => format!("{}Map", shape_name(value)),
        Type::Named(name) => naming::type_name(name),
        Type::Bytes => "Bytes".to_owned(),
        Type::Multipart => "Multipart".to_owned(),
        Type::MultipartBody => "MultipartBody".to_owned(),
    }
}

/// The order untagged members are tried in, smallest first: objects with more required fields before
/// those with fewer (an object with none matches any object), then enums, arrays, booleans, integers
/// before numbers (a JSON integer is a number too), dates before strings, maps, and any JSON last.
fn specificity(ty: &Type, types: &TypeBuilder<'_>) -> (u8, usize) {
    // An alias cycle, which is an error of its own: any place will do.
    let Some(ty) = types.unaliased(ty) else { return (10, 0) };
    match ty {
        Type::Named(name) => match types.get(name).map(|def| &def.kind) {
            Some(TypeKind::Struct(s)) => (0, usize::MAX - s.fields.iter().filter(|f| f.required).count()),
            Some(TypeKind::Union(_)) => (1, 0),
            Some(TypeKind::Enum(_)) => (2, 0),
            // `unaliased` follows aliases to their end.
            Some(TypeKind::Alias(_)) => (10, 0),
            // Not defined yet (a member that refers back to the union): an object, probably.
            None => (0, usize::MAX),
        },
        Type::Vec(_) => (3, 0),
        Type::Bool => (4, 0),
        Type::Int32 | Type::Int64 => (5, 0),
        Type::Float | Type::Double => (6, 0),
        Type::DateTime | Type::Date => (7, 0),
        Type::String | Type::Bytes | Type::Multipart | Type::MultipartBody => (8, 0),
        Type::Map(_) => (9, 0),
        Type::Json => (10, 0),
    }
}

/// The rustdoc paragraph that says how a union's values are told apart (written by the emitter, so that
/// the spec's own description is all the model compares).
pub fn union_docs(union: &Union) -> Vec<String> {
    match &union.tag {
        Some(tag) => {
            let mut lines = vec![format!("Told apart by the `{tag}` member:"), String::new()];
            for variant in &union.variants {
                let tags: Vec<String> = variant.tags.iter().map(|t| format!("`{t:?}`")).collect();
                lines.push(format!("- {}: [`{}`](Self::{})", tags.join(", "), variant.name, variant.name));
            }
            if let Some(unrecognized) = &union.unrecognized {
                lines.extend([String::new(), format!("A value with another tag, or none, decodes into [`{unrecognized}`](Self::{unrecognized}) as it was received and encodes back unchanged.")]);
            }
            lines
        }
        None => {
            let order: Vec<String> =
                union.variants.iter().map(|v| format!("[`{}`](Self::{})", v.name, v.name)).collect();
            let mut lines = vec![format!(
                "Told apart by shape: a value decodes into the first variant it fits, tried in this order (the most specific first): {}.",
                order.join(", ")
            )];
            if let Some(unrecognized) = &union.unrecognized {
                lines.push(format!("A value that fits none decodes into [`{unrecognized}`](Self::{unrecognized}) as it was received and encodes back unchanged."));
            }
            lines
        }
    }
}

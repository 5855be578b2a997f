//! Schemas to types: component schemas first (their names are claimed before any inline name), then the
//! inline enums and objects that properties, parameters and bodies define, named from where they stand.

use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat,
    VariantOrUnknownOrEmpty,
};

use super::{Enum, Field, Gate, Struct, Type, TypeDef, TypeKind, Variant};
use crate::docs;
use crate::error::{Pointer, Sink};
use crate::load::Document;
use crate::naming::{self, Namespace};

/// The Rust name of the map that keeps undeclared members of an object.
const ADDITIONAL: &str = "additional_properties";
/// The Rust name of the enum variant that keeps unknown values.
const UNRECOGNIZED: &str = "Unrecognized";

/// Collects named types while the model is built.
pub(super) struct TypeBuilder<'a> {
    pub(super) doc: &'a Document,
    pub(super) names: Namespace,
    /// Component schema name to Rust name.
    pub(super) components: BTreeMap<String, String>,
    /// Schemas a `$ref` finds elsewhere in the document (`#/components/enums/X`), by place, to Rust name.
    elsewhere: BTreeMap<String, String>,
    /// The `$ref`s being followed from one place that holds only a `$ref` to the next, to stop at a cycle.
    following: Vec<String>,
    /// The inline schemas defined so far, by place, with their Rust names: a `$ref` to one (a property of a
    /// component, say) is that type.
    inline_at: BTreeMap<String, String>,
    types: BTreeMap<String, TypeDef>,
    /// The inline schemas being defined, each within the one before, by place, with their Rust names.
    defining: Vec<(Pointer, String)>,
    /// Whether structs keep members their schema does not declare (the settings' `keep-unknown-members`).
    keep_unknown: bool,
    /// The problems found in the spec so far, with their places.
    pub(super) sink: Sink,
}

/// The members of an object: its own properties, or those of every member of an `allOf`, merged.
#[derive(Clone, Debug, Default)]
pub(super) struct ObjectParts {
    /// Each property's wire name, schema and place, in the order they are declared.
    pub(super) properties: Vec<(String, ReferenceOr<Box<Schema>>, Pointer)>,
    /// The required names, each once, in the order they are listed.
    pub(super) required: Vec<String>,
    /// `additionalProperties`, and the object it was given in.
    pub(super) additional: Option<(AdditionalProperties, Pointer)>,
    /// The `oneOf`s and `anyOf`s met among the members (through `$ref`s too), whose choices the object
    /// is made of, each merged with the rest: not yet chosen.
    pub(super) unions: Vec<super::composition::FoundUnion>,
    /// The component schemas merged in so far: one named again (by two members, or through two of them)
    /// adds nothing more, and is merged once.
    pub(super) merged: std::collections::BTreeSet<Pointer>,
}

impl<'a> TypeBuilder<'a> {
    pub(super) fn new(doc: &'a Document, keep_unknown: bool) -> Self {
        Self {
            doc,
            keep_unknown,
            sink: Sink::new(&doc.path),
            names: super::models_namespace(),
            components: BTreeMap::new(),
            elsewhere: BTreeMap::new(),
            following: Vec::new(),
            inline_at: BTreeMap::new(),
            types: BTreeMap::new(),
            defining: Vec::new(),
        }
    }

    /// Names, then builds, every component schema, in name order.
    pub(super) fn components(&mut self) {
        let Some(components) = &self.doc.api.components else { return };
        let mut sorted: Vec<_> = components.schemas.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (wire, _) in &sorted {
            let name = self.names.claim(naming::type_name(wire));
            self.components.insert((*wire).clone(), name);
        }
        let base = Pointer::root().join("components").join("schemas");
        for (wire, schema) in sorted {
            let pointer = base.join(wire);
            let name = self.components[wire].clone();
            match schema {
                ReferenceOr::Item(schema) => self.define(name, schema, &pointer),
                ReferenceOr::Reference { reference } => {
                    let target = self.reference(reference, &pointer);
                    self.insert(name, &pointer, Vec::new(), TypeKind::Alias(target));
                }
            }
        }
    }

    /// All named types, sorted by Rust name, and the problems found on the way.
    pub(super) fn finish(self) -> (Vec<TypeDef>, Sink) {
        (self.types.into_values().collect(), self.sink)
    }

    /// The named type `name`, if it is defined yet.
    pub(super) fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// The named type `name`, to change, if it is defined yet.
    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut TypeDef> {
        self.types.get_mut(name)
    }

    /// `ty`, or where its chain of aliases ends: a type that is not an alias, or a name not defined yet.
    /// `None` when the chain comes back on itself (an error [`super::recursion`] reports), so that callers
    /// following aliases always stop.
    pub(super) fn unaliased<'t>(&'t self, mut ty: &'t Type) -> Option<&'t Type> {
        // A chain longer than the number of types has visited one twice.
        for _ in 0..=self.types.len() {
            match ty {
                Type::Named(name) => match self.types.get(name) {
                    Some(TypeDef { kind: TypeKind::Alias(inner), .. }) => ty = inner,
                    _ => return Some(ty),
                },
                _ => return Some(ty),
            }
        }
        None
    }

    /// Rustdoc lines for a schema: its own description, or the one written beside its `$ref`.
    pub(super) fn schema_docs(&self, schema: &ReferenceOr<impl AsSchema>, pointer: &Pointer) -> Vec<String> {
        let text = match schema {
            ReferenceOr::Item(schema) => schema.as_schema().schema_data.description.as_deref(),
            // openapiv3 drops a description beside a $ref, so read it from the raw document.
            ReferenceOr::Reference { .. } => self.doc.raw_str(&pointer.join("description")),
        };
        text.map(docs::lines).unwrap_or_default()
    }

    /// The type of `schema` at `pointer`; an inline enum or object becomes a named type called `hint`.
    pub(super) fn schema_type(&mut self, schema: &ReferenceOr<impl AsSchema>, pointer: &Pointer, hint: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.inline(schema.as_schema(), pointer, hint),
        }
    }

    /// The type of the schema `reference` names: a component schema's, or one found elsewhere in the
    /// document (a property of a component, a schema under `paths`), its percent-escapes decoded.
    pub(super) fn reference(&mut self, reference: &str, pointer: &Pointer) -> Type {
        let Some(target) = Pointer::of_reference(reference) else {
            self.sink.error(
                pointer,
                format!("unsupported reference {reference:?}: only references within the document are supported"),
            );
            return Type::Json;
        };
        let tokens: Vec<String> = target.tokens().collect();
        let [components, schemas, wire] = &tokens[..] else { return self.elsewhere(reference, &target, pointer) };
        if (components.as_str(), schemas.as_str()) != ("components", "schemas") {
            return self.elsewhere(reference, &target, pointer);
        }
        match self.components.get(wire) {
            Some(name) => Type::Named(name.clone()),
            None => {
                self.sink.error(pointer, format!("reference {reference:?} names no schema in components/schemas"));
                Type::Json
            }
        }
    }

    /// A schema a local `$ref` finds at `target`, outside the component schemas themselves: defined once,
    /// named after the last token of its place.
    fn elsewhere(&mut self, reference: &str, target: &Pointer, pointer: &Pointer) -> Type {
        let place = target.as_json_pointer();
        if let Some(name) = self.elsewhere.get(place).or_else(|| self.inline_at.get(place)) {
            return Type::Named(name.clone());
        }
        let found = self.doc.raw.pointer(target.as_json_pointer());
        let schema = match found.map(|value| serde_json::from_value::<ReferenceOr<Schema>>(value.clone())) {
            Some(Ok(ReferenceOr::Item(schema))) => schema,
            // The place holds a `$ref` itself: it is the type that one names.
            Some(Ok(ReferenceOr::Reference { reference: next })) if !self.following.contains(&next) => {
                self.following.push(next.clone());
                let ty = self.reference(&next, target);
                self.following.pop();
                return ty;
            }
            Some(Ok(ReferenceOr::Reference { .. })) => {
                self.sink.error(pointer, format!("reference {reference:?} leads back to itself through `$ref`s"));
                return Type::Json;
            }
            Some(Err(err)) => {
                self.sink.error(pointer, format!("reference {reference:?} is not a schema: {err}"));
                return Type::Json;
            }
            None => {
                self.sink.error(pointer, format!("reference {reference:?} names nothing in the document"));
                return Type::Json;
            }
        };
        let last = target.tokens().last().unwrap_or_default();
        let name = self.names.claim(naming::type_name(&last));
        self.elsewhere.insert(target.as_json_pointer().to_owned(), name.clone());
        self.define(name.clone(), &schema, target);
        Type::Named(name)
    }

    fn inline(&mut self, schema: &Schema, pointer: &Pointer, hint: &str) -> Type {
        if let Some((index, member)) = super::composition::sole_member(self.doc, schema) {
            return self.schema_type(member, &pointer.join("allOf").join(index), hint);
        }
        if !defines_type(schema) {
            return self.primitive_or_array(schema, pointer, hint);
        }
        // An inline schema met again while it is being defined holds itself (it merges, through `allOf`,
        // a schema whose property it is): it is the type being defined, not one more type inside it.
        if let Some((_, name)) = self.defining.iter().find(|(at, _)| at == pointer) {
            return Type::Named(name.clone());
        }
        let name = self.names.claim(naming::type_name(hint));
        self.defining.push((pointer.clone(), name.clone()));
        self.define(name.clone(), schema, pointer);
        self.defining.pop();
        self.inline_at.entry(pointer.as_json_pointer().to_owned()).or_insert_with(|| name.clone());
        Type::Named(name)
    }

    fn primitive_or_array(&mut self, schema: &Schema, pointer: &Pointer, hint: &str) -> Type {
        use openapiv3::Type as T;
        // An `allOf` with one member that matters (a `$ref` given a description or `nullable`, say) is
        // that member's type.
        if let Some((index, member)) = super::composition::sole_member(self.doc, schema) {
            return self.schema_type(member, &pointer.join("allOf").join(index), hint);
        }
        match &schema.schema_kind {
            SchemaKind::Type(T::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Type::Date,
                _ => Type::String,
            },
            SchemaKind::Type(T::Boolean(_)) => Type::Bool,
            SchemaKind::Type(T::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Type::Int32,
                _ => Type::Int64,
            },
            SchemaKind::Type(T::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Type::Float,
                _ => Type::Double,
            },
            SchemaKind::Type(T::Array(a)) => match &a.items {
                Some(items) => Type::Vec(Box::new(self.schema_type(items, &pointer.join("items"), hint))),
                None => Type::Vec(Box::new(Type::Json)),
            },
            SchemaKind::Type(T::Object(o)) => Type::Map(Box::new(
                self.additional_type(o.additional_properties.as_ref(), pointer, hint).unwrap_or(Type::Json),
            )),
            // No type, or `not` (which no Rust type expresses): any JSON value.
            SchemaKind::Any(_) | SchemaKind::Not { .. } => Type::Json,
            // Compositions define a type of their own: only a bare one reaches here, from a component.
            SchemaKind::OneOf { .. } | SchemaKind::AllOf { .. } | SchemaKind::AnyOf { .. } => Type::Json,
        }
    }

    /// Defines the named type `name` from `schema`.
    fn define(&mut self, name: String, schema: &Schema, pointer: &Pointer) {
        // A component that is an `allOf` with one inline member that matters is that member, named so.
        if let Some((index, ReferenceOr::Item(member))) = super::composition::sole_member(self.doc, schema) {
            self.define(name.clone(), member, &pointer.join("allOf").join(index));
            if let (Some(description), Some(def)) = (&schema.schema_data.description, self.types.get_mut(&name)) {
                def.docs = docs::lines(description);
                def.source = pointer.clone();
            }
            return;
        }
        let mut docs = schema.schema_data.description.as_deref().map(docs::lines).unwrap_or_default();
        let discriminator = schema.schema_data.discriminator.as_ref();
        if let Some((key, members)) = union_members(schema) {
            let beside_object = matches!(&schema.schema_kind, SchemaKind::Any(any) if !any.properties.is_empty() || !any.all_of.is_empty());
            if !beside_object {
                let union = self.union(&name, members, discriminator, &pointer.join(key));
                self.insert(name, pointer, docs, TypeKind::Union(union));
                return;
            }
            if !super::composition::constraints_only(members) {
                // Properties beside a `oneOf`: each member is those properties and its own.
                let mut base = ObjectParts::default();
                let at = pointer.join(key);
                super::composition::collect_object_only(self.doc, schema, pointer, &at, &mut base, &mut self.sink);
                let union = self.distributed(&name, &base, members, discriminator, &at, pointer);
                self.insert(name, pointer, docs, TypeKind::Union(union));
                return;
            }
            // Only constraints on which properties are present: the object's properties stand.
        }
        if let Some((index, key, members)) = super::composition::union_in_all_of(schema) {
            // An `allOf` with a `oneOf` among its members: each choice merged with the other members.
            let mut base = ObjectParts::default();
            let at = pointer.join("allOf").join(index).join(key);
            super::composition::collect_object_only(self.doc, schema, pointer, &at, &mut base, &mut self.sink);
            let union = self.distributed(&name, &base, members, discriminator, &at, pointer);
            self.insert(name, pointer, docs, TypeKind::Union(union));
            return;
        }
        let kind = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                TypeKind::Enum(enumeration(&s.enumeration))
            }
            SchemaKind::Type(openapiv3::Type::Object(o)) if !o.properties.is_empty() => {
                let parts = ObjectParts::of(&o.properties, &o.required, o.additional_properties.as_ref(), pointer);
                TypeKind::Struct(self.object(&name, parts, pointer))
            }
            // A single `$ref` in an `allOf` is that type: the last arm makes the alias.
            SchemaKind::AllOf { .. } if super::composition::sole_member(self.doc, schema).is_none() => {
                self.merged(&name, schema, pointer)
            }
            SchemaKind::Any(any)
                if !any.all_of.is_empty() && super::composition::sole_member(self.doc, schema).is_none() =>
            {
                self.merged(&name, schema, pointer)
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let parts =
                    ObjectParts::of(&any.properties, &any.required, any.additional_properties.as_ref(), pointer);
                TypeKind::Struct(self.object(&name, parts, pointer))
            }
            SchemaKind::Not { .. } => {
                docs::push_paragraph(
                    &mut docs,
                    vec![
                        "Any JSON value: the API describes it by what it is not (`not`), which no Rust type expresses."
                            .to_owned(),
                    ],
                );
                TypeKind::Alias(Type::Json)
            }
            _ => TypeKind::Alias(self.primitive_or_array(schema, pointer, &name)),
        };
        self.insert(name, pointer, docs, kind);
    }

    /// The struct of an `allOf`: every member's properties merged, `required` unioned. A `oneOf` or
    /// `anyOf` met among the members makes it a union instead, of a struct per choice, each the choice
    /// merged with the rest.
    fn merged(&mut self, name: &str, schema: &Schema, pointer: &Pointer) -> TypeKind {
        let mut parts = ObjectParts::default();
        super::composition::collect(self.doc, schema, pointer, &mut parts, &mut vec![pointer.clone()], &mut self.sink);
        super::composition::drop_parent_unions(&mut parts, pointer);
        if parts.unions.is_empty() {
            return TypeKind::Struct(self.object(name, parts, pointer));
        }
        let first = parts.unions.remove(0);
        let discriminator = first.discriminator.as_ref().or(schema.schema_data.discriminator.as_ref());
        TypeKind::Union(self.distributed(name, &parts, &first.members, discriminator, &first.at, pointer))
    }

    pub(super) fn insert(&mut self, name: String, pointer: &Pointer, docs: Vec<String>, kind: TypeKind) {
        let module = naming::module_name(&name);
        self.types
            .insert(name.clone(), TypeDef { name, module, source: pointer.clone(), docs, kind, gate: Gate::Always });
    }

    pub(super) fn object(&mut self, owner: &str, parts: ObjectParts, pointer: &Pointer) -> Struct {
        let mut names = Namespace::with_reserved(&[ADDITIONAL]);
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, schema, at) in &parts.properties {
            let hint = naming::member_type_name(owner, wire);
            let (nullable, one_way, facts) = match schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.nullable,
                    s.schema_data.read_only || s.schema_data.write_only,
                    super::constraints::docs(s),
                ),
                ReferenceOr::Reference { .. } => (false, false, Vec::new()),
            };
            let mut docs = self.schema_docs(schema, at);
            docs::push_paragraph(&mut docs, facts);
            fields.push(Field {
                name: names.claim(naming::value_name(wire)),
                wire_name: wire.clone(),
                ty: self.schema_type(schema, at, &hint),
                // A read-only member is not sent, and a write-only one not received: neither is always there.
                required: parts.required.contains(wire) && !one_way,
                nullable,
                boxed: false,
                docs,
            });
        }
        // A required name without a property: the spec says it is there, not what it is.
        for wire in parts.required.iter().filter(|name| !parts.properties.iter().any(|(p, _, _)| p == *name)) {
            let message = format!("required property {wire:?} is not among the properties: typed as any JSON value");
            self.sink.warn(&pointer.join("required"), message);
            fields.push(Field {
                name: names.claim(naming::value_name(wire)),
                wire_name: wire.clone(),
                ty: Type::Json,
                required: true,
                nullable: false,
                boxed: false,
                docs: vec!["Required by the API description, which does not say what it holds.".to_owned()],
            });
        }
        let hint = format!("{owner}Value");
        let additional = parts.additional.as_ref().map(|(additional, at)| (additional, at.clone()));
        let additional = match additional {
            None | Some((AdditionalProperties::Any(true), _)) if !self.keep_unknown => None,
            None => Some(Type::Json),
            Some((additional, at)) => self.additional_type(Some(additional), &at, &hint),
        };
        Struct { fields, additional: additional.map(|ty| (ADDITIONAL.to_owned(), ty)), readers: Vec::new() }
    }

    /// The value type of `additionalProperties`; `None` when the schema forbids undeclared members.
    fn additional_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
        hint: &str,
    ) -> Option<Type> {
        match additional {
            None | Some(AdditionalProperties::Any(true)) => Some(Type::Json),
            Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Schema(schema)) => {
                Some(self.schema_type(schema.as_ref(), &pointer.join("additionalProperties"), hint))
            }
        }
    }
}

/// The members of a `oneOf` or `anyOf`, with the keyword, if the schema is one.
fn union_members(schema: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some(("oneOf", &any.one_of)),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some(("anyOf", &any.any_of)),
        _ => None,
    }
}

/// Whether an inline schema needs a named type of its own: a string enum, an object with properties, or a
/// composition (but a single `$ref` in an `allOf`, which is that type).
fn defines_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::String(s)) => s.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(openapiv3::Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Any(any) => {
            !any.properties.is_empty() || !any.all_of.is_empty() || !any.one_of.is_empty() || !any.any_of.is_empty()
        }
        SchemaKind::OneOf { .. } | SchemaKind::AllOf { .. } | SchemaKind::AnyOf { .. } => true,
        _ => false,
    }
}

impl ObjectParts {
    /// The parts of an object schema at `pointer`.
    pub(super) fn of(
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
    ) -> Self {
        let mut parts = Self::default();
        parts.add(properties, required, additional, pointer);
        parts
    }

    /// Adds an object's properties, required names and `additionalProperties`; a property already there is
    /// kept where it was.
    pub(super) fn add(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
    ) {
        for (wire, schema) in properties {
            self.properties.push((wire.clone(), schema.clone(), pointer.join("properties").join(wire)));
        }
        for name in required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
        if let Some(additional) = additional {
            self.additional = Some((additional.clone(), pointer.clone()));
        }
    }
}

/// The variants of a string enum, sorted by wire value (byte order) and named in that order.
///
/// Upstream lists values in whatever order its tooling produces, and reorders them between releases; the
/// order means nothing on the wire. Sorting keeps a variant where it is when others are reordered, so a
/// bump's diff shows only values added or removed, and colliding names are claimed the same way each time.
fn enumeration(values: &[Option<String>]) -> Enum {
    described_enumeration(values.iter().flatten().map(|wire| (wire.clone(), Vec::new())).collect())
}

/// The variants of a string enum whose values come with rustdoc lines, named as [`enumeration`] names them.
pub(super) fn described_enumeration(values: BTreeMap<String, Vec<String>>) -> Enum {
    let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
    let variants = values
        .into_iter()
        .map(|(wire, docs)| Variant { name: names.claim(naming::type_name(&wire)), wire_name: wire, docs })
        .collect();
    Enum { variants, unrecognized: UNRECOGNIZED.to_owned() }
}

/// Schemas appear both boxed and unboxed in `openapiv3`; this reads either.
pub(super) trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::enumeration;

    fn variants(values: &[&str]) -> Vec<(String, String)> {
        let values: Vec<Option<String>> = values.iter().map(|v| Some((*v).to_owned())).collect();
        enumeration(&values).variants.into_iter().map(|v| (v.name, v.wire_name)).collect()
    }

    #[test]
    fn variants_are_sorted_by_wire_value_whatever_the_spec_order() {
        let listed = variants(&["USER", "SYSTEM", "GENESYS_INTERNAL"]);
        assert_eq!(listed, variants(&["SYSTEM", "GENESYS_INTERNAL", "USER"]));
        let names: Vec<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["GenesysInternal", "System", "User"]);
    }

    #[test]
    fn colliding_names_do_not_depend_on_the_spec_order() {
        let expected = [("AB".to_owned(), "a-b".to_owned()), ("AB2".to_owned(), "a_b".to_owned())];
        assert_eq!(variants(&["a_b", "a-b"]), expected);
        assert_eq!(variants(&["a-b", "a_b", "a-b"]), expected, "a repeated value is one variant");
    }
}

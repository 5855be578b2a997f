//! Schemas: component types added, removed or changed; fields; enum values; and the structural comparison
//! of two types that fields, parameters and bodies share.

use std::collections::BTreeSet;

use super::{Changes, Class, Side, Sides};
use crate::model::{Enum, Struct, Type, TypeDef, TypeKind, Union};

pub(super) fn compare(sides: &Sides<'_>, changes: &mut Changes) {
    let names: BTreeSet<&str> = components(&sides.old).chain(components(&sides.new)).collect();
    for name in names {
        let location = format!("schema {name}");
        match (component(&sides.old, name), component(&sides.new, name)) {
            (Some(_), None) => changes.add(Class::Major, location, "schema removed"),
            (None, Some(_)) => changes.add(Class::Minor, location, "schema added"),
            (Some(old), Some(new)) => compare_def(sides, old, new, &location, changes),
            (None, None) => {}
        }
    }
}

fn components<'a>(side: &'a Side<'a>) -> impl Iterator<Item = &'a str> + 'a {
    side.model.types.iter().filter(|t| t.is_component()).map(|t| t.name.as_str())
}

fn component<'a>(side: &'a Side<'a>, name: &str) -> Option<&'a TypeDef> {
    side.types.get(name).copied().filter(|t| t.is_component())
}

fn compare_def(sides: &Sides<'_>, old: &TypeDef, new: &TypeDef, location: &str, changes: &mut Changes) {
    if old.docs != new.docs {
        changes.add(Class::Patch, location, "description changed");
    }
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => compare_struct(sides, a, b, location, changes),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => compare_enum(a, b, location, changes),
        (TypeKind::Alias(a), TypeKind::Alias(b)) => compare_type(sides, a, b, location, changes),
        (TypeKind::Union(a), TypeKind::Union(b)) => compare_union(sides, a, b, location, changes),
        (a, b) => changes.add(Class::Major, location, format!("changed from {} to {}", kind_name(a), kind_name(b))),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "an object",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Alias(_) => "another type's name",
        TypeKind::Union(_) => "one of several types",
    }
}

fn compare_union(sides: &Sides<'_>, old: &Union, new: &Union, location: &str, changes: &mut Changes) {
    if old.tag != new.tag {
        changes.add(Class::Major, location, "members are told apart another way (the discriminator changed)");
    }
    for variant in &old.variants {
        let at = format!("{location} ({})", variant.name);
        match new.variants.iter().find(|v| v.name == variant.name) {
            None => changes.add(Class::Major, at, "member removed"),
            Some(now) => {
                compare_type(sides, &variant.ty, &now.ty, &at, changes);
                if now.tags.first() != variant.tags.first() {
                    changes.add(Class::Major, &at, "its tag changed");
                }
            }
        }
    }
    for variant in new.variants.iter().filter(|v| !old.variants.iter().any(|o| o.name == v.name)) {
        changes.add(Class::Minor, format!("{location} ({})", variant.name), "member added");
    }
    let order = |union: &Union| union.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
    if old.tag.is_none() && new.tag.is_none() && reordered(&order(old), &order(new)) {
        changes.add(
            Class::Major,
            location,
            "members are tried in another order: a value may decode into another variant",
        );
    }
}

fn compare_struct(sides: &Sides<'_>, old: &Struct, new: &Struct, location: &str, changes: &mut Changes) {
    for field in &old.fields {
        let at = format!("{location}.{}", field.wire_name);
        let Some(now) = new.fields.iter().find(|f| f.wire_name == field.wire_name) else {
            changes.add(Class::Major, at, "field removed");
            continue;
        };
        match (field.required, now.required) {
            (false, true) => changes.add(Class::Major, &at, "became required"),
            (true, false) => changes.add(Class::Major, &at, "became optional"),
            _ => {}
        }
        if field.nullable != now.nullable {
            let what = if now.nullable { "became nullable" } else { "is no longer nullable" };
            changes.add(Class::Major, &at, what);
        }
        if field.boxed != now.boxed {
            let what = if now.boxed { "now boxed (`Box<T>`) to break a new cycle" } else { "no longer boxed" };
            changes.add(Class::Major, &at, what);
        }
        if field.name != now.name {
            changes.add(Class::Major, &at, format!("Rust field renamed from `{}` to `{}`", field.name, now.name));
        }
        compare_type(sides, &field.ty, &now.ty, &at, changes);
        if field.docs != now.docs {
            changes.add(Class::Patch, &at, "description changed");
        }
    }
    for field in new.fields.iter().filter(|f| !old.fields.iter().any(|o| o.wire_name == f.wire_name)) {
        let at = format!("{location}.{}", field.wire_name);
        if field.required {
            changes.add(Class::Major, at, format!("required field added ({})", describe(&sides.new, &field.ty)));
        } else {
            changes.add(Class::Minor, at, format!("optional field added ({})", describe(&sides.new, &field.ty)));
        }
    }
    let required =
        |s: &Struct| -> Vec<String> { s.fields.iter().filter(|f| f.required).map(|f| f.wire_name.clone()).collect() };
    if reordered(&required(old), &required(new)) {
        changes.add(Class::Major, location, "required fields reordered: the arguments of `new` change places");
    }
    match (&old.additional, &new.additional) {
        (Some(_), None) => changes.add(Class::Major, location, "undeclared members are no longer allowed"),
        (None, Some(_)) => changes.add(Class::Minor, location, "undeclared members are now allowed"),
        (Some((_, a)), Some((_, b))) => compare_type(sides, a, b, &format!("{location} (undeclared members)"), changes),
        (None, None) => {}
    }
}

fn compare_enum(old: &Enum, new: &Enum, location: &str, changes: &mut Changes) {
    for value in &old.variants {
        match new.variants.iter().find(|v| v.wire_name == value.wire_name) {
            None => changes.add(Class::Major, location, format!("enum value `{}` removed", value.wire_name)),
            Some(now) if now.name != value.name => {
                let what = format!("the variant of `{}` renamed from {} to {}", value.wire_name, value.name, now.name);
                changes.add(Class::Major, location, what);
            }
            Some(_) => {}
        }
    }
    for value in &new.variants {
        if !old.variants.iter().any(|v| v.wire_name == value.wire_name) {
            changes.add(Class::Minor, location, format!("enum value `{}` added", value.wire_name));
        }
    }
}

/// Whether the names both lists share stand in another order in `new`: arguments that change places.
pub(super) fn reordered(old: &[String], new: &[String]) -> bool {
    let kept_old: Vec<&String> = old.iter().filter(|name| new.contains(name)).collect();
    let kept_new: Vec<&String> = new.iter().filter(|name| old.contains(name)).collect();
    kept_old != kept_new
}

/// Compares two uses of a type (a field's, a parameter's, a body's) at `location`.
pub(super) fn compare_type(sides: &Sides<'_>, old: &Type, new: &Type, location: &str, changes: &mut Changes) {
    let (old_def, new_def) = (named(&sides.old, old), named(&sides.new, new));
    match (old, new) {
        (Type::Vec(a), Type::Vec(b)) | (Type::Map(a), Type::Map(b)) => compare_type(sides, a, b, location, changes),
        (Type::Named(a), Type::Named(b)) => match (old_def, new_def) {
            // Inline types are compared where they stand; components are compared on their own.
            (Some(o), Some(n)) if !o.is_component() && !n.is_component() => {
                if a != b {
                    // Code names the generated type (`ThingKind::Active`), so its name is API.
                    changes.add(Class::Major, location, format!("generated type renamed from {a} to {b}"));
                }
                compare_def(sides, o, n, location, changes)
            }
            (Some(o), Some(n)) if o.is_component() && n.is_component() && a == b => {}
            _ => retyped(sides, old, new, location, changes),
        },
        (Type::Named(_), Type::String) if is_enum(old_def) => {
            changes.add(
                Class::Major,
                location,
                format!("an enum became a plain string ({} → string)", describe(&sides.old, old)),
            );
        }
        (Type::String, Type::Named(_)) if is_enum(new_def) => {
            changes.add(
                Class::Major,
                location,
                format!("a plain string became an enum ({})", describe(&sides.new, new)),
            );
        }
        (a, b) if a == b => {}
        _ => retyped(sides, old, new, location, changes),
    }
}

fn retyped(sides: &Sides<'_>, old: &Type, new: &Type, location: &str, changes: &mut Changes) {
    let (from, to) = (describe(&sides.old, old), describe(&sides.new, new));
    changes.add(Class::Major, location, format!("type changed from {from} to {to}"));
}

fn named<'a>(side: &'a Side<'a>, ty: &Type) -> Option<&'a TypeDef> {
    match ty {
        Type::Named(name) => side.types.get(name.as_str()).copied(),
        _ => None,
    }
}

fn is_enum(def: Option<&TypeDef>) -> bool {
    matches!(def, Some(TypeDef { kind: TypeKind::Enum(_), .. }))
}

/// A type in words: `string`, `array of AuditLogMessage`, `enum AuditLogMessageLevel`, ...
pub(super) fn describe(side: &Side<'_>, ty: &Type) -> String {
    match ty {
        Type::String => "string".to_owned(),
        Type::Bool => "boolean".to_owned(),
        Type::Int32 => "int32".to_owned(),
        Type::Int64 => "int64".to_owned(),
        Type::Float => "float".to_owned(),
        Type::Double => "double".to_owned(),
        Type::DateTime => "date-time".to_owned(),
        Type::Date => "date".to_owned(),
        Type::Json => "any JSON".to_owned(),
        Type::Bytes => "bytes".to_owned(),
        Type::Multipart => "multipart parts".to_owned(),
        Type::MultipartBody => "multipart body".to_owned(),
        Type::Vec(item) => format!("array of {}", describe(side, item)),
        Type::Map(value) => format!("map of {}", describe(side, value)),
        Type::Named(name) => match side.types.get(name.as_str()).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => format!("enum {name}"),
            _ => name.clone(),
        },
    }
}

//! Boxes the fields that would make a struct contain itself.
//!
//! A field holds its value inline unless it is a `Vec` or a map, so a cycle of structs linked by such inline
//! fields would have infinite size. Every inline field whose target can reach its owner again is boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Type, TypeDef, TypeKind};

pub(super) fn box_cycles(types: &mut [TypeDef]) {
    let edges = inline_edges(types);
    for def in types.iter_mut() {
        let owner = def.name.clone();
        match &mut def.kind {
            TypeKind::Struct(strukt) => {
                for field in &mut strukt.fields {
                    if let Some(target) = inline_target(&field.ty, &edges) {
                        field.boxed = reaches(target, &owner, &edges);
                    }
                }
            }
            TypeKind::Union(union) => {
                for variant in &mut union.variants {
                    if let Some(target) = inline_target(&variant.ty, &edges) {
                        variant.boxed = reaches(target, &owner, &edges);
                    }
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
}

/// For each struct or alias, the named types it holds inline.
fn inline_edges(types: &[TypeDef]) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for def in types {
        let targets: BTreeSet<String> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
            TypeKind::Alias(ty) => named(ty).into_iter().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| named(&v.ty)).collect(),
            TypeKind::Enum(_) => BTreeSet::new(),
        };
        edges.insert(def.name.clone(), targets);
    }
    edges
}

fn named(ty: &Type) -> Option<String> {
    match ty {
        Type::Named(name) => Some(name.clone()),
        _ => None,
    }
}

fn inline_target<'a>(ty: &'a Type, edges: &BTreeMap<String, BTreeSet<String>>) -> Option<&'a str> {
    match ty {
        Type::Named(name) if edges.contains_key(name) => Some(name),
        _ => None,
    }
}

/// Whether `goal` is reachable from `start` along inline edges (`start == goal` counts).
fn reaches(start: &str, goal: &str, edges: &BTreeMap<String, BTreeSet<String>>) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_owned()];
    while let Some(name) = stack.pop() {
        if name == goal {
            return true;
        }
        if seen.insert(name.clone()) {
            stack.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    false
}

//! Cycles of types: boxes the fields that would make a struct contain itself, and reports the cycles of
//! aliases that no Rust type can be.
//!
//! A field holds its value inline unless it is a `Vec` or a map, so a cycle of structs linked by such inline
//! fields would have infinite size. Every inline field whose target can reach its owner again is boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Type, TypeDef, TypeKind};
use crate::error::{Pointer, Sink};

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
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty).map(str::to_owned)).collect(),
            TypeKind::Alias(ty) => named(ty).map(str::to_owned).into_iter().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| named(&v.ty).map(str::to_owned)).collect(),
            TypeKind::Enum(_) => BTreeSet::new(),
        };
        edges.insert(def.name.clone(), targets);
    }
    edges
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

/// Reports the cycles of types that no Rust type can be, each once, at the first of its schemas in pointer
/// order, naming them all in the order they refer to each other: see [`report_alias_cycles`] and
/// [`report_union_cycles`].
pub(super) fn report_cycles(types: &[TypeDef], sink: &mut Sink) {
    report_alias_cycles(types, sink);
    report_union_cycles(types, sink);
}

/// Cycles of aliases. Either the schemas only name each other (`A: {$ref: B}`, `B: {$ref: A}`, or an
/// `allOf` whose one member is itself), which says nothing of what a value is, or they are arrays or maps
/// of each other with no object between, which a Rust type alias cannot be.
fn report_alias_cycles(types: &[TypeDef], sink: &mut Sink) {
    let aliases: BTreeMap<&str, (&TypeDef, &Type)> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.as_str(), (def, ty))),
            _ => None,
        })
        .collect();
    // An alias names one type at most (`Vec` and map have one inner type), so each chain is a path that
    // ends, or comes back to a cycle: every alias is walked once.
    let mut walked: BTreeSet<&str> = BTreeSet::new();
    for start in aliases.keys() {
        let mut chain: Vec<&TypeDef> = Vec::new();
        let mut current = *start;
        while let Some((def, ty)) = aliases.get(current).filter(|_| !walked.contains(current)) {
            if let Some(at) = chain.iter().position(|seen| seen.name == current) {
                report_cycle(&chain[at..], sink);
                break;
            }
            chain.push(def);
            let Some(next) = innermost_name(ty) else { break };
            current = next;
        }
        walked.extend(chain.iter().map(|def| def.name.as_str()));
    }
}

/// Cycles through a union (`oneOf`, `anyOf`) that is its own member, directly or through other unions and
/// aliases, with no object, array or map between: decoding it would try itself first, forever.
fn report_union_cycles(types: &[TypeDef], sink: &mut Sink) {
    let defs: BTreeMap<&str, &TypeDef> = types.iter().map(|def| (def.name.as_str(), def)).collect();
    let mut entered: BTreeSet<&str> = BTreeSet::new();
    for root in types.iter().filter(|def| matches!(def.kind, TypeKind::Union(_))) {
        if !entered.insert(&root.name) {
            continue;
        }
        // A depth-first walk without recursion: the path from `root`, each with the members left to visit.
        let mut path: Vec<(&TypeDef, Vec<&str>)> = vec![(root, direct_members(root))];
        while let Some((_, left)) = path.last_mut() {
            let Some(next) = left.pop() else {
                path.pop();
                continue;
            };
            if let Some(at) = path.iter().position(|(def, _)| def.name == next) {
                let cycle: Vec<&TypeDef> = path[at..].iter().map(|(def, _)| *def).collect();
                // A cycle of aliases alone is the other check's.
                if cycle.iter().any(|def| matches!(def.kind, TypeKind::Union(_))) {
                    report_cycle(&cycle, sink);
                }
            } else if let Some(def) = defs.get(next).filter(|_| entered.insert(next)) {
                path.push((def, direct_members(def)));
            }
        }
    }
}

/// The types a union or alias is with nothing around them: a union's members, an alias's target.
fn direct_members(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Union(union) => union.variants.iter().filter_map(|variant| named(&variant.ty)).collect(),
        TypeKind::Alias(ty) => named(ty).into_iter().collect(),
        TypeKind::Struct(_) | TypeKind::Enum(_) => Vec::new(),
    }
}

/// The name of a named type.
fn named(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(name) => Some(name),
        _ => None,
    }
}

/// Reports the cycle `defs` (each refers to the next, the last to the first) at its first pointer.
fn report_cycle(defs: &[&TypeDef], sink: &mut Sink) {
    let sources: Vec<&Pointer> = defs.iter().map(|def| &def.source).collect();
    let Some((first, cycle)) = cycle_text(&sources) else { return };
    let is_union = |def: &&TypeDef| matches!(def.kind, TypeKind::Union(_));
    let is_container = |def: &&TypeDef| matches!(def.kind, TypeKind::Alias(Type::Vec(_) | Type::Map(_)));
    let message = if defs.iter().any(is_union) {
        format!(
            "`$ref` cycle that no value can be decoded from: {cycle}: a `oneOf` or `anyOf` is its own member, with no object, array or map between"
        )
    } else if defs.iter().any(is_container) {
        format!(
            "unsupported `$ref` cycle: {cycle}: an array or map of itself with no object between, which a Rust type alias cannot be"
        )
    } else if defs.len() == 1 {
        format!("`$ref` cycle that no type can represent: {cycle}: the schema only refers to itself")
    } else {
        format!("`$ref` cycle that no type can represent: {cycle}: the schemas only refer to each other")
    };
    sink.error(first, message);
}

/// The cycle through `places` (each refers to the next, the last to the first) as its first place in
/// pointer order and the text `A -> B -> A` from there: the same whichever place it was found from.
pub(super) fn cycle_text<'p>(places: &[&'p Pointer]) -> Option<(&'p Pointer, String)> {
    let first = (0..places.len()).min_by_key(|&index| places[index])?;
    let text: Vec<String> = (0..=places.len()).map(|step| places[(first + step) % places.len()].to_string()).collect();
    Some((places[first], text.join(" -> ")))
}

/// The named type inside `ty`, through arrays and maps.
fn innermost_name(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(name) => Some(name),
        Type::Vec(inner) | Type::Map(inner) => innermost_name(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_reads_the_same_whichever_place_it_was_found_from() {
        let at = |name: &str| Pointer::root().join("components").join("schemas").join(name);
        let (a, b, c) = (at("A"), at("B"), at("C"));
        let expected =
            "#/components/schemas/A -> #/components/schemas/B -> #/components/schemas/C -> #/components/schemas/A";
        for found in [[&a, &b, &c], [&b, &c, &a], [&c, &a, &b]] {
            assert_eq!(cycle_text(&found), Some((&a, expected.to_owned())));
        }
        assert_eq!(cycle_text(&[]), None);
    }
}

//! Per-tag Cargo features: each operation is compiled when a feature of one of its tags is on, and each
//! type when anything compiled uses it. A user of one API of a large description compiles that API only.

use std::collections::{BTreeMap, BTreeSet};

use super::{Gate, Model, Output, Type, TypeDef, TypeKind};
use crate::naming;

/// What needs a type, as it is found: nothing yet, something compiled always, or these features.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Need {
    Unreached,
    Always,
    Features(BTreeSet<String>),
}

impl Need {
    /// Adds `other`; whether that changed anything.
    fn absorb(&mut self, other: &Need) -> bool {
        match (&mut *self, other) {
            (_, Need::Unreached) | (Need::Always, _) => false,
            (Need::Features(mine), Need::Features(theirs)) => {
                let before = mine.len();
                mine.extend(theirs.iter().cloned());
                mine.len() != before
            }
            (mine, _) => {
                *mine = other.clone();
                true
            }
        }
    }

    fn gate(self) -> Gate {
        match self {
            Need::Features(features) => Gate::AnyOf(features.into_iter().collect()),
            Need::Unreached | Need::Always => Gate::Always,
        }
    }
}

/// Gives every operation and type its gate, and the model its features.
pub(super) fn assign(model: &mut Model) {
    let mut needs: Vec<Need> = model.operations.iter().map(|op| tag_need(&op.tags)).collect();
    // A waiter's starting operation calls its status and results operations.
    let position: BTreeMap<&str, usize> =
        model.operations.iter().enumerate().map(|(index, op)| (op.operation_id.as_str(), index)).collect();
    for (index, op) in model.operations.iter().enumerate() {
        if let Some(waiter) = &op.waiter {
            let start = needs[index].clone();
            for called in [&waiter.status_operation, &waiter.results_operation] {
                if let Some(&target) = position.get(called.as_str()) {
                    needs[target].absorb(&start);
                }
            }
        }
    }

    let graph = Graph::new(&model.types);
    let mut type_needs = vec![Need::Unreached; model.types.len()];
    graph.spread(&model.error_body, &Need::Always, &mut type_needs);
    for (op, need) in model.operations.iter().zip(&needs) {
        for ty in operation_types(op) {
            graph.spread(ty, need, &mut type_needs);
        }
    }
    // A type no operation uses is compiled always, and so is what it uses.
    for index in 0..model.types.len() {
        if type_needs[index] == Need::Unreached {
            graph.spread_from(index, &Need::Always, &mut type_needs);
        }
    }

    let features: BTreeSet<String> =
        model.operations.iter().flat_map(|op| op.tags.iter().map(|tag| naming::feature_name(tag))).collect();
    model.features = features.into_iter().collect();
    for (op, need) in model.operations.iter_mut().zip(needs) {
        op.gate = need.gate();
    }
    for (def, need) in model.types.iter_mut().zip(type_needs) {
        def.gate = need.gate();
    }
}

/// An operation with tags needs their features; one without is compiled always.
fn tag_need(tags: &[String]) -> Need {
    if tags.is_empty() {
        Need::Always
    } else {
        Need::Features(tags.iter().map(|tag| naming::feature_name(tag)).collect())
    }
}

/// The types an operation's code names: parameters, body and response bodies.
fn operation_types(op: &super::Operation) -> Vec<&Type> {
    let mut found: Vec<&Type> = op.params.iter().map(|param| &param.ty).collect();
    found.extend(op.body.as_ref().map(|body| &body.ty));
    match &op.output {
        Output::Single(success) => found.extend(success.ty.as_ref()),
        Output::Cases { cases, .. } => found.extend(cases.iter().filter_map(|case| case.ty.as_ref())),
    }
    if let Some(waiter) = &op.waiter {
        found.push(&waiter.status_type);
    }
    found
}

/// Which named types each type uses, by index.
struct Graph {
    index: BTreeMap<String, usize>,
    uses: Vec<Vec<usize>>,
}

impl Graph {
    fn new(types: &[TypeDef]) -> Self {
        let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, def)| (def.name.clone(), i)).collect();
        let uses = types
            .iter()
            .map(|def| {
                let mut named = Vec::new();
                for ty in used_types(def) {
                    collect_named(ty, &mut named);
                }
                named.iter().filter_map(|name| index.get(*name).copied()).collect()
            })
            .collect();
        Self { index, uses }
    }

    /// Adds `need` to every named type in `ty` and to what they use.
    fn spread(&self, ty: &Type, need: &Need, needs: &mut [Need]) {
        let mut named = Vec::new();
        collect_named(ty, &mut named);
        for name in named {
            if let Some(&index) = self.index.get(name) {
                self.spread_from(index, need, needs);
            }
        }
    }

    /// Adds `need` to the type at `start` and to what it uses, stopping where nothing changes.
    fn spread_from(&self, start: usize, need: &Need, needs: &mut [Need]) {
        let mut stack = vec![start];
        while let Some(index) = stack.pop() {
            if needs[index].absorb(need) {
                stack.extend(self.uses[index].iter().copied());
            }
        }
    }
}

/// The types a type's definition names.
fn used_types(def: &TypeDef) -> Vec<&Type> {
    match &def.kind {
        TypeKind::Struct(strukt) => {
            strukt.fields.iter().map(|field| &field.ty).chain(strukt.additional.as_ref().map(|(_, ty)| ty)).collect()
        }
        TypeKind::Union(union) => union.variants.iter().map(|variant| &variant.ty).collect(),
        TypeKind::Alias(target) => vec![target],
        TypeKind::Enum(_) => Vec::new(),
    }
}

fn collect_named<'a>(ty: &'a Type, found: &mut Vec<&'a str>) {
    match ty {
        Type::Named(name) => found.push(name),
        Type::Vec(inner) | Type::Map(inner) => collect_named(inner, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_grow_and_always_absorbs() {
        let features = |names: &[&str]| Need::Features(names.iter().map(|n| (*n).to_owned()).collect());
        let mut need = Need::Unreached;
        assert!(need.absorb(&features(&["b"])));
        assert!(need.absorb(&features(&["a"])));
        assert!(!need.absorb(&features(&["a"])));
        assert_eq!(need.clone().gate(), Gate::AnyOf(vec!["a".into(), "b".into()]));
        assert!(need.absorb(&Need::Always));
        assert!(!need.absorb(&features(&["c"])));
        assert_eq!(need.gate(), Gate::Always);
    }
}

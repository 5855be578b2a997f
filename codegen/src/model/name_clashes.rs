//! Operations whose names would make the same Rust method or request builder.
//!
//! Such a clash is an error at the first place (in pointer order), naming the others. Giving the later
//! operation a numeric suffix instead would tie each name to the order the operations sort in, and a later
//! spec could then hand one operation's method to another without a word. That covers an `operationId`
//! used twice, two that differ only in case or separators (`getX`, `get_x`), and a name made from the
//! method and path of an operation without an `operationId` that another operation has too.

use std::collections::BTreeMap;

use crate::error::{Pointer, Sink};
use crate::naming;

/// How an operation is named, and where it is.
#[derive(Debug)]
pub(super) struct OperationName {
    /// The `operationId`, or the name made from the method and path.
    pub(super) id: String,
    /// Whether `id` was made from the method and path, the operation having no `operationId`.
    pub(super) derived: bool,
    /// The operation.
    pub(super) pointer: Pointer,
}

impl OperationName {
    /// How the name was given, for a message.
    fn described(&self) -> String {
        if self.derived {
            format!("the name `{}` made from its method and path (it has no operationId)", self.id)
        } else {
            format!("operationId {:?}", self.id)
        }
    }
}

/// Reports every clash among `names`, one line for each operation that clashes with an earlier one.
pub(super) fn report(mut names: Vec<OperationName>, sink: &mut Sink) {
    names.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    for (first, later) in clashes(&names) {
        let first = &names[first];
        let (same, other): (Vec<_>, Vec<_>) = later
            .iter()
            .partition(|(index, _)| !first.derived && !names[*index].derived && names[*index].id == first.id);
        if !same.is_empty() {
            let places: Vec<String> = same.iter().map(|(index, _)| names[*index].pointer.to_string()).collect();
            sink.error(&first.pointer, format!("duplicate operationId {:?}: also at {}", first.id, places.join(", ")));
        }
        for (index, made) in other {
            let name = &names[*index];
            let fix = if first.derived || name.derived {
                "give the operation without one an operationId"
            } else {
                "operationIds must differ in more than case and separators"
            };
            let (a, b) = (first.described(), name.described());
            sink.error(&first.pointer, format!("{a} and {b} at {} make the same {made}: {fix}", name.pointer));
        }
    }
}

/// For each operation (by index) that another clashes with, those that do, each with what they share (a
/// method or a type name): an operation is paired with the first before it that makes either of its names.
fn clashes(names: &[OperationName]) -> BTreeMap<usize, Vec<(usize, String)>> {
    let mut methods: BTreeMap<String, usize> = BTreeMap::new();
    let mut builders: BTreeMap<String, usize> = BTreeMap::new();
    let mut clashes: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        let method = naming::value_name(&name.id);
        let builder = naming::type_name(&name.id);
        let earlier = [
            methods.get(&method).map(|&first| (first, format!("method `{method}`"))),
            builders.get(&builder).map(|&first| (first, format!("type `{builder}`"))),
        ];
        if let Some((first, made)) = earlier.into_iter().flatten().min_by_key(|(first, _)| *first) {
            clashes.entry(first).or_default().push((index, made));
        }
        methods.entry(method).or_insert(index);
        builders.entry(builder).or_insert(index);
    }
    clashes
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn at(path: &str, method: &str) -> Pointer {
        Pointer::root().join("paths").join(path).join(method)
    }

    fn messages(names: Vec<OperationName>) -> Vec<String> {
        let mut sink = Sink::new(Path::new("s.yaml"));
        report(names, &mut sink);
        match sink.finish(()) {
            Ok(()) => Vec::new(),
            Err(found) => found.to_string().lines().map(str::to_owned).collect(),
        }
    }

    fn explicit(id: &str, pointer: Pointer) -> OperationName {
        OperationName { id: id.to_owned(), derived: false, pointer }
    }

    #[test]
    fn distinct_names_pass() {
        assert!(messages(vec![explicit("getA", at("/a", "get")), explicit("getB", at("/b", "get"))]).is_empty());
    }

    #[test]
    fn a_duplicate_names_every_place_whatever_the_spec_order() {
        let ops = |order: [(&str, &str); 3]| order.map(|(path, method)| explicit("getX", at(path, method))).into();
        let expected =
            ["s.yaml#/paths/~1a/get: duplicate operationId \"getX\": also at #/paths/~1b/post, #/paths/~1c/put"];
        assert_eq!(messages(ops([("/a", "get"), ("/b", "post"), ("/c", "put")])), expected);
        assert_eq!(messages(ops([("/c", "put"), ("/b", "post"), ("/a", "get")])), expected);
    }

    #[test]
    fn ids_that_make_the_same_rust_name_clash() {
        assert_eq!(
            messages(vec![explicit("get_x", at("/b", "put")), explicit("getX", at("/a", "get"))]),
            [
                "s.yaml#/paths/~1a/get: operationId \"getX\" and operationId \"get_x\" at #/paths/~1b/put make the same method `get_x`: operationIds must differ in more than case and separators"
            ]
        );
        // Distinct methods, one type: `get_x1` and `get_x_1` are both `GetX1`.
        assert_eq!(
            messages(vec![explicit("get_x1", at("/a", "get")), explicit("get_x_1", at("/b", "get"))]),
            [
                "s.yaml#/paths/~1a/get: operationId \"get_x1\" and operationId \"get_x_1\" at #/paths/~1b/get make the same type `GetX1`: operationIds must differ in more than case and separators"
            ]
        );
    }

    #[test]
    fn a_name_made_from_method_and_path_clashes_too() {
        let derived = OperationName { id: "get_b".to_owned(), derived: true, pointer: at("/b", "get") };
        assert_eq!(
            messages(vec![explicit("get_b", at("/c", "get")), derived]),
            [
                "s.yaml#/paths/~1b/get: the name `get_b` made from its method and path (it has no operationId) and operationId \"get_b\" at #/paths/~1c/get make the same method `get_b`: give the operation without one an operationId"
            ]
        );
    }
}

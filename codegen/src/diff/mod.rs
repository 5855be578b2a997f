//! Spec bumps: what changed between two versions of an API description, and what each change does to the
//! generated Rust API.
//!
//! Both specs are built into the model the emitter uses, so the comparison sees what users see: a field, a
//! parameter, an enum value, an operation. Each change is **major** when code written against the old
//! crate may stop compiling or decoding may start failing, **minor** when it adds something that existing
//! code still compiles against (enums and structs are `#[non_exhaustive]` and enums keep unknown values),
//! and **patch** when only documentation changes.

mod operations;
mod render;
mod types;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Model, TypeDef};

pub use render::{json, markdown};

/// The effect of a change on the generated crate's users, in increasing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Nothing changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions existing code compiles against.
    Minor,
    /// Existing code may stop compiling, or decoding may start failing.
    Major,
}

impl Class {
    /// The lower-case name: `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::None => "none",
            Class::Patch => "patch",
            Class::Minor => "minor",
            Class::Major => "major",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Its effect.
    pub class: Class,
    /// What it is about: `operation postAuditsQuery`, `schema AuditLogMessage.level`, ...
    pub location: String,
    /// What happened, lower-case.
    pub description: String,
}

/// Every change between two specs, most severe first, and the overall class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The overall class: the most severe change's, or `none`.
    pub class: Class,
    /// The old spec's name and `info.version`.
    pub old: String,
    /// The new spec's name and `info.version`.
    pub new: String,
    /// The changes, most severe first, then by location.
    pub changes: Vec<Change>,
}

/// Compares two models; `old_name` and `new_name` name them in the report.
pub fn compare(old: &Model, old_name: &str, new: &Model, new_name: &str) -> Report {
    let sides = Sides { old: Side::new(old), new: Side::new(new) };
    let mut changes = Changes::default();
    types::compare(&sides, &mut changes);
    operations::compare(&sides, &mut changes);
    if old.error_body != new.error_body {
        let (from, to) = (types::describe(&sides.old, &old.error_body), types::describe(&sides.new, &new.error_body));
        let what = format!("the error body type changed from {from} to {to}: `Error`'s type parameter changes");
        changes.add(Class::Major, "errors", what);
    }
    let mut changes = changes.0;
    changes.sort_by(|a, b| {
        b.class.cmp(&a.class).then_with(|| a.location.cmp(&b.location)).then_with(|| a.description.cmp(&b.description))
    });
    changes.dedup();
    Report {
        class: changes.first().map_or(Class::None, |c| c.class),
        old: format!("{old_name} ({})", old.info.version),
        new: format!("{new_name} ({})", new.info.version),
        changes,
    }
}

/// One model, with its types by Rust name.
struct Side<'a> {
    model: &'a Model,
    types: BTreeMap<&'a str, &'a TypeDef>,
}

impl<'a> Side<'a> {
    fn new(model: &'a Model) -> Self {
        Self { model, types: model.types.iter().map(|t| (t.name.as_str(), t)).collect() }
    }
}

struct Sides<'a> {
    old: Side<'a>,
    new: Side<'a>,
}

/// The changes found so far.
#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn add(&mut self, class: Class, location: impl Into<String>, description: impl Into<String>) {
        self.0.push(Change { class, location: location.into(), description: description.into() });
    }
}

impl TypeDef {
    /// Whether the type is a component schema (not an inline enum or object named after its place).
    pub fn is_component(&self) -> bool {
        let pointer = self.source.as_json_pointer();
        pointer.starts_with("/components/schemas/") && pointer.matches('/').count() == 3
    }
}

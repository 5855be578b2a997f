//! Operations: added, removed, their parameters, request bodies and success responses.

use std::collections::BTreeSet;

use super::types::{compare_type, describe, reordered};
use super::{Changes, Class, Sides};
use crate::model::{Body, Operation, Output, Param, ParamLocation, QueryStyle, Success};

fn place(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

pub(super) fn compare(sides: &Sides<'_>, changes: &mut Changes) {
    let ids: BTreeSet<&str> = sides
        .old
        .model
        .operations
        .iter()
        .chain(&sides.new.model.operations)
        .map(|op| op.operation_id.as_str())
        .collect();
    for id in ids {
        let location = format!("operation {id}");
        let old = sides.old.model.operations.iter().find(|op| op.operation_id == id);
        let new = sides.new.model.operations.iter().find(|op| op.operation_id == id);
        match (old, new) {
            (Some(op), None) => {
                changes.add(Class::Major, location, format!("operation removed (`{} {}`)", op.http_method, op.path))
            }
            (None, Some(op)) => {
                changes.add(Class::Minor, location, format!("operation added (`{} {}`)", op.http_method, op.path))
            }
            (Some(old), Some(new)) => compare_operation(sides, old, new, &location, changes),
            (None, None) => {}
        }
    }
}

fn compare_operation(sides: &Sides<'_>, old: &Operation, new: &Operation, location: &str, changes: &mut Changes) {
    if old.method_name != new.method_name {
        changes.add(
            Class::Major,
            location,
            format!("method renamed from `{}` to `{}`", old.method_name, new.method_name),
        );
    }
    if (old.http_method.as_str(), old.path.as_str()) != (new.http_method.as_str(), new.path.as_str()) {
        // The method keeps its signature; only what it sends changes.
        let what =
            format!("route changed from `{} {}` to `{} {}`", old.http_method, old.path, new.http_method, new.path);
        changes.add(Class::Minor, location, what);
    }
    if old.docs != new.docs {
        changes.add(Class::Patch, location, "documentation changed (summary, description or permissions)");
    }
    if !old.deprecated && new.deprecated {
        changes.add(Class::Patch, location, "deprecated");
    }
    compare_params(sides, old, new, location, changes);
    let required = |op: &Operation| -> Vec<String> {
        op.params.iter().filter(|p| p.required).map(|p| p.wire_name.clone()).collect()
    };
    if reordered(&required(old), &required(new)) {
        changes.add(Class::Major, location, "required parameters reordered: the method's arguments change places");
    }
    compare_body(sides, old.body.as_ref(), new.body.as_ref(), location, changes);
    compare_output(sides, &old.output, &new.output, location, changes);
}

fn compare_params(sides: &Sides<'_>, old: &Operation, new: &Operation, location: &str, changes: &mut Changes) {
    let find = |op: &Operation, wire: &str| op.params.iter().find(|p| p.wire_name == wire).cloned();
    for param in &old.params {
        let at = format!("{location} parameter {}", param.wire_name);
        let Some(now) = find(new, &param.wire_name) else {
            changes.add(Class::Major, at, "parameter removed");
            continue;
        };
        compare_param(sides, param, &now, &at, changes);
    }
    for param in new.params.iter().filter(|p| find(old, &p.wire_name).is_none()) {
        let at = format!("{location} parameter {}", param.wire_name);
        let ty = describe(&sides.new, &param.ty);
        if param.required {
            changes.add(Class::Major, at, format!("required {} parameter added ({ty})", place(param.location)));
        } else {
            changes.add(Class::Minor, at, format!("optional {} parameter added ({ty})", place(param.location)));
        }
    }
}

fn compare_param(sides: &Sides<'_>, old: &Param, new: &Param, at: &str, changes: &mut Changes) {
    match (old.required, new.required) {
        (false, true) => changes.add(Class::Major, at, "became required (a new method argument)"),
        (true, false) => changes.add(Class::Major, at, "became optional (a setter instead of a method argument)"),
        _ => {}
    }
    if old.location != new.location {
        changes.add(Class::Minor, at, format!("moved from the {} to the {}", place(old.location), place(new.location)));
    }
    if old.name != new.name {
        changes.add(Class::Major, at, format!("Rust name changed from `{}` to `{}`", old.name, new.name));
    }
    let array_in_query = |p: &Param| p.location == ParamLocation::Query && matches!(p.ty, crate::model::Type::Vec(_));
    if array_in_query(old) && array_in_query(new) && old.style != new.style {
        changes.add(Class::Minor, at, format!("array style changed from {} to {}", style(old.style), style(new.style)));
    } else if old.location == new.location && old.style != new.style && !array_in_query(old) && !array_in_query(new) {
        changes.add(
            Class::Minor,
            at,
            format!("sent another way: {} before, {} now", style(old.style), style(new.style)),
        );
    }
    compare_type(sides, &old.ty, &new.ty, at, changes);
    if old.docs != new.docs {
        changes.add(Class::Patch, at, "description changed");
    }
}

fn compare_body(sides: &Sides<'_>, old: Option<&Body>, new: Option<&Body>, location: &str, changes: &mut Changes) {
    let at = format!("{location} request body");
    match (old, new) {
        (Some(_), None) => changes.add(Class::Major, at, "request body removed"),
        (None, Some(body)) if body.required => changes.add(Class::Major, at, "required request body added"),
        (None, Some(_)) => changes.add(Class::Minor, at, "optional request body added"),
        (Some(old), Some(new)) => {
            if old.required != new.required {
                let what = if new.required { "became required" } else { "became optional" };
                changes.add(Class::Major, &at, what);
            }
            compare_type(sides, &old.ty, &new.ty, &at, changes);
            if old.docs != new.docs {
                changes.add(Class::Patch, &at, "description changed");
            }
        }
        (None, None) => {}
    }
}

fn compare_output(sides: &Sides<'_>, old: &Output, new: &Output, location: &str, changes: &mut Changes) {
    let cases = |output: &Output| -> Vec<Success> {
        match output {
            Output::Single(success) => vec![success.clone()],
            Output::Cases { cases, .. } => cases.clone(),
        }
    };
    let (old_cases, new_cases) = (cases(old), cases(new));
    match (old, new) {
        (Output::Single(_), Output::Cases { name, .. }) => {
            let statuses: Vec<String> = new_cases.iter().map(|c| c.status.to_string()).collect();
            let what = format!(
                "now answers with one of several success responses ({}): the result is the enum {name}",
                statuses.join(", ")
            );
            changes.add(Class::Major, location, what);
        }
        (Output::Cases { .. }, Output::Single(_)) => {
            changes.add(
                Class::Major,
                location,
                "now answers with a single success response: the result is no longer an enum",
            );
        }
        _ => {}
    }
    for case in &old_cases {
        let at = format!("{location} response {}", case.status);
        match new_cases.iter().find(|c| c.status == case.status) {
            None if new_cases.len() > 1 || old_cases.len() > 1 => {
                changes.add(Class::Major, at, "success response removed")
            }
            None => {}
            Some(now) => {
                match (&case.ty, &now.ty) {
                    (Some(a), Some(b)) => compare_type(sides, a, b, &at, changes),
                    (None, None) => {}
                    _ => changes.add(Class::Major, &at, "the response body appeared or disappeared"),
                }
                if case.docs != now.docs {
                    changes.add(Class::Patch, &at, "description changed");
                }
            }
        }
    }
    if matches!((old, new), (Output::Cases { .. }, Output::Cases { .. })) {
        for case in new_cases.iter().filter(|c| !old_cases.iter().any(|o| o.status == c.status)) {
            // The output enum is #[non_exhaustive], so a new variant breaks no match.
            changes.add(Class::Minor, format!("{location} response {}", case.status), "success response added");
        }
    }
}

/// How a parameter style reads in the report.
fn style(style: QueryStyle) -> String {
    match style {
        QueryStyle::Repeated => "repeated keys".to_owned(),
        QueryStyle::CommaSeparated => "comma-separated".to_owned(),
        QueryStyle::Delimited(separator) => format!("{separator:?}-separated"),
        QueryStyle::FormObject => "an object's members as keys".to_owned(),
        QueryStyle::DeepObject => "an object's members as `name[key]`".to_owned(),
        QueryStyle::Json => "JSON text".to_owned(),
    }
}

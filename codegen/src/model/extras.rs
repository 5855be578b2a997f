//! What the settings file adds to the model: idempotent POSTs, pagination, waiters and regions, each
//! checked against the operations and types it names. A mistake is reported at its place in the settings.

use std::collections::BTreeMap;

use super::{Body, Enum, Model, Operation, Output, ParamLocation, Type, TypeDef, TypeKind};
use crate::error::{Pointer, Sink};
use crate::naming::{self, Namespace};
use crate::settings::{self, Settings};

/// A field of a response or body type, as generated code reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    /// The Rust field name.
    pub name: String,
    /// The member name on the wire.
    pub wire_name: String,
    /// The field's type, without the `Option`.
    pub ty: Type,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// How a paginated operation pages.
#[derive(Clone, Debug, PartialEq)]
pub enum Pagination {
    /// By a cursor from the response, sent back as a query parameter.
    Cursor {
        /// Where a page comes from in the output.
        page: PageSource,
        /// The items of a page (a `Vec`).
        items: FieldRef,
        /// The builder field and setter of the cursor parameter.
        cursor_param: String,
        /// The next cursor in the response.
        cursor_field: FieldRef,
    },
    /// By a page number in the request body, up to a page count in the response.
    PageNumber {
        /// Where a page comes from in the output.
        page: PageSource,
        /// The items of a page (a `Vec`).
        items: FieldRef,
        /// The page number field of the body.
        page_number: FieldRef,
        /// The page count in the response.
        page_count: FieldRef,
    },
}

/// Where a page is in an operation's output.
#[derive(Clone, Debug, PartialEq)]
pub enum PageSource {
    /// The output is the page.
    Output,
    /// The page is this variant of the output enum: `(enum, variant)`.
    Variant(String, String),
}

/// A job started by an operation, polled until done, with results from another operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// The job id in the starting operation's response (a string).
    pub id: FieldRef,
    /// The status operation's `operationId`, method and state field.
    pub status_operation: String,
    /// The status operation's client method.
    pub status_method: String,
    /// The status response's type.
    pub status_type: Type,
    /// The state field of the status response.
    pub state: FieldRef,
    /// The state enum's Rust name.
    pub state_enum: String,
    /// Variants that mean done.
    pub succeeded: Vec<String>,
    /// Variants that mean failed.
    pub failed: Vec<String>,
    /// The results operation's `operationId`.
    pub results_operation: String,
    /// The results operation's client method.
    pub results_method: String,
    /// The results operation's builder type.
    pub results_builder: String,
}

/// A region the API is served in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The variant name.
    pub variant: String,
    /// The name users give.
    pub name: String,
    /// The API's base URL.
    pub api: String,
    /// The login service's base URL.
    pub login: String,
}

/// Applies the settings to the model.
pub(crate) fn apply(model: &mut Model, settings: &Settings, sink: &mut Sink) {
    let types: BTreeMap<String, TypeDef> = model.types.iter().map(|t| (t.name.clone(), t.clone())).collect();
    let ops: BTreeMap<String, Operation> =
        model.operations.iter().map(|op| (op.operation_id.clone(), op.clone())).collect();
    let mut resolver = Resolver { types: &types, ops: &ops, sink };
    let root = Pointer::root();
    for (index, id) in settings.retry.idempotent.iter().enumerate() {
        let at = root.join("retry").join("idempotent").join(index);
        if let Some(op) = resolver.find_op(model, id, &at) {
            op.marked_idempotent = true;
        }
    }
    for (id, pagination) in &settings.pagination {
        let at = root.join("pagination").join(id);
        let resolved = ops.get(id).and_then(|op| resolver.pagination(op, pagination, &at));
        if let Some(op) = resolver.find_op(model, id, &at) {
            op.pagination = resolved;
        }
    }
    for (id, waiter) in &settings.waiters {
        let at = root.join("waiters").join(id);
        let resolved = ops.get(id).and_then(|op| resolver.waiter(op, waiter, &at));
        if let Some(op) = resolver.find_op(model, id, &at) {
            op.waiter = resolved;
        }
    }
    model.regions = regions(&settings.regions);
}

fn regions(regions: &[settings::Region]) -> Vec<Region> {
    let mut names = Namespace::default();
    regions
        .iter()
        .map(|r| Region {
            variant: names.claim(naming::type_name(&r.name)),
            name: r.name.clone(),
            api: r.api.clone(),
            login: r.login.clone(),
        })
        .collect()
}

/// Resolves the names in the settings against a snapshot of the model, reporting what it cannot find.
struct Resolver<'a> {
    types: &'a BTreeMap<String, TypeDef>,
    ops: &'a BTreeMap<String, Operation>,
    sink: &'a mut Sink,
}

impl<'a> Resolver<'a> {
    fn find_op<'m>(&mut self, model: &'m mut Model, id: &str, at: &Pointer) -> Option<&'m mut Operation> {
        let found = model.operations.iter_mut().find(|op| op.operation_id == id);
        if found.is_none() {
            self.sink.error(at, format!("no operation has the operationId {id:?}"));
        }
        found
    }

    fn pagination(&mut self, op: &Operation, settings: &settings::Pagination, at: &Pointer) -> Option<Pagination> {
        let (page, page_type) = self.page(op, at)?;
        match settings {
            settings::Pagination::Cursor { items, cursor_param, cursor_field } => {
                let items = self.items(&page_type, items, &at.join("items"));
                let param = op
                    .params
                    .iter()
                    .find(|p| &p.wire_name == cursor_param && p.location == ParamLocation::Query && !p.required);
                if param.is_none() {
                    self.sink.error(
                        &at.join("cursor-param"),
                        format!("`{}` has no optional query parameter {cursor_param:?}", op.operation_id),
                    );
                }
                let cursor_field = self.field(&page_type, cursor_field, &[Type::String], &at.join("cursor-field"));
                let param = param?;
                Some(Pagination::Cursor {
                    page,
                    items: items?,
                    cursor_param: param.name.clone(),
                    cursor_field: cursor_field?,
                })
            }
            settings::Pagination::PageNumber { items, page_number, page_count } => {
                let items = self.items(&page_type, items, &at.join("items"));
                let page_count = self.field(&page_type, page_count, &[Type::Int32], &at.join("page-count"));
                let page_number = match &op.body {
                    Some(Body { ty, required: true, .. }) => {
                        self.field(ty, page_number, &[Type::Int32], &at.join("page-number"))
                    }
                    _ => {
                        self.sink.error(
                            &at.join("page-number"),
                            format!("`{}` has no required request body to put the page number in", op.operation_id),
                        );
                        None
                    }
                };
                Some(Pagination::PageNumber { page, items: items?, page_number: page_number?, page_count: page_count? })
            }
        }
    }

    /// The page type of an operation's output, and where it is.
    fn page(&mut self, op: &Operation, at: &Pointer) -> Option<(PageSource, Type)> {
        let found = match &op.output {
            Output::Single(success) => success.ty.clone().map(|ty| (PageSource::Output, ty)),
            Output::Cases { name, cases } => cases
                .iter()
                .find(|c| c.status.is_success() && c.ty.is_some())
                .and_then(|c| Some((PageSource::Variant(name.clone(), c.variant.clone()), c.ty.clone()?))),
        };
        if found.is_none() {
            self.sink.error(at, format!("`{}` has no 2xx response with a body to page through", op.operation_id));
        }
        found
    }

    fn items(&mut self, page: &Type, wire: &str, at: &Pointer) -> Option<FieldRef> {
        let field = self.field(page, wire, &[], at)?;
        if matches!(field.ty, Type::Vec(_)) {
            Some(field)
        } else {
            self.sink.error(at, format!("field {wire:?} is not an array"));
            None
        }
    }

    /// The field with wire name `wire` of the struct `owner`, whose type must be one of `allowed` (any if
    /// empty).
    fn field(&mut self, owner: &Type, wire: &str, allowed: &[Type], at: &Pointer) -> Option<FieldRef> {
        let Some(TypeKind::Struct(strukt)) = self.named(owner).map(|def| &def.kind) else {
            self.sink.error(at, format!("{owner:?} is not an object with fields"));
            return None;
        };
        let Some(field) = strukt.fields.iter().find(|f| f.wire_name == wire) else {
            self.sink.error(at, format!("{} has no field {wire:?}", self.named(owner).map_or("the type", |d| &d.name)));
            return None;
        };
        if !allowed.is_empty() && !allowed.contains(&field.ty) {
            self.sink.error(at, format!("field {wire:?} is {:?}, not one of {allowed:?}", field.ty));
            return None;
        }
        Some(FieldRef {
            name: field.name.clone(),
            wire_name: field.wire_name.clone(),
            ty: field.ty.clone(),
            optional: !field.required || field.nullable,
        })
    }

    fn named(&self, ty: &Type) -> Option<&'a TypeDef> {
        match ty {
            Type::Named(name) => match self.types.get(name) {
                Some(TypeDef { kind: TypeKind::Alias(inner), .. }) => self.named(inner),
                other => other,
            },
            _ => None,
        }
    }

    fn waiter(&mut self, op: &Operation, settings: &settings::Waiter, at: &Pointer) -> Option<Waiter> {
        let submitted = match &op.output {
            Output::Single(success) => success.ty.clone(),
            Output::Cases { .. } => None,
        };
        let id = match &submitted {
            Some(ty) => self.field(ty, &settings.id, &[Type::String], &at.join("id")),
            None => {
                self.sink.error(at, format!("`{}` must have one success response with a body", op.operation_id));
                None
            }
        };
        let status = self.id_operation(&settings.status, &at.join("status"));
        let results = self.id_operation(&settings.results, &at.join("results"));
        let status_type = status.and_then(|s| match &s.output {
            Output::Single(success) => success.ty.clone(),
            Output::Cases { .. } => None,
        });
        let state = status_type.as_ref().and_then(|ty| self.field(ty, &settings.state, &[], &at.join("state")));
        let state_enum = state.as_ref().and_then(|state| match (&state.ty, self.named(&state.ty)) {
            (Type::Named(name), Some(TypeDef { kind: TypeKind::Enum(e), .. })) => Some((name.clone(), e.clone())),
            _ => {
                self.sink.error(&at.join("state"), format!("field {:?} is not an enum", settings.state));
                None
            }
        });
        let (state_enum, enumeration) = state_enum?;
        let succeeded = self.variants(&state_enum, &enumeration, &settings.succeeded, &at.join("succeeded"));
        let failed = self.variants(&state_enum, &enumeration, &settings.failed, &at.join("failed"));
        let (status, results) = (status?, results?);
        Some(Waiter {
            status_type: status_type?,
            id: id?,
            status_operation: status.operation_id.clone(),
            status_method: status.method_name.clone(),
            state: state?,
            state_enum,
            succeeded,
            failed,
            results_operation: results.operation_id.clone(),
            results_method: results.method_name.clone(),
            results_builder: results.builder_name.clone(),
        })
    }

    /// The variant names of `values`, values of the enum `name`.
    fn variants(&mut self, name: &str, enumeration: &Enum, values: &[String], at: &Pointer) -> Vec<String> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, value)| {
                let found = enumeration.variants.iter().find(|v| &v.wire_name == value).map(|v| v.name.clone());
                if found.is_none() {
                    self.sink.error(&at.join(i), format!("{name} has no value {value:?}"));
                }
                found
            })
            .collect()
    }

    /// An operation whose one required parameter is a string id (the job's).
    fn id_operation(&mut self, id: &str, at: &Pointer) -> Option<&'a Operation> {
        let Some(op) = self.ops.get(id) else {
            self.sink.error(at, format!("no operation has the operationId {id:?}"));
            return None;
        };
        let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
        let body_required = op.body.as_ref().is_some_and(|b| b.required);
        if required.len() != 1 || required[0].ty != Type::String || body_required {
            self.sink.error(at, format!("`{id}` must take exactly one required argument, a string id"));
            return None;
        }
        Some(op)
    }
}

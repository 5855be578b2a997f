//! The intermediate model: what the emitter needs, with every Rust name already chosen beside its wire name.

pub(crate) mod composition;
mod constraints;
mod error_codes;
mod extras;
mod features;
mod name_clashes;
mod operations;
mod recursion;
mod types;

use crate::error::{Diagnostics, Pointer, Sink};
use crate::load::Document;
use crate::naming::Namespace;
use crate::settings::Settings;

pub use extras::{FieldRef, PageSource, Pagination, Region, Waiter};
pub use operations::{
    Body, Encoding, Operation, Output, Param, ParamLocation, Piece, QueryStyle, Segment, StatusMatch, Success,
};

/// The whole API as the emitter sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Title, version and description of the API.
    pub info: ApiInfo,
    /// Base URLs from `servers`, in spec order.
    pub servers: Vec<String>,
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every operation, sorted by method name.
    pub operations: Vec<Operation>,
    /// The type of documented error bodies; [`Type::Json`] when operations disagree or document none.
    pub error_body: Type,
    /// The regions from the settings.
    pub regions: Vec<Region>,
    /// What the generator chose where the spec left it open, to show the user; never an error.
    pub warnings: Vec<crate::error::Diagnostic>,
    /// The crate's Cargo features, one per tag, sorted; empty unless the settings ask for them.
    pub features: Vec<String>,
}

/// When a type or an operation is compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Always: the crate has no per-tag features, or an operation has no tag, or a type is needed by the
    /// crate itself (the error body) or by something compiled always.
    Always,
    /// When any of these features is on (sorted).
    AnyOf(Vec<String>),
}

/// What `info` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// The settings' `api-version`, else `info.version`.
    pub version: String,
    /// Whether the version is the settings' `api-version`.
    pub version_set: bool,
    /// `info.description`, as rustdoc lines.
    pub docs: Vec<String>,
}

/// A reference to a type, as a field, parameter or body uses it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    /// `string`.
    String,
    /// `boolean`.
    Bool,
    /// `integer` with `format: int32`.
    Int32,
    /// `integer` with `format: int64` or no format.
    Int64,
    /// `number` with `format: float`.
    Float,
    /// `number` with `format: double` or no format.
    Double,
    /// `string` with `format: date-time`.
    DateTime,
    /// `string` with `format: date`.
    Date,
    /// Any JSON value: a schema without a type.
    Json,
    /// `array`.
    Vec(Box<Type>),
    /// `object` with only `additionalProperties`: a map from string keys.
    Map(Box<Type>),
    /// A named type, by its Rust name.
    Named(String),
    /// Bytes as they are: a body of a binary media type.
    Bytes,
    /// The parts of a `multipart/form-data` body, which the caller adds.
    Multipart,
    /// A `multipart/*` response body as received, with its media type (and so its boundary), for the
    /// caller's multipart parser.
    MultipartBody,
}

/// A named type: a component schema, or an inline enum or object given a name from where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// The file name of the generated module (snake case of the Rust name).
    pub module: String,
    /// Where it is defined in the spec.
    pub source: Pointer,
    /// Rustdoc lines.
    pub docs: Vec<String>,
    /// Struct, enum or alias.
    pub kind: TypeKind,
    /// When it is compiled: when anything that uses it is.
    pub gate: Gate,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with properties.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
    /// Another name for a type (`pub type X = ...`).
    Alias(Type),
    /// One of several types (`oneOf`, `anyOf`).
    Union(Union),
}

/// A `oneOf` or `anyOf`: an enum with a variant per member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Union {
    /// The variants. Tagged: sorted by name. Untagged: in the order they are tried when decoding, the
    /// most specific first.
    pub variants: Vec<UnionVariant>,
    /// The property whose value says which variant a value is (the `discriminator`); `None` when the
    /// members are told apart by their shape.
    pub tag: Option<String>,
    /// The Rust name of the variant that keeps a value no member matches, or whose tag this version does
    /// not know, as raw JSON; `None` when a member is any JSON already.
    pub unrecognized: Option<String>,
}

/// One member of a union.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionVariant {
    /// The Rust name.
    pub name: String,
    /// The member's type.
    pub ty: Type,
    /// The tag values that select it, the first one written when encoding; empty when untagged.
    pub tags: Vec<String>,
    /// Boxed to break a cycle of types that hold each other inline.
    pub boxed: bool,
}

/// An object with properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// The properties, in spec order.
    pub fields: Vec<Field>,
    /// Where members the spec does not declare are kept: the field's Rust name and value type.
    pub additional: Option<(String, Type)>,
    /// Methods that read a text field as an enum the spec documents its values by elsewhere.
    pub readers: Vec<EnumReader>,
}

/// A method that reads a text field as an enum: the error body's `code` as one of the error codes
/// Genesys documents (`x-inin-error-codes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumReader {
    /// The method's Rust name.
    pub method: String,
    /// The field's Rust name (a field of type [`Type::String`]).
    pub field: String,
    /// The enum's Rust name.
    pub enumeration: String,
    /// Rustdoc lines.
    pub docs: Vec<String>,
}

impl Struct {
    /// Whether every field may be absent, so the struct has a `Default`.
    pub fn all_optional(&self) -> bool {
        self.fields.iter().all(|field| !field.required)
    }
}

/// A property of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// The value type.
    pub ty: Type,
    /// Listed in `required`: a plain `T` and a constructor argument.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Boxed to break a cycle of directly nested structs.
    pub boxed: bool,
    /// Rustdoc lines.
    pub docs: Vec<String>,
}

/// A string enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    /// The variants, sorted by wire value: the spec's order means nothing on the wire.
    pub variants: Vec<Variant>,
    /// The Rust name of the variant that keeps values this version does not know.
    pub unrecognized: String,
}

/// One enum value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire_name: String,
    /// Rustdoc lines beside the value itself (what it means, when the spec says).
    pub docs: Vec<String>,
}

/// Builds the model of a loaded document with what the settings add, reporting every problem found in
/// either.
pub fn build(doc: &Document, settings: &Settings) -> Result<Model, Diagnostics> {
    let mut types = types::TypeBuilder::new(doc, settings.models.keep_unknown_members);
    types.components();
    let (mut operations, error_body, codes) = operations::build(doc, &mut types);
    if let Some(security) = &doc.api.security {
        operations::schemes_exist(doc, security, &Pointer::root().join("security"), &mut types.sink);
    }
    error_codes::define(codes, &error_body, &mut operations, &mut types);
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    let (mut types, mut sink) = types.finish();
    recursion::report_cycles(&types, &mut sink);
    recursion::box_cycles(&mut types);
    let info = &doc.api.info;
    let model = Model {
        info: ApiInfo {
            title: info.title.clone(),
            version: settings.api_version.clone().unwrap_or_else(|| info.version.clone()),
            version_set: settings.api_version.is_some(),
            docs: info.description.as_deref().map(crate::docs::lines).unwrap_or_default(),
        },
        servers: doc.api.servers.iter().map(|server| server.url.clone()).collect(),
        types,
        operations,
        error_body,
        regions: Vec::new(),
        warnings: doc.warnings.iter().cloned().chain(doc.relocate(Diagnostics(sink.take_warnings())).0).collect(),
        features: Vec::new(),
    };
    let model = sink.finish(model).map_err(|diagnostics| doc.relocate(diagnostics));
    let mut model = doc.with_errors(model)?;
    let mut settings_sink = Sink::new(&settings.path);
    extras::apply(&mut model, settings, &mut settings_sink);
    if settings.features.per_tag {
        features::assign(&mut model);
    }
    settings_sink.finish(model)
}

/// The `models` namespace: `Error` and `Result` are left free so that a schema cannot take names a
/// reader expects to mean the crate's own.
fn models_namespace() -> Namespace {
    Namespace::with_reserved(&["Error", "Result"])
}

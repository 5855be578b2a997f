//! Paths to operations: parameters, request body and responses, with the names the emitter uses.

use std::borrow::Cow;
use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, QueryStyle as SpecQueryStyle, ReferenceOr, RequestBody, Response,
    StatusCode,
};

use super::error_codes;
use super::name_clashes::{self, OperationName};
use super::types::TypeBuilder;
use super::{Type, TypeKind};
use crate::docs;
use crate::error::{Pointer, Sink};
use crate::load::Document;
use crate::naming::{self, Namespace};

/// One operation: a method on the client and a request builder type.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId` as the spec writes it, or, when it has none, the name made from the method and path
    /// ([`naming::route_name`]).
    pub operation_id: String,
    /// The client method, snake case of the `operationId`.
    pub method_name: String,
    /// The request builder type, upper camel case of the `operationId`.
    pub builder_name: String,
    /// The file name of the generated module.
    pub module: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, such as `/api/v2/audits/query/{transactionId}`.
    pub path: String,
    /// The path split at `/`.
    pub segments: Vec<Segment>,
    /// Parameters: path parameters in path order, then the others in spec order.
    pub params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// What a successful call gives.
    pub output: Output,
    /// Rustdoc lines of the method.
    pub docs: Vec<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Named in the settings as safe to send twice although its method is not (the runtime knows which
    /// methods are).
    pub marked_idempotent: bool,
    /// How it pages, from the settings.
    pub pagination: Option<super::Pagination>,
    /// The job it starts, from the settings.
    pub waiter: Option<super::Waiter>,
    /// Where it is defined in the spec.
    pub source: Pointer,
    /// `tags`, in spec order.
    pub tags: Vec<String>,
    /// When it is compiled.
    pub gate: super::Gate,
    /// The error codes each error status documents (`x-inin-error-codes`), in status order, each sorted.
    pub error_codes: Vec<(String, Vec<String>)>,
    /// Rustdoc lines that list them, after the method's other docs.
    pub error_docs: Vec<String>,
}

/// A piece of the path between slashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Sent as written.
    Literal(String),
    /// The path parameter with this Rust name, percent-encoded.
    Param(String),
    /// Text and parameters in one segment (`{id}.json`), the whole percent-encoded.
    Template(Vec<Piece>),
}

/// A part of a [`Segment::Template`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Sent as written.
    Literal(String),
    /// The path parameter with this Rust name.
    Param(String),
}

/// A parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The Rust name (argument, field and setter).
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// The value type: a scalar, an enum, or a `Vec` of those.
    pub ty: Type,
    /// A method argument when required, a setter when not.
    pub required: bool,
    /// How arrays are sent in a query.
    pub style: QueryStyle,
    /// Rustdoc lines.
    pub docs: Vec<String>,
}

/// The HTTP method of an operation: one of the eight a path item may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method of a path item's key (`get`, `post`, ...); `None` for anything else.
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// The method's key in a path item, lower case.
    pub fn key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }

    /// The method as HTTP writes it, upper case: also the name of its `reqwest::Method` constant.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a parameter is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
    /// As a cookie.
    Cookie,
}

/// How a parameter's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true`: the key once per value (`expand=a&expand=b`).
    Repeated,
    /// `style: form, explode: false`: one key, comma-separated values (`expand=a,b`).
    CommaSeparated,
    /// `spaceDelimited` or `pipeDelimited`: one key, values joined by this separator.
    Delimited(char),
    /// An object with `style: form, explode: true`: each member as its own `key=value`.
    FormObject,
    /// `style: deepObject`: each member as `name[key]=value`.
    DeepObject,
    /// Given by `content` rather than `schema`: the value as JSON text.
    Json,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Its type.
    pub ty: Type,
    /// The media type it is sent as, and how it is encoded.
    pub media: Media,
    /// A method argument when required, a setter when not.
    pub required: bool,
    /// Rustdoc lines.
    pub docs: Vec<String>,
}

/// The media type a body is sent or received as, chosen among those the spec offers: JSON when offered,
/// else the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// The media type as the spec writes it (`application/json`, `text/plain; charset=utf-8`, ...).
    pub media_type: String,
    /// How a body of that type is encoded.
    pub encoding: Encoding,
    /// The other media types the spec offers, not used.
    pub others: Vec<String>,
}

/// How a body is encoded, by its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`, `application/*+json` or `*/*`: the schema's type as JSON.
    Json,
    /// `text/*`: a `String`.
    Text,
    /// `application/x-www-form-urlencoded`: the schema's object as form fields.
    Form,
    /// `multipart/form-data`: parts the caller adds.
    Multipart,
    /// Any other media type (`application/octet-stream`, `image/png`, ...): the bytes as they are.
    Binary,
}

impl Encoding {
    /// The encoding of a media type (parameters such as `charset` aside).
    pub fn of(media_type: &str) -> Self {
        let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" | "*/*" => Self::Json,
            "application/x-www-form-urlencoded" => Self::Form,
            "multipart/form-data" => Self::Multipart,
            _ if essence.ends_with("+json") => Self::Json,
            _ if essence.starts_with("text/") => Self::Text,
            _ => Self::Binary,
        }
    }
}

/// What a successful call gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// One documented success response: its body.
    Single(Success),
    /// Several (a 200 and a 302, say): an enum with a variant each.
    Cases {
        /// The enum's Rust name.
        name: String,
        /// One per status, in status order.
        cases: Vec<Success>,
    },
}

/// A documented 2xx or 3xx response.
#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// The statuses it stands for.
    pub status: StatusMatch,
    /// The variant name when there are several.
    pub variant: String,
    /// The body's type; `None` when it has none.
    pub ty: Option<Type>,
    /// The media type the body is read as; `None` when it has none.
    pub media: Option<Media>,
    /// Rustdoc lines.
    pub docs: Vec<String>,
}

/// The statuses a success response stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A range (`2XX` is 2): the codes from 100 times it to 100 times it plus 99.
    Range(u16),
    /// Any 2xx: the operation documents no success response, only a `default` or errors.
    AnySuccess,
}

impl StatusMatch {
    /// Whether it stands for a 2xx status.
    pub fn is_success(self) -> bool {
        match self {
            Self::Code(code) => (200..300).contains(&code),
            Self::Range(range) => range == 2,
            Self::AnySuccess => true,
        }
    }
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Range(range) => write!(f, "{range}XX"),
            Self::AnySuccess => f.write_str("2XX"),
        }
    }
}

/// Builds every operation, the common error body type, and the meaning of each error code they document.
pub(super) fn build(doc: &Document, types: &mut TypeBuilder<'_>) -> (Vec<Operation>, Type, BTreeMap<String, String>) {
    let mut builders = Namespace::with_reserved(&[]);
    let mut methods = Namespace::with_reserved(RUNTIME_METHODS);
    let mut operations = Vec::new();
    let mut errors = ErrorBodies::default();
    let paths_pointer = Pointer::root().join("paths");
    let mut sorted: Vec<_> = doc.api.paths.paths.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut found = Vec::new();
    for (path, item) in sorted {
        let pointer = paths_pointer.join(path);
        let ReferenceOr::Item(item) = item else {
            types.sink.error(&pointer, "unsupported: a path item given by `$ref`");
            continue;
        };
        for (key, operation) in item.iter() {
            // openapiv3 yields only the eight method keys of a path item.
            let Some(method) = HttpMethod::from_key(key) else {
                types.sink.error(&pointer.join(key), format!("unsupported HTTP method {key:?}"));
                continue;
            };
            let id = operation.operation_id.clone().unwrap_or_else(|| {
                let name = naming::route_name(key, path);
                let reason = doc.shared_operations.get(&pointer.join(key));
                let reason = reason.map_or("operation has no operationId", String::as_str);
                types.sink.warn(&pointer.join(key), format!("{reason}: named `{name}` from its method and path"));
                name
            });
            found.push((id, path, method, operation, &item.parameters, pointer.clone()));
        }
    }
    let names = found.iter().map(|(id, _, method, operation, _, path_pointer)| OperationName {
        id: id.clone(),
        derived: operation.operation_id.is_none(),
        pointer: path_pointer.join(method.key()),
    });
    name_clashes::report(names.collect(), &mut types.sink);
    // Names are claimed in operationId order, so adding an operation never renames another; two that would
    // share a name are an error above, and the suffix a claim gives the second only lets the build go on to
    // find every other problem.
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    for (id, path, method, operation, shared, path_pointer) in found {
        let pointer = path_pointer.join(method.key());
        let names = OperationNames {
            method: methods.claim(naming::value_name(&id)),
            builder: builders.claim(naming::type_name(&id)),
        };
        let output_name = builders.claim(format!("{}Output", names.builder));
        let ctx = Ctx { doc, path, path_pointer: &path_pointer, pointer: &pointer, names: &names };
        let params = parameters(&ctx, shared, &operation.parameters, types);
        let segments = segments(path, &params, &pointer, &mut types.sink);
        let body = operation.request_body.as_ref().and_then(|body| request_body(&ctx, body, types));
        let (output, error_codes) = responses(&ctx, &operation.responses, output_name, types, &mut errors);
        let mut docs = operation_docs(doc, operation, method, path);
        method_name_agrees(operation, &id, &pointer, &mut types.sink);
        if let Some(security) = &operation.security {
            schemes_exist(doc, security, &pointer.join("security"), &mut types.sink);
        }
        if let Output::Single(Success { media: Some(media), ty, .. }) = &output {
            docs::push_paragraph(&mut docs, media_docs("Answers with", media));
            docs::push_paragraph(&mut docs, multipart_response_docs(ty.as_ref()));
        }
        operations.push(Operation {
            operation_id: id,
            module: naming::module_name(&names.builder),
            method_name: names.method,
            builder_name: names.builder,
            http_method: method,
            path: path.clone(),
            segments,
            params,
            body,
            output,
            docs,
            deprecated: operation.deprecated,
            marked_idempotent: false,
            pagination: None,
            waiter: None,
            source: pointer,
            tags: operation.tags.clone(),
            gate: super::Gate::Always,
            error_codes,
            error_docs: Vec::new(),
        });
    }
    let codes = std::mem::take(&mut errors.codes);
    (operations, errors.common(), codes)
}

/// Methods the hand-written runtime defines on the client, which operations must not shadow.
const RUNTIME_METHODS: &[&str] = &["new", "builder", "call", "execute", "base_url", "clone", "fmt"];
/// Members of every request builder, which parameters must not shadow.
const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "body",
    "send",
    "send_with_metadata",
    "build_request",
    "read_response",
    "into_future",
    "into_stream",
    "into_pages",
    "next_page",
    "wait_for_results",
    "timeout",
];

struct OperationNames {
    method: String,
    builder: String,
}

struct Ctx<'a> {
    doc: &'a Document,
    path: &'a str,
    path_pointer: &'a Pointer,
    pointer: &'a Pointer,
    names: &'a OperationNames,
}

fn parameters(
    ctx: &Ctx<'_>,
    shared: &[ReferenceOr<Parameter>],
    own: &[ReferenceOr<Parameter>],
    types: &mut TypeBuilder<'_>,
) -> Vec<Param> {
    // Parameters of the operation override those of its path with the same name and location.
    // Each with the place it is listed at and the place it is written at (a component, for a `$ref`).
    let mut merged: IndexMap<(String, &'static str), (Parameter, Pointer, Pointer)> = IndexMap::new();
    let lists = [(shared, ctx.path_pointer.join("parameters")), (own, ctx.pointer.join("parameters"))];
    for (list, base) in lists {
        for (index, param) in list.iter().enumerate() {
            let at = base.join(index);
            if let Some((param, place)) = resolve(param, "parameters", |c| &c.parameters, ctx.doc, &at, &mut types.sink)
            {
                let key = (param.parameter_data_ref().name.clone(), location_name(&param));
                merged.insert(key, (param.into_owned(), at, place));
            }
        }
    }
    // Where the path item lists it, which its operations share: one error, whichever operations merge it.
    for ((name, location), (_, at, _)) in &merged {
        if *location == "path" && !ctx.path.contains(&format!("{{{name}}}")) {
            types.sink.error(at, format!("path parameter {name:?} does not appear in the path {:?}", ctx.path));
        }
    }
    let mut names = Namespace::with_reserved(BUILDER_MEMBERS);
    let mut params: Vec<Param> = merged
        .into_values()
        .filter_map(|(param, _, place)| parameter(ctx, &param, &place, &mut names, types))
        .collect();
    // Path parameters first, in the order the path names them; the rest keep spec order.
    params.sort_by_key(|p| match p.location {
        ParamLocation::Path => ctx.path.find(&format!("{{{}}}", p.wire_name)).unwrap_or(usize::MAX - 1),
        _ => usize::MAX,
    });
    params
}

/// How a parameter is written: by its style, or as JSON when `content` describes it as JSON; the reason
/// when its style cannot write it.
fn param_style(param: &Parameter, is_object: bool, json_content: bool) -> Result<QueryStyle, String> {
    let data = param.parameter_data_ref();
    if json_content {
        return Ok(QueryStyle::Json);
    }
    let explode = data.explode;
    // 3.0 has no tab-delimited style; a converted 2.0 document keeps `collectionFormat: tsv` in this extension.
    let tab_delimited = data.extensions.get("x-collectionFormat").and_then(|v| v.as_str()) == Some("tsv");
    let style = match param {
        Parameter::Path { .. } | Parameter::Header { .. } | Parameter::Cookie { .. } if is_object => {
            return Err(format!("an object {} parameter", location_name(param)));
        }
        Parameter::Path { .. } => QueryStyle::Repeated,
        Parameter::Header { .. } | Parameter::Cookie { .. } => QueryStyle::CommaSeparated,
        Parameter::Query { .. } if tab_delimited && !is_object => QueryStyle::Delimited('\t'),
        Parameter::Query { style, .. } => match (style, explode, is_object) {
            (SpecQueryStyle::Form, None | Some(true), false) => QueryStyle::Repeated,
            (SpecQueryStyle::Form, Some(false), false) => QueryStyle::CommaSeparated,
            (SpecQueryStyle::Form, None | Some(true), true) => QueryStyle::FormObject,
            (SpecQueryStyle::DeepObject, _, true) => QueryStyle::DeepObject,
            (SpecQueryStyle::SpaceDelimited, _, false) => QueryStyle::Delimited(' '),
            (SpecQueryStyle::PipeDelimited, _, false) => QueryStyle::Delimited('|'),
            (other, _, _) => {
                let shape = if is_object { "an object" } else { "a value that is not an object" };
                return Err(format!("{shape} in a query parameter of style {other:?} with explode {explode:?}"));
            }
        },
    };
    Ok(style)
}

fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// How many `$ref`s in a row a parameter, request body or response may go through.
const MAX_REFERENCE_HOPS: usize = 16;

/// The object `item` is or refers to (a `$ref` into `components/<section>`, or to any place in the document,
/// its percent-escapes decoded, through further `$ref`s), and its place, where what is said of its parts is
/// said; a reference that names nothing fit is reported at `at`.
fn resolve<'a, T: Clone + serde::de::DeserializeOwned>(
    item: &'a ReferenceOr<T>,
    section: &str,
    components: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    doc: &'a Document,
    at: &Pointer,
    sink: &mut Sink,
) -> Option<(Cow<'a, T>, Pointer)> {
    let mut reference = match item {
        ReferenceOr::Item(item) => return Some((Cow::Borrowed(item), at.clone())),
        ReferenceOr::Reference { reference } => reference.clone(),
    };
    for _ in 0..MAX_REFERENCE_HOPS {
        let Some(target) = Pointer::of_reference(&reference) else {
            let message =
                format!("unsupported reference {reference:?}: only references within the document are supported");
            sink.error(at, message);
            return None;
        };
        let tokens: Vec<String> = target.tokens().collect();
        let next = match &tokens[..] {
            [components_key, section_key, name] if components_key == "components" && section_key == section => {
                match doc.api.components.as_ref().and_then(|c| components(c).get(name)) {
                    Some(ReferenceOr::Item(item)) => return Some((Cow::Borrowed(item), target)),
                    Some(ReferenceOr::Reference { reference }) => reference.clone(),
                    None => {
                        sink.error(at, format!("reference {reference:?} names nothing in components/{section}"));
                        return None;
                    }
                }
            }
            // Another section of `components`: a schema where a response is expected, say.
            [components_key, other, ..] if components_key == "components" && other != section => {
                let message = format!(
                    "reference {reference:?} names something in components/{other}, not in components/{section}"
                );
                sink.error(at, message);
                return None;
            }
            // Anywhere else in the document: another operation's response, say.
            _ => {
                match doc.raw.pointer(target.as_json_pointer()).map(<ReferenceOr<T> as serde::Deserialize>::deserialize)
                {
                    Some(Ok(ReferenceOr::Item(item))) => return Some((Cow::Owned(item), target)),
                    Some(Ok(ReferenceOr::Reference { reference })) => reference,
                    Some(Err(err)) => {
                        let what = section.trim_end_matches('s');
                        sink.error(at, format!("reference {reference:?} does not name a {what}: {err}"));
                        return None;
                    }
                    None => {
                        sink.error(at, format!("reference {reference:?} names nothing in the document"));
                        return None;
                    }
                }
            }
        };
        reference = next;
    }
    sink.error(at, format!("reference {reference:?} goes through more than {MAX_REFERENCE_HOPS} `$ref`s"));
    None
}

fn parameter(
    ctx: &Ctx<'_>,
    param: &Parameter,
    at: &Pointer,
    names: &mut Namespace,
    types: &mut TypeBuilder<'_>,
) -> Option<Param> {
    let data = param.parameter_data_ref();
    let location = match param {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    };
    let hint = format!("{}{}", ctx.names.builder, naming::type_name(&data.name));
    // The text media type a parameter given by `content` is sent as, when it is not JSON.
    let mut text_media = None;
    let (schema, schema_at) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => (Some(schema), at.join("schema")),
        ParameterSchemaOrContent::Content(content) => {
            let Some((media, value)) = choose_media(content) else {
                types.sink.error(&at.join("content"), "a parameter's `content` lists no media type");
                return None;
            };
            match media.encoding {
                Encoding::Json => {}
                Encoding::Text => text_media = Some(media.media_type.clone()),
                _ => {
                    let message = format!(
                        "unsupported: a parameter given as {:?}: only JSON and text media types say how to write \
                         a value in a {}",
                        media.media_type,
                        location_name(param)
                    );
                    types.sink.error(&at.join("content"), message);
                    return None;
                }
            }
            (value.schema.as_ref(), at.join("content").join(&media.media_type).join("schema"))
        }
    };
    let json_content = matches!(data.format, ParameterSchemaOrContent::Content(_)) && text_media.is_none();
    let ty = match schema {
        // Text is written as it is: only a single value has a text form of its own (an inline object is
        // not made a type that nothing would use).
        Some(ReferenceOr::Item(schema)) if text_media.is_some() && !is_single_value(schema) => None,
        Some(schema) => Some(types.schema_type(schema, &schema_at, &hint)),
        None => Some(Type::Json),
    };
    let single = ty.as_ref().is_some_and(|ty| *ty == Type::Json || is_single_value_type(ty, types));
    if text_media.is_some() && !single {
        let message = "a parameter sent as text whose schema is not a single value (a string, a number, a \
                       boolean or an enum): the caller gives the text to send";
        types.sink.warn(&schema_at, message);
    }
    let mut ty = ty.filter(|_| single || text_media.is_none()).unwrap_or(Type::Json);
    if ty == Type::Json && !json_content {
        // A parameter whose schema gives no type is text on the wire all the same.
        ty = Type::String;
    }
    let is_object = !is_simple(&ty, types);
    let style = if is_object && !is_object_like(&ty, types) {
        Err("a value that is neither a scalar, an array of scalars nor an object".to_owned())
    } else {
        param_style(param, is_object, json_content)
    };
    let style = style.unwrap_or_else(|reason| {
        types.sink.warn(at, format!("{reason} has no text form in its style: it is sent as JSON text"));
        QueryStyle::Json
    });
    let required = data.required || location == ParamLocation::Path;
    let mut docs = data.description.as_deref().map(docs::lines).unwrap_or_default();
    if let Some(ReferenceOr::Item(schema)) = schema {
        if let Some(default) = &schema.schema_data.default {
            docs::push_paragraph(&mut docs, vec![format!("The server's default: `{default}`.")]);
        }
    }
    if style == QueryStyle::Json {
        docs::push_paragraph(&mut docs, vec!["Sent as JSON text.".to_owned()]);
    }
    if let Some(media) = text_media {
        docs::push_paragraph(&mut docs, vec![format!("Sent as text (`{media}`).")]);
    }
    Some(Param {
        name: names.claim(naming::value_name(&data.name)),
        wire_name: data.name.clone(),
        location,
        ty,
        required,
        style,
        docs,
    })
}

/// Whether a parameter of this type is an object whose members can be sent one by one.
fn is_object_like(ty: &Type, types: &TypeBuilder<'_>) -> bool {
    match types.unaliased(ty) {
        Some(Type::Map(_) | Type::Json) => true,
        Some(Type::Named(name)) => {
            matches!(types.get(name).map(|def| &def.kind), Some(TypeKind::Struct(_) | TypeKind::Union(_)))
        }
        _ => false,
    }
}

/// Whether an inline schema describes a single value (no object, array or composition), which a
/// parameter sent as text writes as it is.
fn is_single_value(schema: &openapiv3::Schema) -> bool {
    use openapiv3::{SchemaKind, Type as T};
    match &schema.schema_kind {
        SchemaKind::Type(T::String(_) | T::Number(_) | T::Integer(_) | T::Boolean(_)) => true,
        SchemaKind::Any(any) => {
            any.properties.is_empty()
                && any.items.is_none()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && !matches!(any.typ.as_deref(), Some("object" | "array"))
        }
        _ => false,
    }
}

/// Whether a parameter of this type is a single value with a text form: a scalar or an enum.
fn is_single_value_type(ty: &Type, types: &TypeBuilder<'_>) -> bool {
    match types.unaliased(ty) {
        Some(Type::Vec(_) | Type::Map(_) | Type::Json) | None => false,
        Some(Type::Named(name)) => matches!(types.get(name).map(|def| &def.kind), Some(TypeKind::Enum(_))),
        Some(_) => true,
    }
}

/// Whether a parameter of this type can be written as text (arrays one level deep).
fn is_simple(ty: &Type, types: &TypeBuilder<'_>) -> bool {
    match types.unaliased(ty) {
        // The item is not an array, so this goes one level down at most, even through an alias cycle.
        Some(Type::Vec(item)) => {
            types.unaliased(item).is_some_and(|item| !matches!(item, Type::Vec(_)) && is_simple(item, types))
        }
        Some(Type::Map(_) | Type::Json) | None => false,
        Some(Type::Named(name)) => matches!(types.get(name).map(|def| &def.kind), Some(TypeKind::Enum(_))),
        Some(_) => true,
    }
}

fn segments(path: &str, params: &[Param], pointer: &Pointer, sink: &mut Sink) -> Vec<Segment> {
    let mut segments = Vec::new();
    let find = |wire: &str, sink: &mut Sink| match params
        .iter()
        .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
    {
        Some(param) => Some(param.name.clone()),
        None => {
            sink.error(pointer, format!("path parameter {wire:?} is not declared"));
            None
        }
    };
    for piece in path.split('/').filter(|piece| !piece.is_empty()) {
        if let Some(wire) =
            piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')).filter(|w| !w.contains(['{', '}']))
        {
            segments.extend(find(wire, sink).map(Segment::Param));
            continue;
        }
        if !piece.contains(['{', '}']) {
            segments.push(Segment::Literal(piece.to_owned()));
            continue;
        }
        // Parameters and text in one segment (`{id}.json`, `{base}...{head}`).
        let mut parts = Vec::new();
        let mut rest = piece;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|i| open + i) else { break };
            if open > 0 {
                parts.push(Piece::Literal(rest[..open].to_owned()));
            }
            parts.extend(find(&rest[open + 1..close], sink).map(Piece::Param));
            rest = &rest[close + 1..];
        }
        if rest.contains(['{', '}']) {
            sink.error(pointer, format!("unsupported path segment {piece:?}: its braces do not pair up"));
            continue;
        }
        if !rest.is_empty() {
            parts.push(Piece::Literal(rest.to_owned()));
        }
        segments.push(Segment::Template(parts));
    }
    segments
}

fn request_body(ctx: &Ctx<'_>, body: &ReferenceOr<RequestBody>, types: &mut TypeBuilder<'_>) -> Option<Body> {
    let (body, at) = resolve(
        body,
        "requestBodies",
        |c| &c.request_bodies,
        ctx.doc,
        &ctx.pointer.join("requestBody"),
        &mut types.sink,
    )?;
    let Some((media, value)) = choose_media(&body.content) else {
        types.sink.error(&at.join("content"), "request body lists no media type");
        return None;
    };
    let hint = format!("{}Body", ctx.names.builder);
    let ty = content_type(value, &media, &at.join("content").join(&media.media_type), &hint, types)?;
    let mut docs = body.description.as_deref().map(docs::lines).unwrap_or_default();
    docs::push_paragraph(&mut docs, media_docs("Sent as", &media));
    if media.encoding == Encoding::Multipart {
        docs::push_paragraph(&mut docs, multipart_docs(ctx.doc, value.schema.as_ref()));
    }
    Some(Body { ty, media, required: body.required, docs })
}

/// The parts a multipart body's schema describes, for the caller who adds them: one line each.
fn multipart_docs(doc: &Document, schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Vec<String> {
    let schema = match schema {
        Some(ReferenceOr::Item(schema)) => Some(schema),
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| doc.api.components.as_ref()?.schemas.get(name))
            .and_then(|schema| schema.as_item()),
        None => None,
    };
    let Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(object))) = schema.map(|s| &s.schema_kind) else {
        return Vec::new();
    };
    let mut lines = vec!["The parts it describes:".to_owned(), String::new()];
    for (name, property) in &object.properties {
        let is_file = matches!(
            property.as_item().map(|p| &p.schema_kind),
            Some(openapiv3::SchemaKind::Type(openapiv3::Type::String(s)))
                if matches!(s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
        );
        let kind = if is_file { "a file" } else { "text" };
        let required = if object.required.contains(name) { ", required" } else { "" };
        lines.push(format!("- `{name}`: {kind}{required}"));
    }
    lines
}

/// The media type to use among those a content map offers: JSON when offered, else the first; but text
/// (`text/*`) for a value that is text, when offered. A Swagger 2.0 operation lists one set of media types
/// for all its responses (`produces`), JSON among them for its errors: a success that is text (an
/// `text/calendar` file, say) is sent as that, not as a JSON string.
fn choose_media(content: &IndexMap<String, MediaType>) -> Option<(Media, &MediaType)> {
    let of = |encoding: Encoding| content.iter().find(|(media, _)| Encoding::of(media) == encoding);
    let json = of(Encoding::Json);
    let text = json.filter(|(_, value)| is_plain_text(value.schema.as_ref())).and_then(|_| of(Encoding::Text));
    let (chosen, value) = text.or(json).or_else(|| content.iter().next())?;
    let others = content.keys().filter(|media| *media != chosen).cloned().collect();
    Some((Media { media_type: chosen.clone(), encoding: Encoding::of(chosen), others }, value))
}

/// Whether a schema is a plain string given inline (no format that makes it a date or bytes, no enum).
fn is_plain_text(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> bool {
    let Some(ReferenceOr::Item(schema)) = schema else { return false };
    matches!(
        &schema.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::String(string))
            if string.enumeration.is_empty() && matches!(string.format, openapiv3::VariantOrUnknownOrEmpty::Empty)
    )
}

/// The rustdoc line that says which media type a body uses and which others the spec offers.
fn media_docs(lead: &str, media: &Media) -> Vec<String> {
    if media.encoding == Encoding::Json && media.others.is_empty() {
        return Vec::new();
    }
    let mut line = format!("{lead} `{}`.", media.media_type);
    if !media.others.is_empty() {
        let others: Vec<String> = media.others.iter().map(|m| format!("`{m}`")).collect();
        line = format!(
            "{line} The API also offers {}; this client uses JSON when offered (text for a value that is text), else the first listed.",
            others.join(", ")
        );
    }
    vec![line]
}

/// The Rust type of a body of `media`: the schema's for JSON and forms, a string for text, bytes for
/// anything else, and the runtime's parts for multipart.
fn content_type(
    value: &MediaType,
    media: &Media,
    at: &Pointer,
    hint: &str,
    types: &mut TypeBuilder<'_>,
) -> Option<Type> {
    let schema = value.schema.as_ref();
    match media.encoding {
        Encoding::Json => Some(schema.map_or(Type::Json, |schema| types.schema_type(schema, &at.join("schema"), hint))),
        Encoding::Text => Some(Type::String),
        Encoding::Binary => Some(Type::Bytes),
        Encoding::Multipart => Some(Type::Multipart),
        Encoding::Form => {
            let Some(schema) = schema else {
                types.sink.error(at, "a form body needs a schema: an object whose properties are the form's fields");
                return None;
            };
            let ty = types.schema_type(schema, &at.join("schema"), hint);
            let is_object = matches!(&ty, Type::Map(_) | Type::Json)
                || matches!(&ty, Type::Named(name) if matches!(types.get(name).map(|d| &d.kind), Some(TypeKind::Struct(_))));
            if !is_object {
                types
                    .sink
                    .error(&at.join("schema"), "a form body must be an object: its properties are the form's fields");
                return None;
            }
            Some(ty)
        }
    }
}

/// The JSON media type of a content map and its schema: what error bodies are decoded as.
fn json_schema(content: &IndexMap<String, MediaType>) -> Option<(&str, &ReferenceOr<openapiv3::Schema>)> {
    content.iter().find_map(|(media, value)| {
        let is_json = Encoding::of(media) == Encoding::Json;
        Some((media.as_str(), value.schema.as_ref()?)).filter(|_| is_json)
    })
}

/// What a successful call gives, and the error codes each error response documents.
fn responses(
    ctx: &Ctx<'_>,
    responses: &openapiv3::Responses,
    output_name: String,
    types: &mut TypeBuilder<'_>,
    errors: &mut ErrorBodies,
) -> (Output, Vec<(String, Vec<String>)>) {
    let at = ctx.pointer.join("responses");
    let mut cases = Vec::new();
    let mut codes = Vec::new();
    let mut listed: Vec<(StatusCode, &ReferenceOr<Response>)> =
        responses.responses.iter().map(|(k, v)| (k.clone(), v)).collect();
    listed.sort_by_key(|(status, _)| status.to_string());
    for (status, response) in listed {
        let listed_at = at.join(status.to_string());
        let resolved = resolve(response, "responses", |c| &c.responses, ctx.doc, &listed_at, &mut types.sink);
        let Some((response, here)) = resolved else {
            continue;
        };
        let response = &*response;
        let status = match status {
            StatusCode::Code(code @ 200..=399) => StatusMatch::Code(code),
            StatusCode::Range(range @ (2 | 3)) => StatusMatch::Range(range),
            _ => {
                errors.note(error_type(ctx, response, &here, types));
                codes.push((status.to_string(), error_codes::of_response(response, &mut errors.codes)));
                continue;
            }
        };
        let (ty, media) = response_type(ctx, response, status, &here, types);
        let docs = response_docs(response, ty.as_ref(), &media);
        cases.push(Success { status, variant: variant_name(status), ty, media, docs });
    }
    let mut default_success = None;
    if let Some(default) = &responses.default {
        let listed_at = at.join("default");
        let resolved = resolve(default, "responses", |c| &c.responses, ctx.doc, &listed_at, &mut types.sink);
        if let Some((response, here)) = resolved {
            let response = &*response;
            errors.note(error_type(ctx, response, &here, types));
            codes.push(("default".to_owned(), error_codes::of_response(response, &mut errors.codes)));
            if cases.is_empty() {
                let (ty, media) = response_type(ctx, response, StatusMatch::AnySuccess, &here, types);
                let docs = response_docs(response, ty.as_ref(), &media);
                default_success = Some((ty, media, docs));
            }
        }
    }
    let output = match cases.len() {
        // No documented success: any 2xx is one, with the `default` response's body if there is one.
        0 => {
            let (ty, media, docs) = default_success.unwrap_or_default();
            let status = StatusMatch::AnySuccess;
            Output::Single(Success { status, variant: variant_name(status), ty, media, docs })
        }
        1 => Output::Single(cases.remove(0)),
        _ => Output::Cases { name: output_name, cases },
    };
    (output, codes)
}

/// The type of an error response's JSON body, if it has one.
fn error_type(ctx: &Ctx<'_>, response: &Response, at: &Pointer, types: &mut TypeBuilder<'_>) -> Option<Type> {
    let (media, schema) = json_schema(&response.content)?;
    let hint = format!("{}Error", ctx.names.builder);
    Some(types.schema_type(schema, &at.join("content").join(media).join("schema"), &hint))
}

/// The type and media type of a success response's body; neither when it has none.
fn response_type(
    ctx: &Ctx<'_>,
    response: &Response,
    status: StatusMatch,
    at: &Pointer,
    types: &mut TypeBuilder<'_>,
) -> (Option<Type>, Option<Media>) {
    let Some((media, value)) = choose_media(&response.content) else { return (None, None) };
    // Any multipart body is handed over as received, with the media type its boundary is in: see
    // `runtime::MultipartBody` for why it is not parsed.
    if media.media_type.trim_start().get(..10).is_some_and(|start| start.eq_ignore_ascii_case("multipart/")) {
        return (Some(Type::MultipartBody), Some(media));
    }
    let hint = format!("{}Response{status}", ctx.names.builder);
    let at = at.join("content").join(&media.media_type);
    // A form without a schema holds fields of any name: any JSON object, of strings and arrays of them.
    let ty = match media.encoding {
        Encoding::Form if value.schema.is_none() => Some(Type::Json),
        _ => content_type(value, &media, &at, &hint, types),
    };
    (ty, Some(media))
}

fn response_docs(response: &Response, ty: Option<&Type>, media: &Option<Media>) -> Vec<String> {
    let mut docs = docs::lines(&response.description);
    if let Some(media) = media {
        docs::push_paragraph(&mut docs, media_docs("Received as", media));
    }
    docs::push_paragraph(&mut docs, multipart_response_docs(ty));
    docs
}

/// The rustdoc line that says a multipart body is handed over as received, when `ty` is one.
fn multipart_response_docs(ty: Option<&Type>) -> Vec<String> {
    if ty != Some(&Type::MultipartBody) {
        return Vec::new();
    }
    vec![
        "The body is handed over as received, with the media type that holds its boundary, for a multipart \
         parser to split into parts: see [`MultipartBody`](crate::MultipartBody)."
            .to_owned(),
    ]
}

/// The variant name of a success status: its reason phrase, or `Status` and the code.
fn variant_name(status: StatusMatch) -> String {
    let code = match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(range) => return format!("Status{range}xx"),
        StatusMatch::AnySuccess => return "Success".to_owned(),
    };
    let reason = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        _ => return format!("Status{code}"),
    };
    reason.to_owned()
}

/// The error body types operations document, to find the one they share, and what each error code they
/// document means.
#[derive(Default)]
struct ErrorBodies {
    seen: std::collections::BTreeSet<Type>,
    codes: BTreeMap<String, String>,
}

impl ErrorBodies {
    fn note(&mut self, ty: Option<Type>) {
        self.seen.extend(ty);
    }

    /// The shared type, or [`Type::Json`] when there is none or they differ.
    fn common(self) -> Type {
        let mut seen = self.seen.into_iter();
        match (seen.next(), seen.next()) {
            (Some(only), None) => only,
            _ => Type::Json,
        }
    }
}

fn operation_docs(doc: &Document, operation: &openapiv3::Operation, method: HttpMethod, path: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &operation.summary {
        lines.extend(docs::lines(summary));
    }
    if let Some(description) = &operation.description {
        docs::push_paragraph(&mut lines, docs::lines(description));
    }
    docs::push_paragraph(&mut lines, vec![format!("`{method} {path}`")]);
    if operation.extensions.get(PREVIEW).and_then(serde_json::Value::as_bool) == Some(true) {
        let preview = "A preview: Genesys may change or remove this operation at any time, without notice \
                       (`x-genesys-preview`).";
        docs::push_paragraph(&mut lines, vec![preview.to_owned()]);
    }
    if let Some(permissions) = permissions(operation) {
        docs::push_paragraph(&mut lines, vec![permissions]);
    }
    if let Some(scopes) = scopes(doc, operation) {
        docs::push_paragraph(&mut lines, vec![scopes]);
    }
    lines
}

/// Genesys's mark of an operation that may still change (`true`).
const PREVIEW: &str = "x-genesys-preview";
/// Genesys's name for an operation's method in its own SDKs, which is its `operationId`.
const METHOD_NAME: &str = "x-purecloud-method-name";

/// Warns when Genesys's SDK method name for an operation is not its `operationId`, which names the method
/// here: the two clients would call it differently.
fn method_name_agrees(operation: &openapiv3::Operation, id: &str, at: &Pointer, sink: &mut Sink) {
    let Some(name) = operation.extensions.get(METHOD_NAME) else { return };
    if name.as_str() != Some(id) {
        let message = format!(
            "`{METHOD_NAME}` is {name}, not the operationId {id:?}: the method is named after the operationId, so \
             Genesys's SDKs call it otherwise"
        );
        sink.warn(&at.join(METHOD_NAME), message);
    }
}

/// Warns of each security requirement (at `at`) that names a scheme `components/securitySchemes` does not
/// define: the rustdoc cannot say what it asks for.
pub(super) fn schemes_exist(
    doc: &Document,
    requirements: &[openapiv3::SecurityRequirement],
    at: &Pointer,
    sink: &mut Sink,
) {
    let schemes = doc.api.components.as_ref().map(|components| &components.security_schemes);
    for (index, requirement) in requirements.iter().enumerate() {
        for name in requirement.keys().filter(|name| !schemes.is_some_and(|schemes| schemes.contains_key(*name))) {
            // The pointer ends with the name, as the document writes it.
            let message = "a security requirement names a scheme that no security scheme defines: left out of the docs";
            sink.warn(&at.join(index).join(name), message);
        }
    }
}

/// The sentence that names the OAuth scopes an operation asks for (its own `security`, else the document's):
/// each requirement's scopes, of the schemes that have scopes (OAuth 2 and OpenID Connect).
fn scopes(doc: &Document, operation: &openapiv3::Operation) -> Option<String> {
    let requirements = operation.security.as_ref().or(doc.api.security.as_ref())?;
    let schemes = doc.api.components.as_ref().map(|components| &components.security_schemes);
    let takes_scopes = |name: &str| {
        matches!(
            schemes.and_then(|schemes| schemes.get(name)),
            Some(ReferenceOr::Item(
                openapiv3::SecurityScheme::OAuth2 { .. } | openapiv3::SecurityScheme::OpenIDConnect { .. }
            ))
        )
    };
    let alternatives: Vec<Vec<String>> = requirements
        .iter()
        .map(|requirement| {
            let scoped = requirement.iter().filter(|(name, _)| takes_scopes(name));
            scoped.flat_map(|(_, scopes)| scopes.iter().map(|scope| format!("`{scope}`"))).collect::<Vec<_>>()
        })
        .collect();
    // A requirement without scopes (an API key, basic auth) is another way in that needs none.
    let unscoped = alternatives.iter().any(Vec::is_empty);
    let scoped: Vec<&Vec<String>> = alternatives.iter().filter(|scopes| !scopes.is_empty()).collect();
    let sentence = match &scoped[..] {
        [] => return None,
        [only] if only.len() == 1 => format!("Requires the OAuth scope {}", only[0]),
        [only] => format!("Requires the OAuth scopes {}", only.join(", ")),
        several => {
            let listed: Vec<String> = several.iter().map(|scopes| scopes.join(" and ")).collect();
            format!("Requires the OAuth scopes of one of: {}", listed.join("; "))
        }
    };
    Some(if unscoped {
        format!("{sentence} when called with OAuth; the other ways of signing in it allows need none.")
    } else {
        format!("{sentence}.")
    })
}

/// The sentence for Genesys's `x-inin-requires-permissions` extension.
fn permissions(operation: &openapiv3::Operation) -> Option<String> {
    let ext = operation.extensions.get("x-inin-requires-permissions")?;
    let list: Vec<String> =
        ext.get("permissions")?.as_array()?.iter().filter_map(|p| p.as_str().map(|p| format!("`{p}`"))).collect();
    if list.is_empty() {
        return None;
    }
    let any = ext.get("type").and_then(|t| t.as_str()) == Some("ANY");
    let lead = match (list.len(), any) {
        (1, _) => "Requires the permission",
        (_, true) => "Requires any of the permissions",
        (_, false) => "Requires all of the permissions",
    };
    Some(format!("{lead} {}.", list.join(", ")))
}

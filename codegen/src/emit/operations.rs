//! An operation: a method on the client that takes the required parameters and returns a request builder,
//! the builder with a setter per optional parameter, `send` and `IntoFuture`, and an output enum when the
//! operation has several success responses.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{argument, doc_attrs, field_init, ident, inner_doc_attrs, type_path};
use crate::model::{
    Body, Encoding, Operation, Output, Param, ParamLocation, Piece, QueryStyle, Segment, StatusMatch, Success,
};

/// The file; `written_out` turns the builder, which derives the runtime's `Operation`, into what a crate
/// that copies the runtime in has instead.
pub fn emit(op: &Operation, written_out: impl FnOnce(TokenStream) -> TokenStream) -> TokenStream {
    let module_docs =
        inner_doc_attrs(&[format!("`{} {}`: the `{}` operation.", op.http_method, op.path, op.operation_id)]);
    let method = method(op);
    let builder = written_out(builder(op));
    let output = output_enum(op);
    quote! {
        #module_docs
        #method
        #builder
        #output
    }
}

/// The Rust type a successful call gives.
fn output_type(op: &Operation) -> TokenStream {
    match &op.output {
        Output::Single(success) => success_type(success),
        Output::Cases { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

fn success_type(success: &Success) -> TokenStream {
    success.ty.as_ref().map_or_else(|| quote!(()), type_path)
}

/// The fields a builder stores, in order: the required parameters, the body, the optional parameters.
struct Member<'a> {
    name: proc_macro2::Ident,
    ty: &'a crate::model::Type,
    required: bool,
}

fn members(op: &Operation) -> Vec<Member<'_>> {
    let mut members: Vec<Member<'_>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| Member { name: ident(&p.name), ty: &p.ty, required: true })
        .collect();
    if let Some(body) = &op.body {
        members.push(Member { name: ident("body"), ty: &body.ty, required: body.required });
    }
    members.extend(op.params.iter().filter(|p| !p.required).map(|p| Member {
        name: ident(&p.name),
        ty: &p.ty,
        required: false,
    }));
    members
}

/// The most arguments, `self` included, clippy's `too_many_arguments` lets a function have by default.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

fn method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut docs = op.docs.clone();
    let args = argument_docs(op);
    if !args.is_empty() {
        docs.extend([String::new(), "# Arguments".to_owned(), String::new()]);
        docs.extend(args);
    }
    let has_setters = op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required);
    let returns = if has_setters {
        format!("Returns a [`{}`] request: set its optional parameters, then `.await` it.", op.builder_name)
    } else {
        format!("Returns a [`{}`] request: `.await` it.", op.builder_name)
    };
    docs.extend([String::new(), returns]);
    if !op.error_docs.is_empty() {
        docs.push(String::new());
        docs.extend(op.error_docs.iter().cloned());
    }
    let docs = doc_attrs(&docs);
    let deprecated =
        op.deprecated.then(|| quote!(#[deprecated = "the API description marks this operation deprecated"]));
    let members = members(op);
    // What the API requires is an argument, so that no request goes without it, however many there are.
    let required = members.iter().filter(|m| m.required).count();
    let many = (required + 1 > CLIPPY_MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let params = members.iter().filter(|m| m.required).map(|m| {
        let name = &m.name;
        let (arg, _) = argument(m.ty, name);
        quote!(#name: #arg)
    });
    let inits = members.iter().map(|m| {
        let name = &m.name;
        if m.required {
            let (_, value) = argument(m.ty, name);
            field_init(name, value)
        } else {
            quote!(#name: ::std::option::Option::None)
        }
    });
    quote! {
        impl crate::Client {
            #docs
            #deprecated
            #many
            pub fn #method(&self, #(#params),*) -> #builder<'_> {
                #builder {
                    client: self,
                    #(#inits,)*
                    timeout: ::std::option::Option::None,
                }
            }
        }
    }
}

fn argument_docs(op: &Operation) -> Vec<String> {
    let mut lines: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| bullet(&format!("`{}` (`{}`)", p.name, p.wire_name), &p.docs))
        .collect();
    if let Some(body @ Body { required: true, .. }) = &op.body {
        lines.push(bullet("`body` (the request body)", &body.docs));
        // The rest of the body's docs (its media type, a multipart body's parts) stay under its bullet.
        lines.extend(
            body.docs.iter().skip(1).map(|line| if line.is_empty() { String::new() } else { format!("  {line}") }),
        );
    }
    lines
}

fn bullet(label: &str, docs: &[String]) -> String {
    match docs.first().map(String::as_str) {
        Some(first) if !first.is_empty() => format!("- {label}: {first}"),
        _ => format!("- {label}"),
    }
}

fn builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let docs = format!(
        " A `{}` request, made by [`Client::{}`](crate::Client::{}); `.await` it or call [`send`](Self::send).",
        op.operation_id, op.method_name, op.method_name
    );
    let members = members(op);
    let fields = members.iter().map(|m| {
        let name = &m.name;
        let ty = type_path(m.ty);
        if m.required { quote!(#name: #ty) } else { quote!(#name: ::std::option::Option<#ty>) }
    });
    let getters = op.params.iter().filter(|p| p.required).map(getter);
    let setters = op.params.iter().filter(|p| !p.required).map(|p| setter(&p.name, &p.ty, &p.docs));
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| setter("body", &b.ty, &b.docs));
    let output = output_type(op);
    let send = send_body(op);
    // The common answer, one status with a JSON body, the derive reads itself.
    let (operation_attr, read_response) = match json_status(op) {
        Some(status) => {
            let status = proc_macro2::Literal::u16_unsuffixed(status);
            (quote!(#[operation(output = #output, json = #status)]), TokenStream::new())
        }
        None => {
            let decode = decode(op);
            let read = quote! {
                fn read_response(response: crate::runtime::RawResponse) -> ::std::result::Result<crate::runtime::Response<#output>, crate::Error> {
                    #decode
                }
            };
            (quote!(#[operation(output = #output)]), read)
        }
    };
    let paging = op.pagination.as_ref().map(|p| super::paging::pagination(op, p));
    let waiter = op.waiter.as_ref().map(|w| super::paging::waiter(op, w));
    quote! {
        #[doc = #docs]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, crate::runtime::Operation)]
        #operation_attr
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #(#fields,)*
            timeout: ::std::option::Option<::std::time::Duration>,
        }

        impl<'a> #builder<'a> {
            #(#getters)*
            #body_setter
            #(#setters)*

            fn build_request(&self) -> ::std::result::Result<crate::runtime::Request, crate::Error> {
                #send
            }

            #read_response

            #paging
            #waiter
        }
    }
}

/// A required parameter, as given to the method (the job id of a waiter's results request, say).
fn getter(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    let docs = format!(" The `{}` this request is for.", param.wire_name);
    // A string is lent as `&str`, as a careful hand would write it; anything else by reference.
    let ty = match &param.ty {
        crate::model::Type::String => quote!(&str),
        ty => {
            let ty = type_path(ty);
            quote!(&#ty)
        }
    };
    quote! {
        #[doc = #docs]
        pub fn #name(&self) -> #ty {
            &self.#name
        }
    }
}

fn setter(name: &str, ty: &crate::model::Type, docs: &[String]) -> TokenStream {
    let name = ident(name);
    let value = ident("value");
    let (arg, converted) = argument(ty, &value);
    let docs = if docs.is_empty() { doc_attrs(&["Sets this optional parameter.".to_owned()]) } else { doc_attrs(docs) };
    quote! {
        #docs
        pub fn #name(mut self, #value: #arg) -> Self {
            self.#name = ::std::option::Option::Some(#converted);
            self
        }
    }
}

/// The calls that write the path: consecutive fixed segments as one literal (`api/v2/audits`), then each
/// segment with a parameter.
fn path_calls(op: &Operation) -> Vec<TokenStream> {
    let mut calls = Vec::new();
    let mut literals: Vec<&str> = Vec::new();
    for segment in &op.segments {
        if let Segment::Literal(text) = segment {
            literals.push(text);
            continue;
        }
        push_literals(&mut calls, &mut literals);
        calls.push(segment_call(op, segment));
    }
    push_literals(&mut calls, &mut literals);
    calls
}

fn push_literals(calls: &mut Vec<TokenStream>, literals: &mut Vec<&str>) {
    if !literals.is_empty() {
        let text = literals.join("/");
        calls.push(quote!(request.push_literal(#text);));
        literals.clear();
    }
}

/// The call that writes one segment with a parameter in it.
fn segment_call(op: &Operation, segment: &Segment) -> TokenStream {
    match segment {
        Segment::Literal(text) => quote!(request.push_literal(#text);),
        Segment::Template(pieces) => {
            let parts = pieces.iter().map(|piece| match piece {
                Piece::Literal(text) => quote!(crate::runtime::TemplatePart::Text(#text)),
                Piece::Param(name) => {
                    let wire =
                        op.params.iter().find(|p| &p.name == name).map(|p| p.wire_name.clone()).unwrap_or_default();
                    let name = ident(name);
                    quote!(crate::runtime::TemplatePart::Param(#wire, &self.#name))
                }
            });
            quote!(request.push_template(&[#(#parts),*]);)
        }
        Segment::Param(name) => {
            let param = op.params.iter().find(|p| &p.name == name);
            let wire = param.map(|p| p.wire_name.clone()).unwrap_or_default();
            let name = ident(name);
            if param.is_some_and(|p| p.style == QueryStyle::Json) {
                quote!(request.push_param_json(#wire, &self.#name);)
            } else if param.is_some_and(|p| matches!(p.ty, crate::model::Type::Vec(_))) {
                quote!(request.push_param_joined(#wire, &self.#name);)
            } else {
                quote!(request.push_param(#wire, &self.#name);)
            }
        }
    }
}

fn send_body(op: &Operation) -> TokenStream {
    let method = ident(op.http_method.as_str());
    let id = &op.operation_id;
    let segments = path_calls(op);
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(send_param);
    let body = op.body.as_ref().map(|body| {
        if body.required {
            set_body(body, quote!(&self.body))
        } else {
            let set = set_body(body, quote!(body));
            quote!(if let ::std::option::Option::Some(body) = &self.body { #set })
        }
    });
    let idempotent = op.marked_idempotent.then(|| quote!(request.mark_idempotent();));
    let accept = accept(op).map(|media| quote!(request.accept(#media);));
    // A request to `/` with nothing to add is sent as it is made.
    let unchanged =
        op.segments.is_empty() && op.params.is_empty() && body.is_none() && idempotent.is_none() && accept.is_none();
    let binding = if unchanged { quote!(request) } else { quote!(mut request) };
    quote! {
        let #binding = crate::runtime::Request::new(::reqwest::Method::#method, #id);
        #idempotent
        #accept
        #(#segments)*
        #(#params)*
        #body
        ::std::result::Result::Ok(request)
    }
}

/// The runtime call that encodes the body `value` (a reference) as its media type says.
fn set_body(body: &Body, value: TokenStream) -> TokenStream {
    let media = body.media.media_type.as_str();
    match body.media.encoding {
        Encoding::Json => quote!(request.json_body(#media, #value)?;),
        Encoding::Text => quote!(request.text_body(#media, #value);),
        Encoding::Binary => quote!(request.bytes_body(#media, #value);),
        Encoding::Form => quote!(request.form_body(#value);),
        Encoding::Multipart => quote!(request.multipart_body(#value);),
    }
}

/// The `Accept` header of an operation whose success bodies are not all `application/json` (the runtime's
/// default): their media types.
fn accept(op: &Operation) -> Option<String> {
    let successes: Vec<&Success> = match &op.output {
        Output::Single(success) => vec![success],
        Output::Cases { cases, .. } => cases.iter().collect(),
    };
    let mut media: Vec<&str> =
        successes.iter().filter_map(|s| s.media.as_ref()).map(|m| m.media_type.as_str()).collect();
    media.sort_unstable();
    media.dedup();
    (!media.iter().all(|m| *m == "application/json")).then(|| media.join(", "))
}

fn send_param(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    let wire = &param.wire_name;
    let is_vec = matches!(param.ty, crate::model::Type::Vec(_));
    let add = match (param.location, is_vec, param.style) {
        (ParamLocation::Path, _, _) => quote!(),
        (ParamLocation::Query, _, QueryStyle::Json) => quote!(request.query_json(#wire, value);),
        (ParamLocation::Header, _, QueryStyle::Json) => quote!(request.header_json(#wire, value);),
        (ParamLocation::Cookie, _, QueryStyle::Json) => quote!(request.cookie_json(#wire, value);),
        (ParamLocation::Query, _, QueryStyle::FormObject) => {
            quote!(request.query_object(::std::option::Option::None, value);)
        }
        (ParamLocation::Query, _, QueryStyle::DeepObject) => {
            quote!(request.query_object(::std::option::Option::Some(#wire), value);)
        }
        (ParamLocation::Query, true, QueryStyle::Repeated) => {
            quote!(for value in value { request.query(#wire, value); })
        }
        (ParamLocation::Query, true, QueryStyle::Delimited(separator)) => {
            let separator = separator.to_string();
            quote!(request.query_delimited(#wire, value, #separator);)
        }
        (ParamLocation::Query, true, _) => quote!(request.query_joined(#wire, value);),
        (ParamLocation::Query, false, _) => quote!(request.query(#wire, value);),
        (ParamLocation::Header, true, _) => quote!(request.header_joined(#wire, value);),
        (ParamLocation::Header, false, _) => quote!(request.header(#wire, value);),
        (ParamLocation::Cookie, true, _) => quote!(request.cookie_joined(#wire, value);),
        (ParamLocation::Cookie, false, _) => quote!(request.cookie(#wire, value);),
    };
    if param.required {
        quote! { { let value = &self.#name; #add } }
    } else {
        quote! { if let ::std::option::Option::Some(value) = &self.#name { #add } }
    }
}

fn decode(op: &Operation) -> TokenStream {
    let arms = match &op.output {
        Output::Single(success) => {
            let status = status_pattern(success.status);
            let decode = decode_call(op, success);
            vec![quote!(#status => #decode,)]
        }
        Output::Cases { name, cases } => {
            let name = ident(name);
            cases
                .iter()
                .map(|success| {
                    let status = status_pattern(success.status);
                    let variant = ident(&success.variant);
                    let decode = decode_call(op, success);
                    let wrap =
                        if success.ty.is_some() { quote!(#name::#variant) } else { quote!(|()| #name::#variant) };
                    quote!(#status => #decode.map(|response| response.map(#wrap)),)
                })
                .collect()
        }
    };
    quote! {
        match response.status() {
            #(#arms)*
            _ => ::std::result::Result::Err(response.into_error()),
        }
    }
}

/// The status of an operation's one success response when it is a single code and its body is read as
/// JSON: the answer the runtime's `Operation` derive reads itself.
fn json_status(op: &Operation) -> Option<u16> {
    let Output::Single(success) = &op.output else { return None };
    let StatusMatch::Code(code) = success.status else { return None };
    (reading(success) == Reading::Json).then_some(code)
}

/// The match pattern of the statuses a success response stands for.
pub(super) fn status_pattern(status: StatusMatch) -> TokenStream {
    let range = |first: u16| {
        let (low, high) =
            (proc_macro2::Literal::u16_unsuffixed(first), proc_macro2::Literal::u16_unsuffixed(first + 99));
        quote!(#low..=#high)
    };
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(hundreds) => range(hundreds * 100),
        StatusMatch::AnySuccess => range(200),
    }
}

fn decode_call(op: &Operation, success: &Success) -> TokenStream {
    match reading(success) {
        Reading::Empty => quote!(response.empty()),
        Reading::Multipart => quote!(crate::runtime::decode_multipart(response)),
        Reading::Text => quote!(response.text()),
        Reading::Binary => quote!(response.bytes()),
        Reading::Form => {
            let id = &op.operation_id;
            quote!(crate::runtime::decode_form(#id, response))
        }
        Reading::Json => quote!(response.decode()),
    }
}

/// How a success response's body is read.
#[derive(PartialEq)]
enum Reading {
    Empty,
    Multipart,
    Text,
    Binary,
    Form,
    Json,
}

fn reading(success: &Success) -> Reading {
    match success.media.as_ref().map(|media| media.encoding) {
        _ if success.ty.is_none() => Reading::Empty,
        _ if success.ty == Some(crate::model::Type::MultipartBody) => Reading::Multipart,
        Some(Encoding::Text) => Reading::Text,
        Some(Encoding::Binary) => Reading::Binary,
        Some(Encoding::Form) => Reading::Form,
        _ => Reading::Json,
    }
}

fn output_enum(op: &Operation) -> Option<TokenStream> {
    let Output::Cases { name, cases } = &op.output else { return None };
    let name = ident(name);
    let docs =
        format!(" What a successful `{}` call gives: one variant per documented success status.", op.operation_id);
    let variants = cases.iter().map(|success| {
        let variant = ident(&success.variant);
        let mut lines = vec![format!("Status {}.", success.status)];
        crate::docs::push_paragraph(&mut lines, success.docs.clone());
        let docs = doc_attrs(&lines);
        match &success.ty {
            Some(ty) => {
                let ty = type_path(ty);
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    });
    Some(quote! {
        #[doc = #docs]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    })
}

//! Token helpers shared by the emitters: identifiers, doc attributes and type paths.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Gate, Type};

/// An identifier for a name that came out of [`crate::naming`] (and so is always valid).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = ...]` attributes, one per line, in the `/// text` form rustfmt writes.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = ...]` attributes for a module's own documentation.
pub fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #![doc = #lines] )* }
}

/// The fully qualified Rust type of a model type.
pub fn type_path(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(::std::string::String),
        Type::Bool => quote!(bool),
        Type::Int32 => quote!(i32),
        Type::Int64 => quote!(i64),
        Type::Float => quote!(f32),
        Type::Double => quote!(f64),
        Type::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Type::Date => quote!(::chrono::NaiveDate),
        Type::Json => quote!(::serde_json::Value),
        Type::Vec(item) => {
            let item = type_path(item);
            quote!(::std::vec::Vec<#item>)
        }
        Type::Map(value) => {
            let value = type_path(value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        Type::Named(name) => {
            let name = ident(name);
            quote!(crate::models::#name)
        }
        Type::Bytes => quote!(::bytes::Bytes),
        Type::Multipart => quote!(crate::runtime::Multipart),
        Type::MultipartBody => quote!(crate::runtime::MultipartBody),
    }
}

/// The argument type a setter or constructor takes for a value of `ty`, and how to turn it into `ty`: the
/// runtime's derives decide (`genesys_cloud_runtime_expand::argument`), so that model setters and request
/// builder setters take the same arguments.
pub fn argument(ty: &Type, value: &Ident) -> (TokenStream, TokenStream) {
    genesys_cloud_runtime_expand::argument(type_path(ty), value).expect("a type path parses as a type")
}

/// `name: value` in a struct expression, or `name` alone when the value is the variable of that name.
pub fn field_init(name: &Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() { quote!(#name) } else { quote!(#name: #value) }
}

/// The `#[cfg]` that compiles an item when its gate is open; nothing when it always is.
pub fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::AnyOf(features) if features.len() == 1 => {
            let feature = &features[0];
            quote!(#[cfg(feature = #feature)])
        }
        Gate::AnyOf(features) => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

//! The derive macros of `genesys-cloud-runtime`, re-exported there: the impls each generated model would
//! otherwise spell out, written at build time by `genesys-cloud-runtime-expand`.

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// The constructor, setters, `Serialize` and `Deserialize` of a generated model struct; see
/// `genesys_cloud_runtime_expand::model`.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    genesys_cloud_runtime_expand::model(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// The conversions and encodings of a generated string enum; see
/// `genesys_cloud_runtime_expand::string_enum`.
#[proc_macro_derive(StringEnum, attributes(model))]
pub fn derive_string_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    genesys_cloud_runtime_expand::string_enum(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// `timeout`, `send`, `send_with_metadata` and `IntoFuture` of a generated request builder; see
/// `genesys_cloud_runtime_expand::operation`.
#[proc_macro_derive(Operation, attributes(operation))]
pub fn derive_operation(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    genesys_cloud_runtime_expand::operation(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

//! Reading the `#[model]` attributes and the shapes of field types.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Error, GenericArgument, Ident, LitStr, PathArguments, Result, Type};

/// What a `#[model(...)]` attribute list says of a field or a variant.
#[derive(Default)]
pub struct ModelAttrs {
    /// `rename = "wire"`.
    pub rename: Option<LitStr>,
    /// `rest`.
    pub rest: bool,
    /// `required`.
    pub required: bool,
}

/// The `#[model]` attributes of a field or variant; an unknown key is an error at its place.
pub fn model_attrs(attrs: &[Attribute]) -> Result<ModelAttrs> {
    let mut found = ModelAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("model")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found.rename = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("rest") {
                found.rest = true;
            } else if meta.path.is_ident("required") {
                found.required = true;
            } else {
                return Err(meta.error("expected `rename = \"...\"`, `rest` or `required`"));
            }
            Ok(())
        })?;
    }
    Ok(found)
}

/// The doc attributes among `attrs`.
pub fn docs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect()
}

/// The name on the wire: the `rename`, or the Rust name without `r#`.
pub fn wire_name(ident: &Ident, attrs: &ModelAttrs) -> LitStr {
    match &attrs.rename {
        Some(rename) => rename.clone(),
        None => LitStr::new(ident.to_string().trim_start_matches("r#"), ident.span()),
    }
}

/// Removes the derives' own attributes, for the item written out in place: `#[operation]` on the item,
/// `#[model]` on its fields or variants.
pub fn strip_helper_attrs(input: &mut DeriveInput) {
    input.attrs.retain(|attr| !attr.path().is_ident("operation"));
    let keep = |attrs: &mut Vec<Attribute>| attrs.retain(|attr| !attr.path().is_ident("model"));
    match &mut input.data {
        Data::Struct(data) => data.fields.iter_mut().for_each(|field| keep(&mut field.attrs)),
        Data::Enum(data) => data.variants.iter_mut().for_each(|variant| keep(&mut variant.attrs)),
        Data::Union(_) => {}
    }
}

/// The type argument of `ty` if it is `Wrapper<T>` (by its last path segment), as in `Option<T>`.
pub fn wrapped<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The argument type a setter or constructor takes for a value of `ty`, and how to turn `value` into
/// `ty`.
///
/// Booleans and numbers are taken as they are (`impl Into` would buy nothing but worse inference of
/// literals); arrays take any iterator of items that convert; the rest take `impl Into<T>`, so `&str`
/// works where a `String` or an enum is wanted. A boxed value is boxed here.
pub fn argument(ty: &Type, value: &Ident) -> (TokenStream, TokenStream) {
    if let Some(inner) = wrapped(ty, "Box") {
        let (arg, converted) = argument(inner, value);
        return (arg, quote!(::std::boxed::Box::new(#converted)));
    }
    if let Some(item) = wrapped(ty, "Vec") {
        return (
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
            quote!(#value.into_iter().map(::std::convert::Into::into).collect()),
        );
    }
    if is_plain(ty) {
        return (quote!(#ty), quote!(#value));
    }
    (quote!(impl ::std::convert::Into<#ty>), quote!(#value.into()))
}

/// Whether `ty` is a boolean or a number.
fn is_plain(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    path.path.get_ident().is_some_and(|ident| ["bool", "i32", "i64", "f32", "f64"].iter().any(|name| ident == name))
}

/// An error at `tokens` with `message`.
pub fn error(tokens: impl quote::ToTokens, message: &str) -> Error {
    Error::new_spanned(tokens, message)
}

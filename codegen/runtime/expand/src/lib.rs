//! What the derives of `genesys-cloud-runtime` write: the impls of a generated model struct
//! ([`model`]), of a generated string enum ([`string_enum`]) and of a request builder ([`operation`]).
//!
//! The derive macros call these at build time. The generator calls them too, through [`in_place`], when
//! a crate copies the runtime in instead of depending on it: such a crate cannot use a derive macro, so
//! it gets the same impls written out. One expansion serves both, so the two kinds of crate agree.
//!
//! The expansions name the runtime as `crate::runtime`: a generated crate has that path either way, as
//! an alias of the runtime crate or as the module the runtime is copied into.

mod enums;
mod fields;
mod operations;
mod structs;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Data, DeriveInput, Result};

/// The impls of `#[derive(Model)]` on a struct with named fields: `new` and a `with_` setter per
/// optional field, `Serialize`, and a one-pass `Deserialize`.
///
/// Field attributes: `#[model(rename = "wire")]` when the member's name differs from the field's;
/// `#[model(rest)]` on the map that keeps undeclared members; `#[model(required)]` on an `Option` field
/// that must be given to `new` (a required member that may be `null`). Any other `Option` field is
/// optional; any other field is required.
pub fn model(input: &DeriveInput) -> Result<TokenStream> {
    match &input.data {
        Data::Struct(data) => structs::expand(input, data),
        _ => Err(fields::error(&input.ident, "`Model` is derived for structs with named fields only")),
    }
}

/// The impls of `#[derive(StringEnum)]` on an enum of unit variants, each with
/// `#[model(rename = "wire")]`, and one variant of one field, the runtime's `UnrecognizedValue`, that
/// keeps any other value: `as_str`, the runtime's `StringEnum` and `ParamValue`, `From<&str>`,
/// `From<String>`, `Display`, `Serialize` and `Deserialize`.
pub fn string_enum(input: &DeriveInput) -> Result<TokenStream> {
    match &input.data {
        Data::Enum(data) => enums::expand(input, data),
        _ => Err(fields::error(&input.ident, "`StringEnum` is derived for enums only")),
    }
}

/// The methods every request builder has alike (`timeout`, `send`, `send_with_metadata`) and its
/// `IntoFuture`, for `#[derive(Operation)]` on a builder with `#[operation(output = Type)]`, the type a
/// successful call gives. The builder has a lifetime, a `client` field (the generated `Client`) and a
/// `timeout` field, and the methods `build_request` and `read_response`; with `json = 200` in the
/// attribute, the derive writes `read_response` itself: status 200 decodes the body as JSON, any other
/// status is the error.
pub fn operation(input: &DeriveInput) -> Result<TokenStream> {
    match &input.data {
        Data::Struct(data) => operations::expand(input, data),
        _ => Err(fields::error(&input.ident, "`Operation` is derived for structs only")),
    }
}

/// The argument type a setter or constructor takes for a value of the type `ty`, and how to turn `value`
/// into that type: the rule the derives follow, which the generator follows too for the methods and
/// setters of request builders, so that all of a crate's setters take the same arguments.
pub fn argument(ty: TokenStream, value: &proc_macro2::Ident) -> Result<(TokenStream, TokenStream)> {
    Ok(fields::argument(&syn::parse2(ty)?, value))
}

/// An item as the generator writes it for a crate that depends on the runtime, rewritten for a crate
/// that copies the runtime in: the runtime's derives taken out of `#[derive]`, their `#[model]` and
/// `#[operation]` attributes removed, and the impls they would have written put after the item.
///
/// The tokens are a struct or enum, then any other items, which come back unchanged, as does an item
/// without those derives; tokens that do not start with a struct or enum are an error.
pub fn in_place(tokens: TokenStream) -> Result<TokenStream> {
    let (mut input, rest) = syn::parse::Parser::parse2(
        |stream: syn::parse::ParseStream<'_>| Ok((stream.parse::<DeriveInput>()?, stream.parse::<TokenStream>()?)),
        tokens,
    )?;
    let derives = take_runtime_derives(&mut input)?;
    let mut impls = TokenStream::new();
    for derive in derives {
        impls.extend(match derive {
            Derive::Model => model(&input)?,
            Derive::StringEnum => string_enum(&input)?,
            Derive::Operation => operation(&input)?,
        });
    }
    fields::strip_helper_attrs(&mut input);
    let mut out = input.into_token_stream();
    out.extend(impls);
    out.extend(rest);
    Ok(out)
}

/// A derive of the runtime's.
enum Derive {
    Model,
    StringEnum,
    Operation,
}

/// Removes the runtime's derives (`crate::runtime::Model`, `StringEnum`, `Operation`) from the item's
/// `#[derive]`s, and says which were there; a `#[derive]` left empty is removed.
fn take_runtime_derives(input: &mut DeriveInput) -> Result<Vec<Derive>> {
    let mut found = Vec::new();
    let mut attrs = Vec::with_capacity(input.attrs.len());
    for attr in std::mem::take(&mut input.attrs) {
        if !attr.path().is_ident("derive") {
            attrs.push(attr);
            continue;
        }
        let paths = attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)?;
        let mut kept = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::new();
        for path in paths {
            match runtime_derive(&path) {
                Some(derive) => found.push(derive),
                None => kept.push(path),
            }
        }
        if !kept.is_empty() {
            attrs.push(syn::parse_quote!(#[derive(#kept)]));
        }
    }
    input.attrs = attrs;
    Ok(found)
}

/// The runtime derive a `#[derive]` path names (`crate::runtime::Model`, …), if it names one.
fn runtime_derive(path: &syn::Path) -> Option<Derive> {
    let idents: Vec<&syn::Ident> = path.segments.iter().map(|segment| &segment.ident).collect();
    let [krate, runtime, name] = idents[..] else { return None };
    if krate != "crate" || runtime != "runtime" {
        return None;
    }
    match name.to_string().as_str() {
        "Model" => Some(Derive::Model),
        "StringEnum" => Some(Derive::StringEnum),
        "Operation" => Some(Derive::Operation),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::in_place;

    fn written_out(item: proc_macro2::TokenStream) -> String {
        in_place(item).map(|tokens| tokens.to_string()).unwrap_or_else(|err| panic!("{err}"))
    }

    /// The visitor's locals step aside for fields named like them, and wire names come from `rename`.
    #[test]
    fn locals_step_aside_for_fields_and_members_keep_their_wire_names() {
        let out = written_out(quote! {
            #[derive(Clone, crate::runtime::Model)]
            pub struct Thing {
                pub map: Option<String>,
                #[model(rename = "name")]
                pub name_: Option<String>,
                pub name: Option<String>,
                #[model(rest)]
                pub rest: BTreeMap<String, Value>,
            }
        });
        assert!(out.contains("mut map_ : A"), "{out}");
        assert!(out.contains("Some (name__) = map_ . next_key"), "{out}");
        assert!(out.contains("\"map\" => crate :: runtime :: member (& mut map_ , & mut map , \"map\")"), "{out}");
        assert!(out.contains("\"name\" => crate :: runtime :: member (& mut map_ , & mut name_ , \"name\")"), "{out}");
        assert!(out.contains("# [derive (Clone)]") && !out.contains("# [model"), "{out}");
    }

    /// Required members are given to `new` and always sent; optional ones get setters and are left out
    /// when absent; a required member that may be `null` is given to `new` as an `Option`.
    #[test]
    fn roles_follow_option_and_required() {
        let out = written_out(quote! {
            #[derive(crate::runtime::Model)]
            pub struct Thing {
                pub id: String,
                #[model(required)]
                pub gone: Option<Box<Other>>,
                pub tags: Option<Vec<String>>,
            }
        });
        let new = "pub fn new (id : impl :: std :: convert :: Into < String > , gone : impl :: std :: convert :: Into < :: std :: option :: Option < Other >>) -> Self";
        assert!(out.contains(new), "{out}");
        assert!(out.contains("gone : gone . into () . map (:: std :: boxed :: Box :: new)"), "{out}");
        assert!(out.contains("serialize_entry (& mut map , \"gone\" , & self . gone)"), "{out}");
        assert!(out.contains("if let :: std :: option :: Option :: Some (value) = & self . tags"), "{out}");
        assert!(out.contains("pub fn with_tags (mut self , value : impl :: std :: iter :: IntoIterator"), "{out}");
        assert!(!out.contains("fn with_id") && !out.contains("fn with_gone"), "{out}");
        assert!(out.contains("id : crate :: runtime :: required (id , \"id\") ?"), "{out}");
    }

    /// What the derives cannot take is an error, not a panic.
    #[test]
    fn what_the_derives_cannot_take_is_an_error() {
        let bad = [
            quote!(
                #[derive(crate::runtime::Model)]
                pub struct T(String);
            ),
            quote!(
                #[derive(crate::runtime::Model)]
                pub struct T {
                    #[model(flatten)]
                    pub a: String,
                }
            ),
            quote!(
                #[derive(crate::runtime::StringEnum)]
                pub enum E {
                    A,
                }
            ),
            quote!(
                #[derive(crate::runtime::StringEnum)]
                pub enum E {
                    A { b: u8 },
                    Other(String),
                }
            ),
            quote!(
                fn not_an_item() {}
            ),
        ];
        for item in bad {
            assert!(in_place(item.clone()).is_err(), "{item}");
        }
    }

    /// A request builder gets the methods every builder has, for its output type, and loses the attribute.
    #[test]
    fn a_request_builder_gets_send_and_into_future() {
        let out = written_out(quote! {
            #[derive(Clone, crate::runtime::Operation)]
            #[operation(output = crate::models::Page)]
            pub struct GetPage<'a> { client: &'a crate::Client, timeout: Option<Duration> }
        });
        assert!(!out.contains("# [operation") && !out.contains("fn read_response"), "{out}");
        let json = written_out(quote! {
            #[derive(crate::runtime::Operation)]
            #[operation(output = crate::models::Page, json = 201)]
            pub struct PostPage<'a> { client: &'a crate::Client, timeout: Option<Duration> }
        });
        assert!(json.contains("201 => response . decode ()"), "{json}");
        assert!(
            out.contains("Output = :: std :: result :: Result < crate :: models :: Page , crate :: Error >"),
            "{out}"
        );
        assert!(
            out.contains(
                "self . client . runtime . call (self . build_request () , self . timeout , Self :: read_response)"
            ),
            "{out}"
        );
        assert!(out.contains("impl < 'a > :: std :: future :: IntoFuture for GetPage < 'a >"), "{out}");
        let unsent = quote!(
            #[derive(crate::runtime::Operation)]
            pub struct GetPage<'a> {
                client: &'a crate::Client,
            }
        );
        assert!(in_place(unsent).is_err());
    }

    /// An item without the runtime's derives comes back as it was, with what follows it.
    #[test]
    fn other_items_come_back_unchanged() {
        let out = written_out(quote! {
            #[derive(Clone)]
            pub struct Plain { pub a: String }
            impl Plain {}
        });
        assert_eq!(out, quote!(#[derive(Clone)] pub struct Plain { pub a: String } impl Plain {}).to_string());
    }
}

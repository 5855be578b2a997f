//! A union (`oneOf`, `anyOf`): an enum with a variant per member. Tagged unions decode by their tag and keep
//! values with a tag they do not know; untagged ones try their members in order, the most specific first,
//! and keep values that fit none.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc_attrs, ident, type_path};
use crate::model::{Type, TypeDef, Union, UnionVariant};

pub fn emit(def: &TypeDef, union: &Union) -> TokenStream {
    let name = ident(&def.name);
    let mut lines = def.docs.clone();
    crate::docs::push_paragraph(&mut lines, crate::model::composition::union_docs(union));
    let docs = doc_attrs(&lines);
    let variants = union.variants.iter().map(variant);
    let unrecognized = union.unrecognized.as_ref().map(|unrecognized| {
        let unrecognized = ident(unrecognized);
        quote! {
            /// A value no variant above matches, kept as it was received.
            #unrecognized(::serde_json::Value),
        }
    });
    let (derives, attributes, impls) = match &union.tag {
        Some(tag) => (quote!(), quote!(), tagged_impls(&name, tag, union)),
        None => (quote!(::serde::Serialize, ::serde::Deserialize,), quote!(#[serde(untagged)]), quote!()),
    };
    quote! {
        #docs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, #derives)]
        #attributes
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            #unrecognized
        }

        #impls
    }
}

fn variant(variant: &UnionVariant) -> TokenStream {
    let name = ident(&variant.name);
    let mut ty = type_path(&variant.ty);
    if variant.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let docs = match variant.tags.as_slice() {
        [] => doc_attrs(&[type_label(variant)]),
        tags => {
            let tags: Vec<String> = tags.iter().map(|tag| format!("`{tag:?}`")).collect();
            doc_attrs(&[format!("Tagged {}.", tags.join(" or "))])
        }
    };
    quote! {
        #docs
        #name(#ty),
    }
}

/// An untagged variant's doc line: its type, linked when it is a model.
fn type_label(variant: &UnionVariant) -> String {
    match &variant.ty {
        Type::Named(name) => format!("A [`{name}`](crate::models::{name})."),
        other => format!("{}.", in_words(other)),
    }
}

/// A type that is not a model, as the JSON it stands for.
fn in_words(ty: &Type) -> String {
    match ty {
        Type::String => "A string".to_owned(),
        Type::Bool => "A boolean".to_owned(),
        Type::Int32 | Type::Int64 => "An integer".to_owned(),
        Type::Float | Type::Double => "A number".to_owned(),
        Type::DateTime => "A date and time".to_owned(),
        Type::Date => "A date".to_owned(),
        Type::Vec(_) => "An array".to_owned(),
        Type::Map(_) => "An object with any members".to_owned(),
        Type::Json | Type::Named(_) | Type::Bytes | Type::Multipart | Type::MultipartBody => {
            "Any JSON value".to_owned()
        }
    }
}

fn tagged_impls(name: &proc_macro2::Ident, tag: &str, union: &Union) -> TokenStream {
    let encode = union.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let first = variant.tags.first().map(String::as_str).unwrap_or_default();
        quote!(Self::#variant_name(value) => crate::runtime::serialize_tagged(value, #tag, #first, serializer),)
    });
    let decode = union.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let tags = &variant.tags;
        let wrap = if variant.boxed { quote!(.map(::std::boxed::Box::new)) } else { quote!() };
        quote!(#(::std::option::Option::Some(#tags))|* => crate::runtime::from_json(value)#wrap.map(Self::#variant_name),)
    });
    let (encode_unrecognized, decode_unrecognized) = match &union.unrecognized {
        Some(unrecognized) => {
            let unrecognized = ident(unrecognized);
            (
                quote!(Self::#unrecognized(value) => ::serde::Serialize::serialize(value, serializer),),
                quote!(_ => ::std::result::Result::Ok(Self::#unrecognized(value)),),
            )
        }
        None => (
            quote!(),
            quote!(_ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom("unknown tag")),),
        ),
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    #encode_unrecognized
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match crate::runtime::tag_of(&value, #tag).as_deref() {
                    #(#decode)*
                    #decode_unrecognized
                }
            }
        }
    }
}

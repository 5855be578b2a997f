//! A string enum that decodes values it does not know into a catch-all variant and sends them back unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc_attrs, ident};
use crate::model::{Enum, TypeDef};

pub fn emit(def: &TypeDef, enumeration: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs);
    let separator = (!def.docs.is_empty()).then(|| quote!(#[doc = ""]));
    let unrecognized = ident(&enumeration.unrecognized);
    let variants: Vec<_> = enumeration.variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<_> = enumeration.variants.iter().map(|v| v.wire_name.as_str()).collect();
    let variant_docs = enumeration.variants.iter().map(|variant| {
        let mut lines = vec![format!("`{}`", variant.wire_name)];
        if !variant.docs.is_empty() {
            lines.push(String::new());
            lines.extend(variant.docs.iter().cloned());
        }
        doc_attrs(&lines)
    });
    let catch_all = format!(
        " Values this version of the API description does not list decode into [`{0}`](Self::{0}) and encode back unchanged.",
        enumeration.unrecognized
    );
    quote! {
        #docs
        #separator
        #[doc = #catch_all]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #variant_docs
                #variants,
            )*
            /// A value this version does not know, kept as it was received.
            #unrecognized(crate::runtime::UnrecognizedValue),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#unrecognized(value) => value.as_str(),
                }
            }

        }

        impl crate::runtime::StringEnum for #name {
            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #( #wires => ::std::option::Option::Some(Self::#variants), )*
                    _ => ::std::option::Option::None,
                }
            }

            fn unrecognized(value: crate::runtime::UnrecognizedValue) -> Self {
                Self::#unrecognized(value)
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                crate::runtime::string_enum(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                crate::runtime::string_enum(value)
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::deserialize_str(deserializer).map(|value| Self::from(value.as_ref()))
            }
        }

        impl crate::runtime::ParamValue for #name {
            fn to_param(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    }
}

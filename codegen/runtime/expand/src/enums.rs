//! `#[derive(StringEnum)]`: a string enum that decodes values it does not know into its catch-all variant
//! and sends them back unchanged.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DataEnum, DeriveInput, Fields, Ident, LitStr, Result};

use crate::fields::{error, model_attrs, wire_name};

pub fn expand(input: &DeriveInput, data: &DataEnum) -> Result<TokenStream> {
    let mut known: Vec<(&Ident, LitStr)> = Vec::new();
    let mut catch_all = None;
    for variant in &data.variants {
        match &variant.fields {
            Fields::Unit => known.push((&variant.ident, wire_name(&variant.ident, &model_attrs(&variant.attrs)?))),
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 && catch_all.is_none() => {
                catch_all = Some(&variant.ident);
            }
            _ => return Err(error(variant, "expected a unit variant, or one variant of one field for other values")),
        }
    }
    let catch_all = catch_all.ok_or_else(|| error(&input.ident, "no variant keeps the values not listed"))?;
    let name = &input.ident;
    let (variants, wires): (Vec<&Ident>, Vec<LitStr>) = known.into_iter().unzip();
    Ok(quote! {
        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#catch_all(value) => value.as_str(),
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
                Self::#catch_all(value)
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
    })
}

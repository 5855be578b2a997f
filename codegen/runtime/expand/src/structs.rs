//! `#[derive(Model)]`: a constructor from the required fields, `with_` setters for the rest, an encoding
//! that leaves out absent optional members and puts the kept undeclared ones back, and a decoding that
//! reads each member once, into its field or into the map (serde's `flatten` would buffer the whole
//! object first), with the errors serde's derive gives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{DataStruct, DeriveInput, Fields, Ident, LitStr, Result, Type};

use crate::fields::{ModelAttrs, argument, docs, error, model_attrs, wire_name, wrapped};

/// How a field takes part.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Given to `new`, never absent.
    Required,
    /// Given to `new`, possibly `null` (an `Option` field marked `required`).
    RequiredNullable,
    /// An `Option` set by a `with_` setter.
    Optional,
    /// The map of undeclared members.
    Rest,
}

struct Field<'a> {
    ident: &'a Ident,
    ty: &'a Type,
    wire: LitStr,
    role: Role,
    docs: Vec<&'a syn::Attribute>,
}

pub fn expand(input: &DeriveInput, data: &DataStruct) -> Result<TokenStream> {
    let Fields::Named(named) = &data.fields else {
        return Err(error(&input.ident, "`Model` is derived for structs with named fields only"));
    };
    let mut fields = Vec::with_capacity(named.named.len());
    for field in &named.named {
        let ident = field.ident.as_ref().ok_or_else(|| error(field, "a field without a name"))?;
        let attrs = model_attrs(&field.attrs)?;
        fields.push(Field {
            ident,
            ty: &field.ty,
            wire: wire_name(ident, &attrs),
            role: role(&field.ty, &attrs),
            docs: docs(&field.attrs),
        });
    }
    if fields.iter().filter(|field| field.role == Role::Rest).count() > 1 {
        return Err(error(&input.ident, "at most one field is `#[model(rest)]`"));
    }
    let name = &input.ident;
    let constructor = constructor(&fields);
    let setters = fields.iter().filter(|field| field.role == Role::Optional).map(setter);
    let serialize = serialize(name, &fields);
    let deserialize = deserialize(name, &fields);
    Ok(quote! {
        impl #name {
            #constructor
            #(#setters)*
        }

        #serialize
        #deserialize
    })
}

fn role(ty: &Type, attrs: &ModelAttrs) -> Role {
    match (attrs.rest, attrs.required, wrapped(ty, "Option").is_some()) {
        (true, _, _) => Role::Rest,
        (false, true, true) => Role::RequiredNullable,
        (false, false, true) => Role::Optional,
        (false, _, false) => Role::Required,
    }
}

fn constructor(fields: &[Field<'_>]) -> TokenStream {
    let required: Vec<&Field<'_>> =
        fields.iter().filter(|field| matches!(field.role, Role::Required | Role::RequiredNullable)).collect();
    let params = required.iter().map(|field| {
        let name = field.ident;
        let arg = match (field.role, wrapped(field.ty, "Option")) {
            // `null` is a value the caller must be able to give: `None` or the value itself.
            (Role::RequiredNullable, Some(inner)) => {
                let unboxed = wrapped(inner, "Box").unwrap_or(inner);
                quote!(impl ::std::convert::Into<::std::option::Option<#unboxed>>)
            }
            _ => argument(field.ty, name).0,
        };
        quote!(#name: #arg)
    });
    let inits = fields.iter().map(|field| {
        let name = field.ident;
        let value = match field.role {
            Role::Optional => quote!(::std::option::Option::None),
            Role::Rest => quote!(::std::default::Default::default()),
            Role::RequiredNullable => match wrapped(field.ty, "Option").and_then(|inner| wrapped(inner, "Box")) {
                Some(_) => quote!(#name.into().map(::std::boxed::Box::new)),
                None => quote!(#name.into()),
            },
            Role::Required => argument(field.ty, name).1,
        };
        quote!(#name: #value)
    });
    let docs = if required.is_empty() {
        " A value with no fields set; set them with the `with_` methods."
    } else {
        " A value with the required fields; set the optional ones with the `with_` methods."
    };
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #[doc = #docs]
        #allow
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits,)* }
        }
    }
}

fn setter(field: &Field<'_>) -> TokenStream {
    let name = field.ident;
    let method = format_ident!("with_{}", name.to_string().trim_start_matches("r#").trim_end_matches('_'));
    let value = format_ident!("value");
    let inner = wrapped(field.ty, "Option").unwrap_or(field.ty);
    let (arg, converted) = argument(inner, &value);
    let summary = format!(" Sets `{}`.", field.wire.value());
    let docs = &field.docs;
    let more = (!docs.is_empty()).then(|| quote! { #[doc = ""] #(#docs)* });
    quote! {
        #[doc = #summary]
        #more
        pub fn #method(mut self, #value: #arg) -> Self {
            self.#name = ::std::option::Option::Some(#converted);
            self
        }
    }
}

/// Encodes as a map: required members always, optional ones when present, then the kept ones.
fn serialize(name: &Ident, fields: &[Field<'_>]) -> TokenStream {
    let entries = fields.iter().map(|field| {
        let (ident, wire) = (field.ident, &field.wire);
        match field.role {
            Role::Required | Role::RequiredNullable => {
                quote!(::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, &self.#ident)?;)
            }
            Role::Optional => quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    ::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, value)?;
                }
            },
            Role::Rest => quote! {
                for (name, value) in &self.#ident {
                    ::serde::ser::SerializeMap::serialize_entry(&mut map, name, value)?;
                }
            },
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                ::serde::ser::SerializeMap::end(map)
            }
        }
    }
}

/// Decodes with a visitor that has a slot per field, named as the field. The struct is named by its
/// module's path: a struct called `A` or `D` would otherwise be taken for the generic parameter.
fn deserialize(name: &Ident, fields: &[Field<'_>]) -> TokenStream {
    let expecting = format!("struct {name}");
    // The visitor's own locals must not take a field's name: each field has a slot of its name.
    let map = fresh("map", fields);
    let key = fresh("name", fields);
    let rest = fields.iter().find(|field| field.role == Role::Rest).map(|field| field.ident);
    let declared: Vec<&Field<'_>> = fields.iter().filter(|field| field.role != Role::Rest).collect();
    let slots = declared.iter().map(|field| {
        let slot = field.ident;
        quote!(let mut #slot = ::std::option::Option::None;)
    });
    let arms = declared.iter().map(|field| {
        let (slot, wire) = (field.ident, &field.wire);
        quote!(#wire => crate::runtime::member(&mut #map, &mut #slot, #wire)?,)
    });
    let values = declared.iter().map(|field| {
        let (slot, wire) = (field.ident, &field.wire);
        match field.role {
            Role::Required => quote!(#slot: crate::runtime::required(#slot, #wire)?),
            _ => quote!(#slot: crate::runtime::optional(#slot)),
        }
    });
    let (keep, other, kept) = match rest {
        Some(rest) => (
            quote!(let mut #rest = ::std::collections::BTreeMap::new();),
            quote!(crate::runtime::unknown_member(&mut #map, &mut #rest, #key)?),
            quote!(#rest,),
        ),
        None => (TokenStream::new(), quote!(crate::runtime::ignored_member(&mut #map)?), TokenStream::new()),
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;

                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = self::#name;

                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut #map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #(#slots)*
                        #keep
                        while let ::std::option::Option::Some(#key) = #map.next_key::<crate::runtime::MemberName<'de>>()? {
                            match #key.as_str() {
                                #(#arms)*
                                _ => #other,
                            }
                        }
                        ::std::result::Result::Ok(self::#name {
                            #(#values,)*
                            #kept
                        })
                    }
                }

                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// `base`, or `base` followed by as many `_` as it takes not to be a field's name.
fn fresh(base: &str, fields: &[Field<'_>]) -> Ident {
    let mut name = base.to_owned();
    while fields.iter().any(|field| field.ident == name.as_str()) {
        name.push('_');
    }
    format_ident!("{name}")
}

//! A struct: serde derives with wire names, optional fields that are never sent as `null`, a map that keeps
//! undeclared members (encoded by `flatten`, decoded by [`struct_decode`]'s visitor), a constructor from the
//! required fields and `with_` setters for the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::struct_decode;
use super::tokens::{argument, doc_attrs, field_init, ident, type_path};
use crate::model::{EnumReader, Field, Struct, TypeDef};

pub fn emit(def: &TypeDef, strukt: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs);
    let default = strukt.all_optional().then(|| quote!(::std::default::Default,));
    // A struct that keeps undeclared members decodes through a visitor of its own; the rest derive it.
    let (decode, derive, deserialize) = match &strukt.additional {
        Some((kept, _)) => (Decode::Visitor, TokenStream::new(), struct_decode::emit(def, strukt, kept)),
        None => (Decode::Derived, quote!(, ::serde::Deserialize), TokenStream::new()),
    };
    let fields = strukt.fields.iter().map(|f| field(f, decode));
    let additional = strukt.additional.as_ref().map(|(field_name, ty)| {
        let field_name = ident(field_name);
        let ty = type_path(ty);
        quote! {
            /// Members the server sent that this version of the API description does not declare, kept so
            /// that re-encoding the value loses nothing.
            #[serde(flatten)]
            pub #field_name: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let constructor = constructor(strukt);
    let setters = strukt.fields.iter().filter(|f| !f.required).map(setter);
    let readers =
        strukt.readers.iter().filter_map(|r| strukt.fields.iter().find(|f| f.name == r.field).map(|f| reader(r, f)));
    quote! {
        #docs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, #default ::std::cmp::PartialEq, ::serde::Serialize #derive)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        impl #name {
            #constructor
            #(#setters)*
            #(#readers)*
        }

        #deserialize
    }
}

/// A method that reads a text field as an enum: `None` when the field is absent, for a field that may be.
fn reader(reader: &EnumReader, field: &Field) -> TokenStream {
    let (method, name) = (ident(&reader.method), ident(&field.name));
    let enumeration = ident(&reader.enumeration);
    let docs = doc_attrs(&reader.docs);
    if field.required && !field.nullable {
        quote! {
            #docs
            pub fn #method(&self) -> crate::models::#enumeration {
                crate::models::#enumeration::from(self.#name.as_str())
            }
        }
    } else {
        quote! {
            #docs
            pub fn #method(&self) -> ::std::option::Option<crate::models::#enumeration> {
                self.#name.as_deref().map(crate::models::#enumeration::from)
            }
        }
    }
}

/// The Rust type of a field: `Option` unless it is required and not nullable, boxed if it closes a cycle.
fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_path(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if field.required && !field.nullable { ty } else { quote!(::std::option::Option<#ty>) }
}

/// How a struct is decoded.
#[derive(Clone, Copy)]
enum Decode {
    /// By serde's derive, which the field attributes steer.
    Derived,
    /// By a visitor of its own ([`struct_decode`]); the field attributes steer encoding only.
    Visitor,
}

fn field(field: &Field, decode: Decode) -> TokenStream {
    let docs = doc_attrs(&field.docs);
    let name = ident(&field.name);
    let ty = field_type(field);
    let serde = serde_attribute(field, decode);
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

/// A field's `#[serde(...)]`: its wire name when the Rust name differs, and for an optional field, never
/// `null` on the wire (and absent decodes as `None` when serde's derive decodes it); none when nothing is
/// needed.
fn serde_attribute(field: &Field, decode: Decode) -> TokenStream {
    let wire = &field.wire_name;
    let rename = (field.name != *wire).then(|| quote!(rename = #wire));
    let optional = match (field.required, decode) {
        (true, _) => None,
        (false, Decode::Derived) => Some(quote!(default, skip_serializing_if = "::std::option::Option::is_none")),
        (false, Decode::Visitor) => Some(quote!(skip_serializing_if = "::std::option::Option::is_none")),
    };
    match (rename, optional) {
        (None, None) => TokenStream::new(),
        (Some(rename), None) => quote!(#[serde(#rename)]),
        (None, Some(optional)) => quote!(#[serde(#optional)]),
        (Some(rename), Some(optional)) => quote!(#[serde(#rename, #optional)]),
    }
}

fn constructor(strukt: &Struct) -> TokenStream {
    let required: Vec<&Field> = strukt.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        let name = ident(&f.name);
        let arg = if f.nullable {
            // `null` is a value the caller must be able to give: `None` or the value itself.
            let path = type_path(&f.ty);
            quote!(impl ::std::convert::Into<::std::option::Option<#path>>)
        } else {
            argument(&f.ty, &name).0
        };
        quote!(#name: #arg)
    });
    let inits = strukt.fields.iter().map(|f| {
        let name = ident(&f.name);
        if !f.required {
            return quote!(#name: ::std::option::Option::None);
        }
        let value = match (f.nullable, f.boxed) {
            (true, true) => quote!(#name.into().map(::std::boxed::Box::new)),
            (true, false) => quote!(#name.into()),
            (false, true) => {
                let value = argument(&f.ty, &name).1;
                quote!(::std::boxed::Box::new(#value))
            }
            (false, false) => argument(&f.ty, &name).1,
        };
        field_init(&name, value)
    });
    let additional = strukt.additional.as_ref().map(|(name, _)| {
        let name = ident(name);
        quote!(#name: ::std::collections::BTreeMap::new(),)
    });
    let docs = if required.is_empty() {
        quote!(#[doc = " A value with no fields set; set them with the `with_` methods."])
    } else {
        quote!(#[doc = " A value with the required fields; set the optional ones with the `with_` methods."])
    };
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #allow
        pub fn new(#(#params),*) -> Self {
            Self {
                #(#inits,)*
                #additional
            }
        }
    }
}

fn setter(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let method = format_ident!("with_{}", field.name.trim_end_matches('_'));
    let value = ident("value");
    let (arg, mut converted) = argument(&field.ty, &value);
    if field.boxed {
        converted = quote!(::std::boxed::Box::new(#converted));
    }
    let summary = format!(" Sets `{}`.", field.wire_name);
    let more = (!field.docs.is_empty()).then(|| {
        let docs = doc_attrs(&field.docs);
        quote! { #[doc = ""] #docs }
    });
    quote! {
        #[doc = #summary]
        #more
        pub fn #method(mut self, #value: #arg) -> Self {
            self.#name = ::std::option::Option::Some(#converted);
            self
        }
    }
}

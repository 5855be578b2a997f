//! A struct: its fields with their wire names where they differ, and the map that keeps undeclared
//! members. The runtime's `Model` derive writes the rest (a constructor from the required fields, `with_`
//! setters for the others, and the encoding and one-pass decoding); methods that read a text field as an
//! enum are written here.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc_attrs, ident, type_path};
use crate::model::{EnumReader, Field, Struct, TypeDef};

pub fn emit(def: &TypeDef, strukt: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs);
    let default = strukt.all_optional().then(|| quote!(::std::default::Default,));
    let fields = strukt.fields.iter().map(field);
    let additional = strukt.additional.as_ref().map(|(field_name, ty)| {
        let field_name = ident(field_name);
        let ty = type_path(ty);
        quote! {
            /// Members the server sent that this version of the API description does not declare, kept so
            /// that re-encoding the value loses nothing.
            #[model(rest)]
            pub #field_name: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let readers: Vec<TokenStream> = strukt
        .readers
        .iter()
        .filter_map(|r| strukt.fields.iter().find(|f| f.name == r.field).map(|f| reader(r, f)))
        .collect();
    let readers = (!readers.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#readers)*
            }
        }
    });
    quote! {
        #docs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, #default ::std::cmp::PartialEq, crate::runtime::Model)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #readers
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

fn field(field: &Field) -> TokenStream {
    let docs = doc_attrs(&field.docs);
    let name = ident(&field.name);
    let ty = field_type(field);
    let wire = &field.wire_name;
    let rename = (field.name != *wire).then(|| quote!(rename = #wire));
    // A required member that may be `null` is an `Option` all the same: the derive must be told.
    let required = (field.required && field.nullable).then(|| quote!(required));
    let attribute = match (rename, required) {
        (None, None) => TokenStream::new(),
        (Some(rename), None) => quote!(#[model(#rename)]),
        (None, Some(required)) => quote!(#[model(#required)]),
        (Some(rename), Some(required)) => quote!(#[model(#rename, #required)]),
    };
    quote! {
        #docs
        #attribute
        pub #name: #ty,
    }
}

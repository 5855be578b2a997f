//! The `Deserialize` impl of a struct that keeps undeclared members: a visitor that reads each member once,
//! into its field or into the map, through the runtime's `object` helpers (serde's `flatten` would buffer
//! the whole object first). Structs without that map derive `Deserialize`.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_path};
use crate::model::{Field, Struct, TypeDef};
use crate::naming::Namespace;

/// The impl; `additional` is the map field's Rust name.
pub fn emit(def: &TypeDef, strukt: &Struct, additional: &str) -> TokenStream {
    let path = type_path(&crate::model::Type::Named(def.name.clone()));
    let expecting = format!("struct {}", def.name);
    // The visitor's own locals must not take a field's name: each field has a local of its name.
    let fields: Vec<&str> = strukt.fields.iter().map(|f| f.name.as_str()).chain([additional]).collect();
    let mut locals = Namespace::with_reserved(&fields);
    let map = ident(&locals.claim("map".to_owned()));
    let name = ident(&locals.claim("name".to_owned()));
    let kept = ident(additional);
    let slots = strukt.fields.iter().map(|f| {
        let slot = ident(&f.name);
        quote!(let mut #slot = ::std::option::Option::None;)
    });
    let arms = strukt.fields.iter().map(|f| {
        let slot = ident(&f.name);
        let wire = &f.wire_name;
        quote!(#wire => crate::runtime::member(&mut #map, &mut #slot, #wire)?,)
    });
    let values = strukt.fields.iter().map(value);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #path {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;

                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #path;

                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut #map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #(#slots)*
                        let mut #kept = ::std::collections::BTreeMap::new();
                        while let ::std::option::Option::Some(#name) = #map.next_key::<crate::runtime::MemberName<'de>>()? {
                            match #name.as_str() {
                                #(#arms)*
                                _ => crate::runtime::unknown_member(&mut #map, &mut #kept, #name)?,
                            }
                        }
                        ::std::result::Result::Ok(#path {
                            #(#values,)*
                            #kept,
                        })
                    }
                }

                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// A field's value from its slot: required ones must have been given; the rest may be absent or `null`.
fn value(field: &Field) -> TokenStream {
    let slot = ident(&field.name);
    let wire = &field.wire_name;
    if field.required && !field.nullable {
        quote!(#slot: crate::runtime::required(#slot, #wire)?)
    } else {
        quote!(#slot: crate::runtime::optional(#slot))
    }
}

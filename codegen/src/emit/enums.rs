//! A string enum that decodes values it does not know into a catch-all variant and sends them back unchanged:
//! its variants with their wire names; the runtime's `StringEnum` derive writes the impls.

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
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, crate::runtime::StringEnum)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #variant_docs
                #[model(rename = #wires)]
                #variants,
            )*
            /// A value this version does not know, kept as it was received.
            #unrecognized(crate::runtime::UnrecognizedValue),
        }
    }
}

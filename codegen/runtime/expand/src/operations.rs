//! `#[derive(Operation)]`: what every request builder has alike. The builder keeps its fields, its
//! setters, `build_request` and `read_response`; the derive adds `timeout`, `send`, `send_with_metadata`
//! and `IntoFuture`, which differ only in the type a successful call gives, and for the common answer
//! (one status, a JSON body: `json = 200`) `read_response` too.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DataStruct, DeriveInput, Fields, LitInt, Result, Type};

use crate::fields::error;

pub fn expand(input: &DeriveInput, data: &DataStruct) -> Result<TokenStream> {
    let (output, json) = operation_attr(input)?;
    let Fields::Named(named) = &data.fields else {
        return Err(error(&input.ident, "`Operation` is derived for structs with named fields only"));
    };
    for needed in ["client", "timeout"] {
        if !named.named.iter().any(|field| field.ident.as_ref().is_some_and(|ident| ident == needed)) {
            return Err(error(&input.ident, &format!("a request builder needs a `{needed}` field")));
        }
    }
    let lifetime = input
        .generics
        .lifetimes()
        .next()
        .map(|param| param.lifetime.clone())
        .ok_or_else(|| error(&input.ident, "a request builder borrows its client: it needs a lifetime"))?;
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let read_response = json.map(|status| {
        quote! {
            fn read_response(response: crate::runtime::RawResponse) -> ::std::result::Result<crate::runtime::Response<#output>, crate::Error> {
                match response.status() {
                    #status => response.decode(),
                    _ => ::std::result::Result::Err(response.into_error()),
                }
            }
        }
    });
    Ok(quote! {
        impl #impl_generics #name #type_generics #where_clause {
            /// How long each attempt of this request may take, body included, instead of the client's timeout.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Sends the request and decodes the response body.
            #[inline]
            pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::Error>> + ::std::marker::Send + #lifetime {
                crate::runtime::body_of(self.send_with_metadata())
            }

            /// Sends the request; the decoded body comes with the status, the headers and the correlation id.
            #[inline]
            pub fn send_with_metadata(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::runtime::Response<#output>, crate::Error>> + ::std::marker::Send + #lifetime {
                self.client.runtime.call(self.build_request(), self.timeout, Self::read_response)
            }

            #read_response
        }

        impl #impl_generics ::std::future::IntoFuture for #name #type_generics #where_clause {
            type Output = ::std::result::Result<#output, crate::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + #lifetime>>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    })
}

/// What `#[operation(output = Type, json = 200)]` says: the type a successful call gives, and when the
/// only success is one status whose body is that type in JSON, the status.
fn operation_attr(input: &DeriveInput) -> Result<(Type, Option<LitInt>)> {
    let (mut output, mut json) = (None, None);
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("operation")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("output") {
                output = Some(meta.value()?.parse::<Type>()?);
            } else if meta.path.is_ident("json") {
                json = Some(meta.value()?.parse::<LitInt>()?);
            } else {
                return Err(meta.error("expected `output = Type` or `json = status`"));
            }
            Ok(())
        })?;
    }
    let output = output.ok_or_else(|| error(&input.ident, "a request builder needs `#[operation(output = Type)]`"))?;
    Ok((output, json))
}

//! `src/regions.rs`: the regions from the settings, which `ClientBuilder::region` takes.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, inner_doc_attrs};
use crate::model::Region;

pub fn emit(regions: &[Region]) -> TokenStream {
    let docs =
        inner_doc_attrs(&["The regions the API is served in, each with its API and login base URLs.".to_owned()]);
    let variants: Vec<_> = regions.iter().map(|r| ident(&r.variant)).collect();
    let names: Vec<_> = regions.iter().map(|r| r.name.as_str()).collect();
    let apis = regions.iter().map(|r| r.api.as_str());
    let logins = regions.iter().map(|r| r.login.as_str());
    let variant_docs = regions.iter().map(|r| format!(" `{}`: <{}>", r.name, r.api));
    let expected = names.join(", ");
    quote! {
        #docs

        /// A region, by the name Genesys gives it (`us-east-1`, `eu-west-1`, ...); parse one with `str::parse`.
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum Region {
            #( #[doc = #variant_docs] #variants, )*
        }

        impl Region {
            /// Every region, in the settings' order.
            pub const ALL: &'static [Region] = &[#(Region::#variants),*];

            /// The region's name.
            pub fn name(self) -> &'static str {
                match self { #( Region::#variants => #names, )* }
            }

            /// The API's base URL in this region.
            pub fn api_url(self) -> &'static str {
                match self { #( Region::#variants => #apis, )* }
            }

            /// The login service's base URL in this region, where tokens come from.
            pub fn login_url(self) -> &'static str {
                match self { #( Region::#variants => #logins, )* }
            }
        }

        impl ::std::fmt::Display for Region {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for Region {
            type Err = UnknownRegion;

            fn from_str(name: &str) -> ::std::result::Result<Self, Self::Err> {
                Region::ALL.iter().copied().find(|r| r.name() == name).ok_or_else(|| UnknownRegion(name.to_owned()))
            }
        }

        /// A region name that is not one of [`Region::ALL`].
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq)]
        pub struct UnknownRegion(pub ::std::string::String);

        impl UnknownRegion {
            const EXPECTED: &'static str = #expected;
        }

        impl ::std::fmt::Display for UnknownRegion {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "unknown region {:?}: expected one of {}", self.0, Self::EXPECTED)
            }
        }

        impl ::std::error::Error for UnknownRegion {}

        /// What [`ClientBuilder::region`](crate::ClientBuilder::region) takes.
        impl crate::runtime::RegionUrls for Region {
            fn api_url(&self) -> &str {
                Region::api_url(*self)
            }

            fn login_url(&self) -> &str {
                Region::login_url(*self)
            }
        }
    }
}

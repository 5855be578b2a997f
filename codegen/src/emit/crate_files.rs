//! The files around the types and operations: `lib.rs`, the `mod.rs` of each module, and `Cargo.toml`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{cfg, ident, inner_doc_attrs, type_path};
use crate::model::{Model, Output, Type, TypeDef, TypeKind};
use crate::settings::{Runtime, Settings};

/// `src/lib.rs`.
pub fn lib_rs(model: &Model, runtime: &Runtime) -> TokenStream {
    let mut docs = vec![format!("Typed async client for the {}, version {}.", model.info.title, model.info.version)];
    crate::docs::push_paragraph(&mut docs, model.info.docs.clone());
    crate::docs::push_paragraph(
        &mut docs,
        vec![
            "Make a [`Client`], call one of its methods (one per operation, listed in [`operations`]), set the"
                .to_owned(),
            "request's optional parameters, and `.await` it. Request and response bodies are in [`models`];".to_owned(),
            "every call fails with [`Error`].".to_owned(),
        ],
    );
    if let Some(first) = model.features.first() {
        crate::docs::push_paragraph(
            &mut docs,
            vec![
                "Each tag of the API is a Cargo feature, all on by default: with `default-features = false`, list"
                    .to_owned(),
                format!(
                    "the features of the tags you call (such as `features = [\"{first}\"]`) and only their operations"
                ),
                "and the types they use are compiled.".to_owned(),
            ],
        );
    }
    crate::docs::push_paragraph(&mut docs, vec![runtime_sentence(runtime)]);
    let docs = inner_doc_attrs(&docs);
    let version = &model.info.version;
    let version_doc = if model.info.version_set {
        " The version of the API this crate was generated for, as the generator's settings give it (`api-version`)."
    } else {
        " The `info.version` of the API description this crate was generated from."
    };
    let servers = &model.servers;
    // Generated modules are formatted by the generator; rustfmt, which formats the hand-written runtime,
    // would lay them out otherwise and make them stale.
    let regions = (!model.regions.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod regions;
        }
    });
    let runtime_module = match runtime {
        Runtime::Vendored => quote! {
            #[allow(dead_code, unused_imports)]
            mod runtime;
        },
        Runtime::Dependency(_) => quote!(),
    };
    let runtime_import = match runtime {
        Runtime::Vendored => quote!(),
        Runtime::Dependency(_) => quote!(
            use ::genesys_cloud_runtime as runtime;
        ),
    };
    // One `use` a line, in the order rustfmt sorts them: it formats this file, and keeps it as written.
    let exports = runtime_exports(model);
    let region = (!model.regions.is_empty()).then(|| {
        quote!(
            pub use crate::regions::Region;
        )
    });
    quote! {
        #docs
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        #regions
        #runtime_module

        pub use crate::client::{Client, ClientBuilder, Error};
        #region
        #( pub use crate::runtime::#exports; )*
        #runtime_import

        #[doc = #version_doc]
        pub const API_VERSION: &str = #version;

        /// The base URLs the API description lists; the first is the client's default.
        pub const SERVERS: &[&str] = &[#(#servers),*];
    }
}

/// `src/client.rs`: the client, a method per operation on it (in `operations`) over the runtime's.
pub fn client_rs(model: &Model) -> TokenStream {
    let error_body = type_path(&model.error_body);
    let docs = inner_doc_attrs(&["The client and its builder, and the error of every operation.".to_owned()]);
    quote! {
        #docs

        /// The API client: a method per operation (see [`operations`](crate::operations)), each returning a
        /// request builder that is sent by `.await`. Cheap to clone: clones share one connection pool and one
        /// cached token.
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            pub(crate) runtime: crate::runtime::Client,
        }

        impl Client {
            /// A client for the default base URL (the first of [`SERVERS`](crate::SERVERS)) that sends
            /// `access_token` as a bearer token.
            pub fn new(access_token: impl ::std::convert::Into<::std::string::String>) -> ::std::result::Result<Self, crate::BuildError> {
                Self::builder().access_token(access_token).build()
            }

            /// A builder for a client with another base URL, credentials, retries or timeouts.
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder::new()
            }

            /// The base URL every request path is appended to.
            pub fn base_url(&self) -> &::reqwest::Url {
                self.runtime.base_url()
            }
        }

        impl crate::runtime::Api for Client {
            const SERVERS: &'static [&'static str] = crate::SERVERS;
            const USER_AGENT: &'static str = ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"));

            fn from_client(runtime: crate::runtime::Client) -> Self {
                Self { runtime }
            }
        }

        /// Configures a [`Client`]: base URL, credentials, retries, timeouts.
        pub type ClientBuilder = crate::runtime::ClientBuilder<Client>;

        /// The error every operation returns; an API error carries the server's decoded error body.
        pub type Error = crate::runtime::Error<#error_body>;
    }
}

/// The sentence of the crate docs that says where the runtime is.
fn runtime_sentence(runtime: &Runtime) -> String {
    let generator = env!("CARGO_PKG_NAME");
    match runtime {
        Runtime::Vendored => format!(
            "The crate is generated from the API description by `{generator}`, but for its private `runtime` module: \
             a copy of the hand-written `genesys-cloud-runtime` crate."
        ),
        Runtime::Dependency(_) => format!(
            "The crate is generated from the API description by `{generator}`; it calls the hand-written \
             `genesys-cloud-runtime` crate, whose types it re-exports."
        ),
    }
}

/// The runtime's types that users of this API name, re-exported once at the crate root: those its
/// operations and types use.
fn runtime_exports(model: &Model) -> Vec<TokenStream> {
    let ops = &model.operations;
    let multipart = ops.iter().any(|op| op.body.as_ref().is_some_and(|body| body.ty == Type::Multipart));
    let multipart_body = ops.iter().any(|op| match &op.output {
        Output::Single(success) => success.ty == Some(Type::MultipartBody),
        Output::Cases { cases, .. } => cases.iter().any(|case| case.ty == Some(Type::MultipartBody)),
    });
    let paginated = ops.iter().any(|op| op.pagination.is_some());
    let waits = ops.iter().any(|op| op.waiter.is_some());
    let enums = model.types.iter().any(|def| matches!(def.kind, TypeKind::Enum(_)));
    let names = [
        ("ApiError", true),
        ("AuthError", true),
        ("BuildError", true),
        ("DecodeError", true),
        ("Multipart", multipart),
        ("MultipartBody", multipart_body),
        ("Response", true),
        ("RetryPolicy", true),
        ("UnrecognizedValue", enums),
        ("paginate::Page", paginated),
        ("paginate::PageKey", paginated),
        ("wait::WaitOptions", waits),
    ];
    names
        .into_iter()
        .filter(|(_, used)| *used)
        .map(|(path, _)| {
            let segments = path.split("::").map(ident);
            quote!(#(#segments)::*)
        })
        .collect()
}

/// `src/models/mod.rs`: a module per type, re-exported.
pub fn models_mod(types: &[TypeDef]) -> TokenStream {
    let docs = inner_doc_attrs(&["The request and response bodies of the API, and the enums they use.".to_owned()]);
    let modules = types.iter().map(|def| ident(&def.module));
    let names = types.iter().map(|def| ident(&def.name));
    let gates: Vec<_> = types.iter().map(|def| cfg(&def.gate)).collect();
    let modules2 = modules.clone();
    quote! {
        #docs
        #( #gates mod #modules; )*
        #( #gates pub use #modules2::#names; )*
    }
}

/// `src/operations/mod.rs`: a module per operation; its request builder and output type re-exported.
pub fn operations_mod(model: &Model) -> TokenStream {
    let docs = inner_doc_attrs(&[
        "The operations of the API: a method on [`Client`](crate::Client) each, returning a request builder."
            .to_owned(),
    ]);
    let modules: Vec<_> = model.operations.iter().map(|op| ident(&op.module)).collect();
    let gates: Vec<_> = model.operations.iter().map(|op| cfg(&op.gate)).collect();
    let exports = model.operations.iter().map(|op| {
        let module = ident(&op.module);
        let builder = ident(&op.builder_name);
        let gate = cfg(&op.gate);
        match &op.output {
            crate::model::Output::Cases { name, .. } => {
                let output = ident(name);
                quote!(#gate pub use #module::{#builder, #output};)
            }
            crate::model::Output::Single(_) => quote!(#gate pub use #module::#builder;),
        }
    });
    quote! {
        #docs
        #( #gates mod #modules; )*
        #( #exports )*
    }
}

/// How the generated crate relates to a Cargo workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A member of the enclosing workspace (`generated-client/`).
    WorkspaceMember,
    /// A crate of its own, built with `cargo build` inside its folder (`--out DIR`).
    Standalone,
}

/// `Cargo.toml`. It is TOML, not Rust, so it is written line by line; every value is TOML-escaped.
pub fn cargo_toml(settings: &Settings, features: &[String], layout: Layout) -> String {
    let krate = &settings.krate;
    let value = |text: &str| toml::Value::String(text.to_owned()).to_string();
    let mut lines = vec![
        "[package]".to_owned(),
        format!("name = {}", value(&krate.name)),
        format!("version = {}", value(&krate.version)),
        format!("description = {}", value(&krate.description)),
        format!("license = {}", value(&krate.license)),
        "edition = \"2024\"".to_owned(),
        "rust-version = \"1.85\"".to_owned(),
        String::new(),
        "# Every dependency is named by the generated code or needed by the runtime: see the README.".to_owned(),
        "[dependencies]".to_owned(),
    ];
    lines.extend(dependency_lines(&krate.runtime));
    if !krate.dev_dependencies.is_empty() {
        lines.extend([
            String::new(),
            "# For the examples and tests only; from the generator settings.".to_owned(),
            "[dev-dependencies]".to_owned(),
        ]);
        lines.extend(krate.dev_dependencies.iter().map(|(name, spec)| format!("{name} = {spec}")));
    }
    if !features.is_empty() {
        let list = features.iter().map(|feature| value(feature)).collect::<Vec<_>>().join(", ");
        lines.extend([
            String::new(),
            "# One feature per tag of the API: its operations, and the types they use.".to_owned(),
            "[features]".to_owned(),
        ]);
        lines.push(format!("default = [{list}]"));
        // Feature names are ASCII letters, digits and `-` (see `naming::feature_name`): bare keys.
        lines.extend(features.iter().map(|feature| format!("{feature} = []")));
    }
    if layout == Layout::Standalone {
        lines.extend([String::new(), "# Not part of any enclosing workspace.".to_owned(), "[workspace]".to_owned()]);
    }
    lines.join("\n") + "\n"
}

/// What generated code names itself, each with the reason a user inherits it.
const DEPENDENCIES: &[(&str, &str)] = &[
    // Binary bodies.
    ("bytes", r#""1""#),
    // `date-time` fields.
    ("chrono", r#"{ version = "0.4.40", default-features = false, features = ["std", "serde"] }"#),
    // Paginated results as `Stream`s.
    ("futures-core", r#""0.3""#),
    // The HTTP method of a request; the base URL type.
    ("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls", "http2"] }"#),
    // Encoding and decoding bodies.
    ("serde", r#"{ version = "1.0.200", features = ["derive"] }"#),
    ("serde_json", r#""1.0.120""#),
];

/// The runtime crate's manifest: a crate that vendors the runtime needs its dependencies too.
const RUNTIME_MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The `[dependencies]` lines of the generated crate: what its code names, and the runtime's (its
/// crate, or what a vendored copy needs), sorted by name.
fn dependency_lines(runtime: &Runtime) -> Vec<String> {
    let mut entries: BTreeMap<String, String> =
        DEPENDENCIES.iter().map(|(name, spec)| ((*name).to_owned(), (*spec).to_owned())).collect();
    match runtime {
        Runtime::Dependency(spec) => {
            entries.insert(RUNTIME_CRATE.to_owned(), spec.to_string());
        }
        Runtime::Vendored => {
            for (name, spec) in runtime_dependencies() {
                entries.entry(name).or_insert_with(|| spec.to_string());
            }
        }
    }
    entries.into_iter().map(|(name, spec)| format!("{name} = {spec}")).collect()
}

/// The runtime crate's package name.
const RUNTIME_CRATE: &str = "genesys-cloud-runtime";

/// The runtime's derive macros: a crate that copies the runtime in gets what they write written out, and
/// does not depend on them.
const RUNTIME_MACROS: &str = "genesys-cloud-runtime-macros";

/// The runtime crate's `[dependencies]` that a copy of it needs, by name: all but its derive macros.
fn runtime_dependencies() -> toml::Table {
    let manifest: toml::Table = toml::from_str(RUNTIME_MANIFEST).unwrap_or_default();
    let mut dependencies = match manifest.get("dependencies") {
        Some(toml::Value::Table(dependencies)) => dependencies.clone(),
        _ => toml::Table::new(),
    };
    dependencies.remove(RUNTIME_MACROS);
    dependencies
}

#[cfg(test)]
mod tests {
    use super::{DEPENDENCIES, runtime_dependencies};

    /// A crate that vendors the runtime takes the runtime crate's dependencies from its manifest.
    #[test]
    fn the_runtime_manifest_gives_its_dependencies() {
        let dependencies = runtime_dependencies();
        for name in ["reqwest", "serde", "tokio", "tracing"] {
            assert!(dependencies.contains_key(name), "no {name} in the runtime's manifest: {dependencies:?}");
        }
        assert!(!dependencies.contains_key(super::RUNTIME_MACROS), "a copy of the runtime needs no derive macros");
        // What generated code names, the runtime's manifest asks for alike: one version of each.
        for (name, spec) in DEPENDENCIES {
            if let Some(theirs) = dependencies.get(*name) {
                let ours: toml::Value =
                    toml::from_str(&format!("v = {spec}")).map(|t: toml::Table| t["v"].clone()).unwrap();
                assert_eq!(&ours, theirs, "{name}");
            }
        }
    }
}

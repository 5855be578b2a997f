//! The files around the types and operations: `lib.rs`, the `mod.rs` of each module, and `Cargo.toml`.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{cfg, ident, inner_doc_attrs, type_path};
use crate::model::{Model, TypeDef};
use crate::settings::Settings;

/// `src/lib.rs`.
pub fn lib_rs(model: &Model) -> TokenStream {
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
    crate::docs::push_paragraph(
        &mut docs,
        vec![format!(
            "The code outside [`runtime`] is generated from the API description by `{}`; the runtime is hand-written.",
            env!("CARGO_PKG_NAME")
        )],
    );
    let docs = inner_doc_attrs(&docs);
    let error_body = type_path(&model.error_body);
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
            pub use regions::Region;
        }
    });
    quote! {
        #docs
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        pub mod runtime;
        #regions

        pub use runtime::{Client, ClientBuilder, Response, RetryPolicy, WaitOptions};

        /// The error every operation returns; an API error carries the server's decoded error body.
        pub type Error = runtime::Error<#error_body>;

        #[doc = #version_doc]
        pub const API_VERSION: &str = #version;

        /// The base URLs the API description lists; the first is the client's default.
        pub const SERVERS: &[&str] = &[#(#servers),*];
    }
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
        "# Every dependency is public API or a direct need of the runtime: see the README.".to_owned(),
        "[dependencies]".to_owned(),
    ];
    lines.extend(DEPENDENCIES.iter().map(|(name, spec)| format!("{name} = {spec}")));
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

/// The generated crate's dependencies, each with the reason a user inherits it.
const DEPENDENCIES: &[(&str, &str)] = &[
    // Binary bodies; reqwest is built on it already.
    ("bytes", r#""1""#),
    // `date-time` fields.
    ("chrono", r#"{ version = "0.4.40", default-features = false, features = ["std", "serde"] }"#),
    // Full jitter for retry backoff.
    ("fastrand", r#""2""#),
    // Paginated results as `Stream`s.
    ("futures-core", r#""0.3""#),
    ("futures-util", r#"{ version = "0.3", default-features = false }"#),
    // `Retry-After` given as an HTTP date.
    ("httpdate", r#""1""#),
    // HTTP over rustls; the base URL type.
    ("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls", "http2"] }"#),
    // Encoding and decoding bodies.
    ("serde", r#"{ version = "1.0.200", features = ["derive"] }"#),
    ("serde_json", r#""1.0.120""#),
    // The JSON path of a field that fails to decode.
    ("serde_path_to_error", r#""0.1.16""#),
    // The error types.
    ("thiserror", r#""2""#),
    // Waiting between retries and polls, and one token refresh at a time; reqwest runs on it already.
    ("tokio", r#"{ version = "1", default-features = false, features = ["sync", "time"] }"#),
    // Spans and events of calls, retries, token fetches, polls and pages, for the application's subscriber.
    ("tracing", r#"{ version = "0.1.40", default-features = false, features = ["std"] }"#),
];

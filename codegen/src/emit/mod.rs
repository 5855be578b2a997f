//! Emit: the model to token streams, one file per type and per operation, formatted by prettyplease.

mod crate_files;
mod enums;
mod operations;
mod paging;
mod regions;
mod structs;
mod tokens;
mod unions;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

pub use crate_files::Layout;

use crate::model::{Encoding, Model, Output, Success, Type, TypeDef, TypeKind};
use crate::settings::{Runtime, Settings};

/// The runtime crate's sources, copied into a crate that vendors it (`src/runtime/`, its `lib.rs` as
/// `mod.rs`).
const RUNTIME: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("client.rs", include_str!("../../runtime/src/client.rs")),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("mod.rs", include_str!("../../runtime/src/lib.rs")),
    ("multipart.rs", include_str!("../../runtime/src/multipart.rs")),
    ("object.rs", include_str!("../../runtime/src/object.rs")),
    ("paginate.rs", include_str!("../../runtime/src/paginate.rs")),
    ("request.rs", include_str!("../../runtime/src/request.rs")),
    ("response.rs", include_str!("../../runtime/src/response.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("tagged.rs", include_str!("../../runtime/src/tagged.rs")),
    ("value.rs", include_str!("../../runtime/src/value.rs")),
    ("wait.rs", include_str!("../../runtime/src/wait.rs")),
];

/// The lines of the runtime's `lib.rs` that re-export its derive macros, left out of a copy: a crate that
/// copies the runtime in gets what the derives write written out (see [`with_derives`]).
const DERIVES: &str = "
// The derives that write the impls of generated models and request builders. A crate that copies the
// runtime in has them written out instead; the generator leaves this line out of the copy by its text.
pub use genesys_cloud_runtime_macros::{Model, Operation, StringEnum};
";

/// Runtime parts only some APIs need: a vendored copy has them only if the crate's operations use them,
/// so that a crate whose operations do not is the same as without them.
struct OptionalRuntime {
    /// The files, by name, with their sources.
    files: &'static [(&'static str, &'static str)],
    /// The lines of the runtime's `lib.rs` that declare them, left out with the files.
    declarations: &'static str,
    /// Whether an operation that answers so uses them.
    needed: fn(&Success) -> bool,
}

const OPTIONAL_RUNTIME: &[OptionalRuntime] = &[
    OptionalRuntime {
        files: &[
            ("form.rs", include_str!("../../runtime/src/form.rs")),
            ("form_response.rs", include_str!("../../runtime/src/form_response.rs")),
        ],
        declarations: "mod form;\nmod form_response;\npub use form_response::decode_form;\n",
        needed: |success| {
            success.ty.as_ref().is_some_and(|ty| *ty != Type::MultipartBody)
                && success.media.as_ref().is_some_and(|media| media.encoding == Encoding::Form)
        },
    },
    OptionalRuntime {
        files: &[("multipart_body.rs", include_str!("../../runtime/src/multipart_body.rs"))],
        declarations: "mod multipart_body;\npub use multipart_body::{MultipartBody, decode_multipart};\n",
        needed: |success| success.ty == Some(Type::MultipartBody),
    },
];

/// The runtime's files for a crate that vendors it: every one of [`RUNTIME`], and those of
/// [`OPTIONAL_RUNTIME`] the model's operations use, each without its unit tests.
fn runtime_files(model: &Model) -> Vec<(&'static str, String)> {
    let successes: Vec<&Success> = model
        .operations
        .iter()
        .flat_map(|op| match &op.output {
            Output::Single(success) => std::slice::from_ref(success),
            Output::Cases { cases, .. } => cases.as_slice(),
        })
        .collect();
    let (used, unused): (Vec<&OptionalRuntime>, Vec<&OptionalRuntime>) =
        OPTIONAL_RUNTIME.iter().partition(|part| successes.iter().any(|success| (part.needed)(success)));
    let mut files: Vec<(&'static str, String)> =
        RUNTIME.iter().map(|(name, source)| (*name, without_tests(source).to_owned())).collect();
    if let Some((_, module)) = files.iter_mut().find(|(name, _)| *name == "mod.rs") {
        *module = module.replacen(DERIVES, "", 1);
        for part in unused {
            *module = module.replacen(part.declarations, "", 1);
        }
    }
    files.extend(
        used.iter().flat_map(|part| part.files.iter().map(|(name, source)| (*name, without_tests(source).to_owned()))),
    );
    files
}

/// A runtime source without its unit tests: the `#[cfg(test)] mod tests` that ends the file, if any.
fn without_tests(source: &str) -> &str {
    match source.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &source[..=at],
        None => source,
    }
}

/// Every file of the generated crate, by path relative to its root.
pub fn emit(model: &Model, settings: &Settings, spec_name: &str, layout: Layout) -> BTreeMap<String, String> {
    let header = format!(
        "// @generated by {} from {spec_name}: do not edit; run `cargo xtask codegen` to regenerate.\n",
        env!("CARGO_PKG_NAME")
    );
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        format!("{}{}", header.replacen("//", "#", 1), crate_files::cargo_toml(settings, &model.features, layout)),
    );
    let mut jobs = vec![
        Job::Lib(model, &settings.krate.runtime),
        Job::Client(model),
        Job::ModelsMod(model),
        Job::OperationsMod(model),
    ];
    if !model.regions.is_empty() {
        jobs.push(Job::Regions(model));
    }
    jobs.extend(model.types.iter().map(|def| Job::Type(def, &settings.krate.runtime)));
    jobs.extend(model.operations.iter().map(|op| Job::Operation(op, &settings.krate.runtime)));
    files.extend(in_parallel(jobs, &header));
    if settings.krate.runtime == Runtime::Vendored {
        for (name, source) in runtime_files(model) {
            let original = if name == "mod.rs" { "lib.rs" } else { name };
            let header = format!(
                "// @generated: copied by {} from the runtime crate's src/{original}: edit that file, then run `cargo xtask codegen`.\n",
                env!("CARGO_PKG_NAME")
            );
            files.insert(format!("src/runtime/{name}"), format!("{header}{source}"));
        }
    }
    files
}

/// A Rust file of the crate, made from the model and formatted on whichever core is free.
enum Job<'a> {
    Lib(&'a Model, &'a Runtime),
    Client(&'a Model),
    ModelsMod(&'a Model),
    OperationsMod(&'a Model),
    Regions(&'a Model),
    Type(&'a TypeDef, &'a Runtime),
    Operation(&'a crate::model::Operation, &'a Runtime),
}

impl Job<'_> {
    fn file(&self, header: &str) -> (String, String) {
        let (path, tokens) = match self {
            Job::Lib(model, runtime) => ("src/lib.rs".to_owned(), crate_files::lib_rs(model, runtime)),
            Job::Client(model) => ("src/client.rs".to_owned(), crate_files::client_rs(model)),
            Job::ModelsMod(model) => ("src/models/mod.rs".to_owned(), crate_files::models_mod(&model.types)),
            Job::OperationsMod(model) => ("src/operations/mod.rs".to_owned(), crate_files::operations_mod(model)),
            Job::Regions(model) => ("src/regions.rs".to_owned(), regions::emit(&model.regions)),
            Job::Type(def, runtime) => (format!("src/models/{}.rs", def.module), type_def(def, runtime)),
            Job::Operation(op, runtime) => (
                format!("src/operations/{}.rs", op.module),
                operations::emit(op, |builder| with_derives(builder, runtime)),
            ),
        };
        (path, format!("{header}{}", format(tokens)))
    }
}

/// Formats the jobs' files on as many threads as there are cores, each taking the next job when it is
/// done with one; the result is sorted by path, so it does not depend on how many threads ran.
fn in_parallel(jobs: Vec<Job<'_>>, header: &str) -> Vec<(String, String)> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(job) = jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            done.push(job.file(header));
        }
        done
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut files = work();
        for handle in handles {
            files.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        files
    })
}

fn type_def(def: &TypeDef, runtime: &Runtime) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(strukt) => with_derives(structs::emit(def, strukt), runtime),
        TypeKind::Enum(enumeration) => with_derives(enums::emit(def, enumeration), runtime),
        TypeKind::Union(union) => unions::emit(def, union),
        TypeKind::Alias(target) => {
            let name = tokens::ident(&def.name);
            let docs = tokens::doc_attrs(&def.docs);
            let target = tokens::type_path(target);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// A struct or enum that derives the runtime's `Model`, `StringEnum` or `Operation` (followed by any other
/// items), as it is, or for a crate that copies the runtime in (which has no derive macros), with what the
/// derive would write written out.
fn with_derives(tokens: TokenStream, runtime: &Runtime) -> TokenStream {
    match runtime {
        Runtime::Vendored => {
            genesys_cloud_runtime_expand::in_place(tokens).expect("the emitters put the derived struct or enum first")
        }
        Runtime::Dependency(_) => tokens,
    }
}

/// Formats a file's tokens. The emitters only build tokens through `quote!`, so they always parse.
fn format(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("emitted tokens are a valid Rust file");
    escape_refused(separate_items(&prettyplease::unparse(&file)))
}

/// Writes each character rustc refuses in a comment as its `\u{..}` escape: a carriage return (a bare
/// one is an error; the formatter ends lines with a line feed alone, so any is the spec's), and the
/// characters that change the direction of text (a "Trojan Source" lint denies them). Spec text brings
/// them into doc comments, the only place they stand as they are: literals escape them already. Escaped,
/// a reader of the docs sees that they are there.
fn escape_refused(formatted: String) -> String {
    fn refused(c: char) -> bool {
        matches!(c, '\r' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !formatted.contains(refused) {
        return formatted;
    }
    let mut out = String::with_capacity(formatted.len() + 16);
    for c in formatted.chars() {
        if refused(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Puts a blank line between items, as a person would: prettyplease writes none.
///
/// After a module's `//!` docs, and after a closing brace at the top level or one level in (the end of an
/// item or of an impl's method) when another item follows at that level.
fn separate_items(formatted: &str) -> String {
    let lines: Vec<&str> = formatted.lines().collect();
    let mut out = String::with_capacity(formatted.len() + formatted.len() / 16);
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(index + 1) else { continue };
        let ends_docs = line.starts_with("//!") && !next.starts_with("//!");
        let ends_item = matches!(*line, "}" | "    }")
            && indent(next) == indent(line)
            && !next.trim_start().starts_with(['}', ')', ']']);
        let after = lines.get(index + 2).copied().unwrap_or_default();
        let next_is_mod = next.contains("mod ") || next.starts_with("#[cfg") && after.contains("mod ");
        let ends_mods = (line.starts_with("mod ") || line.starts_with("pub mod ")) && !next_is_mod;
        let ends_top_level = !line.starts_with([' ', '/', '#']) && line.ends_with(';') && next.starts_with("///");
        let ends_inner_attrs = line.starts_with("#![") && !next.starts_with("#![");
        if ends_docs || ends_item || ends_mods || ends_top_level || ends_inner_attrs {
            out.push('\n');
        }
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::{DERIVES, OPTIONAL_RUNTIME, RUNTIME, without_tests};

    /// A vendored copy leaves out what a crate does not use by the text of its declarations: the text must
    /// be in the runtime's `lib.rs`, or the part would be declared without its files.
    #[test]
    fn the_optional_parts_are_declared_in_the_runtime_as_written_here() {
        let lib = RUNTIME.iter().find(|(name, _)| *name == "mod.rs").map(|(_, source)| *source).unwrap_or_default();
        for part in OPTIONAL_RUNTIME {
            assert!(lib.contains(part.declarations), "the runtime's lib.rs lacks {:?}", part.declarations);
        }
        assert!(lib.contains(DERIVES), "the runtime's lib.rs lacks {DERIVES:?}");
    }

    /// The unit tests of the runtime end its files, so that a vendored copy leaves them all out.
    #[test]
    fn a_vendored_runtime_file_has_no_tests() {
        let files = RUNTIME.iter().chain(OPTIONAL_RUNTIME.iter().flat_map(|part| part.files.iter()));
        for (name, source) in files {
            let copied = without_tests(source);
            assert!(!copied.contains("#[cfg(test)]"), "{name}: tests left in the copy");
            assert!(copied.len() == source.len() || source.contains("\n#[cfg(test)]\nmod tests {"), "{name}");
        }
        assert_eq!(without_tests("fn a() {}\n\n#[cfg(test)]\nmod tests {\n}\n"), "fn a() {}\n\n");
    }
}

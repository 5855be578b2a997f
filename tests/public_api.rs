//! Guards the public API of the generated audit crate: every item a user can name, read from the sources
//! with `syn`, as one sorted line each, in a snapshot. Widening the API (or narrowing it) is then a diff
//! that someone reviews, not an accident: each public item is a promise kept across spec bumps.
//!
//! The walk follows `mod` declarations from `lib.rs`. An item counts when it is `pub`, not
//! `#[doc(hidden)]`, and either its module is reachable through `pub mod`s or a reachable module
//! re-exports it with `pub use`. Methods and fields count on the types that count, trait impls as
//! `impl Trait for Type` (derived ones too; the runtime's derives are read as what they write, from the
//! files the generator writes for a crate that copies the runtime in). A `pub use` is matched to the items
//! of its name in the module it names or below; one of another crate's items (the runtime's) is listed as
//! that `use`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use genesys_audit_codegen::{Layout, Settings};
use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, Visibility};

/// What one module defines and re-exports.
#[derive(Default)]
struct Module {
    /// Reachable from the crate root through `pub mod`s.
    reachable: bool,
    /// Public items defined here: (kind, name).
    items: Vec<(&'static str, String)>,
    /// Names re-exported with `pub use`, each with the module path it comes from (globs are not used).
    reexports: Vec<(String, String)>,
    /// Impl blocks, kept for the second pass.
    impls: Vec<syn::ItemImpl>,
    /// Public fields and variants: (type name, kind, member name).
    members: Vec<(String, &'static str, String)>,
}

fn hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("doc") && attr.to_token_stream().to_string().contains("hidden"))
}

fn public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// Reads the module in `file` at `path` and, through its `mod` declarations, every module below it.
fn read(file: &Path, path: String, reachable: bool, modules: &mut BTreeMap<String, Module>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|err| panic!("cannot read {}: {err}", file.display()));
    let parsed = syn::parse_file(&text).unwrap_or_else(|err| panic!("cannot parse {}: {err}", file.display()));
    let dir = if file.file_name().is_some_and(|name| name == "mod.rs" || name == "lib.rs") {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    };
    let mut module = Module { reachable, ..Module::default() };
    for item in parsed.items {
        collect(item, &path, &dir, reachable, &mut module, modules);
    }
    modules.insert(path, module);
}

fn collect(
    item: Item,
    path: &str,
    dir: &Path,
    reachable: bool,
    module: &mut Module,
    modules: &mut BTreeMap<String, Module>,
) {
    let mut item_of = |kind: &'static str, vis: &Visibility, attrs: &[Attribute], name: String| {
        if public(vis) && !hidden(attrs) {
            module.items.push((kind, name));
        }
    };
    match item {
        Item::Mod(m) if m.content.is_none() => {
            let name = m.ident.to_string();
            let file = [dir.join(format!("{name}.rs")), dir.join(&name).join("mod.rs")]
                .into_iter()
                .find(|candidate| candidate.is_file())
                .unwrap_or_else(|| panic!("no file for module {name} in {}", dir.display()));
            let child = if path.is_empty() { name } else { format!("{path}::{name}") };
            read(&file, child, reachable && public(&m.vis) && !hidden(&m.attrs), modules);
        }
        Item::Fn(f) => item_of("fn", &f.vis, &f.attrs, f.sig.ident.to_string()),
        Item::Const(c) => item_of("const", &c.vis, &c.attrs, c.ident.to_string()),
        Item::Static(s) => item_of("static", &s.vis, &s.attrs, s.ident.to_string()),
        Item::Type(t) => item_of("type", &t.vis, &t.attrs, t.ident.to_string()),
        Item::Trait(t) => item_of("trait", &t.vis, &t.attrs, t.ident.to_string()),
        Item::Struct(s) => {
            item_of("struct", &s.vis, &s.attrs, s.ident.to_string());
            derives(&s.attrs, &s.ident.to_string(), &mut module.members);
            for field in s.fields.iter().filter(|f| public(&f.vis) && !hidden(&f.attrs)) {
                if let Some(ident) = &field.ident {
                    module.members.push((s.ident.to_string(), "field", ident.to_string()));
                }
            }
        }
        Item::Enum(e) => {
            item_of("enum", &e.vis, &e.attrs, e.ident.to_string());
            derives(&e.attrs, &e.ident.to_string(), &mut module.members);
            for variant in e.variants.iter().filter(|v| !hidden(&v.attrs)) {
                module.members.push((e.ident.to_string(), "variant", variant.ident.to_string()));
            }
        }
        Item::Use(u) if public(&u.vis) && !hidden(&u.attrs) => leaves(&u.tree, path, &mut module.reexports),
        Item::Impl(i) => module.impls.push(i),
        _ => {}
    }
}

/// The traits a type derives, as `derive` members: they are impls users rely on like any other.
fn derives(attrs: &[Attribute], owner: &str, members: &mut Vec<(String, &'static str, String)>) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .unwrap_or_else(|err| panic!("a derive list that does not parse: {err}"));
        for path in paths {
            let name = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            members.push((owner.to_owned(), "derive", name));
        }
    }
}

/// The names a `use` tree brings in, each with the module it names (`from`, the path so far: relative to
/// the using module, or to the root after `crate`).
fn leaves(tree: &syn::UseTree, from: &str, names: &mut Vec<(String, String)>) {
    match tree {
        syn::UseTree::Path(p) if p.ident == "crate" => leaves(&p.tree, "", names),
        syn::UseTree::Path(p) => {
            let from = if from.is_empty() { p.ident.to_string() } else { format!("{from}::{}", p.ident) };
            leaves(&p.tree, &from, names)
        }
        syn::UseTree::Name(n) => names.push((n.ident.to_string(), from.to_owned())),
        syn::UseTree::Rename(r) => names.push((r.rename.to_string(), from.to_owned())),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, from, names)),
        syn::UseTree::Glob(_) => panic!("a glob re-export: list the names"),
    }
}

/// Whether `module` is `prefix` or below it.
fn within(module: &str, prefix: &str) -> bool {
    module == prefix || module.starts_with(&format!("{prefix}::"))
}

/// The last segment of a type's path (`crate::models::Pet` gives `Pet`), without generics.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Every public item of the crate rooted at `lib`, one line each, sorted.
fn public_api(lib: &Path) -> String {
    let mut modules = BTreeMap::new();
    read(lib, String::new(), true, &mut modules);
    // Where users name each public item: its own module's path when reachable, and every reachable module
    // that re-exports it from its module or one above.
    let mut paths: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut lines = BTreeSet::new();
    let join = |module: &str, name: &str| if module.is_empty() { name.to_owned() } else { format!("{module}::{name}") };
    for (path, module) in &modules {
        for (kind, name) in &module.items {
            let mut names = Vec::new();
            if module.reachable {
                names.push(join(path, name));
            }
            for (at, exporter) in modules.iter().filter(|(_, m)| m.reachable) {
                if exporter.reexports.iter().any(|(n, from)| n == name && within(path, from)) {
                    names.push(join(at, name));
                }
            }
            for public_path in &names {
                lines.insert(format!("{kind} {public_path}"));
            }
            if let Some(first) = names.first() {
                paths.insert((path.clone(), name.clone()), first.clone());
            }
        }
    }
    // Re-exports of another crate's items (the runtime crate's, through the `runtime` alias): by the
    // name users see, with where it comes from; that crate's own snapshot shows what they are.
    for (at, exporter) in modules.iter().filter(|(_, m)| m.reachable) {
        for (name, from) in &exporter.reexports {
            if !modules.keys().any(|path| within(path, from) || within(from, path) && !path.is_empty()) {
                lines.insert(format!("use {} (from {from})", join(at, name)));
            }
        }
    }
    // A type named in an impl or a member list: the one of that name in the same module, else any.
    let owner_path = |module: &str, name: &str| {
        paths
            .get(&(module.to_owned(), name.to_owned()))
            .or_else(|| paths.iter().find(|((_, n), _)| n == name).map(|(_, public_path)| public_path))
    };
    for (path, module) in &modules {
        for (owner, kind, member) in &module.members {
            if let Some(owner) = owner_path(path, owner) {
                if *kind == "derive" {
                    lines.insert(format!("impl {member} for {owner}"));
                } else {
                    lines.insert(format!("{kind} {owner}::{member}"));
                }
            }
        }
        for block in &module.impls {
            let Some(owner) = type_name(&block.self_ty).and_then(|name| owner_path(path, &name)) else { continue };
            if let Some((trait_path, _)) = &block.trait_ {
                let name = trait_path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                lines.insert(format!("impl {name} for {owner}"));
                continue;
            }
            for item in &block.items {
                if let ImplItem::Fn(f) = item {
                    if public(&f.vis) && !hidden(&f.attrs) {
                        lines.insert(format!("fn {owner}::{}", f.sig.ident));
                    }
                }
                if let ImplItem::Const(c) = item {
                    if public(&c.vis) && !hidden(&c.attrs) {
                        lines.insert(format!("const {owner}::{}", c.ident));
                    }
                }
            }
        }
    }
    lines.into_iter().collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn the_generated_crates_public_api_is_reviewed() {
    insta::assert_snapshot!("public_api", public_api(&with_derives_written_out()));
}

/// The generated crate's sources with what the runtime's derives write (`Model`, `StringEnum`,
/// `Operation`: constructors, setters, `send`, trait impls) written out, as the generator writes them for a
/// crate that copies the runtime in: its models and operations, beside the crate's other files as they
/// are. The methods and impls the derives add are public API like any other. Returns the copy's `lib.rs`.
fn with_derives_written_out() -> PathBuf {
    let root = audit_tests::workspace_root();
    let mut settings = Settings::load(&root.join("spec/codegen.toml")).expect("the settings load");
    settings.krate.runtime = genesys_audit_codegen::Runtime::Vendored;
    let spec = Path::new("spec").join(&settings.spec);
    let text = std::fs::read_to_string(root.join(&spec)).expect("the spec reads");
    let written_out = genesys_audit_codegen::generate_str(&spec, &text, &settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("spec/ does not generate:\n{err}"));
    let copy = root.join("target/public-api-generated");
    let _ = std::fs::remove_dir_all(&copy);
    copy_rust_files(&root.join("generated-client/src"), &copy.join("src"));
    for (path, content) in &written_out.files {
        if path.starts_with("src/models/") || path.starts_with("src/operations/") {
            std::fs::write(copy.join(path), content).unwrap_or_else(|err| panic!("write {path}: {err}"));
        }
    }
    copy.join("src/lib.rs")
}

/// Copies the `.rs` files under `from` to `to`, keeping their folders.
fn copy_rust_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|err| panic!("create {}: {err}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|err| panic!("read {}: {err}", from.display())) {
        let path = entry.expect("a folder entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_rust_files(&path, &target);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            std::fs::copy(&path, &target).unwrap_or_else(|err| panic!("copy {}: {err}", path.display()));
        }
    }
}

/// The runtime crate's public API: what generated crates call and re-export. Generated crates that
/// depend on a newer runtime depend on every line here.
#[test]
fn the_runtime_crates_public_api_is_reviewed() {
    let lib = audit_tests::workspace_root().join("codegen/runtime/src/lib.rs");
    insta::assert_snapshot!("public_api_runtime", public_api(&lib));
}

#[test]
fn the_walk_sees_hidden_and_private_items_as_such() {
    let dir = audit_tests::workspace_root().join("target/public-api-walk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    let lib: PathBuf = dir.join("lib.rs");
    std::fs::write(&lib, "pub mod open; mod inner; pub use inner::Exported;\nuse ::other as elsewhere;\npub use crate::elsewhere::Borrowed;\n").unwrap();
    std::fs::write(dir.join("open.rs"), "pub struct Shown { pub a: u8, b: u8 }\n#[doc(hidden)] pub fn hidden() {}\npub(crate) fn private() {}\nimpl Shown { pub fn new() -> Self { todo!() } fn own(&self) {} }\n").unwrap();
    std::fs::write(
        dir.join("inner.rs"),
        "pub struct Exported;\npub struct NotExported;\nimpl Clone for Exported { fn clone(&self) -> Self { Self } }\n",
    )
    .unwrap();
    let expected = [
        "field open::Shown::a",
        "fn open::Shown::new",
        "impl Clone for Exported",
        "struct Exported",
        "struct open::Shown",
        "use Borrowed (from elsewhere)",
    ];
    assert_eq!(public_api(&lib), expected.join("\n") + "\n");
}

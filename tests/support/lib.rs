//! Helpers shared by the integration tests: where things are, and how to generate from a fixture.

use std::path::{Path, PathBuf};

use genesys_audit_codegen::{Generated, Layout, Settings};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace root").to_path_buf()
}

/// A fixture spec, by file name, under `tests/fixtures/specs/`.
pub fn spec_fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/specs").join(name)
}

/// A fixture data file, by file name, under `tests/fixtures/data/`.
pub fn data_fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/data").join(name)
}

/// Generates the crate for a fixture spec with default settings (a crate named after the file).
///
/// The spec is named by its file name in diagnostics and headers, so output does not depend on where the
/// workspace is checked out.
pub fn generate_fixture(name: &str, layout: Layout) -> Result<Generated, genesys_audit_codegen::Diagnostics> {
    let path = spec_fixture(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read fixture {name}: {err}"));
    genesys_audit_codegen::generate_str(Path::new(name), &text, &Settings::for_spec(Path::new(name)), layout)
}

/// The files of a generation that come from the spec (the runtime is copied, not generated from it).
pub fn spec_files(generated: &Generated) -> impl Iterator<Item = (&String, &String)> {
    generated.files.iter().filter(|(path, _)| !path.starts_with("src/runtime/"))
}

/// An insta snapshot name for a generated file: its path with `/` and `.` as `__`.
pub fn snapshot_name(prefix: &str, path: &str) -> String {
    format!("{prefix}__{}", path.replace(['/', '.'], "_"))
}

/// The README's Rust example, compiled as a doctest so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

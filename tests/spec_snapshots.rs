//! Protects the generated code, one snapshot per generated file:
//! - `current`: the crate generated from `spec/` with `spec/codegen.toml`, exactly as `cargo xtask codegen`
//!   writes it; after a spec bump these snapshots show every generated file that changed, and only those;
//! - `v242` and `v121`: the reference specs 242.0.0 and 121.0.0, with fixed test settings, so that neither
//!   a bump nor an edit of `spec/codegen.toml` touches them.
//!
//! Also: byte-stable regeneration, and the committed client being exactly what the generator writes.

use std::path::Path;

use audit_tests::{assert_file_snapshots, settings_fixture, spec_files, spec_fixture, workspace_root};
use genesys_audit_codegen::{Diagnostics, Generated, Layout, Settings};

const V242: &str = "genesys-audit-242.0.0.openapi.yaml";
const V121: &str = "genesys-audit-121.0.0.openapi.yaml";

/// Generates a reference spec with the fixed test settings, less those naming an operation 121.0.0 lacks.
fn generate_fixture(spec: &str, layout: Layout) -> Result<Generated, Diagnostics> {
    let mut settings = Settings::load(&settings_fixture("genesys-audit.codegen.toml")).unwrap();
    if spec == V121 {
        settings.retry.idempotent.retain(|id| id != "postAuditsQueryRealtimeRelated");
    }
    let text = std::fs::read_to_string(spec_fixture(spec)).unwrap();
    genesys_audit_codegen::generate_str(Path::new(spec), &text, &settings, layout)
}

/// Generates the crate from `spec/` as `cargo xtask codegen` does: the spec named relative to the workspace.
fn generate_current() -> Generated {
    let root = workspace_root();
    let settings = Settings::load(&root.join("spec/codegen.toml")).unwrap();
    let text = std::fs::read_to_string(root.join("spec").join(&settings.spec)).unwrap();
    let name = Path::new("spec").join(&settings.spec);
    genesys_audit_codegen::generate_str(&name, &text, &settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("spec/ does not generate:\n{err}"))
}

#[test]
fn current_files() {
    assert_file_snapshots!("current", spec_files(&generate_current()));
}

#[test]
fn committed_client_is_what_the_generator_writes() {
    let stale = generate_current().check(&workspace_root().join("generated-client")).unwrap();
    assert!(stale.is_empty(), "generated-client/ is stale, run `cargo xtask codegen`: {stale:?}");
}

#[test]
fn reference_242_files() {
    let generated = generate_fixture(V242, Layout::WorkspaceMember).expect("the reference spec generates");
    assert_file_snapshots!("v242", spec_files(&generated));
}

#[test]
fn reference_121_files() {
    let generated = generate_fixture(V121, Layout::WorkspaceMember).expect("the reference spec generates");
    assert_file_snapshots!("v121", spec_files(&generated));
}

#[test]
fn current_spec_has_a_method_per_operation() {
    let generated = generate_fixture(V242, Layout::WorkspaceMember).unwrap();
    let methods = [
        "get_audits_query_realtime_servicemapping",
        "get_audits_query_servicemapping",
        "get_audits_query_transaction_id",
        "get_audits_query_transaction_id_results",
        "post_audits_query",
        "post_audits_query_realtime",
        "post_audits_query_realtime_related",
    ];
    let operations: Vec<_> =
        generated.files.keys().filter(|p| p.starts_with("src/operations/") && !p.ends_with("mod.rs")).collect();
    assert_eq!(operations.len(), methods.len(), "{operations:?}");
    for method in methods {
        let file = &generated.files[&format!("src/operations/{method}.rs")];
        assert!(file.contains(&format!("pub fn {method}(")), "no method {method}");
    }
}

#[test]
fn regeneration_is_byte_identical() {
    let first = generate_fixture(V242, Layout::WorkspaceMember).unwrap();
    let second = generate_fixture(V242, Layout::WorkspaceMember).unwrap();
    assert_eq!(first, second);
}

#[test]
fn every_generated_file_says_so_in_its_first_line() {
    let generated = generate_fixture(V242, Layout::WorkspaceMember).unwrap();
    for (path, content) in &generated.files {
        let first = content.lines().next().unwrap_or_default();
        assert!(first.contains("@generated"), "{path}: {first}");
    }
}

#[test]
fn schemas_the_bump_does_not_touch_generate_identical_files() {
    let older = generate_fixture(V121, Layout::WorkspaceMember).unwrap();
    let current = generate_fixture(V242, Layout::WorkspaceMember).unwrap();
    // Unchanged between 121.0.0 and 242.0.0 (see the spec reference's notes), so their files must be too,
    // but for the header line, which names the spec file.
    let body = |text: &str| text.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap_or_default();
    for file in [
        "src/models/detail.rs",
        "src/models/domain_entity_ref.rs",
        "src/models/property_change.rs",
        "src/operations/get_audits_query_transaction_id.rs",
    ] {
        assert_eq!(body(&older.files[file]), body(&current.files[file]), "{file} differs");
    }
}

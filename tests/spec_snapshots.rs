//! Protects the generated code of the real Genesys specs: one snapshot per generated file for 242.0.0 (the
//! current spec) and 121.0.0 (the older one), both with the project's settings (`spec/codegen.toml`) as a
//! spec bump would use them; byte-stable regeneration; and the committed client being exactly what the
//! generator writes from `spec/`.

use std::path::Path;

use audit_tests::{snapshot_name, spec_files, spec_fixture, workspace_root};
use genesys_audit_codegen::{Diagnostics, Generated, Layout, Settings};

const CURRENT: &str = "genesys-audit-242.0.0.openapi.yaml";
const OLDER: &str = "genesys-audit-121.0.0.openapi.yaml";

/// Generates a reference spec with the project's settings, less those naming an operation 121.0.0 lacks.
fn generate_fixture(spec: &str, layout: Layout) -> Result<Generated, Diagnostics> {
    let mut settings = Settings::load(&workspace_root().join("spec/codegen.toml")).unwrap();
    if spec == OLDER {
        settings.retry.idempotent.retain(|id| id != "postAuditsQueryRealtimeRelated");
    }
    let text = std::fs::read_to_string(spec_fixture(spec)).unwrap();
    genesys_audit_codegen::generate_str(Path::new(spec), &text, &settings, layout)
}

fn snapshot_spec(spec: &str, prefix: &str) {
    let generated = generate_fixture(spec, Layout::WorkspaceMember).expect("the reference spec generates");
    for (path, content) in spec_files(&generated) {
        insta::assert_snapshot!(snapshot_name(prefix, path), content);
    }
}

#[test]
fn current_spec_files() {
    snapshot_spec(CURRENT, "v242");
}

#[test]
fn older_spec_files() {
    snapshot_spec(OLDER, "v121");
}

#[test]
fn current_spec_has_a_method_per_operation() {
    let generated = generate_fixture(CURRENT, Layout::WorkspaceMember).unwrap();
    let methods = [
        "get_audits_query_realtime_servicemapping",
        "get_audits_query_servicemapping",
        "get_audits_query_transaction_id",
        "get_audits_query_transaction_id_results",
        "post_audits_query",
        "post_audits_query_realtime",
        "post_audits_query_realtime_related",
    ];
    let operations: Vec<_> = generated.files.keys().filter(|p| p.starts_with("src/operations/") && !p.ends_with("mod.rs")).collect();
    assert_eq!(operations.len(), methods.len(), "{operations:?}");
    for method in methods {
        let file = &generated.files[&format!("src/operations/{method}.rs")];
        assert!(file.contains(&format!("pub fn {method}(")), "no method {method}");
    }
}

#[test]
fn regeneration_is_byte_identical() {
    let first = generate_fixture(CURRENT, Layout::WorkspaceMember).unwrap();
    let second = generate_fixture(CURRENT, Layout::WorkspaceMember).unwrap();
    assert_eq!(first, second);
}

#[test]
fn every_generated_file_says_so_in_its_first_line() {
    let generated = generate_fixture(CURRENT, Layout::WorkspaceMember).unwrap();
    for (path, content) in &generated.files {
        let first = content.lines().next().unwrap_or_default();
        assert!(first.contains("@generated"), "{path}: {first}");
    }
}

#[test]
fn schemas_the_bump_does_not_touch_generate_identical_files() {
    let older = generate_fixture(OLDER, Layout::WorkspaceMember).unwrap();
    let current = generate_fixture(CURRENT, Layout::WorkspaceMember).unwrap();
    // Unchanged between 121.0.0 and 242.0.0 (see the spec reference's notes), so their files must be too,
    // but for the header line, which names the spec file.
    let body = |text: &str| text.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap_or_default();
    for file in ["src/models/detail.rs", "src/models/domain_entity_ref.rs", "src/models/property_change.rs", "src/operations/get_audits_query_transaction_id.rs"] {
        assert_eq!(body(&older.files[file]), body(&current.files[file]), "{file} differs");
    }
}

#[test]
fn committed_client_is_what_the_generator_writes() {
    let root = workspace_root();
    let settings = Settings::load(&root.join("spec/codegen.toml")).unwrap();
    let spec = root.join("spec").join(&settings.spec);
    let text = std::fs::read_to_string(&spec).unwrap();
    let name = Path::new("spec").join(&settings.spec);
    let generated = genesys_audit_codegen::generate_str(&name, &text, &settings, Layout::WorkspaceMember).unwrap();
    let stale = generated.check(&root.join("generated-client")).unwrap();
    assert!(stale.is_empty(), "generated-client/ is stale, run `cargo xtask codegen`: {stale:?}");
}

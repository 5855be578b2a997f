//! Protects the generator on real API descriptions no one here wrote: the whole Genesys Cloud platform
//! description (2,894 operations, 13 MB, from `../shared/spec-reference/` beside the workspace) generates
//! with no error and one file per operation. Compiling that crate whole is the business of the "Scale"
//! work; here it is generated only.

use std::path::{Path, PathBuf};

use audit_tests::workspace_root;
use genesys_audit_codegen::{Layout, Settings};

/// The platform description, in the shared reference folder beside the workspace.
fn platform_spec() -> PathBuf {
    workspace_root().join("../shared/spec-reference/genesys-platform-242.0.0.openapi.yaml")
}

#[test]
fn the_whole_genesys_platform_description_generates() {
    let spec = platform_spec();
    assert!(spec.is_file(), "{} is missing: the shared reference specs lie beside the workspace", spec.display());
    let name = Path::new("genesys-platform-242.0.0.openapi.yaml");
    let text = std::fs::read_to_string(&spec).expect("read the platform description");
    let generated = genesys_audit_codegen::generate_str(name, &text, &Settings::for_spec(name), Layout::Standalone)
        .unwrap_or_else(|err| panic!("the platform description does not generate:\n{err}"));
    let operations = generated.files.keys().filter(|p| p.starts_with("src/operations/") && !p.ends_with("/mod.rs")).count();
    assert_eq!(operations, 2894, "one file per operation");
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.is_empty(), "every platform operation has an operationId and every required member a property:\n{}", warnings.join("\n"));
    for operation in ["get_workforcemanagement_calendar_data_ics", "post_audits_query"] {
        assert!(generated.files.contains_key(&format!("src/operations/{operation}.rs")), "no {operation}");
    }
    let calendar = &generated.files["src/operations/get_workforcemanagement_calendar_data_ics.rs"];
    assert!(calendar.contains("request.accept(\"text/calendar\");") && calendar.contains("200 => response.text(),"), "{calendar}");
}

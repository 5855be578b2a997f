//! Protects the reading of Swagger 2.0 (OpenAPI 2.0) documents, the form Genesys Cloud serves its
//! description in. The generator converts a 2.0 document to 3.0 itself, in its load stage; the oracle is the
//! reference converter, swagger2openapi (npm, pinned, installed by `.ci/install-swagger2openapi`; the tests
//! install it when npm is there, and without it say so and pass, except under `CI=true`).
//!
//! For each 2.0 document here, the crate generated from it is byte for byte the crate generated from
//! swagger2openapi's 3.0 output of it, given the same file name (so the first lines, which name the spec,
//! match too): every 2.0 construct fixture, the Genesys audit description of both reference releases, and
//! the audit selection of Genesys's whole-platform description. Where this generator reads a document
//! otherwise on purpose, the difference is one entry of `audit_tests::swagger::DIFFERENCES`, applied to
//! swagger2openapi's side before the comparison, listed in the README with its reason, and shown to matter
//! by a test here. (The corpus test holds the corpus's 2.0 descriptions to the same.)

use std::path::Path;

use audit_tests::swagger::{
    DIFFERENCES, Difference, assert_reads_as_the_reference_converter, assert_same_crate, generate, reference_conversion,
};
use audit_tests::tools::SWAGGER2OPENAPI;
use audit_tests::{settings_fixture, spec_fixture, workspace_root};
use genesys_audit_codegen::{Generated, Settings};

/// The 2.0 construct fixtures, generated with default settings.
const FIXTURES: &[&str] =
    &["swagger-sections.yaml", "swagger-bodies.yaml", "swagger-parameters.yaml", "swagger-genesys-extensions.yaml"];

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(spec_fixture(name)).unwrap_or_else(|err| panic!("read {name}: {err}"))
}

/// The fixed settings of the reference specs' snapshots, less what names an operation `release` lacks.
fn audit_settings(release: &str) -> Settings {
    let mut settings = Settings::load(&settings_fixture("genesys-audit.codegen.toml")).expect("load the settings");
    if release == "121.0.0" {
        settings.retry.idempotent.retain(|id| id != "postAuditsQueryRealtimeRelated");
    }
    settings
}

#[test]
fn every_2_0_construct_fixture_reads_as_the_reference_converter_reads_it() {
    for name in FIXTURES {
        assert_reads_as_the_reference_converter(name, &fixture_text(name), &Settings::for_spec(Path::new(name)));
    }
}

#[test]
fn the_genesys_audit_descriptions_read_as_the_reference_converter_reads_them() {
    for release in ["242.0.0", "121.0.0"] {
        let name = format!("genesys-audit-{release}.swagger.json");
        assert_reads_as_the_reference_converter(&name, &fixture_text(&name), &audit_settings(release));
    }
}

/// Genesys's description of its whole platform, as each region serves it (2,894 operations, 22 MB), in the
/// shared reference folder beside the workspace: its audit selection reads as swagger2openapi reads it, and
/// is the crate of the audit description of the same release.
#[test]
fn the_audit_selection_of_the_platform_reads_as_the_reference_converter_and_as_the_audit_description() {
    let platform = workspace_root().join("../shared/spec-reference/genesys-platform-242.0.0.swagger.json");
    assert!(
        platform.is_file(),
        "{} is missing: the shared reference specs lie beside the workspace",
        platform.display()
    );
    let text = std::fs::read_to_string(&platform).expect("read the platform description");
    let mut settings = audit_settings("242.0.0");
    settings.select.tags = vec!["Audit".to_owned()];
    let name = "genesys-platform-242.0.0.swagger.json";
    assert_reads_as_the_reference_converter(name, &text, &settings);

    // The selection changes nothing: the same crate as the audit description's, but for the first lines.
    let from_platform = generate(name, &text, &settings);
    let audit = "genesys-audit-242.0.0.swagger.json";
    let from_audit = generate(audit, &fixture_text(audit), &settings);
    let without_first_line = |generated: &Generated| Generated {
        files: generated
            .files
            .iter()
            .map(|(path, text)| (path.clone(), text.split_once('\n').map_or("", |(_, rest)| rest).to_owned()))
            .collect(),
        warnings: Vec::new(),
    };
    assert_same_crate(&without_first_line(&from_platform), &without_first_line(&from_audit), "the selection");
}

/// Each difference on purpose is one: without it, a fixture's crate differs from the reference converter's.
#[test]
fn each_difference_on_purpose_shows_in_a_fixture() {
    let Some(bin) = SWAGGER2OPENAPI.or_skip() else { return };
    for (index, difference) in DIFFERENCES.iter().enumerate() {
        let others: Vec<&Difference> =
            DIFFERENCES.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, d)| d).collect();
        let shows = FIXTURES.iter().any(|name| {
            let settings = Settings::for_spec(Path::new(name));
            let text = fixture_text(name);
            let reference = generate(name, &reference_conversion(&bin, name, &text, &others), &settings);
            generate(name, &text, &settings).files != reference.files
        });
        assert!(shows, "no fixture shows the difference {:?}: a fixture should, or it is not one", difference.name);
    }
}

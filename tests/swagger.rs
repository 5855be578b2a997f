//! Protects the reading of Swagger 2.0 (OpenAPI 2.0) documents, the form Genesys Cloud serves its
//! description in. The generator converts a 2.0 document to 3.0 itself, in its load stage; the oracle is the
//! reference converter, swagger2openapi (npm, pinned, installed by `.ci/install-swagger2openapi`; the tests
//! install it when npm is there, and without it say so and pass, except under `CI=true`).
//!
//! For each 2.0 document here, the crate generated from it is byte for byte the crate generated from
//! swagger2openapi's 3.0 output of it, given the same file name (so the first lines, which name the spec,
//! match too): every 2.0 construct fixture, the Genesys audit description of both reference releases, and
//! the audit selection of Genesys's whole-platform description. Where this generator reads a document
//! otherwise on purpose, the difference is one entry of [`DIFFERENCES`], applied to swagger2openapi's side
//! before the comparison, listed in the README with its reason, and shown to matter by a test.

use std::path::{Path, PathBuf};
use std::process::Command;

use audit_tests::tools::SWAGGER2OPENAPI;
use audit_tests::{settings_fixture, spec_fixture, workspace_root};
use genesys_audit_codegen::{Generated, Layout, Settings};
use serde_json::Value;

/// The 2.0 construct fixtures, generated with default settings.
const FIXTURES: &[&str] =
    &["swagger-sections.yaml", "swagger-bodies.yaml", "swagger-parameters.yaml", "swagger-genesys-extensions.yaml"];

/// How swagger2openapi is run: `--patch` reads the slips this generator reads with a warning (a parameter
/// without a `type`), `--warnOnly` keeps what 3.0 cannot say as an extension (`collectionFormat: tsv`, which
/// both converters keep as `x-collectionFormat`) instead of stopping, and `--refSiblings preserve` keeps a
/// `description` beside a `$ref`, which this generator writes into rustdoc.
const CONVERTER_FLAGS: &[&str] = &["--patch", "--warnOnly", "--refSiblings", "preserve"];

/// A way this generator reads a 2.0 document otherwise than swagger2openapi, on purpose.
struct Difference {
    /// What differs, as the README lists it.
    name: &'static str,
    /// Applied to the 2.0 document before swagger2openapi reads it.
    before: fn(&mut Value),
    /// Applied to swagger2openapi's 3.0 output.
    after: fn(&mut Value),
}

/// Every difference on purpose, as the README lists them.
const DIFFERENCES: &[Difference] = &[
    // A body or form parameter of a path item applies to each of its operations (2.0 says so);
    // swagger2openapi leaves it out of an operation that has no `parameters` list of its own. An empty list
    // changes nothing in 2.0 and makes swagger2openapi apply it.
    Difference {
        name: "a path's body parameter reaches the operations that list no parameters",
        before: give_operations_a_parameter_list,
        after: |_| {},
    },
    // A form is required when any of its fields is; swagger2openapi asks its first field only.
    Difference {
        name: "a form body is required when any of its fields is",
        before: |_| {},
        after: require_forms_with_a_required_field,
    },
];

/// Writes an empty `parameters` list into every operation of a path item that has parameters of its own.
fn give_operations_a_parameter_list(doc: &mut Value) {
    for item in doc.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|paths| paths.values_mut()) {
        let Some(item) = item.as_object_mut().filter(|item| item.contains_key("parameters")) else { continue };
        for (key, operation) in item.iter_mut() {
            if let (false, Some(operation)) = (key == "parameters", operation.as_object_mut()) {
                operation.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
            }
        }
    }
}

/// Marks as required each form request body whose schema requires a field.
fn require_forms_with_a_required_field(doc: &mut Value) {
    if let Some(shared) = doc.pointer_mut("/components/requestBodies").and_then(Value::as_object_mut) {
        shared.values_mut().for_each(require_form_with_a_required_field);
    }
    for item in doc.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|paths| paths.values_mut()) {
        for operation in item.as_object_mut().into_iter().flat_map(|item| item.values_mut()) {
            operation.get_mut("requestBody").into_iter().for_each(require_form_with_a_required_field);
        }
    }
}

fn require_form_with_a_required_field(body: &mut Value) {
    let forms = ["multipart/form-data", "application/x-www-form-urlencoded"];
    let requires_a_field = forms.iter().any(|media| {
        let required = body.pointer(&format!("/content/{}/schema/required", media.replace('/', "~1")));
        required.and_then(Value::as_array).is_some_and(|list| !list.is_empty())
    });
    if requires_a_field {
        body["required"] = Value::Bool(true);
    }
}

/// A scratch folder of its own for one conversion, cleared: tests run at the same time.
fn scratch(name: &str) -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = workspace_root().join("target/swagger-tests").join(format!("{name}-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("create {}: {err}", dir.display()));
    dir
}

/// swagger2openapi's 3.0 output of the 2.0 document `text`, with `differences` applied on both sides.
fn reference_conversion(bin: &Path, name: &str, text: &str, differences: &[&Difference]) -> String {
    let dir = scratch(name);
    let mut doc = read_document(text);
    for difference in differences {
        (difference.before)(&mut doc);
    }
    let input = dir.join("input.json");
    std::fs::write(&input, serde_json::to_string(&doc).expect("encode the 2.0 document")).expect("write the input");
    let output = dir.join("output.json");
    let run = Command::new(bin).args(CONVERTER_FLAGS).arg("-o").arg(&output).arg(&input).output().expect("run it");
    assert!(
        run.status.success(),
        "swagger2openapi failed on {name}:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut converted = read_document(&std::fs::read_to_string(&output).expect("read swagger2openapi's output"));
    let _ = std::fs::remove_dir_all(&dir);
    for difference in differences {
        (difference.after)(&mut converted);
    }
    serde_json::to_string(&converted).expect("encode the 3.0 document")
}

/// A document as JSON, from JSON or YAML text.
fn read_document(text: &str) -> Value {
    serde_json::from_str(text).or_else(|_| serde_yaml::from_str(text)).expect("the document is JSON or YAML")
}

/// The crate of `text` (named `name` in diagnostics and first lines) with `settings`.
fn generate(name: &str, text: &str, settings: &Settings) -> Generated {
    genesys_audit_codegen::generate_str(Path::new(name), text, settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("{name} does not generate:\n{err}"))
}

/// Fails, naming each differing file and showing the first difference, unless both crates are the same.
fn assert_same_crate(direct: &Generated, reference: &Generated, what: &str) {
    let keys = |generated: &Generated| generated.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(direct), keys(reference), "{what}: the two crates have other files");
    let differing: Vec<&String> =
        direct.files.iter().filter(|(path, text)| reference.files[*path] != **text).map(|(path, _)| path).collect();
    if let Some(first) = differing.first() {
        let diff = similar::TextDiff::from_lines(&reference.files[*first], &direct.files[*first]);
        panic!(
            "{what}: {} files differ ({}); the first, swagger2openapi's side first:\n{}",
            differing.len(),
            differing.iter().map(|path| path.as_str()).collect::<Vec<_>>().join(", "),
            diff.unified_diff().context_radius(3)
        );
    }
}

/// The direct crate of a 2.0 document and the crate of swagger2openapi's conversion are the same.
fn assert_reads_as_the_reference_converter(name: &str, text: &str, settings: &Settings) {
    let Some(bin) = SWAGGER2OPENAPI.or_skip() else { return };
    let direct = generate(name, text, settings);
    let all: Vec<&Difference> = DIFFERENCES.iter().collect();
    let reference = generate(name, &reference_conversion(&bin, name, text, &all), settings);
    assert_same_crate(&direct, &reference, name);
}

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

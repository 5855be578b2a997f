//! The reference converter from Swagger 2.0 to OpenAPI 3.0, swagger2openapi, as the oracle of the
//! generator's own reading of 2.0 documents: the crate of a 2.0 document must be the crate of swagger2openapi's
//! conversion of it, but for the differences on purpose listed here (and in the README).

use std::path::{Path, PathBuf};
use std::process::Command;

use genesys_audit_codegen::{Generated, Layout, Settings};
use serde_json::Value;

use crate::tools::SWAGGER2OPENAPI;
use crate::workspace_root;

/// How swagger2openapi is run: `--patch` reads the slips this generator reads with a warning (a parameter
/// without a `type`), `--warnOnly` keeps what 3.0 cannot say as an extension (`collectionFormat: tsv`, which
/// both converters keep as `x-collectionFormat`) instead of stopping, and `--refSiblings preserve` keeps a
/// `description` beside a `$ref`, which this generator writes into rustdoc.
pub const CONVERTER_FLAGS: &[&str] = &["--patch", "--warnOnly", "--refSiblings", "preserve"];

/// A way this generator reads a 2.0 document otherwise than swagger2openapi, on purpose.
pub struct Difference {
    /// What differs, as the README lists it.
    pub name: &'static str,
    /// Applied to the 2.0 document before swagger2openapi reads it.
    pub before: fn(&mut Value),
    /// Applied to swagger2openapi's 3.0 output.
    pub after: fn(&mut Value),
}

/// Every difference on purpose, as the README lists them.
pub const DIFFERENCES: &[Difference] = &[
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
pub fn reference_conversion(bin: &Path, name: &str, text: &str, differences: &[&Difference]) -> String {
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
pub fn generate(name: &str, text: &str, settings: &Settings) -> Generated {
    genesys_audit_codegen::generate_str(Path::new(name), text, settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("{name} does not generate:\n{err}"))
}

/// Fails, naming each differing file and showing the first difference, unless both crates are the same.
pub fn assert_same_crate(direct: &Generated, reference: &Generated, what: &str) {
    if let Err(difference) = same_crate(direct, reference) {
        panic!("{what}: {difference}");
    }
}

/// What differs between two crates: each differing file named, and the first difference shown.
fn same_crate(direct: &Generated, reference: &Generated) -> Result<(), String> {
    let keys = |generated: &Generated| generated.files.keys().cloned().collect::<Vec<_>>();
    if keys(direct) != keys(reference) {
        return Err(format!("the two crates have other files: {:?} against {:?}", keys(direct), keys(reference)));
    }
    let differing: Vec<&String> =
        direct.files.iter().filter(|(path, text)| reference.files[*path] != **text).map(|(path, _)| path).collect();
    match differing.first() {
        None => Ok(()),
        Some(first) => {
            let diff = similar::TextDiff::from_lines(&reference.files[*first], &direct.files[*first]);
            Err(format!(
                "{} files differ ({}); the first, swagger2openapi's side first:\n{}",
                differing.len(),
                differing.iter().map(|path| path.as_str()).collect::<Vec<_>>().join(", "),
                diff.unified_diff().context_radius(3)
            ))
        }
    }
}

/// The direct crate of a 2.0 document and the crate of swagger2openapi's conversion are the same.
pub fn assert_reads_as_the_reference_converter(name: &str, text: &str, settings: &Settings) {
    if let Err(difference) = reads_as_the_reference_converter(name, text, settings) {
        panic!("{name}: {difference}");
    }
}

/// Whether the direct crate of a 2.0 document and the crate of swagger2openapi's conversion are the same:
/// what differs when they are not. Both are generated as workspace members; the comparison is skipped
/// (and `Ok`) where swagger2openapi cannot be had, but in CI.
pub fn reads_as_the_reference_converter(name: &str, text: &str, settings: &Settings) -> Result<(), String> {
    let Some(bin) = SWAGGER2OPENAPI.or_skip() else { return Ok(()) };
    let direct = generate(name, text, settings);
    let all: Vec<&Difference> = DIFFERENCES.iter().collect();
    let reference = generate(name, &reference_conversion(&bin, name, text, &all), settings);
    same_crate(&direct, &reference)
}

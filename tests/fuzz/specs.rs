//! Mutated specs through the generator: every case in process, a sample through `cargo xtask codegen
//! --spec`, and a sample of the accepted ones compiled. Swagger 2.0 specs get the 2.0 mutations of
//! [`swagger`] too, and their diagnostics must point into the 2.0 document as written, not its 3.0 form.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use genesys_audit_codegen::{Diagnostic, Diagnostics, Generated, Layout, Location, Settings};
use serde_json::Value;

use crate::{
    Config, Hang, PANICS, Tally, UNPLACED, assert_answers, assert_crates_compile, compiled_count, mutate, platform,
    run_cases, scratch_dir, swagger,
};

/// Cases a CI run generates in process: about a minute of the debug build on two cores. A case of a 2.0
/// spec (about a quarter of them) costs more than one of a 3.x spec, on average (the conversion, and the
/// larger 2.0 forms of the reference specs): fewer cases than the 2,000 of 3.x alone take the same time.
const CASES: usize = 1_500;
/// Cases a CI run gives the command line, spread over the run's cases; a longer run gives it one in a
/// hundred.
const CLI_CASES: usize = 12;
/// Accepted cases a CI run compiles: each costs a `cargo check` of a generated crate.
const COMPILED: usize = 4;
/// The longest one generation (or one run of the command line) may take before it counts as a hang:
/// generous, for the debug build on a busy machine.
const LIMIT: Duration = Duration::from_secs(120);

/// A spec to mutate: its file name, its document, and whether it is Swagger 2.0.
struct Base {
    name: String,
    doc: Value,
    swagger: bool,
}

impl Base {
    fn new(name: String, doc: Value) -> Self {
        Self { swagger: mutate::is_swagger(&doc), name, doc }
    }
}

/// The 2.0 form of the current audit spec, in the shared reference folder: fuzzed when the fixture specs
/// hold no copy of it.
const SHARED_AUDIT_SWAGGER: &str = "../shared/spec-reference/genesys-audit-242.0.0.swagger.json";

/// The specs to mutate: every fixture spec (the construct fixtures and the reference specs, 3.x and 2.0),
/// the 2.0 audit spec, and a sample of the platform description as 3.0 and as 2.0, picked by `seed` (what
/// is in the shared reference folder, when it is there), read once.
fn bases(seed: u64) -> &'static [Base] {
    static BASES: OnceLock<Vec<Base>> = OnceLock::new();
    BASES.get_or_init(|| {
        let dir = audit_tests::workspace_root().join("tests/fixtures/specs");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("read {}: {err}", dir.display()));
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".yaml") || name.ends_with(".json"))
            .collect();
        names.sort();
        let shared = audit_tests::workspace_root().join(SHARED_AUDIT_SWAGGER);
        let shared_name = shared.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        let mut bases: Vec<Base> =
            names.iter().map(|name| Base::new(name.clone(), read_spec(&dir.join(name)))).collect();
        if !names.contains(&shared_name) && shared.is_file() {
            bases.push(Base::new(shared_name, read_spec(&shared)));
        }
        // The two forms of the platform description are read at once: they are the most of the wait.
        let samples: Vec<(&platform::Platform, Option<Value>)> = std::thread::scope(|scope| {
            let reads: Vec<_> = [&platform::OPENAPI, &platform::SWAGGER]
                .map(|form| (form, scope.spawn(move || platform::sample(form, seed))))
                .into_iter()
                .collect();
            reads
                .into_iter()
                .map(|(form, read)| (form, read.join().unwrap_or_else(|_| panic!("{} panicked", form.name))))
                .collect()
        });
        for (form, sample) in samples {
            if let Some(doc) = sample {
                eprintln!("{}: {}", form.name, platform::describe(&doc));
                bases.push(Base::new(form.name.to_owned(), doc));
            }
        }
        bases
    })
}

/// A spec file (JSON or YAML) as a JSON value.
fn read_spec(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
    if path.extension().is_some_and(|extension| extension == "json") {
        return serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
    }
    serde_yaml::from_str(&text).unwrap_or_else(|err| panic!("{} is not YAML: {err}", path.display()))
}

/// A mutated spec: its file name (which names the crate), its text, its document, what was done, and
/// which settings it is generated with.
struct Mutant {
    base: &'static str,
    /// Whether the base is Swagger 2.0.
    swagger: bool,
    name: String,
    text: String,
    doc: Value,
    mutations: Vec<String>,
    /// A Cargo feature per tag (half the cases).
    per_tag: bool,
    /// Undeclared members kept (three cases in four, as by default).
    keep_unknown: bool,
}

impl Mutant {
    /// The settings of the case, for the spec named `name`: the defaults, but for the features and the
    /// undeclared members, so that those paths of the generator are fuzzed too.
    fn settings(&self, name: &Path) -> Settings {
        let mut settings = Settings::for_spec(name);
        settings.features.per_tag = self.per_tag;
        settings.models.keep_unknown_members = self.keep_unknown;
        settings
    }
}

/// Case `case`: a base spec (each in turn), mutated (with the 2.0 mutations too when it is 2.0), written as
/// JSON or YAML.
fn mutant(config: &Config, case: usize) -> Mutant {
    let mut rng = config.rng(case);
    let bases = bases(config.seed);
    let base = &bases[case % bases.len()];
    let mut doc = base.doc.clone();
    let mutations = if base.swagger {
        mutate::mutate(&mut doc, &mut rng, &[mutate::SPEC, swagger::MUTATIONS].concat())
    } else {
        mutate::mutate(&mut doc, &mut rng, mutate::SPEC)
    };
    let stem = base.name.split('.').next().unwrap_or("spec");
    // The 2.0 form of a spec is told from its 3.0 form by the crate's name too.
    let stem = if base.swagger && !stem.contains("swagger") { format!("{stem}-swagger") } else { stem.to_owned() };
    let (text, extension) = if rng.bool() {
        (serde_yaml::to_string(&doc).unwrap_or_else(|err| panic!("a JSON value is YAML: {err}")), "yaml")
    } else {
        (serde_json::to_string_pretty(&doc).unwrap_or_else(|err| panic!("a JSON value is JSON: {err}")), "json")
    };
    let (per_tag, keep_unknown) = (rng.bool(), rng.u8(..4) > 0);
    let name = format!("{stem}-{case}.{extension}");
    Mutant { base: &base.name, swagger: base.swagger, name, text, doc, mutations, per_tag, keep_unknown }
}

/// The generator, in process, on a mutant named `name` in diagnostics.
fn generate(mutant: &Mutant, name: &Path, settings: &Settings, layout: Layout) -> Result<Generated, Diagnostics> {
    genesys_audit_codegen::generate_str(name, &mutant.text, settings, layout)
}

/// What the generator made of one mutant.
enum Verdict {
    Accepted,
    Refused,
    /// Diagnostics that do not point into the spec, described.
    Unplaced(Vec<String>),
}

/// Runs the generator on `mutant` in process and judges where its diagnostics point.
fn judge(mutant: &Mutant) -> Verdict {
    let name = Path::new(&mutant.name);
    let (diagnostics, accepted) = match generate(mutant, name, &mutant.settings(name), Layout::Standalone) {
        Ok(generated) => (generated.warnings, true),
        Err(Diagnostics(errors)) if errors.is_empty() => {
            return Verdict::Unplaced(vec!["refused, saying nothing".into()]);
        }
        Err(Diagnostics(errors)) => (errors, false),
    };

    let unplaced: Vec<String> = diagnostics.iter().filter_map(|d| unplaced(d, name, mutant)).collect();
    match (unplaced.is_empty(), accepted) {
        (false, _) => Verdict::Unplaced(unplaced),
        (true, true) => Verdict::Accepted,
        (true, false) => Verdict::Refused,
    }
}

/// What is wrong with where `diagnostic` points, if anything: it must name the spec, a JSON pointer to a
/// node of the document or to a missing member of one, and say what is wrong on one line. Of a 2.0
/// document, the pointer and those the message names must be of the document as written, not of its 3.0
/// form.
fn unplaced(diagnostic: &Diagnostic, spec: &Path, mutant: &Mutant) -> Option<String> {
    let doc = &mutant.doc;
    let swagger = mutate::is_swagger(doc);
    let problem = match &diagnostic.location {
        Location::Pointer(_) if diagnostic.file != spec => "names another file",
        Location::Pointer(pointer) if !resolves(doc, pointer.as_json_pointer()) => "points at nothing in the spec",
        Location::Pointer(pointer) if swagger && in_3_0_form(doc, pointer.as_json_pointer()) => {
            "points at a member of the 3.0 form of the 2.0 spec"
        }
        Location::Pointer(_) if diagnostic.message.trim().is_empty() => "says nothing",
        Location::Pointer(_) if diagnostic.to_string().contains(['\n', '\r']) => "is more than one line",
        Location::Pointer(_) if swagger && names_3_0_places(&diagnostic.message, doc) => {
            "names a place of the 3.0 form of the 2.0 spec"
        }
        Location::Pointer(_) => return None,
        Location::LineColumn { .. } | Location::File => "has no JSON pointer",
    };
    Some(format!("{problem}: {diagnostic}"))
}

/// Members only OpenAPI 3.x has, where the converter writes them.
const ONLY_3: &[&str] = &[
    "openapi",
    "servers",
    "components",
    "requestBody",
    "requestBodies",
    "content",
    "securitySchemes",
    "flows",
    "style",
    "explode",
    "nullable",
    "propertyName",
    "mapping",
];

/// Whether `pointer`, into the 2.0 document `doc`, names a member it lacks that only the 3.0 form has (the
/// `requestBody` of an operation): a place in the converted document, not in the file.
fn in_3_0_form(doc: &Value, pointer: &str) -> bool {
    doc.pointer(pointer).is_none() && pointer.rsplit('/').next().is_some_and(|last| ONLY_3.contains(&last))
}

/// Whether `message`, about the 2.0 document `doc`, names a pointer (`#/...`, up to a quote, a space or
/// punctuation) that is neither a place in it nor written in it (the target of a `$ref` it holds): one of
/// the 3.0 form (`#/components/schemas/A`).
fn names_3_0_places(message: &str, doc: &Value) -> bool {
    let mut rest = message;
    while let Some(start) = rest.find("#/") {
        let token = &rest[start + 1..];
        let end = token.find(|c: char| c.is_whitespace() || "\"'`,;)".contains(c)).unwrap_or(token.len());
        let pointer = &token[..end];
        if !resolves(doc, pointer) && !written_in(doc, &format!("#{pointer}")) {
            return true;
        }
        rest = &token[end..];
    }
    false
}

/// Whether a string or a key of `doc` holds `text`.
fn written_in(doc: &Value, text: &str) -> bool {
    match doc {
        Value::String(value) => value.contains(text),
        Value::Array(items) => items.iter().any(|item| written_in(item, text)),
        Value::Object(map) => map.iter().any(|(key, value)| key.contains(text) || written_in(value, text)),
        _ => false,
    }
}

/// Whether `pointer` names a node of `doc`, or a member missing from an object of it.
pub fn resolves(doc: &Value, pointer: &str) -> bool {
    doc.pointer(pointer).is_some()
        || pointer.rsplit_once('/').is_some_and(|(parent, _)| doc.pointer(parent).is_some_and(Value::is_object))
}

/// A failing case, described: what failed, the mutations, where its input is saved, how to replay it.
fn failure(config: &Config, test: &str, case: usize, what: &str) -> String {
    let mutant = mutant(config, case);
    let saved = scratch_dir("failures").join(&mutant.name);
    let saved = match std::fs::write(&saved, &mutant.text) {
        Ok(()) => saved.display().to_string(),
        Err(err) => format!("(not saved: {err})"),
    };
    format!(
        "case {case}, from {}: {what}\n  mutations:\n    {}\n  settings: per-tag features {}, \
         keep-unknown-members {}\n  input: {saved}\n  replay: {}",
        mutant.base,
        mutant.mutations.join("\n    "),
        mutant.per_tag,
        mutant.keep_unknown,
        config.replay(test, case)
    )
}

/// A case that hangs, described as a failure.
fn hang_report(config: &Config, test: &str, hang: &Hang) -> String {
    failure(config, test, hang.case, &format!("still running after {:.1?}: it hangs", hang.after))
}

#[test]
fn mutated_specs_never_panic_or_hang_and_every_problem_names_a_pointer() {
    const TEST: &str = "specs::mutated_specs_never_panic_or_hang_and_every_problem_names_a_pointer";
    let config = Config::from_env(CASES);
    if let Some(case) = config.only {
        // Said before it runs: a stack overflow would end the process before any report.
        eprintln!("replaying {}", failure(&config, TEST, case, "about to run"));
    }
    let started = Instant::now();
    let shared = config.clone();
    let results = run_cases("specs", config.indices(), LIMIT, Arc::new(move |case| judge(&mutant(&shared, case))))
        .unwrap_or_else(|hang| panic!("{}", hang_report(&config, TEST, &hang)));
    let mut tally = Tally::new(&[PANICS, UNPLACED]);
    for (case, ran) in results {
        match ran {
            Ok(Verdict::Accepted) => tally.add("accepted", None),
            Ok(Verdict::Refused) => tally.add("refused", None),
            Ok(Verdict::Unplaced(problems)) => {
                tally.add(UNPLACED, Some(failure(&config, TEST, case, &problems.join("\n  "))));
            }
            Err(panic) => tally.add(PANICS, Some(failure(&config, TEST, case, &format!("panicked: {panic}")))),
        }
    }
    let summary = tally.summary("generator on mutated specs", &config, started.elapsed());
    eprintln!("{summary}");
    tally.assert_none(&summary);
}

/// `count` cases spread over the run (the one `FUZZ_ONLY` names, if it names one).
pub fn sample(config: &Config, count: usize) -> Vec<usize> {
    let cases = config.indices();
    let count = count.min(cases.len()).max(1);
    let mut picked: Vec<usize> = (0..count).filter_map(|i| cases.get(i * cases.len() / count).copied()).collect();
    picked.dedup();
    picked
}

#[test]
fn the_command_line_exits_0_or_1_and_says_what_the_generator_says() {
    const TEST: &str = "specs::the_command_line_exits_0_or_1_and_says_what_the_generator_says";
    let config = Config::from_env(CASES);
    let binary = audit_tests::workspace_binary(&["-p", "xtask"], "xtask");
    let started = Instant::now();
    let shared = config.clone();
    let run = Arc::new(move |case| run_cli(&binary, &shared, case));
    let results = run_cases("command-line", sample(&config, CLI_CASES.max(config.cases / 100)), LIMIT, run)
        .unwrap_or_else(|hang| panic!("{}", hang_report(&config, TEST, &hang)));
    assert_answers("cargo xtask codegen on mutated specs", &config, started, results, |case, what| {
        failure(&config, TEST, case, what)
    });
}

/// Runs `xtask codegen --spec FILE --out DIR` on case `case`; its exit status must be 0 when the
/// generator accepts the spec in process and 1 when it refuses it, and its stderr exactly the
/// diagnostics, one `error: ` or `warning: ` line each.
fn run_cli(binary: &Path, config: &Config, case: usize) -> Result<&'static str, String> {
    let mutant = mutant(config, case);
    let dir = scratch_dir("cli").join(case.to_string());
    // A crate left by an earlier run would hide one that is not written now.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|err| format!("create {}: {err}", dir.display()))?;
    let spec = dir.join(&mutant.name);
    std::fs::write(&spec, &mutant.text).map_err(|err| format!("write {}: {err}", spec.display()))?;
    let out = dir.join("out");
    let mut command = Command::new(binary);
    command.arg("codegen").arg("--spec").arg(&spec).arg("--out").arg(&out);
    let (code, stderr) = run_with_limit(command, LIMIT)?;
    // Without `--settings`, the command line has the default settings.
    let expected = generate(&mutant, &spec, &Settings::for_spec(&spec), Layout::Standalone);
    judge_cli(&expected, code, &stderr, &out)
}

/// Whether the command line, which exited with `code` and wrote `stderr` (and a crate to `out`), said
/// what the generator said in process (`expected`): exit 0 with its warnings, or exit 1 with its errors,
/// one line each. The outcome's name, or what is wrong.
pub fn judge_cli(
    expected: &Result<Generated, Diagnostics>,
    code: Option<i32>,
    stderr: &str,
    out: &Path,
) -> Result<&'static str, String> {
    let lines: Vec<&str> = stderr.lines().filter(|line| !line.starts_with("wrote ")).collect();
    let (outcome, wanted) = match (expected, code) {
        (Ok(generated), Some(0)) if out.join("Cargo.toml").is_file() => {
            ("exit 0", prefixed("warning", &generated.warnings))
        }
        (Err(diagnostics), Some(1)) => ("exit 1", prefixed("error", &diagnostics.0)),
        _ => {
            let verdict = if expected.is_ok() { "accepts" } else { "refuses" };
            return Err(format!("exit status {code:?} where the generator {verdict} the input; stderr:\n{stderr}"));
        }
    };
    if lines != wanted {
        return Err(format!("stderr is not one line per diagnostic:\n{stderr}\nwanted:\n{}", wanted.join("\n")));
    }
    Ok(outcome)
}

/// The lines the command line writes for `diagnostics`: `kind: file#/pointer: message`.
fn prefixed(kind: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| format!("{kind}: {d}")).collect()
}

/// Runs `command` to its end, or kills it after `limit`; its exit code (`None` when a signal ended it)
/// and its stderr.
pub fn run_with_limit(mut command: Command, limit: Duration) -> Result<(Option<i32>, String), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run {command:?}: {err}"))?;
    let mut stderr = child.stderr.take().ok_or("no stderr pipe")?;
    // Read while it runs, so that a full pipe cannot stall it.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|err| format!("wait for {command:?}: {err}"))? {
            Some(status) => break status,
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {limit:?}: it hangs"));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let stderr = reader.join().map_err(|_| "the stderr reader panicked")?;
    Ok((status.code(), stderr))
}

#[test]
fn a_sample_of_accepted_mutants_compiles() {
    let config = Config::from_env(CASES);
    let crates = accepted_sample(&config, compiled_count(COMPILED));
    assert!(!crates.is_empty(), "no case of seed {:#x} was accepted", config.seed);
    assert_crates_compile("crates", "accepted mutants", &crates);
}

/// Up to `count` accepted cases, spread over the base specs, half of them (rounded down) of 2.0 specs, with
/// the crate name each is written under.
fn accepted_sample(config: &Config, count: usize) -> Vec<(String, Generated)> {
    let per_base = count.div_ceil(bases(config.seed).len());
    let of_swagger = count / 2;
    let mut picked: Vec<(String, Generated)> = Vec::new();
    let mut bases_used: Vec<(&str, bool)> = Vec::new();
    for case in config.indices() {
        if picked.len() == count {
            break;
        }
        let mutant = mutant(config, case);
        let same_version = bases_used.iter().filter(|(_, swagger)| *swagger == mutant.swagger).count();
        let wanted = if mutant.swagger { of_swagger } else { count - of_swagger };
        if same_version == wanted || bases_used.iter().filter(|(base, _)| *base == mutant.base).count() == per_base {
            continue;
        }
        let name = PathBuf::from(&mutant.name);
        if let Ok(generated) = generate(&mutant, &name, &mutant.settings(&name), Layout::WorkspaceMember) {
            bases_used.push((mutant.base, mutant.swagger));
            picked.push((Settings::for_spec(&name).krate.name, generated));
        }
    }
    picked
}

#[test]
fn the_reference_specs_and_platform_samples_generate_unmutated() {
    let config = Config::from_env(CASES);
    let references = bases(config.seed).iter().filter(|base| base.name.starts_with("genesys-"));
    for base in references {
        let name = Path::new(&base.name);
        let text = serde_json::to_string(&base.doc).unwrap_or_else(|err| panic!("a JSON value is JSON: {err}"));
        let generated = genesys_audit_codegen::generate_str(name, &text, &Settings::for_spec(name), Layout::Standalone);
        if let Err(Diagnostics(errors)) = generated {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!(
                "{} (seed {:#x}) is refused, so its mutants test little:\n{}",
                base.name,
                config.seed,
                errors.join("\n")
            );
        }
    }
}

//! Mutated settings files (`codegen.toml`) through the generator: the project's own and the test
//! fixtures', each with the spec it goes with, mutated as TOML documents (nodes deleted, values of another
//! type, names borrowed from the spec where the settings name an operation, a field or a tag, odd text) and,
//! one case in eight, as text.
//!
//! Settings that cannot be read must be refused at a line and column of the file; settings that can be
//! read but name what the spec does not have must be refused (or warned about) at a JSON pointer into the
//! settings; the generator must never panic or hang. A sample of the accepted cases goes through the
//! command line, and another compiles.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use fastrand::Rng;
use genesys_audit_codegen::{Diagnostic, Diagnostics, Generated, Layout, Location, Settings};
use serde_json::{Map, Value};

use crate::specs::{judge_cli, resolves, run_with_limit};
use crate::{
    Config, Hang, PANICS, Tally, UNPLACED, assert_answers, assert_crates_compile, compiled_count, mutate, odd,
    run_cases, scratch_dir,
};

/// Cases a CI run tries: each reads the settings and, most of the time, generates a small spec.
const CASES: usize = 1_000;
/// Cases a CI run gives the command line.
const CLI_CASES: usize = 4;
/// Accepted cases a CI run compiles.
const COMPILED: usize = 2;
/// The longest one case may take before it counts as a hang.
const LIMIT: Duration = Duration::from_secs(120);

/// Settings to mutate, each with the spec it is generated with.
/// An empty spec is the one the settings name (`spec/`'s, whatever a bump made it).
const BASES: &[(&str, &str)] = &[
    ("spec/codegen.toml", ""),
    ("tests/fixtures/settings/genesys-audit.codegen.toml", "tests/fixtures/specs/genesys-audit-242.0.0.openapi.yaml"),
    // The platform's settings select everything, a feature per tag: the audit spec has tags enough.
    (
        "tests/fixtures/settings/genesys-platform.codegen.toml",
        "tests/fixtures/specs/genesys-audit-121.0.0.openapi.yaml",
    ),
    ("tests/fixtures/settings/tag-features.codegen.toml", "tests/fixtures/specs/tag-features.yaml"),
];

/// A settings file and its spec, read once.
struct Base {
    settings_name: &'static str,
    settings: Value,
    spec_name: String,
    spec_text: String,
    spec: Value,
    /// The names of the spec that settings refer to (`operationId`s, property names, tags), to borrow.
    names: Vec<String>,
}

fn bases() -> &'static [Base] {
    static BASES_READ: OnceLock<Vec<Base>> = OnceLock::new();
    BASES_READ.get_or_init(|| {
        let root = audit_tests::workspace_root();
        BASES
            .iter()
            .map(|&(settings_name, spec_name)| {
                let read = |name: &str| {
                    std::fs::read_to_string(root.join(name)).unwrap_or_else(|err| panic!("read {name}: {err}"))
                };
                let settings: toml::Table =
                    toml::from_str(&read(settings_name)).unwrap_or_else(|err| panic!("{settings_name}: {err}"));
                let settings = serde_json::to_value(settings).expect("TOML values are JSON values");
                let spec_name = match spec_name {
                    "" => {
                        let named =
                            settings["spec"].as_str().unwrap_or_else(|| panic!("{settings_name} names no spec"));
                        let folder = Path::new(settings_name).parent().unwrap_or(Path::new(""));
                        folder.join(named).to_string_lossy().into_owned()
                    }
                    name => name.to_owned(),
                };
                let spec_text = read(&spec_name);
                let spec: Value =
                    serde_yaml::from_str(&spec_text).unwrap_or_else(|err| panic!("{spec_name} is not YAML: {err}"));
                let names = spec_names(&spec);
                Base { settings_name, settings, spec_name, spec_text, spec, names }
            })
            .collect()
    })
}

/// The `operationId`s, tags and property names of `spec`, sorted.
fn spec_names(spec: &Value) -> Vec<String> {
    fn walk(value: &Value, names: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("operationId", Value::String(id)) => names.push(id.clone()),
                        ("tags", Value::Array(tags)) => {
                            names.extend(tags.iter().filter_map(Value::as_str).map(str::to_owned));
                        }
                        ("properties", Value::Object(properties)) => names.extend(properties.keys().cloned()),
                        _ => {}
                    }
                    walk(child, names);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, names)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    walk(spec, &mut names);
    names.sort();
    names.dedup();
    names
}

/// A mutated settings file: its text, what was done, and the base it came from.
struct Mutant {
    base: &'static Base,
    text: String,
    mutations: Vec<String>,
}

/// The file name the settings of case `case` go by in diagnostics.
fn settings_name(case: usize) -> PathBuf {
    PathBuf::from(format!("settings-{case}.toml"))
}

/// Case `case`: a base (each in turn), mutated as a document and, one case in eight, as text too.
fn mutant(config: &Config, case: usize) -> Mutant {
    let mut rng = config.rng(case);
    let base = &bases()[case % bases().len()];
    let mut doc = base.settings.clone();
    // Most structural mutations make settings that do not deserialize (a key no field has, a value of
    // another type); names borrowed from the spec make settings that do, and reach the generator.
    let mut mutations = Vec::new();
    if rng.bool() {
        mutations.extend(mutate::mutate(&mut doc, &mut rng, mutate::DATA));
    }
    while mutations.is_empty() || rng.u8(..3) == 0 {
        mutations.extend(borrow_name(&mut doc, &mut rng, &base.names));
    }
    let mut text = match toml_text(&doc) {
        Ok(text) => text,
        Err(err) => {
            mutations.push(format!("(not TOML as mutated: {err}; the base is used)"));
            toml_text(&base.settings).expect("a base is TOML")
        }
    };
    if rng.u8(..8) == 0 {
        mutations.push(mutate_text(&mut text, &mut rng));
    }
    Mutant { base, text, mutations }
}

/// `doc` as TOML text; TOML has no null, so null members and items are left out.
fn toml_text(doc: &Value) -> Result<String, String> {
    fn without_nulls(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().filter(|v| !v.is_null()).map(without_nulls).collect()),
            other => other.clone(),
        }
    }
    let table: toml::Table = serde_json::from_value(without_nulls(doc)).map_err(|err| err.to_string())?;
    toml::to_string(&table).map_err(|err| err.to_string())
}

/// Puts a name of the spec where the settings have a string, or as the key of a `pagination` or `waiters`
/// entry (an `operationId`): an operation paginated that has no such field, a field that is not the list,
/// a tag selected.
fn borrow_name(doc: &mut Value, rng: &mut Rng, names: &[String]) -> Option<String> {
    let name = rng.choice(names)?.clone();
    let places: Vec<Vec<mutate::Step>> = mutate::nodes(doc)
        .into_iter()
        .filter(|path| is_operation_key(path) || mutate::get(doc, path).is_some_and(Value::is_string))
        .collect();
    let path = rng.choice(places)?;
    let at = mutate::pointer(&path);
    if is_operation_key(&path) && (rng.bool() || !mutate::get(doc, &path).is_some_and(Value::is_string)) {
        let (Some(mutate::Step::Key(key)), parent) = (path.last(), &path[..path.len() - 1]) else { return None };
        let Some(Value::Object(map)) = mutate::get_mut(doc, parent) else { return None };
        let value = map.remove(key)?;
        map.insert(name.clone(), value);
        return Some(format!("renamed {at} to {name:?}"));
    }
    let target = mutate::get_mut(doc, &path)?;
    let old = mutate::preview(target);
    *target = Value::String(name.clone());
    Some(format!("set {at} from {old} to {name:?}"))
}

/// Whether `path` is an entry of `pagination` or `waiters`, whose keys are `operationId`s.
fn is_operation_key(path: &[mutate::Step]) -> bool {
    let [mutate::Step::Key(table), mutate::Step::Key(_)] = path else { return false };
    table == "pagination" || table == "waiters"
}

/// Breaks the text: a character of TOML's syntax, or odd text, put at a random place, or the text cut short.
fn mutate_text(text: &mut String, rng: &mut Rng) -> String {
    const SYNTAX: &[&str] = &["[", "]", "[[", "=", "\"", "'", "\"\"\"", "{", "}", ",", "#", "\n", ".", "\\"];
    let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
    let at = rng.choice(boundaries).unwrap_or(0);
    match rng.u8(..3) {
        0 => {
            text.truncate(at);
            format!("cut the text at byte {at}")
        }
        1 => {
            let inserted = rng.choice(SYNTAX).copied().unwrap_or("[");
            text.insert_str(at, inserted);
            format!("inserted {inserted:?} at byte {at}")
        }
        _ => {
            let inserted = odd::text(rng);
            text.insert_str(at, &inserted);
            format!("inserted {inserted:?} at byte {at}")
        }
    }
}

/// What the generator made of one mutant.
enum Verdict {
    /// The settings could not be read, and said where.
    Unreadable,
    Refused,
    Accepted,
    /// Diagnostics that do not say where in the settings (or the spec) the problem is, described.
    Unplaced(Vec<String>),
}

/// The mutant's spec generated with `settings`, as `layout` says.
fn generate(mutant: &Mutant, settings: &Settings, layout: Layout) -> Result<Generated, Diagnostics> {
    let spec = Path::new(&mutant.base.spec_name);
    genesys_audit_codegen::generate_str(spec, &mutant.base.spec_text, settings, layout)
}

fn judge(mutant: &Mutant, case: usize) -> Verdict {
    let name = settings_name(case);
    let (diagnostics, verdict) = match Settings::parse(&name, &mutant.text) {
        Err(Diagnostics(errors)) => (errors, Verdict::Unreadable),
        Ok(settings) => match generate(mutant, &settings, Layout::Standalone) {
            Ok(generated) => (generated.warnings, Verdict::Accepted),
            Err(Diagnostics(errors)) => (errors, Verdict::Refused),
        },
    };
    if diagnostics.is_empty() && !matches!(verdict, Verdict::Accepted) {
        return Verdict::Unplaced(vec!["refused, saying nothing".into()]);
    }
    let settings: Option<Value> =
        toml::from_str::<toml::Table>(&mutant.text).ok().and_then(|table| serde_json::to_value(table).ok());
    let unplaced: Vec<String> =
        diagnostics.iter().filter_map(|d| unplaced(d, &name, &mutant.text, settings.as_ref(), mutant.base)).collect();
    if unplaced.is_empty() { verdict } else { Verdict::Unplaced(unplaced) }
}

/// What is wrong with where `diagnostic` points, if anything. A problem of the settings names the settings
/// file: at a line and column within its text when it cannot be read as settings, at a JSON pointer into it
/// otherwise. A problem of the spec (a warning) names a node of the spec.
fn unplaced(diagnostic: &Diagnostic, name: &Path, text: &str, settings: Option<&Value>, base: &Base) -> Option<String> {
    let lines = text.split('\n').count();
    let in_settings = diagnostic.file == name;
    let problem = match (&diagnostic.location, settings) {
        _ if diagnostic.message.trim().is_empty() => "says nothing",
        _ if diagnostic.to_string().contains(['\n', '\r']) => "is more than one line",
        (Location::LineColumn { line, .. }, _) if in_settings && *line > lines => "points past the end of the text",
        (Location::LineColumn { .. }, _) if in_settings => return None,
        (Location::Pointer(pointer), Some(doc)) if in_settings && !resolves(doc, pointer.as_json_pointer()) => {
            "points at nothing in the settings"
        }
        (Location::Pointer(_), Some(_)) if in_settings => return None,
        (Location::Pointer(pointer), _) if diagnostic.file == Path::new(&base.spec_name) => {
            if resolves(&base.spec, pointer.as_json_pointer()) {
                return None;
            }
            "points at nothing in the spec"
        }
        (Location::File, _) if in_settings => "has no line nor pointer",
        _ => "names another file",
    };
    Some(format!("{problem}: {diagnostic}"))
}

/// A failing case, described: what failed, the mutations, where its input is saved, how to replay it.
fn failure(config: &Config, test: &str, case: usize, what: &str) -> String {
    let mutant = mutant(config, case);
    let saved = scratch_dir("failures").join(settings_name(case));
    let saved = match std::fs::write(&saved, &mutant.text) {
        Ok(()) => saved.display().to_string(),
        Err(err) => format!("(not saved: {err})"),
    };
    format!(
        "case {case}, from {} with {}: {what}\n  mutations:\n    {}\n  input: {saved}\n  replay: {}",
        mutant.base.settings_name,
        mutant.base.spec_name,
        mutant.mutations.join("\n    "),
        config.replay(test, case)
    )
}

fn hang_report(config: &Config, test: &str, hang: &Hang) -> String {
    failure(config, test, hang.case, &format!("still running after {:.1?}: it hangs", hang.after))
}

#[test]
fn mutated_settings_never_panic_or_hang_and_every_problem_says_where() {
    const TEST: &str = "settings::mutated_settings_never_panic_or_hang_and_every_problem_says_where";
    let config = Config::from_env(CASES);
    if let Some(case) = config.only {
        eprintln!("replaying {}", failure(&config, TEST, case, "about to run"));
    }
    let started = Instant::now();
    let shared = config.clone();
    let run = Arc::new(move |case| judge(&mutant(&shared, case), case));
    let results = run_cases("settings", config.indices(), LIMIT, run)
        .unwrap_or_else(|hang| panic!("{}", hang_report(&config, TEST, &hang)));
    let mut tally = Tally::new(&[PANICS, UNPLACED]);
    for (case, ran) in results {
        match ran {
            Ok(Verdict::Unreadable) => tally.add("unreadable", None),
            Ok(Verdict::Refused) => tally.add("refused", None),
            Ok(Verdict::Accepted) => tally.add("accepted", None),
            Ok(Verdict::Unplaced(problems)) => {
                tally.add(UNPLACED, Some(failure(&config, TEST, case, &problems.join("\n  "))));
            }
            Err(panic) => tally.add(PANICS, Some(failure(&config, TEST, case, &format!("panicked: {panic}")))),
        }
    }
    let summary = tally.summary("generator on mutated settings", &config, started.elapsed());
    eprintln!("{summary}");
    tally.assert_none(&summary);
}

#[test]
fn the_command_line_exits_0_or_1_on_mutated_settings() {
    const TEST: &str = "settings::the_command_line_exits_0_or_1_on_mutated_settings";
    let config = Config::from_env(CASES);
    let binary = audit_tests::workspace_binary(&["-p", "xtask"], "xtask");
    let started = Instant::now();
    let shared = config.clone();
    let run = Arc::new(move |case| run_cli(&binary, &shared, case));
    let cases = crate::specs::sample(&config, CLI_CASES.max(config.cases / 100));
    let results = run_cases("settings-cli", cases, LIMIT, run)
        .unwrap_or_else(|hang| panic!("{}", hang_report(&config, TEST, &hang)));
    assert_answers("cargo xtask codegen on mutated settings", &config, started, results, |case, what| {
        failure(&config, TEST, case, what)
    });
}

/// Runs `xtask codegen --settings FILE --spec SPEC --out DIR` on case `case`: it must exit 0 when the
/// generator accepts the settings in process and 1 otherwise, with one `error: `/`warning: ` line per
/// diagnostic.
fn run_cli(binary: &Path, config: &Config, case: usize) -> Result<&'static str, String> {
    let mutant = mutant(config, case);
    let dir = scratch_dir("settings-cli").join(case.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|err| format!("create {}: {err}", dir.display()))?;
    let settings = dir.join(settings_name(case));
    std::fs::write(&settings, &mutant.text).map_err(|err| format!("write {}: {err}", settings.display()))?;
    let spec = audit_tests::workspace_root().join(&mutant.base.spec_name);
    let out = dir.join("out");
    let mut command = Command::new(binary);
    command.arg("codegen").arg("--spec").arg(&spec).arg("--settings").arg(&settings).arg("--out").arg(&out);
    let (code, stderr) = run_with_limit(command, LIMIT)?;
    let expected = Settings::parse(&settings, &mutant.text).and_then(|settings| {
        genesys_audit_codegen::generate_str(&spec, &mutant.base.spec_text, &settings, Layout::Standalone)
    });
    judge_cli(&expected, code, &stderr, &out)
}

#[test]
fn a_sample_of_crates_from_accepted_settings_compiles() {
    let config = Config::from_env(CASES);
    let crates = accepted_sample(&config, compiled_count(COMPILED));
    assert!(!crates.is_empty(), "no settings of seed {:#x} were accepted", config.seed);
    assert_crates_compile("settings-crates", "crates from accepted settings", &crates);
}

/// Up to `count` accepted cases whose mutations changed what was generated (not only comments or the
/// dev-dependencies, which Cargo reads as they are), with distinct crate names, each under its case's name.
fn accepted_sample(config: &Config, count: usize) -> Vec<(String, Generated)> {
    let mut picked: Vec<(String, Generated)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for case in config.indices() {
        if picked.len() == count {
            break;
        }
        let mutant = mutant(config, case);
        let Ok(settings) = Settings::parse(&settings_name(case), &mutant.text) else { continue };
        let Ok(generated) = generate(&mutant, &settings, Layout::WorkspaceMember) else { continue };
        let base: Map<String, Value> = mutant.base.settings.as_object().cloned().unwrap_or_default();
        let base_dev = base.get("crate").and_then(|c| c.get("dev-dependencies")).cloned().unwrap_or_default();
        let dev = serde_json::to_value(&settings.krate.dev_dependencies).unwrap_or_default();
        if dev != base_dev && !(dev == Value::Object(Map::new()) && base_dev.is_null()) {
            continue;
        }
        if names.contains(&settings.krate.name) {
            continue;
        }
        names.push(settings.krate.name.clone());
        picked.push((format!("settings-{case}"), generated));
    }
    picked
}

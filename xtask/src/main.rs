//! The project's tasks, run as `cargo xtask <task>` (the alias is in `.cargo/config.toml`).

mod bench;
mod bench_codegen;
mod bench_decode;
mod bump;
mod fuzz;
mod page_server;
mod semver;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use genesys_audit_codegen::{Generated, Layout, Settings};

/// The generator makes and drops millions of small token trees: on the platform description, emitting
/// takes about half as long with mimalloc as with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage:
  cargo xtask codegen                          regenerate generated-client/ from spec/
  cargo xtask codegen --check                  fail, naming the files, if generated-client/ is stale
  cargo xtask codegen --spec FILE --out DIR    write a standalone crate for any spec
                      [--settings FILE]        (crate name and version; defaults from the spec's name)
  cargo xtask diff OLD NEW [--format markdown|json] [--settings FILE | --all]
                                               what changed between two specs, classed major/minor/patch,
                                               in the operations spec/codegen.toml selects (or FILE's; all)
  cargo xtask bump NEW                         replace spec/'s spec with NEW, regenerate, set the crate
                                               version by the diff's class, prepend it to the CHANGELOG
  cargo xtask semver-check OLD NEW            cargo-semver-checks on the crates of two specs; fails if it
                                               finds a higher class than `diff` does
  cargo xtask bench-codegen [--quick]          generation time and memory (audit spec, platform), the
                                               generated audit crate's build time beside progenitor's,
                                               and `cargo check` of the platform crate, in release mode
  cargo xtask bench-export [--entries 10000,100000] [--runs 3]
                                               export through the results stream from a local server:
                                               entries per second and peak memory, in release mode
  cargo xtask bench-decode [--quick]           a results page decoded and encoded through the client, beside
                                               serde_json::Value and a closed baseline: MB/s and ratios
  cargo xtask fuzz [--cases N] [--seed S] [--compiled N]
                                               the fuzz test as a longer campaign, in release mode: --cases
                                               mutated specs, and pages of each kind (10000); --compiled
                                               accepted specs built (24)";

/// The generator settings, relative to the workspace root.
const SETTINGS: &str = "spec/codegen.toml";
/// The generated crate, relative to the workspace root.
const CLIENT_DIR: &str = "generated-client";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.split_first() {
        Some((task, rest)) if task == "codegen" => codegen(&CodegenArgs::parse(rest)?),
        Some((task, rest)) if task == "diff" => bump::diff_task(rest),
        Some((task, rest)) if task == "bump" => bump::bump_task(rest),
        Some((task, rest)) if task == "semver-check" => semver::run(rest),
        Some((task, rest)) if task == "bench-codegen" => bench_codegen::run(rest),
        Some((task, rest)) if task == "bench-codegen-child" => bench_codegen::child(rest),
        Some((task, rest)) if task == "bench-export" => bench::run(rest),
        Some((task, rest)) if task == "bench-decode" => bench_decode::run(rest),
        Some((task, rest)) if task == "bench-export-child" => bench::child(rest),
        Some((task, rest)) if task == "fuzz" => fuzz::run(rest),
        Some((task, _)) if task == "help" || task == "--help" || task == "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        Some((task, _)) => Err(format!("error: unknown task {task:?}\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    }
}

#[derive(Debug, Default)]
struct CodegenArgs {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    settings: Option<PathBuf>,
}

impl CodegenArgs {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next().map(PathBuf::from).ok_or_else(|| format!("error: {name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => parsed.spec = Some(value("--spec")?),
                "--out" => parsed.out = Some(value("--out")?),
                "--settings" => parsed.settings = Some(value("--settings")?),
                other => return Err(format!("error: unknown argument {other:?}\n{USAGE}")),
            }
        }
        match (&parsed.spec, &parsed.out) {
            (Some(_), None) | (None, Some(_)) => Err(format!("error: --spec and --out go together\n{USAGE}")),
            (None, None) if parsed.settings.is_some() => Err(format!("error: --settings goes with --spec\n{USAGE}")),
            _ => Ok(parsed),
        }
    }
}

fn codegen(args: &CodegenArgs) -> Result<(), String> {
    let started = Instant::now();
    let (generated, out, layout_name) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => {
            let settings = match &args.settings {
                Some(path) => Settings::load(path).map_err(report)?,
                None => Settings::for_spec(spec),
            };
            let generated = genesys_audit_codegen::generate(spec, &settings, Layout::Standalone).map_err(report)?;
            (generated, out.clone(), "standalone crate")
        }
        _ => {
            // Paths in diagnostics and headers are relative to the workspace root, whatever the caller's folder.
            let root = workspace_root();
            std::env::set_current_dir(&root).map_err(|err| format!("error: cannot enter {}: {err}", root.display()))?;
            let settings = Settings::load(Path::new(SETTINGS)).map_err(report)?;
            let spec = Path::new(SETTINGS).parent().unwrap_or(Path::new(".")).join(&settings.spec);
            let generated =
                genesys_audit_codegen::generate(&spec, &settings, Layout::WorkspaceMember).map_err(report)?;
            (generated, PathBuf::from(CLIENT_DIR), "workspace crate")
        }
    };
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    if args.check {
        return check(&generated, &out);
    }
    generated.write(&out).map_err(|err| format!("error: cannot write {}: {err}", out.display()))?;
    eprintln!(
        "wrote {} files ({} lines) of the {layout_name} to {} in {} ms",
        generated.files.len(),
        generated.files.values().map(|text| text.lines().count()).sum::<usize>(),
        out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

fn check(generated: &Generated, out: &Path) -> Result<(), String> {
    let stale = generated.check(out).map_err(|err| format!("error: cannot read {}: {err}", out.display()))?;
    if stale.is_empty() {
        eprintln!("{} is up to date ({} files)", out.display(), generated.files.len());
        return Ok(());
    }
    let mut message = format!("error: {} is stale; run `cargo xtask codegen`:", out.display());
    for file in stale {
        message.push_str(&format!("\n  {file}"));
    }
    Err(message)
}

/// Runs `task` with `args` in the release build instead, when this is a debug build: a benchmark of
/// unoptimised code would mislead. `None` when this is the release build already.
fn in_release(task: &str, args: &[String]) -> Option<Result<(), String>> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let status = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--release", "--package", "xtask", "--", task])
        .args(args)
        .status()
        .map_err(|err| format!("error: cannot run the release build: {err}"));
    Some(match status {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!("error: the release {task} failed")),
        Err(err) => Err(err),
    })
}

fn report(diagnostics: genesys_audit_codegen::Diagnostics) -> String {
    diagnostics.0.iter().map(|d| format!("error: {d}")).collect::<Vec<_>>().join("\n")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `settings` with the workspace's runtime crate as the dependency, by its absolute path: for a crate
/// written outside `generated-client/`, from which the settings' relative path would lead nowhere.
fn with_runtime_crate(settings: &mut Settings, root: &Path) {
    settings.krate.runtime = genesys_audit_codegen::Runtime::path(&root.join("codegen/runtime"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = workspace_root().join("target/xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn diff_takes_a_selection_or_all_but_not_both() {
        let err = bump::diff_task(&args(&["a.yaml", "b.yaml", "--all", "--settings", "s.toml"])).unwrap_err();
        assert!(err.starts_with("error: --all and --settings go apart"), "{err}");
        let err = bump::diff_task(&args(&["a.yaml"])).unwrap_err();
        assert!(err.starts_with("usage: cargo xtask diff OLD NEW"), "{err}");
        let err = bump::diff_task(&args(&["a.yaml", "b.yaml", "--colour"])).unwrap_err();
        assert!(err.starts_with("error: unknown argument \"--colour\""), "{err}");
    }

    #[test]
    fn bad_spec_is_one_line_with_file_and_pointer() {
        let dir = temp_dir("bad-spec");
        let spec = dir.join("bad.yaml");
        std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /api/v2/audits/{id}:\n    post: {operationId: p, responses: {'200': {description: ok}}}\n").unwrap();
        let out = dir.join("out");
        let err =
            run(&args(&["codegen", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])).unwrap_err();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            err.ends_with("bad.yaml#/paths/~1api~1v2~1audits~1{id}/post: path parameter \"id\" is not declared"),
            "{err}"
        );
        assert!(!out.exists(), "nothing is written for a bad spec");
    }

    #[test]
    fn out_writes_a_standalone_crate_and_check_sees_changes() {
        let dir = temp_dir("standalone");
        let spec = workspace_root().join("tests/fixtures/specs/genesys-audit-121.0.0.openapi.yaml");
        let out = dir.join("client");
        let codegen = args(&["codegen", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        run(&codegen).unwrap();
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("name = \"genesys-audit-121\"") && manifest.contains("\n[workspace]\n"),
            "{manifest}"
        );

        let mut check = codegen.clone();
        check.push("--check".to_owned());
        run(&check).unwrap();
        std::fs::write(out.join("src/models/detail.rs"), "// edited by hand\n").unwrap();
        std::fs::write(out.join("src/models/gone.rs"), "// @generated by an older spec\n").unwrap();
        let err = run(&check).unwrap_err();
        assert!(err.contains("changed: src/models/detail.rs"), "{err}");
        assert!(err.contains("no longer generated: src/models/gone.rs"), "{err}");
        run(&codegen).unwrap();
        run(&check).unwrap();
        assert!(!out.join("src/models/gone.rs").exists());
    }

    #[test]
    fn argument_mistakes_are_errors_with_usage() {
        let fuzz =
            [&["fuzz", "--cases"][..], &["fuzz", "--seed", "0xno"], &["fuzz", "--cases", "-1"], &["fuzz", "--fast"]];
        for bad in [&["codegen", "--spec"][..], &["codegen", "--out", "x"], &["codegen", "--frobnicate"], &["deploy"]]
            .into_iter()
            .chain(fuzz)
        {
            let err = run(&args(bad)).unwrap_err();
            assert!(err.starts_with("error: ") && err.contains("usage:"), "{bad:?}: {err}");
        }
    }
}

//! Helpers shared by the integration tests: where things are, and how to generate from a fixture.

pub mod export_tool;
pub mod mock;
pub mod swagger;
pub mod tools;
pub mod traces;

use std::path::{Path, PathBuf};

use genesys_audit_codegen::{Generated, Layout, Settings};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace root").to_path_buf()
}

/// A fixture spec, by file name, under `tests/fixtures/specs/`.
pub fn spec_fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/specs").join(name)
}

/// A fixture settings file, by file name, under `tests/fixtures/settings/`.
pub fn settings_fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/settings").join(name)
}

/// A fixture data file, by file name, under `tests/fixtures/data/`.
pub fn data_fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/data").join(name)
}

/// Generates the crate for a fixture spec with default settings (a crate named after the file).
///
/// The spec is named by its file name in diagnostics and headers, so output does not depend on where the
/// workspace is checked out.
pub fn generate_fixture(name: &str, layout: Layout) -> Result<Generated, genesys_audit_codegen::Diagnostics> {
    let path = spec_fixture(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read fixture {name}: {err}"));
    genesys_audit_codegen::generate_str(Path::new(name), &text, &Settings::for_spec(Path::new(name)), layout)
}

/// The files of a generation that come from the spec (the runtime is copied, not generated from it).
pub fn spec_files(generated: &Generated) -> impl Iterator<Item = (&String, &String)> {
    generated.files.iter().filter(|(path, _)| !path.starts_with("src/runtime/"))
}

/// An insta snapshot name for a generated file: its path with `/` and `.` as `__`.
pub fn snapshot_name(prefix: &str, path: &str) -> String {
    format!("{prefix}__{}", path.replace(['/', '.'], "_"))
}

/// Asserts one insta snapshot per file, named by [`snapshot_name`] under `prefix`, in the calling test's
/// `snapshots/` folder; see [`check_file_snapshots`].
#[macro_export]
macro_rules! assert_file_snapshots {
    ($prefix:expr, $files:expr) => {
        $crate::check_file_snapshots(module_path!(), $prefix, $files, |name, content| {
            ::insta::assert_snapshot!(name, content)
        })
    };
}

/// Runs `assert` (an insta assertion) for every file, then fails once, naming every file whose snapshot
/// differs and every snapshot under `prefix` that no file has any more.
///
/// insta ends a test at its first failing assertion, which would show a reviewer one changed file per run;
/// catching each failure lets one run write a `.snap.new` for every changed file. `module` is the calling
/// test's `module_path!()`, which insta puts at the front of the snapshot file names.
pub fn check_file_snapshots<'a>(
    module: &str,
    prefix: &str,
    files: impl IntoIterator<Item = (&'a String, &'a String)>,
    assert: impl Fn(String, &str),
) {
    let mut expected = std::collections::BTreeSet::new();
    let mut differ = Vec::new();
    for (path, content) in files {
        let name = snapshot_name(prefix, path);
        expected.insert(format!("{}__{name}.snap", module.replace("::", "__")));
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert(name, content))).is_err() {
            differ.push(path.clone());
        }
    }
    let gone = orphan_snapshots(module, prefix, &expected);
    let mut problems = Vec::new();
    if !differ.is_empty() {
        problems.push(format!(
            "{} generated files differ from their `{prefix}` snapshots (review the `.snap.new` files with `cargo insta review`):\n  {}",
            differ.len(),
            differ.join("\n  ")
        ));
    }
    if !gone.is_empty() {
        problems.push(format!(
            "{} snapshots are of files no longer generated; delete them:\n  {}",
            gone.len(),
            gone.join("\n  ")
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The committed snapshots of `module` under `prefix` that are not among `expected` (file names).
fn orphan_snapshots(module: &str, prefix: &str, expected: &std::collections::BTreeSet<String>) -> Vec<String> {
    let folder = workspace_root().join("tests/snapshots");
    let start = format!("{}__{prefix}__", module.replace("::", "__"));
    let entries = std::fs::read_dir(&folder).unwrap_or_else(|err| panic!("cannot read {}: {err}", folder.display()));
    let mut gone: Vec<String> = entries
        .map(|entry| entry.expect("read a snapshot entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(&start) && name.ends_with(".snap") && !expected.contains(name))
        .map(|name| format!("tests/snapshots/{name}"))
        .collect();
    gone.sort();
    gone
}

/// A cargo command in `dir`, offline, building in `target_dir`: what the tests that compile generated
/// crates run.
pub fn cargo_command(dir: &Path, target_dir: &Path, args: &[&str]) -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.args(args).current_dir(dir).env("CARGO_TARGET_DIR", target_dir).env("CARGO_NET_OFFLINE", "true");
    command
}

/// Runs [`cargo_command`] to the end.
pub fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> std::process::Output {
    cargo_command(dir, target_dir, args).output().expect("run cargo")
}

/// Fails with cargo's whole output unless it succeeded.
pub fn assert_success(output: &std::process::Output, what: &str, dir: &Path) {
    assert!(
        output.status.success(),
        "{what} failed in {}:\n--- stdout\n{}\n--- stderr\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Writes `generated` as a crate of its own at `dir` (generated with [`Layout::Standalone`]), with the
/// workspace's lock file so that it builds offline with the versions the workspace is tested with.
pub fn write_standalone(generated: &Generated, dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap_or_else(|err| panic!("remove {}: {err}", dir.display()));
    }
    generated.write(dir).unwrap_or_else(|err| panic!("write {}: {err}", dir.display()));
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// `settings` with the workspace's runtime crate as the generated crate's dependency, by its absolute
/// path: crates generated for a test and built together build the runtime once, not once each.
pub fn with_runtime_crate(mut settings: Settings) -> Settings {
    settings.krate.runtime = genesys_audit_codegen::Runtime::path(&workspace_root().join("codegen/runtime"));
    settings
}

/// Writes `crates` (each a folder name and a crate generated with [`Layout::WorkspaceMember`]) as the
/// members of a scratch workspace at `root` (cleared first), with the main workspace's lock file so that
/// it builds offline with the versions the workspace is tested with.
pub fn write_scratch_workspace(root: &Path, crates: &[(String, Generated)]) {
    if root.exists() {
        std::fs::remove_dir_all(root).unwrap_or_else(|err| panic!("clear {}: {err}", root.display()));
    }
    for (member, generated) in crates {
        generated.write(&root.join(member)).unwrap_or_else(|err| panic!("write {member}: {err}"));
    }
    let members: Vec<String> = crates.iter().map(|(member, _)| format!("{member:?}")).collect();
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(root.join("Cargo.toml"), manifest).expect("write the scratch manifest");
    std::fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// Builds a program of the workspace with `cargo build` and `args`, in the profile these tests are built
/// in, and returns its path: `name` (`xtask`, `examples/audit_export`) in that profile's folder of the
/// target directory. Build it once per test process: the callers keep the path.
pub fn workspace_binary(args: &[&str], name: &str) -> PathBuf {
    let root = workspace_root();
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let mut command = std::process::Command::new(env!("CARGO"));
    command.arg("build").args(args).current_dir(&root);
    if profile == "release" {
        command.arg("--release");
    }
    let output = command.output().expect("cargo runs");
    assert!(output.status.success(), "cargo build {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let binary = target.join(profile).join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.is_file(), "cargo build {args:?} succeeded but {} is not there", binary.display());
    binary
}

/// The README's Rust example, compiled as a doctest so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

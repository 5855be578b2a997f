//! `cargo xtask semver-check OLD NEW`: an independent check of the diff's classification.
//!
//! Both specs are generated as standalone crates of one package name, `genesys-cloud-audit`, the old one
//! as version 1.0.0 and the new one as 1.0.1 (a patch release, so cargo-semver-checks runs every check that
//! asks for a minor or a major release), into `target/semver-check/{old,new}`. Then
//! `cargo semver-checks check-release --manifest-path new/Cargo.toml --baseline-root old` says which release
//! the change needs. The diff's class must never be lower: a crate the diff calls minor that
//! cargo-semver-checks calls major means a rule of the diff misses a breaking change.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use genesys_audit_codegen::diff::Class;
use genesys_audit_codegen::{Layout, Settings};

/// The package name both crates get, so that cargo-semver-checks compares them as two releases of one crate.
const PACKAGE: &str = "genesys-cloud-audit";
/// The baseline's version.
const OLD_VERSION: &str = "1.0.0";
/// The new crate's version: a patch release, which lets every minor- and major-level check run.
const NEW_VERSION: &str = "1.0.1";
/// Where the crates are written, relative to the workspace root.
const OUT_DIR: &str = "target/semver-check";

const USAGE: &str = "usage: cargo xtask semver-check OLD_SPEC NEW_SPEC";

const INSTALL_HINT: &str = "\
error: cargo-semver-checks is not installed (`cargo semver-checks` is not a cargo command here).
Install it with:

    cargo install cargo-semver-checks --locked

then run this task again.";

/// What cargo-semver-checks concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The release it requires, as our class: `major`, `minor`, or `none` when no semver update is required
    /// (cargo-semver-checks has no patch-level checks, so "a patch release is enough" reads as `none`).
    pub class: Class,
    /// Its summary line, without the `Summary` label.
    pub summary: String,
    /// The ids of the checks that failed (errors), in the order reported.
    pub failed: Vec<String>,
    /// The ids of the checks that only warned.
    pub warned: Vec<String>,
}

/// `semver-check OLD NEW`.
pub fn run(args: &[String]) -> Result<(), String> {
    let [old, new] = args else { return Err(USAGE.to_owned()) };
    let canonical = |path: &String| std::fs::canonicalize(path).map_err(|err| format!("error: {path}: {err}"));
    let (old_spec, new_spec) = (canonical(old)?, canonical(new)?);
    let started = Instant::now();

    let ours = genesys_audit_codegen::diff_specs(&old_spec, &new_spec, &Default::default()).map_err(crate::report)?;
    let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
    check_installed(&cargo)?;

    let out = crate::workspace_root().join(OUT_DIR);
    let (old_dir, new_dir) = (out.join("old"), out.join("new"));
    write_crate(&old_spec, OLD_VERSION, &old_dir)?;
    write_crate(&new_spec, NEW_VERSION, &new_dir)?;

    eprintln!("running cargo semver-checks on {} (baseline {})", new_dir.display(), old_dir.display());
    let mut command = Command::new(&cargo);
    command
        .arg("semver-checks")
        .arg("check-release")
        .arg("--manifest-path")
        .arg(new_dir.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_dir)
        .arg("--color")
        .arg("never")
        // One target directory for both crates, so their dependencies are documented once.
        .env("CARGO_TARGET_DIR", out.join("target"));
    let (status, stdout, stderr) = tee(&mut command)?;
    let theirs = parse_verdict(&stdout, &stderr).map_err(|why| {
        format!(
            "error: cannot read cargo-semver-checks's verdict ({why}; it exited with {status}); its output is above"
        )
    })?;

    println!();
    println!("semver-check: {} → {}", ours.old, ours.new);
    println!("  diff (ours):         {} ({} changes)", ours.class.as_str(), ours.changes.len());
    println!("  cargo-semver-checks: {} ({})", verdict_name(theirs.class), theirs.summary);
    if !theirs.failed.is_empty() {
        println!("  failed checks:       {}", theirs.failed.join(", "));
    }
    if !theirs.warned.is_empty() {
        println!("  warnings:            {}", theirs.warned.join(", "));
    }
    println!("  took {:.1} s", started.elapsed().as_secs_f64());
    compare(ours.class, &theirs)
}

/// Fails when cargo-semver-checks requires a higher release than the diff's class.
pub fn compare(ours: Class, theirs: &Verdict) -> Result<(), String> {
    if theirs.class > ours {
        return Err(format!(
            "error: cargo-semver-checks requires a {} release where the diff says {}: a diff rule misses a change \
             (failed checks: {})",
            theirs.class.as_str(),
            ours.as_str(),
            theirs.failed.join(", ")
        ));
    }
    println!(
        "ok: the diff's class ({}) is not lower than cargo-semver-checks's ({})",
        ours.as_str(),
        verdict_name(theirs.class)
    );
    Ok(())
}

/// cargo-semver-checks's verdict as a class name: `major`, `minor`, or `none` (no semver update required).
fn verdict_name(class: Class) -> &'static str {
    match class {
        Class::None | Class::Patch => "none",
        other => other.as_str(),
    }
}

/// Reads cargo-semver-checks's output: its `Summary` line (stderr) and the failed and warned checks
/// (`--- failure ID: name ---` and `--- warning ID: name ---` on stdout).
pub fn parse_verdict(stdout: &str, stderr: &str) -> Result<Verdict, String> {
    let summary = stderr
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("Summary"))
        .map(str::trim)
        .ok_or("no `Summary` line")?
        .to_owned();
    let class = if summary.starts_with("semver requires new major version") {
        Class::Major
    } else if summary.starts_with("semver requires new minor version") {
        Class::Minor
    } else if summary.starts_with("no semver update required") {
        Class::None
    } else {
        return Err(format!("an unknown summary {summary:?}"));
    };
    let ids = |kind: &str| -> Vec<String> {
        let prefix = format!("--- {kind} ");
        stdout
            .lines()
            .filter_map(|line| line.trim().strip_prefix(prefix.as_str()))
            .filter_map(|rest| rest.split_once(':').map(|(id, _)| id.trim().to_owned()))
            .collect()
    };
    Ok(Verdict { class, summary, failed: ids("failure"), warned: ids("warning") })
}

/// Fails with how to install cargo-semver-checks when `cargo semver-checks` is not a command.
fn check_installed(cargo: &Path) -> Result<(), String> {
    let output = Command::new(cargo).args(["semver-checks", "--version"]).output();
    match output {
        Ok(output) if output.status.success() => {
            eprintln!("using {}", String::from_utf8_lossy(&output.stdout).trim());
            Ok(())
        }
        _ => Err(INSTALL_HINT.to_owned()),
    }
}

/// Writes the standalone crate of `spec` as `genesys-cloud-audit` `version` into `dir`, with the workspace's
/// Cargo.lock, so that it builds with the dependency versions the workspace is tested with.
fn write_crate(spec: &Path, version: &str, dir: &Path) -> Result<(), String> {
    let mut settings = Settings::for_spec(spec);
    settings.krate.name = PACKAGE.to_owned();
    settings.krate.version = version.to_owned();
    let generated = genesys_audit_codegen::generate(spec, &settings, Layout::Standalone).map_err(crate::report)?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|err| format!("error: cannot clear {}: {err}", dir.display()))?;
    }
    generated.write(dir).map_err(|err| format!("error: cannot write {}: {err}", dir.display()))?;
    let lock = crate::workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .map_err(|err| format!("error: cannot copy {}: {err}", lock.display()))?;
    eprintln!("wrote {PACKAGE} {version} from {} to {}", spec.display(), dir.display());
    Ok(())
}

/// Runs `command`, echoing its stdout and stderr as they come, and returns its status and both outputs.
fn tee(command: &mut Command) -> Result<(std::process::ExitStatus, String, String), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("error: cannot run cargo semver-checks: {err}"))?;
    fn echo<R: Read + Send + 'static>(from: R, to_stderr: bool) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut kept = String::new();
            for line in BufReader::new(from).lines().map_while(Result::ok) {
                if to_stderr {
                    let _ = writeln!(std::io::stderr(), "{line}");
                } else {
                    let _ = writeln!(std::io::stdout(), "{line}");
                }
                kept.push_str(&line);
                kept.push('\n');
            }
            kept
        })
    }
    let stdout = echo(child.stdout.take().expect("stdout is piped"), false);
    let stderr = echo(child.stderr.take().expect("stderr is piped"), true);
    let status = child.wait().map_err(|err| format!("error: cargo semver-checks: {err}"))?;
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAJOR_STDOUT: &str = "\n--- failure enum_missing: pub enum removed or renamed ---\n\nDescription:\n...\n\n--- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---\n\n--- warning function_must_use_added: function #[must_use] added ---\n";
    const MAJOR_STDERR: &str = "     Parsing genesys-cloud-audit v1.0.1 (current)\n     Checking genesys-cloud-audit v1.0.0 -> v1.0.1 (patch change)\n     Checked [   0.031s] 196 checks: 194 pass, 2 fail, 0 warn, 0 skip\n\n     Summary semver requires new major version: 2 major and 0 minor checks failed\n    Finished [  12.000s] genesys-cloud-audit\n";

    #[test]
    fn a_major_verdict_lists_its_failed_checks() {
        let verdict = parse_verdict(MAJOR_STDOUT, MAJOR_STDERR).unwrap();
        assert_eq!(verdict.class, Class::Major);
        assert_eq!(verdict.summary, "semver requires new major version: 2 major and 0 minor checks failed");
        assert_eq!(verdict.failed, ["enum_missing", "struct_pub_field_missing"]);
        assert_eq!(verdict.warned, ["function_must_use_added"]);
    }

    #[test]
    fn minor_and_none_verdicts() {
        let minor =
            parse_verdict("", "     Summary semver requires new minor version: 0 major and 1 minor checks failed\n")
                .unwrap();
        assert_eq!(minor.class, Class::Minor);
        let none = parse_verdict(
            "",
            "     Checked [   0.020s] 196 checks: 196 pass, 0 skip\n     Summary no semver update required\n",
        )
        .unwrap();
        assert_eq!(none.class, Class::None);
        assert!(none.failed.is_empty());
    }

    #[test]
    fn output_without_a_summary_is_an_error() {
        assert!(parse_verdict("", "error: failed to build rustdoc for crate genesys-cloud-audit v1.0.1\n").is_err());
        assert!(parse_verdict("", "     Summary something new\n").is_err());
    }

    #[test]
    fn ours_may_be_higher_but_never_lower() {
        let verdict = |class| Verdict {
            class,
            summary: String::new(),
            failed: vec!["enum_missing".to_owned()],
            warned: Vec::new(),
        };
        assert!(compare(Class::Major, &verdict(Class::Major)).is_ok());
        assert!(compare(Class::Major, &verdict(Class::None)).is_ok());
        assert!(compare(Class::Minor, &verdict(Class::None)).is_ok());
        assert!(compare(Class::Patch, &verdict(Class::None)).is_ok());
        assert!(compare(Class::None, &verdict(Class::None)).is_ok());
        let err = compare(Class::Minor, &verdict(Class::Major)).unwrap_err();
        assert!(
            err.contains("requires a major release where the diff says minor") && err.contains("enum_missing"),
            "{err}"
        );
        assert!(compare(Class::Patch, &verdict(Class::Minor)).is_err());
    }

    #[test]
    fn argument_mistakes_are_usage_errors() {
        assert_eq!(run(&[]).unwrap_err(), USAGE);
        assert_eq!(run(&["one".to_owned()]).unwrap_err(), USAGE);
        let err = run(&["/no/such/old.yaml".to_owned(), "/no/such/new.yaml".to_owned()]).unwrap_err();
        assert!(err.starts_with("error: /no/such/old.yaml"), "{err}");
    }
}

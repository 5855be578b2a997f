//! `cargo xtask diff OLD NEW` and `cargo xtask bump NEW`: what a spec bump changes, and doing it.

use std::path::Path;

use genesys_audit_codegen::diff::{self, Class, Report};
use genesys_audit_codegen::{Layout, Settings, Stale};

use crate::{CLIENT_DIR, SETTINGS, report};

/// The changelog the bump writes, in the generated crate's folder.
const CHANGELOG: &str = "CHANGELOG.md";

/// `diff OLD NEW [--format markdown|json]`: prints the report.
pub fn diff_task(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: cargo xtask diff OLD NEW [--format markdown|json] [--settings FILE | --all]";
    let (mut specs, mut json, mut settings, mut all) = (Vec::new(), false, None, false);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--format" => match rest.next().map(String::as_str) {
                Some("json") => json = true,
                Some("markdown") => json = false,
                Some(other) => return Err(format!("error: unknown format {other:?}: use markdown or json")),
                None => return Err(USAGE.to_owned()),
            },
            "--settings" => settings = Some(rest.next().ok_or(USAGE)?.clone()),
            "--all" => all = true,
            flag if flag.starts_with("--") => return Err(format!("error: unknown argument {flag:?}\n{USAGE}")),
            spec => specs.push(spec),
        }
    }
    let [old, new] = specs[..] else { return Err(USAGE.to_owned()) };
    // The same operations as the bump: the settings' selection, unless every operation is asked for.
    let selection = match (all, settings) {
        (true, Some(_)) => return Err(format!("error: --all and --settings go apart\n{USAGE}")),
        (true, None) => Default::default(),
        (false, Some(path)) => Settings::load(Path::new(&path)).map_err(report)?.select,
        (false, None) => Settings::load(&crate::workspace_root().join(SETTINGS)).map_err(report)?.select,
    };
    let report = genesys_audit_codegen::diff_specs(Path::new(old), Path::new(new), &selection).map_err(report)?;
    print!("{}", if json { diff::json(&report) } else { diff::markdown(&report) });
    Ok(())
}

/// `bump NEW`: replaces the spec, sets the crate version by the diff's class, regenerates, and prepends
/// the report to the changelog. Everything is checked before anything is written.
pub fn bump_task(args: &[String]) -> Result<(), String> {
    let [new_spec] = args else { return Err("usage: cargo xtask bump NEW_SPEC".to_owned()) };
    let new_spec = std::fs::canonicalize(new_spec).map_err(|err| format!("error: {new_spec}: {err}"))?;
    let message = bump(&crate::workspace_root(), &new_spec)?;
    eprintln!("{message}");
    Ok(())
}

/// The bump in the workspace at `root`; says what it did.
fn bump(root: &Path, new_spec: &Path) -> Result<String, String> {
    let settings_path = root.join(SETTINGS);
    let settings_text = std::fs::read_to_string(&settings_path).map_err(|err| format!("error: {SETTINGS}: {err}"))?;
    let mut settings = Settings::parse(Path::new(SETTINGS), &settings_text).map_err(report)?;
    let spec = settings_path.parent().unwrap_or(root).join(&settings.spec);

    let report = genesys_audit_codegen::diff_specs(&spec, new_spec, &settings.select).map_err(crate::report)?;
    if report.class == Class::None {
        return Ok(format!("{} and {} describe the same API: nothing to bump", spec.display(), new_spec.display()));
    }
    let version = next_version(&settings.krate.version, report.class)?;
    settings.krate.version = version.clone();
    let new_text = std::fs::read_to_string(new_spec).map_err(|err| format!("error: {}: {err}", new_spec.display()))?;
    // Headers name the spec as `cargo xtask codegen` does: relative to the workspace root.
    let spec_name = Path::new(SETTINGS).parent().unwrap_or(Path::new(".")).join(&settings.spec);
    let generated = genesys_audit_codegen::generate_str(&spec_name, &new_text, &settings, Layout::WorkspaceMember)
        .map_err(crate::report)?;

    std::fs::write(&spec, &new_text).map_err(|err| format!("error: {}: {err}", spec.display()))?;
    let settings_text = set_crate_version(&settings_text, &version)?;
    std::fs::write(&settings_path, settings_text).map_err(|err| format!("error: {SETTINGS}: {err}"))?;
    let client = root.join(CLIENT_DIR);
    let changed = generated.check(&client).map_err(|err| format!("error: cannot read {CLIENT_DIR}: {err}"))?;
    generated.write(&client).map_err(|err| format!("error: cannot write {CLIENT_DIR}: {err}"))?;
    let changelog = client.join(CHANGELOG);
    let existing = std::fs::read_to_string(&changelog).unwrap_or_default();
    std::fs::write(&changelog, prepend_entry(&existing, &version, &report))
        .map_err(|err| format!("error: {}: {err}", changelog.display()))?;
    Ok(format!(
        "bumped to {version} ({} change); see {CLIENT_DIR}/{CHANGELOG}\n{}",
        report.class.as_str(),
        review_hint(&changed)
    ))
}

/// The command that shows the snapshot diffs of the current spec, one per generated file.
pub const REVIEW_COMMAND: &str = "cargo insta test --review -p audit-tests --test spec_snapshots";

/// Names the generated files a bump changed, then the one command that reviews their snapshots.
fn review_hint(changed: &[Stale]) -> String {
    let mut text = format!("{} generated files changed:\n", changed.len());
    for file in changed {
        let (what, path) = match file {
            Stale::Missing(path) => ("added", path),
            Stale::Changed(path) => ("changed", path),
            Stale::Orphan(path) => ("removed", path),
        };
        text.push_str(&format!("  {what}: {CLIENT_DIR}/{}\n", path.display()));
    }
    text.push_str(
        "review their snapshots (`cargo install cargo-insta` once), accepting only what you meant to change:\n",
    );
    text.push_str(&format!("  {REVIEW_COMMAND}"));
    text
}

/// The next version after `current` for a change of `class`; below 1.0 a major change bumps the minor
/// number and anything else the patch number, as Cargo reads pre-1.0 versions.
pub fn next_version(current: &str, class: Class) -> Result<String, String> {
    let core = current.split(['-', '+']).next().unwrap_or(current);
    let parts: Vec<u64> = core
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("error: version {current:?} is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("error: version {current:?} is not MAJOR.MINOR.PATCH"));
    };
    let next = match (major, class) {
        (_, Class::None) => (major, minor, patch),
        (0, Class::Major) => (0, minor + 1, 0),
        (0, _) => (0, minor, patch + 1),
        (_, Class::Major) => (major + 1, 0, 0),
        (_, Class::Minor) => (major, minor + 1, 0),
        (_, Class::Patch) => (major, minor, patch + 1),
    };
    Ok(format!("{}.{}.{}", next.0, next.1, next.2))
}

/// The settings text with `[crate] version` set, everything else (comments included) as it was.
fn set_crate_version(text: &str, version: &str) -> Result<String, String> {
    let mut in_crate = false;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_crate = trimmed.trim_end() == "[crate]";
        }
        if in_crate && !done && trimmed.starts_with("version") && trimmed.contains('=') {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if done { Ok(out) } else { Err(format!("error: {SETTINGS} has no `version` in its [crate] table")) }
}

/// The changelog with an entry for `version` on top.
fn prepend_entry(existing: &str, version: &str, report: &Report) -> String {
    let title = "# Changelog\n";
    let rest = existing.strip_prefix(title).unwrap_or(existing).trim_start();
    // The report's headings move down two levels under the version's own.
    let body = diff::markdown(report).replacen("# API diff: ", "### API diff: ", 1).replace("\n## ", "\n#### ");
    format!("{title}\n## {version}\n\n{body}\n{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver_and_cargo_pre_1_0_rules() {
        assert_eq!(next_version("0.1.0", Class::Major).unwrap(), "0.2.0");
        assert_eq!(next_version("0.1.0", Class::Minor).unwrap(), "0.1.1");
        assert_eq!(next_version("0.1.3", Class::Patch).unwrap(), "0.1.4");
        assert_eq!(next_version("1.2.3", Class::Major).unwrap(), "2.0.0");
        assert_eq!(next_version("1.2.3", Class::Minor).unwrap(), "1.3.0");
        assert_eq!(next_version("1.2.3", Class::Patch).unwrap(), "1.2.4");
        assert!(next_version("one", Class::Patch).is_err());
    }

    /// A workspace under target/ with the real settings and `spec` as its spec, generated.
    fn workspace(name: &str, spec: &str) -> std::path::PathBuf {
        let root = crate::workspace_root().join("target/xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let settings = std::fs::read_to_string(crate::workspace_root().join(SETTINGS)).unwrap();
        // 121.0.0 has no realtime/related operation, so its settings cannot name it.
        let settings = settings.replace(", \"postAuditsQueryRealtimeRelated\"", "");
        std::fs::write(root.join(SETTINGS), settings).unwrap();
        let fixture = crate::workspace_root().join("tests/fixtures/specs").join(spec);
        let spec_path = root.join("spec/genesys-audit.openapi.yaml");
        std::fs::copy(fixture, &spec_path).unwrap();
        let settings = Settings::load(&root.join(SETTINGS)).unwrap();
        let text = std::fs::read_to_string(&spec_path).unwrap();
        let generated = genesys_audit_codegen::generate_str(
            Path::new("spec/genesys-audit.openapi.yaml"),
            &text,
            &settings,
            Layout::WorkspaceMember,
        )
        .unwrap();
        generated.write(&root.join(CLIENT_DIR)).unwrap();
        root
    }

    #[test]
    fn bump_from_121_to_242_is_major_and_writes_version_changelog_and_code() {
        let root = workspace("bump", "genesys-audit-121.0.0.openapi.yaml");
        let new = crate::workspace_root().join("tests/fixtures/specs/genesys-audit-242.0.0.openapi.yaml");
        let message = bump(&root, &new).unwrap();
        assert!(
            message.starts_with("bumped to 0.2.0 (major change); see generated-client/CHANGELOG.md\n"),
            "{message}"
        );
        for line in [
            "  changed: generated-client/Cargo.toml",
            "  added: generated-client/src/operations/post_audits_query_realtime_related.rs",
            "  changed: generated-client/src/lib.rs",
        ] {
            assert!(message.lines().any(|l| l == line), "no {line:?} in:\n{message}");
        }
        assert!(!message.contains("src/models/detail.rs"), "an unchanged file is not named:\n{message}");
        assert!(message.ends_with(&format!("\n  {REVIEW_COMMAND}")), "{message}");
        let settings = std::fs::read_to_string(root.join(SETTINGS)).unwrap();
        assert!(settings.contains("\nversion = \"0.2.0\"\n"), "{settings}");
        assert_eq!(
            std::fs::read_to_string(root.join("spec/genesys-audit.openapi.yaml")).unwrap(),
            std::fs::read_to_string(&new).unwrap()
        );
        let changelog = std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap();
        assert!(changelog.starts_with("# Changelog\n\n## 0.2.0\n\n### API diff: major\n"), "{changelog}");
        let manifest = std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
        assert!(manifest.contains("\nversion = \"0.2.0\"\n"), "{manifest}");
        assert!(root.join("generated-client/src/operations/post_audits_query_realtime_related.rs").is_file());

        // The same spec again: nothing to bump, nothing written.
        let message = bump(&root, &new).unwrap();
        assert!(message.ends_with("describe the same API: nothing to bump"), "{message}");
        assert_eq!(std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap(), changelog);
    }

    /// The whole platform description with its audit operations and schemas taken from `audit`: what a
    /// user who generates from Genesys's one big description gets when the audit API changes.
    fn platform_with_audit_of(audit: &Path) -> std::path::PathBuf {
        let read = |path: &Path| -> serde_json::Value {
            serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        };
        let platform_spec =
            crate::workspace_root().join("../shared/spec-reference/genesys-platform-242.0.0.openapi.yaml");
        assert!(
            platform_spec.is_file(),
            "{} is missing: the shared reference specs lie beside the workspace",
            platform_spec.display()
        );
        let (mut platform, audit) = (read(&platform_spec), read(audit));
        let is_audit = |item: &serde_json::Value| item.to_string().contains("\"tags\":[\"Audit\"]");
        let paths = platform["paths"].as_object_mut().unwrap();
        let before = paths.len();
        paths.retain(|_, item| !is_audit(item));
        assert!(paths.len() < before, "the platform has audit paths");
        paths.extend(audit["paths"].as_object().unwrap().clone());
        platform["info"]["version"] = audit["info"]["version"].clone();
        let schemas = platform["components"]["schemas"].as_object_mut().unwrap();
        schemas.extend(audit["components"]["schemas"].as_object().unwrap().clone());
        let path = crate::workspace_root().join("target/xtask-tests/genesys-platform-243.0.0.openapi.json");
        std::fs::write(&path, serde_json::to_string(&platform).unwrap()).unwrap();
        path
    }

    #[test]
    fn bump_takes_the_whole_platform_description_and_keeps_the_selected_operations() {
        let root = workspace("bump-platform", "genesys-audit-242.0.0.openapi.yaml");
        let platform = platform_with_audit_of(
            &crate::workspace_root().join("tests/fixtures/bump/genesys-audit-243.0.0.openapi.yaml"),
        );
        let message = bump(&root, &platform).unwrap();
        assert!(message.starts_with("bumped to 0.1.1 (minor change)"), "{message}");
        let named: Vec<&str> = message.lines().filter(|line| line.starts_with("  ")).collect();
        let expected = [
            "  changed: generated-client/Cargo.toml",
            "  changed: generated-client/src/lib.rs",
            "  changed: generated-client/src/models/detail.rs",
            "  changed: generated-client/src/models/limit_namespace.rs",
            &format!("  {REVIEW_COMMAND}"),
        ];
        assert_eq!(named, expected, "{message}");
        let changelog = std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap();
        assert!(!changelog.contains("Users"), "the changelog names operations the selection leaves out:\n{changelog}");
        let lib = std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap();
        assert!(lib.contains("pub const API_VERSION: &str = \"243.0.0\";"), "{lib}");
    }

    #[test]
    fn only_the_crate_version_line_changes() {
        let text = "# c\nspec = \"a\"\n[crate]\nname = \"x\"\nversion = \"0.1.0\" # v\n[other]\nversion = \"9\"\n";
        assert_eq!(
            set_crate_version(text, "0.2.0").unwrap(),
            "# c\nspec = \"a\"\n[crate]\nname = \"x\"\nversion = \"0.2.0\"\n[other]\nversion = \"9\"\n"
        );
    }
}

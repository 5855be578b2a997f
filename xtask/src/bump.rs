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
    if all && settings.is_some() {
        return Err(format!("error: --all and --settings go apart\n{USAGE}"));
    }
    let settings_path = settings.map_or_else(|| crate::workspace_root().join(SETTINGS), Into::into);
    let settings = Settings::load(&settings_path).map_err(report)?;
    let selection = if all { Default::default() } else { settings.select.clone() };
    let (old, new) = (Path::new(old), Path::new(new));
    let mut report = genesys_audit_codegen::diff_specs(old, new, &selection).map_err(report)?;
    let kept = settings_path.parent().map(|dir| dir.join(&settings.spec));
    for (label, path) in [(&mut report.old, old), (&mut report.new, new)] {
        // The settings keep the release of the spec they name; another file may say it in its name.
        let is_kept = kept.as_deref().and_then(|kept| kept.canonicalize().ok()) == path.canonicalize().ok();
        let release = if is_kept { settings.api_version.clone() } else { release_in_name(path) };
        relabel(label, path, release.as_ref());
    }
    print!("{}", if json { diff::json(&report) } else { diff::markdown(&report) });
    Ok(())
}

/// A report's label of a spec (its name and `info.version`), with the release in place of the version
/// when it is known.
fn relabel(label: &mut String, path: &Path, release: Option<&String>) {
    if let Some(release) = release {
        let name = path.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        *label = format!("{name} ({release})");
    }
}

/// `bump NEW [--release VERSION]`: replaces the spec by the part of NEW the settings select, sets the crate
/// version by the diff's class and the API version by the release, regenerates, and prepends the report to
/// the changelog. Everything is checked before anything is written.
pub fn bump_task(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: cargo xtask bump NEW_SPEC [--release VERSION]";
    let (mut specs, mut release) = (Vec::new(), None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--release" => release = Some(rest.next().ok_or(USAGE)?.clone()),
            flag if flag.starts_with("--") => return Err(format!("error: unknown argument {flag:?}\n{USAGE}")),
            spec => specs.push(spec),
        }
    }
    let [new_spec] = specs[..] else { return Err(USAGE.to_owned()) };
    let new_spec = std::fs::canonicalize(new_spec).map_err(|err| format!("error: {new_spec}: {err}"))?;
    let message = bump(&crate::workspace_root(), &new_spec, release)?;
    eprintln!("{message}");
    Ok(())
}

/// The bump in the workspace at `root`; says what it did.
fn bump(root: &Path, new_spec: &Path, release: Option<String>) -> Result<String, String> {
    let settings_path = root.join(SETTINGS);
    let settings_text = std::fs::read_to_string(&settings_path).map_err(|err| format!("error: {SETTINGS}: {err}"))?;
    let mut settings = Settings::parse(Path::new(SETTINGS), &settings_text).map_err(report)?;
    let spec_dir = settings_path.parent().unwrap_or(root).to_path_buf();
    let spec = spec_dir.join(&settings.spec);
    let release = release.or_else(|| release_in_name(new_spec));
    if let (Some(current), None) = (&settings.api_version, &release) {
        return Err(format!(
            "error: {} does not say which release of the API it describes, and {SETTINGS} keeps the release \
             apart ({current} now): give it with `--release`, as in `cargo xtask bump {} --release NEXT`, or \
             name the file after it (`...-{current}.swagger.json` names {current})",
            new_spec.display(),
            new_spec.display()
        ));
    }

    let new_text = std::fs::read_to_string(new_spec).map_err(|err| format!("error: {}: {err}", new_spec.display()))?;
    let cut = genesys_audit_codegen::cut(new_spec, &new_text, &settings.select).map_err(report)?;
    let mut report = genesys_audit_codegen::diff_specs(&spec, new_spec, &settings.select).map_err(crate::report)?;
    relabel(&mut report.old, &spec, settings.api_version.as_ref());
    relabel(&mut report.new, new_spec, release.as_ref());
    if report.class == Class::None {
        return Ok(format!("{} and {} describe the same API: nothing to bump", spec.display(), new_spec.display()));
    }
    let version = next_version(&settings.krate.version, report.class)?;
    settings.krate.version = version.clone();
    if release.is_some() {
        settings.api_version = release;
    }
    let previous_spec = settings.spec.clone();
    settings.spec = spec_name(&settings.spec, &cut);
    // Headers name the spec as `cargo xtask codegen` does: relative to the workspace root.
    let spec_name = Path::new(SETTINGS).parent().unwrap_or(Path::new(".")).join(&settings.spec);
    let generated = genesys_audit_codegen::generate_str(&spec_name, &cut.text, &settings, Layout::WorkspaceMember)
        .map_err(crate::report)?;

    let new_spec_path = spec_dir.join(&settings.spec);
    std::fs::write(&new_spec_path, &cut.text).map_err(|err| format!("error: {}: {err}", new_spec_path.display()))?;
    if settings.spec != previous_spec {
        std::fs::remove_file(&spec).map_err(|err| format!("error: {}: {err}", spec.display()))?;
    }
    let mut settings_text = set_setting(&settings_text, Some("crate"), "version", &version)?;
    if let Some(api_version) = &settings.api_version {
        settings_text = set_setting(&settings_text, None, "api-version", api_version)?;
    }
    settings_text = set_setting(&settings_text, None, "spec", &settings.spec.to_string_lossy())?;
    std::fs::write(&settings_path, settings_text).map_err(|err| format!("error: {SETTINGS}: {err}"))?;
    let client = root.join(CLIENT_DIR);
    let changed = generated.check(&client).map_err(|err| format!("error: cannot read {CLIENT_DIR}: {err}"))?;
    generated.write(&client).map_err(|err| format!("error: cannot write {CLIENT_DIR}: {err}"))?;
    let changelog = client.join(CHANGELOG);
    let existing = std::fs::read_to_string(&changelog).unwrap_or_default();
    let api_version = settings.api_version.as_deref();
    std::fs::write(&changelog, prepend_entry(&existing, &version, api_version, &report))
        .map_err(|err| format!("error: {}: {err}", changelog.display()))?;
    let mut said = format!("bumped to {version} ({} change); see {CLIENT_DIR}/{CHANGELOG}\n", report.class.as_str());
    if settings.spec != previous_spec {
        said.push_str(&format!(
            "spec/{} replaces spec/{} (the new description is {})\n",
            settings.spec.display(),
            previous_spec.display(),
            if cut.swagger { "Swagger 2.0" } else { "OpenAPI 3" }
        ));
    }
    said.push_str(&review_hint(&changed));
    Ok(said)
}

/// The release a description's file name gives: the digits and dots after its last `-`
/// (`genesys-platform-243.0.0.swagger.json` gives `243.0.0`).
fn release_in_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let (_, after) = name.rsplit_once('-')?;
    let release: String = after.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let release = release.trim_end_matches('.');
    release.starts_with(|c: char| c.is_ascii_digit()).then(|| release.to_owned())
}

/// The file name the spec is kept under: the current one, unless it says another kind of description than
/// the new one is (Swagger 2.0 or OpenAPI 3 by `.swagger.` or `.openapi.` in the name, JSON or YAML by the
/// extension), which then names it after the same stem (`genesys-audit.openapi.yaml` becomes
/// `genesys-audit.swagger.json`).
fn spec_name(current: &Path, cut: &genesys_audit_codegen::Cut) -> std::path::PathBuf {
    let name = current.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let kind = if cut.swagger { "swagger" } else { "openapi" };
    let extensions: &[&str] = if cut.json { &["json"] } else { &["yaml", "yml"] };
    let extension_fits = extensions.iter().any(|extension| name.ends_with(&format!(".{extension}")));
    let says_a_kind = name.contains(".swagger.") || name.contains(".openapi.");
    if extension_fits && (!says_a_kind || name.contains(&format!(".{kind}."))) {
        return current.to_path_buf();
    }
    let stem = name.split('.').next().filter(|stem| !stem.is_empty()).unwrap_or("spec");
    current.with_file_name(format!("{stem}.{kind}.{}", extensions[0]))
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

/// The settings text with `key` of `table` (the top level when `None`) set to `value`, everything else
/// (comments included) as it was. A top-level key that is not there yet goes after `spec`; a key of a table
/// must be there.
fn set_setting(text: &str, table: Option<&str>, key: &str, value: &str) -> Result<String, String> {
    let header = table.map(|table| format!("[{table}]"));
    let mut current: Option<String> = None;
    let mut done = false;
    let mut out = String::with_capacity(text.len() + key.len() + value.len() + 8);
    let line_for = |key: &str| format!("{key} = {}\n", toml::Value::String(value.to_owned()));
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            current = Some(trimmed.trim_end().to_owned());
        }
        let names_key = trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='));
        if !done && current == header && names_key {
            out.push_str(&line_for(key));
            done = true;
            continue;
        }
        out.push_str(line);
        let after_spec = trimmed.strip_prefix("spec").is_some_and(|rest| rest.trim_start().starts_with('='));
        if table.is_none() && current.is_none() && after_spec && key != "spec" && !text_has_top_level(text, key) {
            out.push_str(&line_for(key));
            done = true;
        }
    }
    match (done, table) {
        (true, _) => Ok(out),
        (false, Some(table)) => Err(format!("error: {SETTINGS} has no `{key}` in its [{table}] table")),
        (false, None) => Err(format!("error: {SETTINGS} has no `spec` to put `{key}` after")),
    }
}

/// Whether the settings text sets `key` at its top level.
fn text_has_top_level(text: &str, key: &str) -> bool {
    text.lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .any(|line| line.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('=')))
}

/// The changelog with an entry for `version` on top, naming the API's release when the settings keep it.
fn prepend_entry(existing: &str, version: &str, api_version: Option<&str>, report: &Report) -> String {
    let title = "# Changelog\n";
    let rest = existing.strip_prefix(title).unwrap_or(existing).trim_start();
    // The report's headings move down two levels under the version's own.
    let body = diff::markdown(report).replacen("# API diff: ", "### API diff: ", 1).replace("\n## ", "\n#### ");
    let heading = match api_version {
        Some(api_version) => format!("{version} (API {api_version})"),
        None => version.to_owned(),
    };
    format!("{title}\n## {heading}\n\n{body}\n{rest}")
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

    /// The reference descriptions and the bump fixtures: fixed files of fixed releases (242.0.0 and 121.0.0,
    /// and 243.0.0, which is 242.0.0 with an optional field and two enum values added and an enum reordered).
    fn fixture(path: &str) -> std::path::PathBuf {
        crate::workspace_root().join("tests/fixtures").join(path)
    }

    /// A workspace under target/ with the settings of `spec/` (but the spec file and the API version) and
    /// the fixture `spec` as its spec at `release`, generated; and the crate version the settings start from.
    fn workspace(name: &str, spec: &str, release: &str) -> (std::path::PathBuf, String) {
        let root = crate::workspace_root().join("target/xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let text = std::fs::read_to_string(crate::workspace_root().join(SETTINGS)).unwrap();
        let spec_name = Path::new(spec).file_name().unwrap().to_string_lossy().replace(&format!("-{release}"), "");
        let mut text = set_setting(&text, None, "spec", &spec_name).unwrap();
        text = set_setting(&text, None, "api-version", release).unwrap();
        // 121.0.0 has no realtime/related operation, so its settings cannot name it.
        if release == "121.0.0" {
            text = text.replace(", \"postAuditsQueryRealtimeRelated\"", "");
        }
        std::fs::write(root.join(SETTINGS), &text).unwrap();
        let spec_path = root.join("spec").join(&spec_name);
        std::fs::copy(fixture(spec), &spec_path).unwrap();
        let settings = Settings::load(&root.join(SETTINGS)).unwrap();
        let generated = genesys_audit_codegen::generate_str(
            &Path::new("spec").join(&spec_name),
            &std::fs::read_to_string(&spec_path).unwrap(),
            &settings,
            Layout::WorkspaceMember,
        )
        .unwrap();
        generated.write(&root.join(CLIENT_DIR)).unwrap();
        (root, settings.krate.version)
    }

    #[test]
    fn bump_from_121_to_242_is_major_and_writes_versions_changelog_and_code() {
        let (root, crate_version) = workspace("bump", "specs/genesys-audit-121.0.0.swagger.json", "121.0.0");
        let new = fixture("specs/genesys-audit-242.0.0.swagger.json");
        let next = next_version(&crate_version, Class::Major).unwrap();
        let message = bump(&root, &new, None).unwrap();
        assert!(
            message.starts_with(&format!("bumped to {next} (major change); see generated-client/CHANGELOG.md\n")),
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
        assert!(settings.contains(&format!("\nversion = \"{next}\"\n")), "{settings}");
        assert!(settings.contains("\napi-version = \"242.0.0\"\n"), "the release, from the file's name:\n{settings}");
        assert_eq!(
            std::fs::read_to_string(root.join("spec/genesys-audit.swagger.json")).unwrap(),
            std::fs::read_to_string(&new).unwrap(),
            "a description whose operations are all selected is kept as it is"
        );
        let changelog = std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap();
        let top = format!(
            "# Changelog\n\n## {next} (API 242.0.0)\n\n### API diff: major\n\ngenesys-audit.swagger.json (121.0.0) → genesys-audit-242.0.0.swagger.json (242.0.0):"
        );
        assert!(changelog.starts_with(&top), "{changelog}");
        let manifest = std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
        assert!(manifest.contains(&format!("\nversion = \"{next}\"\n")), "{manifest}");
        let lib = std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap();
        assert!(lib.contains("pub const API_VERSION: &str = \"242.0.0\";"), "{lib}");
        assert!(root.join("generated-client/src/operations/post_audits_query_realtime_related.rs").is_file());

        // The same spec again: nothing to bump, nothing written.
        let message = bump(&root, &new, None).unwrap();
        assert!(message.ends_with("describe the same API: nothing to bump"), "{message}");
        assert_eq!(std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap(), changelog);
    }

    #[test]
    fn a_release_must_be_given_when_the_file_does_not_say_it() {
        let (root, _) = workspace("bump-release", "specs/genesys-audit-121.0.0.swagger.json", "121.0.0");
        let new = root.join("publicapi-v2-latest.json");
        std::fs::copy(fixture("specs/genesys-audit-242.0.0.swagger.json"), &new).unwrap();
        let err = bump(&root, &new, None).unwrap_err();
        assert!(err.contains("does not say which release") && err.contains("--release"), "{err}");
        let message = bump(&root, &new, Some("242.0.0".to_owned())).unwrap();
        assert!(message.starts_with("bumped to "), "{message}");
        let settings = std::fs::read_to_string(root.join(SETTINGS)).unwrap();
        assert!(settings.contains("\napi-version = \"242.0.0\"\n"), "{settings}");
    }

    /// Genesys's whole-platform description at 242.0.0 in the shared reference folder, as `form` (`swagger`,
    /// as Genesys serves it, or `openapi`), with its audit operations and definitions taken from `audit`: the
    /// platform as it is when the audit API changes.
    fn platform_with_audit_of(form: &str, audit: &Path, release: &str) -> std::path::PathBuf {
        let extension = if form == "swagger" { "json" } else { "yaml" };
        let platform_spec = crate::workspace_root()
            .join(format!("../shared/spec-reference/genesys-platform-242.0.0.{form}.{extension}"));
        assert!(
            platform_spec.is_file(),
            "{} is missing: the shared reference specs lie beside the workspace",
            platform_spec.display()
        );
        let read = |path: &Path| -> serde_json::Value {
            serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        };
        let (mut platform, audit) = (read(&platform_spec), read(audit));
        let is_audit = |item: &serde_json::Value| item.to_string().contains("\"tags\":[\"Audit\"]");
        let paths = platform["paths"].as_object_mut().unwrap();
        let before = paths.len();
        paths.retain(|_, item| !is_audit(item));
        assert!(paths.len() < before, "the platform has audit paths");
        paths.extend(audit["paths"].as_object().unwrap().clone());
        platform["info"]["version"] = audit["info"]["version"].clone();
        let schemas = if form == "swagger" { "/definitions" } else { "/components/schemas" };
        let audit_schemas = audit.pointer(schemas).and_then(serde_json::Value::as_object).unwrap().clone();
        platform.pointer_mut(schemas).and_then(serde_json::Value::as_object_mut).unwrap().extend(audit_schemas);
        let path = crate::workspace_root().join(format!("target/xtask-tests/genesys-platform-{release}.{form}.json"));
        std::fs::write(&path, serde_json::to_string(&platform).unwrap()).unwrap();
        path
    }

    /// What a bump says and writes: its message's list of changed files, and the changelog's entry without
    /// its first lines (which name the files).
    fn outcome(root: &Path, message: &str) -> (Vec<String>, String) {
        let named = message.lines().filter(|line| line.starts_with("  ")).map(str::to_owned).collect();
        let changelog = std::fs::read_to_string(root.join("generated-client/CHANGELOG.md")).unwrap();
        let changes = changelog.lines().skip_while(|line| !line.starts_with("#### ")).collect::<Vec<_>>().join("\n");
        (named, changes)
    }

    /// The weekly bump from the file Genesys serves: the whole platform, of which the settings select the
    /// audit part, cut out into `spec/`. It is the bump between the two releases' audit descriptions in
    /// OpenAPI 3: the same class, the same changed files, the same changes.
    #[test]
    fn a_bump_to_the_platform_description_is_the_bump_between_its_audit_parts() {
        let (root, crate_version) = workspace("bump-platform", "specs/genesys-audit-242.0.0.swagger.json", "242.0.0");
        let platform =
            platform_with_audit_of("swagger", &fixture("bump/genesys-audit-243.0.0.swagger.json"), "243.0.0");
        let message = bump(&root, &platform, None).unwrap();
        let next = next_version(&crate_version, Class::Minor).unwrap();
        assert!(message.starts_with(&format!("bumped to {next} (minor change)")), "{message}");
        let (named, changes) = outcome(&root, &message);
        let expected = [
            "  changed: generated-client/Cargo.toml",
            "  changed: generated-client/src/lib.rs",
            "  changed: generated-client/src/models/detail.rs",
            "  changed: generated-client/src/models/limit_namespace.rs",
            &format!("  {REVIEW_COMMAND}"),
        ];
        assert_eq!(named, expected, "{message}");
        assert!(!changes.contains("Users"), "the changelog names operations the selection leaves out:\n{changes}");
        let lib = std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap();
        assert!(lib.contains("pub const API_VERSION: &str = \"243.0.0\";"), "{lib}");
        assert_eq!(
            std::fs::read_to_string(root.join("spec/genesys-audit.swagger.json")).unwrap(),
            std::fs::read_to_string(fixture("bump/genesys-audit-243.0.0.swagger.json")).unwrap(),
            "spec/ holds the audit part of the platform: the audit description"
        );

        let (root_3, _) = workspace("bump-openapi", "specs/genesys-audit-242.0.0.openapi.yaml", "242.0.0");
        let message_3 = bump(&root_3, &fixture("bump/genesys-audit-243.0.0.openapi.yaml"), None).unwrap();
        assert!(message_3.starts_with(&format!("bumped to {next} (minor change)")), "{message_3}");
        assert_eq!(outcome(&root_3, &message_3), (named, changes), "the platform's bump and the audit one's");
    }

    #[test]
    fn the_spec_takes_the_name_of_its_kind() {
        let cut = |swagger, json| genesys_audit_codegen::Cut { text: String::new(), swagger, json };
        let name = |current: &str, swagger, json| spec_name(Path::new(current), &cut(swagger, json));
        assert_eq!(name("genesys-audit.openapi.yaml", true, true), Path::new("genesys-audit.swagger.json"));
        assert_eq!(name("genesys-audit.swagger.json", true, true), Path::new("genesys-audit.swagger.json"));
        assert_eq!(name("genesys-audit.swagger.json", false, false), Path::new("genesys-audit.openapi.yaml"));
        assert_eq!(name("api.yml", false, false), Path::new("api.yml"));
        assert_eq!(name("api.yaml", true, true), Path::new("api.swagger.json"));
    }

    #[test]
    fn releases_come_from_file_names() {
        let release = |name: &str| release_in_name(Path::new(name));
        assert_eq!(release("genesys-platform-243.0.0.swagger.json").as_deref(), Some("243.0.0"));
        assert_eq!(release("audit-243.yaml").as_deref(), Some("243"));
        assert_eq!(release("publicapi-v2-latest.json"), None);
        assert_eq!(release("spec.json"), None);
    }

    #[test]
    fn settings_change_one_line_each() {
        let text = "# c\nspec = \"a\"\n[crate]\nname = \"x\"\nversion = \"0.1.0\" # v\n[other]\nversion = \"9\"\n";
        assert_eq!(
            set_setting(text, Some("crate"), "version", "0.2.0").unwrap(),
            "# c\nspec = \"a\"\n[crate]\nname = \"x\"\nversion = \"0.2.0\"\n[other]\nversion = \"9\"\n"
        );
        let with_release = set_setting(text, None, "api-version", "243.0.0").unwrap();
        assert_eq!(with_release, text.replace("spec = \"a\"\n", "spec = \"a\"\napi-version = \"243.0.0\"\n"));
        assert_eq!(
            set_setting(&with_release, None, "api-version", "244.0.0").unwrap(),
            text.replace("spec = \"a\"\n", "spec = \"a\"\napi-version = \"244.0.0\"\n")
        );
        assert!(set_setting(text, Some("crate"), "edition", "2024").is_err());
    }
}

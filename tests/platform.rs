//! Protects what users of Genesys's one big description do with it, in the form each region serves it
//! (Swagger 2.0 JSON, 2,894 operations, 22 MB, from `../shared/spec-reference/` beside the workspace): it
//! generates whole with no error and one file per operation, and the audit selection of it generates
//! exactly today's `generated-client/` when `spec/` holds the same release.

use std::path::{Path, PathBuf};
use std::time::Instant;

use audit_tests::{assert_success, cargo, settings_fixture, spec_fixture, workspace_root, write_standalone};
use genesys_audit_codegen::{Layout, Settings};

/// The platform description's file name, and its release.
const PLATFORM: &str = "genesys-platform-242.0.0.swagger.json";
const PLATFORM_RELEASE: &str = "242.0.0";

/// The platform description, in the shared reference folder beside the workspace.
fn platform_spec() -> PathBuf {
    workspace_root().join("../shared/spec-reference").join(PLATFORM)
}

/// The platform crate's settings: one Cargo feature per tag.
const PLATFORM_SETTINGS: &str = "genesys-platform.codegen.toml";

/// The whole platform generates as one crate with a feature per tag, and with the audit feature alone (and
/// with none) it compiles without warnings and passes clippy.
#[test]
fn the_whole_genesys_platform_description_generates_and_its_audit_feature_compiles_alone() {
    let spec = platform_spec();
    assert!(spec.is_file(), "{} is missing: the shared reference specs lie beside the workspace", spec.display());
    let name = Path::new(PLATFORM);
    let text = std::fs::read_to_string(&spec).expect("read the platform description");
    let settings = Settings::load(&settings_fixture(PLATFORM_SETTINGS)).expect("load the platform settings");
    let generated = genesys_audit_codegen::generate_str(name, &text, &settings, Layout::Standalone)
        .unwrap_or_else(|err| panic!("the platform description does not generate:\n{err}"));
    let operations =
        generated.files.keys().filter(|p| p.starts_with("src/operations/") && !p.ends_with("/mod.rs")).count();
    assert_eq!(operations, 2894, "one file per operation");
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.is_empty(),
        "every platform operation has an operationId and every required member a property:\n{}",
        warnings.join("\n")
    );
    for operation in ["get_workforcemanagement_calendar_data_ics", "post_audits_query"] {
        assert!(generated.files.contains_key(&format!("src/operations/{operation}.rs")), "no {operation}");
    }
    let calendar = &generated.files["src/operations/get_workforcemanagement_calendar_data_ics.rs"];
    assert!(
        calendar.contains("request.accept(\"text/calendar\");") && calendar.contains("200 => response.text(),"),
        "{calendar}"
    );
    let manifest = &generated.files["Cargo.toml"];
    let features =
        manifest.lines().skip_while(|line| *line != "[features]").filter(|line| line.ends_with(" = []")).count();
    assert_eq!(features, 82, "a feature per tag:\n{manifest}");
    let operations_mod = &generated.files["src/operations/mod.rs"];
    assert!(
        operations_mod.contains("#[cfg(feature = \"audit\")]\nmod post_audits_query;\n"),
        "the audit operations are behind `audit`"
    );

    let target = workspace_root().join("target");
    let dir = target.join("platform-crate");
    write_standalone(&generated, &dir);
    for features in ["audit", ""] {
        let args = ["clippy", "--offline", "--no-default-features", "--features", features, "--", "-D", "warnings"];
        let started = Instant::now();
        let output = cargo(&dir, &target.join("fixture-check"), &args);
        eprintln!("cargo clippy of the platform crate with features [{features}] took {:.1?}", started.elapsed());
        assert_success(&output, &format!("cargo clippy with features [{features}]"), &dir);
    }
}

/// The tags a settings file lists, in whatever order, give the same crate.
#[test]
fn the_order_of_the_selected_tags_does_not_change_the_crate() {
    let text = std::fs::read_to_string(platform_spec()).expect("read the platform description");
    let base = std::fs::read_to_string(settings_fixture(PLATFORM_SETTINGS)).expect("read the platform settings");
    let generate = |tags: &str| {
        let settings_text = format!("{base}\n[select]\ntags = [{tags}]\n");
        let settings = Settings::parse(Path::new(PLATFORM_SETTINGS), &settings_text).expect("parse the settings");
        genesys_audit_codegen::generate_str(Path::new(PLATFORM), &text, &settings, Layout::Standalone)
            .unwrap_or_else(|err| panic!("{tags}: {err}"))
    };
    let one = generate("\"Audit\", \"Users\", \"Routing\"");
    let other = generate("\"Routing\", \"Audit\", \"Users\"");
    assert!(one.files.len() > 100, "the three tags select their operations and types");
    assert_eq!(one.files.keys().collect::<Vec<_>>(), other.files.keys().collect::<Vec<_>>());
    for (path, content) in &one.files {
        assert!(content == &other.files[path], "{path} differs with the tags in another order");
    }
    // An operation under several tags brings the features of all of them.
    let default = "\ndefault = [\"analytics\", \"audit\", \"authorization\", \"geolocation\", \"groups\", \"organization\", \"routing\", \"search\", \"users\"]\n";
    assert!(one.files["Cargo.toml"].contains(default), "{}", one.files["Cargo.toml"]);
}

/// The platform description with the settings in `spec/` (which select the audit operations) generates the
/// committed crate, every file the same apart from its first line, which names the spec, when `spec/` holds
/// the platform's release. After a bump to another release, it is compared with the crate of the audit
/// description of the platform's release instead (the settings of `spec/` at that release), and says so.
#[test]
fn the_audit_selection_of_the_platform_is_todays_generated_client() {
    let root = workspace_root();
    let mut settings = Settings::load(&root.join("spec/codegen.toml")).expect("load spec/codegen.toml");
    assert_eq!(settings.select.tags, ["Audit"], "spec/codegen.toml selects the audit operations");
    let text = std::fs::read_to_string(platform_spec()).expect("read the platform description");
    let same_release = settings.api_version.as_deref() == Some(PLATFORM_RELEASE);
    if !same_release {
        eprintln!(
            "spec/ is at {:?} and {PLATFORM} at {PLATFORM_RELEASE}: comparing the platform's audit selection with \
             the crate of the {PLATFORM_RELEASE} audit description instead of generated-client/",
            settings.api_version
        );
        settings.api_version = Some(PLATFORM_RELEASE.to_owned());
    }
    let name = Path::new("spec").join(PLATFORM);
    let generated = genesys_audit_codegen::generate_str(&name, &text, &settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("the audit selection does not generate:\n{err}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);

    let client = if same_release {
        root.join("generated-client")
    } else {
        let audit = format!("genesys-audit-{PLATFORM_RELEASE}.swagger.json");
        let audit_text = std::fs::read_to_string(spec_fixture(&audit)).expect("read the audit description");
        let reference = genesys_audit_codegen::generate_str(
            &Path::new("spec").join(&audit),
            &audit_text,
            &settings,
            Layout::WorkspaceMember,
        )
        .unwrap_or_else(|err| panic!("{audit} does not generate:\n{err}"));
        let dir = root.join("target/platform-reference");
        let _ = std::fs::remove_dir_all(&dir);
        reference.write(&dir).expect("write the reference crate");
        dir
    };
    let stale = generated.check(&client).expect("read the crate to compare with");
    let mut unexpected = Vec::new();
    for file in &stale {
        let genesys_audit_codegen::Stale::Changed(path) = file else {
            unexpected.push(file.to_string());
            continue;
        };
        let committed = std::fs::read_to_string(client.join(path)).unwrap();
        let ours = &generated.files[&path.to_string_lossy().replace('\\', "/")];
        if committed.lines().skip(1).ne(ours.lines().skip(1)) {
            unexpected.push(format!("{}: differs beyond its first line", path.display()));
        }
    }
    assert!(unexpected.is_empty(), "the selection differs from {}:\n{}", client.display(), unexpected.join("\n"));
    let naming_the_spec = generated
        .files
        .values()
        .filter(|text| text.lines().next().is_some_and(|l| l.contains(" from genesys-platform-")))
        .count();
    assert_eq!(stale.len(), naming_the_spec, "the files that differ are those whose header names the spec");
}

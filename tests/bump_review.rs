//! Protects the spec-bump review as a user walks it, in a copy of the workspace: `cargo xtask bump` to the
//! next release of whatever `spec/` holds (made here: two values added to one enum, the values of another
//! reordered, an optional field added), then the snapshot tests. The pending snapshots must be exactly the
//! generated files that changed, the bump must name the same files, and the enum's diff must hold only the
//! added variants.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use audit_tests::{snapshot_name, spec_files, workspace_root};
use genesys_audit_codegen::{Layout, Settings};
use serde_json::Value;

/// The enum values the next release adds to `Limit.namespace`, with their variant names.
const ADDED_VALUES: [(&str, &str); 2] =
    [("bump.review.first", "BumpReviewFirst"), ("bump.review.second", "BumpReviewSecond")];
/// The optional field the next release adds to `Detail`.
const ADDED_FIELD: &str = "bumpReviewNote";
/// What the workspace holds that the bump and the tests need; `target/` and pending snapshots stay behind.
const COPIED: [&str; 8] =
    [".cargo", "Cargo.toml", "Cargo.lock", "spec", "codegen", "generated-client", "xtask", "tests"];
/// The generated files the next release changes: the crate version, the API version, the enum with new
/// values and the struct with a new field. The enum whose values were only reordered is not among them.
const CHANGED: [&str; 4] = ["Cargo.toml", "src/lib.rs", "src/models/detail.rs", "src/models/limit_namespace.rs"];

/// The next release of the description `text` (2.0 or 3.x, JSON or YAML), as JSON: `Limit.namespace` gains
/// [`ADDED_VALUES`], `AuditLogMessage.status` lists its values in another order, and `Detail` gains the
/// optional [`ADDED_FIELD`].
fn next_release(text: &str) -> String {
    let mut doc: Value = serde_json::from_str(text).or_else(|_| serde_yaml::from_str(text)).expect("spec/ reads");
    let schemas = if doc.get("swagger").is_some() { "/definitions" } else { "/components/schemas" };
    let namespace = schema_part(&mut doc, schemas, "/Limit/properties/namespace/enum").as_array_mut().expect("an enum");
    namespace.extend(ADDED_VALUES.iter().map(|(wire, _)| Value::String((*wire).to_owned())));
    schema_part(&mut doc, schemas, "/AuditLogMessage/properties/status/enum")
        .as_array_mut()
        .expect("an enum")
        .rotate_left(1);
    let detail = schema_part(&mut doc, schemas, "/Detail/properties").as_object_mut().expect("properties");
    let field = serde_json::json!({"type": "string", "description": "Added by the next release."});
    detail.insert(ADDED_FIELD.to_owned(), field);
    serde_json::to_string_pretty(&doc).expect("encode the next release")
}

/// The part of the description `doc` at `pointer` below its schemas (`schemas`).
fn schema_part<'a>(doc: &'a mut Value, schemas: &str, pointer: &str) -> &'a mut Value {
    let pointer = format!("{schemas}{pointer}");
    match doc.pointer_mut(&pointer) {
        Some(part) => part,
        None => panic!("spec/ has no {pointer}, which this test changes: choose another to change"),
    }
}

/// The release after `current`: its first number one more (`242.0.0` is followed by `243.0.0`).
fn release_after(current: &str) -> String {
    let (first, rest) = current.split_once('.').unwrap_or((current, ""));
    let next = first.parse::<u64>().map_or_else(|_| format!("{current}.next"), |n| (n + 1).to_string());
    if rest.is_empty() { next } else { format!("{next}.{rest}") }
}

#[test]
fn a_bump_shows_exactly_the_changed_files_and_only_what_changed_in_them() {
    let root = workspace_root();
    let settings = Settings::load(&root.join("spec/codegen.toml")).expect("load spec/codegen.toml");
    let spec = std::fs::read_to_string(root.join("spec").join(&settings.spec)).expect("read spec/");
    let release = release_after(settings.api_version.as_deref().unwrap_or("1.0.0"));

    let scratch = root.join("target/bump-review");
    let copy = scratch.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).expect("remove the previous copy");
    }
    for entry in COPIED {
        copy_tree(&root.join(entry), &copy.join(entry));
    }
    // The workspace's own target folder, so that the dependencies the outer test run built are reused,
    // which saves minutes of CI. The copy's packages must not reuse or replace the workspace's own builds:
    // see `cargo`.
    let target_dir = root.join("target");
    accept_current_snapshots(&copy, &settings, &spec);
    let next_spec = scratch.join("next-release.json");
    std::fs::write(&next_spec, next_release(&spec)).expect("write the next release");

    let bump =
        cargo(&copy, &target_dir, &["xtask", "bump", next_spec.to_str().unwrap(), "--release", release.as_str()]);
    assert!(bump.status.success(), "cargo xtask bump failed:\n{}", String::from_utf8_lossy(&bump.stderr));
    let message = String::from_utf8_lossy(&bump.stderr).into_owned();
    assert!(message.starts_with("bumped to ") && message.contains(" (minor change)"), "{message}");
    let named: BTreeSet<String> = message
        .lines()
        .filter_map(|line| line.strip_prefix("  changed: generated-client/"))
        .map(str::to_owned)
        .collect();
    assert_eq!(named, CHANGED.iter().map(|path| path.to_string()).collect(), "the files the bump names:\n{message}");
    let review = message.lines().last().unwrap_or_default().trim();
    assert_eq!(review, "cargo insta test --review -p audit-tests --test spec_snapshots", "{message}");

    // The review command without its interactive part: the snapshot tests, writing `.snap.new` files.
    let tests = cargo(&copy, &target_dir, &["test", "-p", "audit-tests", "--test", "spec_snapshots"]);
    assert!(!tests.status.success(), "the snapshot tests pass after a bump that changed files:\n{}", text(&tests));
    let snapshots = copy.join("tests/snapshots");
    let pending = pending_snapshots(&snapshots);
    let expected: BTreeSet<String> = CHANGED
        .iter()
        .map(|path| format!("spec_snapshots__current__{}.snap.new", path.replace(['/', '.'], "_")))
        .collect();
    assert_eq!(pending, expected, "pending snapshots after the bump:\n{}", text(&tests));

    let (removed, added) = changed_lines(&snapshots, "spec_snapshots__current__src_lib_rs");
    let old_release = settings.api_version.as_deref().unwrap_or_default();
    assert!(removed.iter().all(|line| line.contains(old_release)), "lines not about the release: {removed:#?}");
    assert!(added.iter().all(|line| line.contains(&release)), "lines not about the release: {added:#?}");
    assert!(added.contains(&format!("pub const API_VERSION: &str = \"{release}\";")), "{added:#?}");

    let (removed, added) = changed_lines(&snapshots, "spec_snapshots__current__src_models_limit_namespace_rs");
    assert!(removed.is_empty(), "the enum lost lines: {removed:#?}");
    for line in &added {
        let names_new_value = ADDED_VALUES.iter().any(|(wire, variant)| line.contains(wire) || line.contains(variant));
        assert!(names_new_value, "the enum's diff holds a line that is not about an added value: {line:?}");
    }
    for (wire, variant) in ADDED_VALUES {
        assert!(
            added.iter().any(|line| line.contains(&format!("#[model(rename = \"{wire}\")]")))
                && added.iter().any(|line| line.trim() == format!("{variant},")),
            "{wire} not added: {added:#?}"
        );
    }

    let (removed, added) = changed_lines(&snapshots, "spec_snapshots__current__src_models_detail_rs");
    assert!(removed.is_empty(), "the struct lost lines: {removed:#?}");
    assert!(
        added.iter().any(|line| line.contains("pub bump_review_note: ::std::option::Option<::std::string::String>,")),
        "{added:#?}"
    );
}

/// The workspace's own packages, each set apart in the copy's builds by a profile value (`codegen-units`)
/// that makes no difference to the code. Cargo names a workspace package's build by its path inside the
/// workspace, so the copy's would otherwise take the very names of the workspace's own in the shared
/// target folder: the copy would reuse them, or replace them with builds of its bumped sources, and the
/// workspace's crates built against the replaced ones would no longer load (rustdoc then finds no crate
/// for them). Every member is set apart, read from the workspace's manifest, so that a new one cannot be
/// left out; the dependencies from the registry are shared.
fn set_apart(root: &Path) -> Vec<String> {
    let read = |path: &Path| -> toml::Table {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
        toml::from_str(&text).unwrap_or_else(|err| panic!("parse {}: {err}", path.display()))
    };
    let workspace = read(&root.join("Cargo.toml"));
    let members = workspace["workspace"]["members"].as_array().expect("the workspace lists its members");
    let packages: Vec<String> = members
        .iter()
        .filter_map(|member| member.as_str())
        .map(|member| {
            let manifest = read(&root.join(member).join("Cargo.toml"));
            manifest["package"]["name"].as_str().expect("a member names its package").to_owned()
        })
        .collect();
    assert!(packages.iter().any(|name| name == "genesys-cloud-runtime"), "{packages:?}");
    packages
}

/// Runs cargo in the copy, offline, building in `target_dir` apart from the workspace's own builds, with
/// insta writing a `.snap.new` for each snapshot that differs (as it does outside CI) and nothing else of
/// the caller's insta settings.
fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for package in set_apart(&workspace_root()) {
        command.arg("--config").arg(format!("profile.dev.package.{package}.codegen-units = 255"));
    }
    command.args(args).current_dir(dir).env("CARGO_TARGET_DIR", target_dir).env("CARGO_NET_OFFLINE", "true");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("INSTA_") {
            command.env_remove(key);
        }
    }
    command.env("INSTA_UPDATE", "new").output().expect("run cargo")
}

/// Writes the copy's `current` snapshots as accepting them would: one per file of the crate that `spec`
/// (the text of spec/'s description) gives. Right after a bump of spec/ itself its snapshots are still
/// pending; the bump made here is to be compared with what spec/ holds, whatever they say.
fn accept_current_snapshots(copy: &Path, settings: &Settings, spec: &str) {
    let name = Path::new("spec").join(&settings.spec);
    let generated = genesys_audit_codegen::generate_str(&name, spec, settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("spec/ does not generate:\n{err}"));
    let folder = copy.join("tests/snapshots");
    for entry in std::fs::read_dir(&folder).expect("read the copy's snapshots") {
        let path = entry.expect("read a snapshot entry").path();
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        if file.starts_with("spec_snapshots__current__") {
            std::fs::remove_file(&path).unwrap_or_else(|err| panic!("remove {}: {err}", path.display()));
        }
    }
    for (path, content) in spec_files(&generated) {
        let file = folder.join(format!("spec_snapshots__{}.snap", snapshot_name("current", path)));
        let snapshot = format!("---\nsource: tests/spec_snapshots.rs\nexpression: content\n---\n{content}");
        std::fs::write(&file, snapshot).unwrap_or_else(|err| panic!("write {}: {err}", file.display()));
    }
}

fn text(output: &Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Copies a file or a folder, leaving out build output and pending snapshots.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_file() {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap_or_else(|err| panic!("copy {}: {err}", from.display()));
        return;
    }
    for entry in std::fs::read_dir(from).unwrap_or_else(|err| panic!("read {}: {err}", from.display())) {
        let path: PathBuf = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "target" || name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            continue;
        }
        copy_tree(&path, &to.join(name));
    }
}

fn pending_snapshots(folder: &Path) -> BTreeSet<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".snap.new"))
        .collect()
}

/// The lines the pending snapshot `name` removes from and adds to the committed one, by a line diff.
fn changed_lines(folder: &Path, name: &str) -> (Vec<String>, Vec<String>) {
    let old = snapshot_body(&folder.join(format!("{name}.snap")));
    let new = snapshot_body(&folder.join(format!("{name}.snap.new")));
    let diff = similar::TextDiff::from_lines(&old, &new);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(change.value().trim_end().to_owned()),
            similar::ChangeTag::Insert => added.push(change.value().trim_end().to_owned()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

/// A snapshot file's content, without insta's header.
fn snapshot_body(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
    let body = text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")).map(|(_, body)| body);
    body.unwrap_or_else(|| panic!("{} has no insta header", path.display())).to_owned()
}

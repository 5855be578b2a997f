//! Protects the spec diff (`cargo xtask diff`, and the class `cargo xtask bump` sets the version by): the
//! Markdown report of the real bump 121.0.0 → 242.0.0 and of 242.0.0 against itself, one small fixture
//! pair per classification rule under `tests/fixtures/diff/<rule>/{old,new}.yaml`, the JSON report, and
//! diff hygiene: a spec change that touches one schema changes one generated file and nothing else.
//!
//! Each pair's test checks the overall class (the report's first line) and snapshots the whole report; the
//! report names specs by file name only, so snapshots do not depend on where the workspace is. Pairs that
//! once showed a rule reporting too low a class are kept too.
//!
//! `cargo xtask semver-check OLD NEW` runs cargo-semver-checks on any of these pairs as a second opinion.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use audit_tests::{spec_fixture, workspace_root};
use genesys_audit_codegen::diff::{self, Class, Report};
use genesys_audit_codegen::{Generated, Layout, Settings};

const CURRENT: &str = "genesys-audit-242.0.0.openapi.yaml";
const OLDER: &str = "genesys-audit-121.0.0.openapi.yaml";

/// The folder of a fixture pair.
fn pair_dir(rule: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/diff").join(rule)
}

fn diff_specs(old: &Path, new: &Path) -> Report {
    genesys_audit_codegen::diff_specs(old, new, &Default::default())
        .unwrap_or_else(|err| panic!("{} → {} does not diff:\n{err}", old.display(), new.display()))
}

/// The report's first line for a class.
fn first_line(class: Class) -> String {
    format!("# API diff: {}", class.as_str())
}

/// Diffs a fixture pair, checks its class and snapshots its Markdown report as `spec_diff__<rule>.snap`.
fn check_pair(rule: &str, class: Class) -> Report {
    let dir = pair_dir(rule);
    let report = diff_specs(&dir.join("old.yaml"), &dir.join("new.yaml"));
    let markdown = diff::markdown(&report);
    assert_eq!(markdown.lines().next(), Some(first_line(class).as_str()), "{rule}:\n{markdown}");
    assert_eq!(report.class, class, "{rule}:\n{markdown}");
    assert!(!report.changes.is_empty(), "{rule}: a pair shows a change");
    insta::assert_snapshot!(rule.replace('-', "_"), markdown);
    report
}

/// The changes of a report at `location`, as `(class, description)`.
fn changes_at<'a>(report: &'a Report, location: &str) -> Vec<(Class, &'a str)> {
    report.changes.iter().filter(|c| c.location == location).map(|c| (c.class, c.description.as_str())).collect()
}

/// One test per rule, and the list of rules every fixture folder must be in.
macro_rules! pairs {
    ($($test:ident: $rule:literal => $class:ident,)*) => {
        const RULES: &[&str] = &[$($rule),*];
        $(
            #[test]
            fn $test() {
                check_pair($rule, Class::$class);
            }
        )*
    };
}

pairs! {
    operation_added: "operation-added" => Minor,
    operation_removed: "operation-removed" => Major,
    optional_query_param_added: "optional-query-param-added" => Minor,
    required_param_added: "required-param-added" => Major,
    param_became_required: "param-became-required" => Major,
    param_type_changed: "param-type-changed" => Major,
    param_moved_location: "param-moved-location" => Minor,
    param_style_changed: "param-style-changed" => Minor,
    body_field_added_optional: "body-field-added-optional" => Minor,
    body_field_added_required: "body-field-added-required" => Major,
    response_field_removed: "response-field-removed" => Major,
    field_retyped: "field-retyped" => Major,
    field_became_required: "field-became-required" => Major,
    enum_value_added: "enum-value-added" => Minor,
    enum_value_removed: "enum-value-removed" => Major,
    enum_became_string: "enum-became-string" => Major,
    string_became_enum: "string-became-enum" => Major,
    description_only: "description-only" => Patch,
    success_response_added: "success-response-added" => Major,
    schema_added: "schema-added" => Minor,
    one_schema_changed: "one-schema-changed" => Minor,
    inline_type_renamed: "inline-type-renamed" => Major,
    field_boxed_by_new_cycle: "field-boxed-by-new-cycle" => Major,
    error_body_changed: "error-body-changed" => Major,
    required_params_reordered: "required-params-reordered" => Major,
    required_fields_reordered: "required-fields-reordered" => Major,
    enum_variant_renamed: "enum-variant-renamed" => Major,
    union_member_added: "union-member-added" => Minor,
}

#[test]
fn scalar_param_moved_to_a_header_has_no_array_style_change() {
    let dir = pair_dir("param-moved-location");
    let report = diff_specs(&dir.join("old.yaml"), &dir.join("new.yaml"));
    let at = changes_at(&report, "operation getThings parameter pageSize");
    assert_eq!(at, [(Class::Minor, "moved from the query to the header")]);
}

#[test]
fn every_fixture_pair_has_a_test() {
    let root = workspace_root().join("tests/fixtures/diff");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                path.join("old.yaml").is_file() && path.join("new.yaml").is_file(),
                "{name} lacks old.yaml or new.yaml"
            );
            found.insert(name);
        }
    }
    let tested: BTreeSet<String> = RULES.iter().map(|rule| (*rule).to_owned()).collect();
    assert_eq!(found, tested, "fixture folders and the rules tested here must match");
}

#[test]
fn real_bump_121_to_242_is_major() {
    let report = diff_specs(&spec_fixture(OLDER), &spec_fixture(CURRENT));
    let markdown = diff::markdown(&report);
    assert_eq!(report.class, Class::Major);
    assert_eq!(markdown.lines().next(), Some(first_line(Class::Major).as_str()));

    let added = changes_at(&report, "operation postAuditsQueryRealtimeRelated");
    assert_eq!(added, [(Class::Minor, "operation added (`POST /api/v2/audits/query/realtime/related`)")]);
    let redirect = changes_at(&report, "operation getAuditsQueryTransactionIdResults parameter allowRedirect");
    assert_eq!(redirect, [(Class::Minor, "optional query parameter added (boolean)")]);

    // 242.0.0 dropped the `enum` of every service name, action and entity type.
    let became_strings: BTreeSet<&str> = report
        .changes
        .iter()
        .filter(|c| c.description.starts_with("an enum became a plain string"))
        .inspect(|c| assert_eq!(c.class, Class::Major, "{c:?}"))
        .map(|c| c.location.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "schema AuditLogMessage.action",
        "schema AuditLogMessage.entityType",
        "schema AuditLogMessage.serviceName",
        "schema AuditQueryEntity.name",
        "schema AuditQueryExecutionStatusResponse.serviceName",
        "schema AuditQueryRequest.serviceName",
        "schema AuditQueryService.name",
        "schema AuditRealtimeQueryRequest.serviceName",
    ]
    .into();
    assert_eq!(became_strings, expected);

    insta::assert_snapshot!("v121_to_v242", markdown);
}

#[test]
fn a_spec_against_itself_has_no_changes() {
    let report = diff_specs(&spec_fixture(CURRENT), &spec_fixture(CURRENT));
    assert_eq!(report.class, Class::None);
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    let markdown = diff::markdown(&report);
    assert_eq!(markdown.lines().next(), Some(first_line(Class::None).as_str()));
    insta::assert_snapshot!("v242_to_v242", markdown);
}

#[test]
fn json_report_parses_back() {
    let report = diff_specs(&spec_fixture(OLDER), &spec_fixture(CURRENT));
    let value: serde_json::Value = serde_json::from_str(&diff::json(&report)).expect("the JSON report is JSON");
    assert_eq!(value["class"], "major");
    assert_eq!(value["old"], "genesys-audit-121.0.0.openapi.yaml (121.0.0)");
    assert_eq!(value["new"], "genesys-audit-242.0.0.openapi.yaml (242.0.0)");
    let changes = value["changes"].as_array().expect("changes is an array");
    assert_eq!(changes.len(), report.changes.len());
    for change in changes {
        let class = change["class"].as_str().expect("every change has a class");
        assert!(["major", "minor", "patch"].contains(&class), "{change}");
        assert!(change["location"].is_string() && change["description"].is_string(), "{change}");
    }
    let related = changes
        .iter()
        .find(|c| c["location"] == "operation postAuditsQueryRealtimeRelated")
        .expect("the new operation is reported");
    assert_eq!(related["class"], "minor");
    assert_eq!(related["description"], "operation added (`POST /api/v2/audits/query/realtime/related`)");
    // Most severe first.
    assert_eq!(changes[0]["class"], "major");

    let dir = pair_dir("enum-value-removed");
    let value: serde_json::Value =
        serde_json::from_str(&diff::json(&diff_specs(&dir.join("old.yaml"), &dir.join("new.yaml")))).unwrap();
    assert_eq!(value["class"], "major");
    assert_eq!(
        value["changes"],
        serde_json::json!([{"class": "major", "location": "schema Status", "description": "enum value `INACTIVE` removed"}])
    );
}

/// Generates a fixture pair's side as a standalone crate, under one spec file name for both sides so that
/// the files' headers match.
fn generate_side(rule: &str, side: &str) -> Generated {
    let text = std::fs::read_to_string(pair_dir(rule).join(format!("{side}.yaml"))).unwrap();
    let name = Path::new("diff-fixture.yaml");
    genesys_audit_codegen::generate_str(name, &text, &Settings::for_spec(name), Layout::Standalone)
        .unwrap_or_else(|err| panic!("{rule}/{side}.yaml does not generate:\n{err}"))
}

/// The files that differ between the two sides' crates (changed, added or removed), but for `src/lib.rs`
/// when it differs only by `info.version` (1.0.0 on every old side, 1.0.1 on every new side), which the
/// crate documents and keeps in `API_VERSION`.
fn differing_files(rule: &str) -> BTreeSet<String> {
    let (old, new) = (generate_side(rule, "old"), generate_side(rule, "new"));
    let lib = "src/lib.rs";
    assert_eq!(
        old.files[lib],
        new.files[lib].replace("1.0.1", "1.0.0"),
        "{rule}: {lib} differs by more than the API version"
    );
    let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).filter(|path| *path != lib).collect();
    paths.into_iter().filter(|path| old.files.get(*path) != new.files.get(*path)).cloned().collect()
}

#[test]
fn one_schema_changed_changes_one_file() {
    // A field added to Thing, which three operations and ThingPage use: no other file may move.
    assert_eq!(differing_files("one-schema-changed"), BTreeSet::from(["src/models/thing.rs".to_owned()]));
}

#[test]
fn additions_touch_only_their_own_files_and_the_module_lists() {
    let expect = |files: &[&str]| files.iter().map(|f| (*f).to_owned()).collect::<BTreeSet<String>>();
    assert_eq!(differing_files("schema-added"), expect(&["src/models/mod.rs", "src/models/owner.rs"]));
    assert_eq!(differing_files("enum-value-added"), expect(&["src/models/status.rs"]));
    assert_eq!(differing_files("body-field-added-optional"), expect(&["src/models/thing_request.rs"]));
    assert_eq!(differing_files("optional-query-param-added"), expect(&["src/operations/get_things.rs"]));
    assert_eq!(
        differing_files("operation-added"),
        expect(&["src/operations/delete_thing.rs", "src/operations/mod.rs"]),
    );
}

//! Protects per-tag Cargo features (`[features] per-tag = true` in the settings), on the `tag-features.yaml`
//! fixture: each operation is compiled under the features of its tags, each type when anything compiled
//! uses it, and the crate compiles without warnings whichever features are on.

use std::path::Path;

use audit_tests::{
    assert_file_snapshots, assert_success, cargo, settings_fixture, spec_files, spec_fixture, workspace_root,
    write_standalone,
};
use genesys_audit_codegen::{Generated, Layout, Settings};

const SPEC: &str = "tag-features.yaml";
const SETTINGS: &str = "tag-features.codegen.toml";

fn generate(layout: Layout) -> Generated {
    let settings = Settings::load(&settings_fixture(SETTINGS)).expect("load the fixture settings");
    let text = std::fs::read_to_string(spec_fixture(SPEC)).expect("read the fixture");
    genesys_audit_codegen::generate_str(Path::new(SPEC), &text, &settings, layout)
        .unwrap_or_else(|err| panic!("{SPEC} does not generate:\n{err}"))
}

/// The `#[cfg]` line before `item` in `text`, or `None` when the line before is not one.
fn gate_of<'a>(text: &'a str, item: &str) -> Option<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|line| *line == item).unwrap_or_else(|| panic!("no {item:?} in:\n{text}"));
    lines.get(at.wrapping_sub(1)).copied().filter(|line| line.starts_with("#[cfg"))
}

#[test]
fn tag_features_files() {
    assert_file_snapshots!("tag_features", spec_files(&generate(Layout::WorkspaceMember)));
}

#[test]
fn operations_follow_their_tags_and_types_what_uses_them() {
    let generated = generate(Layout::WorkspaceMember);
    let operations = &generated.files["src/operations/mod.rs"];
    let both = Some("#[cfg(any(feature = \"pets\", feature = \"store-admin\"))]");
    assert_eq!(gate_of(operations, "mod list_pets;"), Some("#[cfg(feature = \"pets\")]"));
    assert_eq!(gate_of(operations, "mod get_store;"), Some("#[cfg(feature = \"store-admin\")]"));
    assert_eq!(gate_of(operations, "mod add_store_pet;"), both);
    assert_eq!(gate_of(operations, "mod ping;"), None, "an operation without tags is always compiled");

    let models = &generated.files["src/models/mod.rs"];
    let expected = [
        ("mod pet;", both),
        ("mod owner;", both),
        ("mod add_store_pet_mode;", both),
        ("mod store;", Some("#[cfg(feature = \"store-admin\")]")),
        // Adoption is used by no operation, so it is always compiled, and Manager with it.
        ("mod adoption;", None),
        ("mod manager;", None),
        // The error body is named by lib.rs.
        ("mod error2;", None),
        ("mod error_detail;", None),
        ("mod health;", None),
    ];
    for (item, gate) in expected {
        assert_eq!(gate_of(models, item), gate, "{item}");
        let export = models
            .lines()
            .find(|line| line.starts_with("pub use ") && line.contains(&format!("{}::", &item[4..item.len() - 1])));
        assert_eq!(
            gate_of(models, export.unwrap_or_else(|| panic!("no export of {item}"))),
            gate,
            "the export of {item}"
        );
    }

    let manifest = &generated.files["Cargo.toml"];
    assert!(
        manifest.contains("\n[features]\ndefault = [\"pets\", \"store-admin\"]\npets = []\nstore-admin = []\n"),
        "{manifest}"
    );
}

#[test]
fn without_per_tag_features_nothing_is_gated() {
    let mut settings = Settings::load(&settings_fixture(SETTINGS)).unwrap();
    settings.features.per_tag = false;
    let text = std::fs::read_to_string(spec_fixture(SPEC)).unwrap();
    let generated =
        genesys_audit_codegen::generate_str(Path::new(SPEC), &text, &settings, Layout::WorkspaceMember).unwrap();
    for (path, content) in &generated.files {
        assert!(!content.contains("#[cfg(feature") && !content.contains("[features]"), "{path}:\n{content}");
    }
}

#[test]
fn every_set_of_features_compiles_without_warnings_and_passes_clippy() {
    let target = workspace_root().join("target");
    let dir = target.join("tag-features-crate");
    write_standalone(&generate(Layout::Standalone), &dir);
    for features in ["", "pets", "store-admin", "pets,store-admin"] {
        let args = [
            "clippy",
            "--offline",
            "--all-targets",
            "--no-default-features",
            "--features",
            features,
            "--",
            "-D",
            "warnings",
        ];
        let output = cargo(&dir, &target.join("fixture-check"), &args);
        assert_success(&output, &format!("cargo clippy with features [{features}]"), &dir);
    }
}

//! The generator settings file (`spec/codegen.toml`): everything the generator needs beyond the spec.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics, Location};

/// The parsed settings file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The spec file, relative to the settings file.
    pub spec: PathBuf,
    /// The generated crate's package metadata.
    #[serde(rename = "crate")]
    pub krate: CrateSettings,
}

/// Package metadata of the generated crate.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CrateSettings {
    /// The package name, such as `genesys-cloud-audit`.
    pub name: String,
    /// The package version.
    pub version: String,
    /// One sentence for the package description.
    pub description: String,
    /// An SPDX license expression.
    pub license: String,
}

impl Settings {
    /// Reads and parses the settings file at `path`.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| Diagnostics::file(path, format!("cannot read settings: {err}")))?;
        Self::parse(path, &text)
    }

    /// Parses settings text; `path` is used in diagnostics only.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostics> {
        let settings: Self = toml::from_str(text).map_err(|err| {
            let (line, column) = err.span().map_or((1, 1), |span| line_column(text, span.start));
            Diagnostics(vec![Diagnostic {
                file: path.to_path_buf(),
                location: Location::LineColumn { line, column },
                message: format!("invalid settings: {}", err.message()),
            }])
        })?;
        settings.validate(path)?;
        Ok(settings)
    }

    fn validate(&self, path: &Path) -> Result<(), Diagnostics> {
        let name = &self.krate.name;
        let valid = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(())
        } else {
            Err(Diagnostics::file(path, format!("invalid crate name {name:?}: use ASCII letters, digits, '-' and '_'")))
        }
    }

    /// Settings for a spec with no settings file: a crate named after the spec's file name.
    pub fn for_spec(spec: &Path) -> Self {
        let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
        let stem = stem.split('.').next().unwrap_or(stem);
        let mut name = heck::ToKebabCase::to_kebab_case(stem);
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name = format!("api-{name}");
        }
        Self {
            spec: spec.to_path_buf(),
            krate: CrateSettings {
                name,
                version: "0.1.0".to_owned(),
                description: "Typed async client generated from an OpenAPI description".to_owned(),
                license: "MIT OR Apache-2.0".to_owned(),
            },
        }
    }
}

/// 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_reported_with_line_and_column() {
        let text = "spec = \"a.yaml\"\n[crate]\nname = \"x\"\nversion = \"1.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\nlicence = \"MIT\"\n";
        let err = Settings::parse(Path::new("spec/codegen.toml"), text).unwrap_err().to_string();
        assert!(err.starts_with("spec/codegen.toml:7:1: invalid settings: unknown field `licence`"), "{err}");
    }

    #[test]
    fn crate_names_are_checked() {
        let text = "spec = \"a.yaml\"\n[crate]\nname = \"1 x\"\nversion = \"1.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\n";
        let err = Settings::parse(Path::new("c.toml"), text).unwrap_err().to_string();
        assert!(err.contains("invalid crate name \"1 x\""), "{err}");
    }

    #[test]
    fn default_settings_name_the_crate_after_the_spec() {
        let settings = Settings::for_spec(Path::new("tests/fixtures/genesys-audit-121.0.0.openapi.yaml"));
        assert_eq!(settings.krate.name, "genesys-audit-121");
    }
}

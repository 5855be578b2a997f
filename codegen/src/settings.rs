//! The generator settings file (`spec/codegen.toml`): everything the generator needs beyond the spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics, Location, Pointer};

mod tables;

/// The parsed settings file.
///
/// [`Settings::parse`] refuses, each at its JSON pointer and all together, what Cargo or the generated client
/// could not take: a crate name or dependency name that is not ASCII letters, digits, `-` and `_`; a version
/// that is not semver; a dependency that is neither a version nor a table; a region name listed twice or
/// with other characters than ASCII letters, digits, `-`, `_` and `.`; a region URL that is not an absolute
/// `http` or `https` URL.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The spec file, relative to the settings file.
    pub spec: PathBuf,
    /// The version of the API the spec describes, when its `info.version` does not say it: Genesys's
    /// description says `v2` in every release. `API_VERSION`, the crate docs and the changelog give it;
    /// `cargo xtask bump` sets it.
    #[serde(default, rename = "api-version")]
    pub api_version: Option<String>,
    /// The generated crate's package metadata.
    #[serde(rename = "crate", deserialize_with = "tables::table")]
    pub krate: CrateSettings,
    /// Retry hints.
    #[serde(default, deserialize_with = "tables::table")]
    pub retry: RetrySettings,
    /// Paginated operations, by `operationId`.
    #[serde(default, deserialize_with = "tables::by_name")]
    pub pagination: BTreeMap<String, Pagination>,
    /// Operations that start a job to wait for, by `operationId`.
    #[serde(default, deserialize_with = "tables::by_name")]
    pub waiters: BTreeMap<String, Waiter>,
    /// The regions the API is served in, for `ClientBuilder::region`.
    #[serde(default, deserialize_with = "tables::list")]
    pub regions: Vec<Region>,
    /// The operations to generate, when not all of them.
    #[serde(default, deserialize_with = "tables::table")]
    pub select: Selection,
    /// The generated crate's Cargo features.
    #[serde(default, deserialize_with = "tables::table")]
    pub features: Features,
    /// How model types are generated.
    #[serde(default, deserialize_with = "tables::table")]
    pub models: ModelSettings,
    /// The file these settings came from, for diagnostics.
    #[serde(skip)]
    pub path: PathBuf,
}

/// Which operations of the description to generate; only they and the types they reach are written.
///
/// An operation is selected when it matches any of `tags`, `paths` and `operations` (or when all three
/// are empty), and none of the `exclude-` lists. A path prefix matches whole segments: `/api/v2/audits`
/// matches `/api/v2/audits/query` but not `/api/v2/auditsfoo`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Selection {
    /// Operations with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Operations whose path starts with any of these prefixes.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Operations with any of these `operationId`s.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Leaves out operations with any of these tags.
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// Leaves out operations whose path starts with any of these prefixes.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// Leaves out operations with any of these `operationId`s.
    #[serde(default)]
    pub exclude_operations: Vec<String>,
    /// The settings file, for diagnostics.
    #[serde(skip)]
    pub file: PathBuf,
}

impl Selection {
    /// Whether it keeps every operation.
    pub fn is_everything(&self) -> bool {
        let lists = [
            &self.tags,
            &self.paths,
            &self.operations,
            &self.exclude_tags,
            &self.exclude_paths,
            &self.exclude_operations,
        ];
        lists.iter().all(|list| list.is_empty())
    }
}

/// The generated crate's Cargo features.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Features {
    /// One feature per tag, all on by default: the operations of a tag compile when its feature is on,
    /// and a type when any operation that uses it does.
    #[serde(default)]
    pub per_tag: bool,
}

/// How model types are generated.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModelSettings {
    /// Whether a struct keeps the members that its schema does not declare (on by default), so that
    /// re-encoding a value loses nothing. Off, they are dropped while decoding, as closed types do: only
    /// `cargo xtask bench-decode` turns it off, to measure what keeping them costs.
    #[serde(default = "yes")]
    pub keep_unknown_members: bool,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self { keep_unknown_members: true }
    }
}

fn yes() -> bool {
    true
}

/// Retry hints.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetrySettings {
    /// Operations whose method is not idempotent (a `POST`) but which only read, so they may be sent twice.
    #[serde(default)]
    pub idempotent: Vec<String>,
}

/// How an operation pages.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, tag = "style", rename_all = "kebab-case")]
pub enum Pagination {
    /// The response gives a cursor; the next request sends it as a query parameter.
    #[serde(rename_all = "kebab-case")]
    Cursor {
        /// The response field that holds the page's items.
        items: String,
        /// The query parameter the cursor is sent in.
        cursor_param: String,
        /// The response field that holds the next cursor.
        cursor_field: String,
    },
    /// The request body gives a page number; the response says how many pages there are.
    #[serde(rename_all = "kebab-case")]
    PageNumber {
        /// The response field that holds the page's items.
        items: String,
        /// The request body field of the page number (from 1).
        page_number: String,
        /// The response field that holds the number of pages.
        page_count: String,
    },
}

/// An operation that starts a job, how to poll it, and where its results are.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Waiter {
    /// The operation that gives the job's status; its one required parameter is the job's id.
    pub status: String,
    /// The field of the starting operation's response that holds the job's id.
    pub id: String,
    /// The field of the status response that holds the state (an enum).
    pub state: String,
    /// States that mean done.
    pub succeeded: Vec<String>,
    /// States that mean it will never be done.
    pub failed: Vec<String>,
    /// The operation that gives the results; its one required parameter is the job's id.
    pub results: String,
}

/// A region: its name and base URLs.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Region {
    /// The name users give, such as `us-east-1`.
    pub name: String,
    /// The API's base URL there.
    pub api: String,
    /// The login service's base URL there.
    pub login: String,
}

/// Package metadata of the generated crate.
#[derive(Clone, Debug, Deserialize, PartialEq)]
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
    /// Dependencies of the crate's examples and tests only (users do not inherit them), as Cargo takes them.
    #[serde(default, rename = "dev-dependencies")]
    pub dev_dependencies: BTreeMap<String, toml::Value>,
    /// Where the crate gets its runtime.
    #[serde(default)]
    pub runtime: Runtime,
}

/// Where a generated crate gets the hand-written runtime its code calls.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(from = "toml::Value")]
pub enum Runtime {
    /// Copied into the crate's `src/runtime/`: one self-contained crate (`runtime = "vendored"`, and what
    /// settings that say nothing get).
    #[default]
    Vendored,
    /// A dependency on the `genesys-cloud-runtime` crate, as Cargo takes it: a table with a `path` (from
    /// the generated crate's folder), a `git` URL or a `version`, or a version requirement.
    Dependency(toml::Value),
}

impl Runtime {
    /// A path dependency on the runtime crate in the folder `dir`, written as given.
    pub fn path(dir: &Path) -> Self {
        let path = toml::Value::String(dir.display().to_string());
        Self::Dependency(toml::Value::Table(toml::Table::from_iter([("path".to_owned(), path)])))
    }
}

impl From<toml::Value> for Runtime {
    fn from(value: toml::Value) -> Self {
        match value {
            toml::Value::String(text) if text == "vendored" => Self::Vendored,
            spec => Self::Dependency(spec),
        }
    }
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
        let mut settings: Self = toml::from_str(text).map_err(|err| {
            let (line, column) = err.span().map_or((1, 1), |span| line_column(text, span.start));
            Diagnostics(vec![Diagnostic {
                file: path.to_path_buf(),
                location: Location::LineColumn { line, column },
                message: format!("invalid settings: {}", err.message()),
            }])
        })?;
        settings.validate(path)?;
        settings.path = path.to_path_buf();
        settings.select.file = path.to_path_buf();
        Ok(settings)
    }

    /// Checks what Cargo and the generated code will take as written: names, the version, dependency
    /// entries and region URLs, each problem at its pointer.
    fn validate(&self, path: &Path) -> Result<(), Diagnostics> {
        let mut problems = Vec::new();
        let mut problem = |pointer: Pointer, message: String| {
            problems.push(Diagnostic { file: path.to_path_buf(), location: Location::Pointer(pointer), message });
        };
        let krate = Pointer::root().join("crate");
        if !is_package_name(&self.krate.name) {
            let name = &self.krate.name;
            problem(krate.join("name"), format!("invalid crate name {name:?}: use ASCII letters, digits, '-' and '_'"));
        }
        if let Some(version) = &self.api_version {
            if version.trim().is_empty() || version.chars().any(char::is_control) {
                problem(
                    Pointer::root().join("api-version"),
                    format!("invalid API version {version:?}: give it as one line of text, such as \"243.0.0\""),
                );
            }
        }
        if let Err(err) = semver::Version::parse(&self.krate.version) {
            let version = &self.krate.version;
            problem(krate.join("version"), format!("invalid crate version {version:?}: {err}"));
        }
        for (name, spec) in &self.krate.dev_dependencies {
            let at = krate.join("dev-dependencies").join(name);
            if !is_package_name(name) {
                problem(at, format!("invalid dependency name {name:?}: use ASCII letters, digits, '-' and '_'"));
            } else if !matches!(spec, toml::Value::String(_) | toml::Value::Table(_)) {
                problem(at, format!("the dependency {name:?} is neither a version nor a table: {spec}"));
            }
        }
        if let Runtime::Dependency(spec) = &self.krate.runtime {
            let at = krate.join("runtime");
            if !matches!(spec, toml::Value::String(_) | toml::Value::Table(_)) {
                problem(at, format!("the runtime {spec} is neither \"vendored\", a version nor a table"));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (index, region) in self.regions.iter().enumerate() {
            let at = Pointer::root().join("regions").join(index);
            if !is_region_name(&region.name) {
                let name = &region.name;
                problem(
                    at.join("name"),
                    format!("invalid region name {name:?}: use ASCII letters, digits, '-', '_' and '.'"),
                );
            } else if seen.contains(&region.name.as_str()) {
                problem(at.join("name"), format!("the region {:?} is listed twice", region.name));
            }
            seen.push(&region.name);
            for (key, url) in [("api", &region.api), ("login", &region.login)] {
                if let Err(why) = check_base_url(url) {
                    problem(at.join(key), format!("invalid base URL {url:?}: {why}"));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Diagnostics(problems)) }
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
            api_version: None,
            krate: CrateSettings {
                name,
                version: "0.1.0".to_owned(),
                description: "Typed async client generated from an OpenAPI description".to_owned(),
                license: "MIT OR Apache-2.0".to_owned(),
                dev_dependencies: BTreeMap::new(),
                runtime: Runtime::Vendored,
            },
            retry: RetrySettings::default(),
            pagination: BTreeMap::new(),
            waiters: BTreeMap::new(),
            regions: Vec::new(),
            select: Selection::default(),
            features: Features::default(),
            models: ModelSettings::default(),
            path: PathBuf::from("(default settings)"),
        }
    }
}

/// Whether `name` is what Cargo takes as a package name: ASCII letters, digits, `-` and `_`, from a letter.
fn is_package_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether `name` can name a region: it is matched as written and becomes an enum variant, so it is ASCII
/// letters, digits, `-`, `_` and `.`, with a letter or digit first.
fn is_region_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Why `url` is not an absolute `http` or `https` URL the client can send requests to, if it is not.
fn check_base_url(url: &str) -> Result<(), String> {
    // Written into the generated source as it is: a URL is ASCII with no spaces, which `url` would escape.
    if !url.chars().all(|c| c.is_ascii_graphic()) {
        return Err("it has characters a URL cannot hold as they are".to_owned());
    }
    let parsed = url::Url::parse(url).map_err(|err| err.to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("use an http or https URL with a host".to_owned());
    }
    Ok(())
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
    fn pagination_styles_parse() {
        let text = "spec = \"a.yaml\"\n[crate]\nname = \"x\"\nversion = \"1.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\n\
            [pagination.op]\nstyle = \"cursor\"\nitems = \"entities\"\ncursor-param = \"cursor\"\ncursor-field = \"cursor\"\n";
        let settings = Settings::parse(Path::new("c.toml"), text).unwrap();
        let expected = Pagination::Cursor {
            items: "entities".into(),
            cursor_param: "cursor".into(),
            cursor_field: "cursor".into(),
        };
        assert_eq!(settings.pagination["op"], expected);
        assert_eq!(settings.path, Path::new("c.toml"));
    }

    #[test]
    fn an_entry_given_as_a_list_of_values_is_refused_where_a_table_belongs() {
        let head =
            "spec = \"a.yaml\"\n[crate]\nname = \"x\"\nversion = \"1.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\n";
        let region =
            format!("{head}[[regions]]\nname = \"a\"\napi = \"https://a.example\"\nlogin = \"https://l.example\"\n");
        assert!(Settings::parse(Path::new("c.toml"), &region).is_ok());
        let listed = format!("regions = [[\"a\", \"https://a.example\", \"https://l.example\"]]\n{head}");
        let err = Settings::parse(Path::new("c.toml"), &listed).unwrap_err().to_string();
        assert!(err.starts_with("c.toml:1:"), "{err}");
        assert!(err.contains("invalid type: sequence, expected a table"), "{err}");
        let crate_listed = "spec = \"a.yaml\"\ncrate = [\"x\", \"1.0.0\", \"d\", \"MIT\"]\n";
        let err = Settings::parse(Path::new("c.toml"), crate_listed).unwrap_err().to_string();
        assert!(err.contains("expected a table"), "{err}");
    }

    #[test]
    fn crate_names_are_checked() {
        let text =
            "spec = \"a.yaml\"\n[crate]\nname = \"1 x\"\nversion = \"1.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\n";
        let err = Settings::parse(Path::new("c.toml"), text).unwrap_err().to_string();
        assert!(err.contains("invalid crate name \"1 x\""), "{err}");
    }

    #[test]
    fn default_settings_name_the_crate_after_the_spec() {
        let settings = Settings::for_spec(Path::new("tests/fixtures/genesys-audit-121.0.0.openapi.yaml"));
        assert_eq!(settings.krate.name, "genesys-audit-121");
    }
}

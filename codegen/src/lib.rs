//! Generates the typed Rust client of the Genesys Cloud audit API (or of any OpenAPI 3.0 or 3.1
//! description within the supported subset) from its spec.
//!
//! One direction: load the spec, build the model (every Rust name chosen by one naming module beside its
//! wire name, `$ref`s resolved), emit tokens with `quote`, format them with `prettyplease`, and write or
//! check the files ([`Generated`]). What is public is what the xtask and the tests call: [`generate`],
//! [`Settings`], [`Diagnostics`] and the spec [`diff`].

pub mod diff;
mod docs;
mod emit;
mod error;
mod load;
mod model;
mod naming;
pub mod settings;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

pub use emit::Layout;
pub use error::{Diagnostic, Diagnostics, Location};
pub use load::{Cut, cut};
pub use settings::{Runtime, Settings};

/// The files of a generated crate, by path relative to its root, in path order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// File contents by relative path (`/`-separated).
    pub files: BTreeMap<String, String>,
    /// What the generator chose where the spec left it open (the name of an operation without an
    /// `operationId`, say), one line each, to show the user; the files are complete either way.
    pub warnings: Vec<Diagnostic>,
}

/// A file whose committed content differs from what the generator writes now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// The generator writes it, but it is not there.
    Missing(PathBuf),
    /// It is there with other content.
    Changed(PathBuf),
    /// It is a generated file the generator no longer writes.
    Orphan(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(path) => write!(f, "missing: {}", path.display()),
            Stale::Changed(path) => write!(f, "changed: {}", path.display()),
            Stale::Orphan(path) => write!(f, "no longer generated: {}", path.display()),
        }
    }
}

/// Generates the crate for the spec at `spec_path`.
pub fn generate(spec_path: &Path, settings: &Settings, layout: Layout) -> Result<Generated, Diagnostics> {
    let doc = load::load(spec_path, &settings.select)?;
    generate_document(doc, settings, layout)
}

/// Generates the crate for spec text; `display_path` names the spec in diagnostics and headers.
pub fn generate_str(
    display_path: &Path,
    text: &str,
    settings: &Settings,
    layout: Layout,
) -> Result<Generated, Diagnostics> {
    let doc = load::parse(display_path, text, &settings.select)?;
    generate_document(doc, settings, layout)
}

/// The diff report between two specs, of the operations `selection` selects in each (read with default
/// settings otherwise: the diff is of the specs alone).
pub fn diff_specs(old: &Path, new: &Path, selection: &settings::Selection) -> Result<diff::Report, Diagnostics> {
    let model = |path: &Path| -> Result<model::Model, Diagnostics> {
        let doc = load::load(path, selection)?;
        model::build(&doc, &Settings::for_spec(path))
    };
    let name =
        |path: &Path| path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let (old_model, new_model) = (model(old), model(new));
    match (old_model, new_model) {
        (Ok(a), Ok(b)) => Ok(diff::compare(&a, &name(old), &b, &name(new))),
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

fn generate_document(doc: load::Document, settings: &Settings, layout: Layout) -> Result<Generated, Diagnostics> {
    let model = model::build(&doc, settings)?;
    let spec_name =
        doc.path.file_name().map_or_else(|| doc.path.display().to_string(), |n| n.to_string_lossy().into_owned());
    // The document is the largest thing held: it goes before the files are made.
    drop(doc);
    let files = emit::emit(&model, settings, &spec_name, layout);
    Ok(Generated { files, warnings: model.warnings })
}

/// The first line every generated file starts with (after `//` or `#`).
const MARKER: &str = "@generated";

impl Generated {
    /// Writes every file under `root`, and removes generated files under `root/src` it no longer writes.
    pub fn write(&self, root: &Path) -> io::Result<()> {
        for orphan in self.orphans(root)? {
            std::fs::remove_file(root.join(orphan))?;
        }
        let folders: std::collections::BTreeSet<PathBuf> =
            self.files.keys().filter_map(|path| root.join(path).parent().map(Path::to_path_buf)).collect();
        for folder in folders {
            std::fs::create_dir_all(folder)?;
        }
        for (path, content) in &self.files {
            let target = root.join(path);
            // Unchanged files are left alone so their timestamps do not trigger rebuilds.
            if std::fs::read(&target).ok().as_deref() != Some(content.as_bytes()) {
                std::fs::write(&target, content)?;
            }
        }
        Ok(())
    }

    /// The files under `root` that differ from what this generation writes, in path order.
    pub fn check(&self, root: &Path) -> io::Result<Vec<Stale>> {
        let mut stale = Vec::new();
        for (path, content) in &self.files {
            match std::fs::read_to_string(root.join(path)) {
                Ok(existing) if &existing == content => {}
                Ok(_) => stale.push(Stale::Changed(PathBuf::from(path))),
                Err(err) if err.kind() == io::ErrorKind::NotFound => stale.push(Stale::Missing(PathBuf::from(path))),
                Err(err) => return Err(err),
            }
        }
        stale.extend(self.orphans(root)?.into_iter().map(Stale::Orphan));
        Ok(stale)
    }

    /// Generated files under `root/src` that this generation does not write.
    fn orphans(&self, root: &Path) -> io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        collect_rust_files(&root.join("src"), &mut found)?;
        let mut orphans = Vec::new();
        for path in found {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let key = relative.to_string_lossy().replace('\\', "/");
            if self.files.contains_key(&key) {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            if text.lines().next().is_some_and(|line| line.contains(MARKER)) {
                orphans.push(relative);
            }
        }
        orphans.sort();
        Ok(orphans)
    }
}

fn collect_rust_files(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_rust_files(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

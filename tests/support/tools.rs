//! Programs from npm that tests run (Prism, swagger2openapi): found where their `.ci/install-*` script puts
//! them, installed on demand when npm is on PATH. A test that cannot have its program says why and passes,
//! except in CI (`CI=true`), where it fails.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::workspace_root;

/// A program installed from npm into `.tools/` by a script of `.ci/`.
#[derive(Debug)]
pub struct NodeTool {
    /// What it is called in messages.
    pub name: &'static str,
    /// Its path under the workspace root once installed.
    pub installed: &'static str,
    /// The script that installs it, under the workspace root.
    pub script: &'static str,
    /// An environment variable that names the program instead (and then nothing else is tried).
    pub env: &'static str,
}

/// Prism, the OpenAPI mock server and validator of the contract tests.
pub const PRISM: NodeTool = NodeTool {
    name: "prism",
    installed: ".tools/prism/node_modules/.bin/prism",
    script: ".ci/install-prism",
    env: "PRISM_BIN",
};

/// swagger2openapi, the reference converter from Swagger 2.0 to OpenAPI 3.0.
pub const SWAGGER2OPENAPI: NodeTool = NodeTool {
    name: "swagger2openapi",
    installed: ".tools/swagger2openapi/node_modules/.bin/swagger2openapi",
    script: ".ci/install-swagger2openapi",
    env: "SWAGGER2OPENAPI_BIN",
};

/// Whether the tests run in CI, where every program they need must be there.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}

/// Whether `program` is a file in a folder of `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

impl NodeTool {
    /// The program's path, or `None` after printing why the test is skipped; panics instead under `CI=true`.
    /// It is looked for (and installed) once per test process.
    pub fn or_skip(&'static self) -> Option<PathBuf> {
        static FOUND: OnceLock<Mutex<HashMap<&'static str, Result<PathBuf, String>>>> = OnceLock::new();
        let found = FOUND.get_or_init(Mutex::default);
        let result = {
            let mut found = found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            found.entry(self.name).or_insert_with(|| self.locate()).clone()
        };
        match result {
            Ok(bin) => Some(bin),
            Err(why) if on_ci() => panic!(
                "{} is required when CI=true but is not available: {why}\n\
                 (install node and npm, or run {}, or point {} at the program)",
                self.name, self.script, self.env
            ),
            Err(why) => {
                eprintln!("skipping: {} is not available (install node and npm, or run {})", self.name, self.script);
                eprintln!("  because: {why}");
                None
            }
        }
    }

    /// The program named by its environment variable (and nothing else), else the installed one,
    /// installing it when npm is on PATH.
    pub fn locate(&self) -> Result<PathBuf, String> {
        if let Some(bin) = std::env::var_os(self.env) {
            let bin = PathBuf::from(bin);
            return if bin.is_file() {
                Ok(bin)
            } else {
                Err(format!("{} is {}, which does not exist", self.env, bin.display()))
            };
        }
        let root = workspace_root();
        let bin = root.join(self.installed);
        if bin.is_file() {
            return Ok(bin);
        }
        if !on_path("npm") {
            return Err(format!("{} is missing and npm is not on PATH to install it", bin.display()));
        }
        let script = root.join(self.script);
        eprintln!("{} is missing: running {}", self.name, script.display());
        let output = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("cannot run {}: {err}", script.display()))?;
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        eprint!("{text}");
        if !output.status.success() {
            return Err(format!("{} failed ({}):\n{text}", script.display(), output.status));
        }
        if bin.is_file() {
            Ok(bin)
        } else {
            Err(format!("{} succeeded but {} is missing", script.display(), bin.display()))
        }
    }
}

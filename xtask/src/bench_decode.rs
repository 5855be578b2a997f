//! `cargo xtask bench-decode`: how fast a results page decodes into the client's types, against the same
//! bytes decoded into `serde_json::Value` and into a closed baseline, with encode figures beside them.
//!
//! The closed baseline is the audit description generated with `keep-unknown-members = false`: the same
//! types, the same runtime and the same decode path, but structs drop the members they do not declare,
//! as closed types do. A small program (`bench_decode/probe.rs`) that depends on both crates is built in
//! release mode and does the measuring, all variants interleaved in one run, so that the ratios hold on a
//! noisy machine even when the absolute figures move. Ratios are given two ways: between the fastest
//! rounds of each variant, and as the median over rounds of each round's own ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use genesys_audit_codegen::{Layout, Settings};

use crate::{SETTINGS, workspace_root};

const USAGE: &str = "usage: cargo xtask bench-decode [--quick]";
/// The program that measures; written into the probe crate as its `main.rs`.
const PROBE: &str = include_str!("bench_decode/probe.rs");
/// Entries in the measured page, as many as a results page holds.
const ENTRIES: usize = 500;

/// Generates the closed baseline, builds the probe and runs it.
pub fn run(args: &[String]) -> Result<(), String> {
    let rounds = match args {
        [] => 41,
        [flag] if flag == "--quick" => 5,
        _ => return Err(USAGE.to_owned()),
    };
    let root = workspace_root();
    let scratch = root.join("target/bench-decode");
    generate_closed(&root, &scratch.join("closed"))?;
    let page = scratch.join("page.json");
    std::fs::write(&page, crate::bench::page(ENTRIES, 0)).map_err(|err| format!("error: {}: {err}", page.display()))?;
    let probe = write_probe(&root, &scratch)?;
    let status = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--release", "--manifest-path"])
        .arg(probe.join("Cargo.toml"))
        .arg("--")
        .arg(&page)
        .arg(rounds.to_string())
        .env("CARGO_TARGET_DIR", root.join("target"))
        .stdin(Stdio::null())
        .status()
        .map_err(|err| format!("error: cannot run cargo: {err}"))?;
    if status.success() { Ok(()) } else { Err("error: the decode probe failed".to_owned()) }
}

/// The audit crate as `cargo xtask codegen` makes it, but named apart and without unknown-member retention.
fn generate_closed(root: &Path, out: &Path) -> Result<(), String> {
    let mut settings = Settings::load(&root.join(SETTINGS)).map_err(crate::report)?;
    settings.krate.name = "genesys-cloud-audit-closed".to_owned();
    settings.models.keep_unknown_members = false;
    crate::with_runtime_crate(&mut settings, root);
    let spec = root.join("spec").join(&settings.spec);
    let generated = genesys_audit_codegen::generate(&spec, &settings, Layout::Standalone).map_err(crate::report)?;
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|err| format!("error: {}: {err}", out.display()))?;
    }
    generated.write(out).map_err(|err| format!("error: {}: {err}", out.display()))
}

/// The probe crate: `open` is `generated-client/`, `closed` the baseline. The workspace's lock file is
/// copied in, so that both use the very versions of serde and serde_json the workspace tests.
fn write_probe(root: &Path, scratch: &Path) -> Result<PathBuf, String> {
    let dir = scratch.join("probe");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|err| format!("error: {}: {err}", src.display()))?;
    let path = |path: PathBuf| format!("{:?}", path.display().to_string());
    let manifest = [
        "[package]".to_owned(),
        "name = \"bench-decode-probe\"".to_owned(),
        "version = \"0.0.0\"".to_owned(),
        "edition = \"2024\"".to_owned(),
        "publish = false".to_owned(),
        String::new(),
        "[dependencies]".to_owned(),
        format!("open = {{ package = \"genesys-cloud-audit\", path = {} }}", path(root.join("generated-client"))),
        format!("closed = {{ package = \"genesys-cloud-audit-closed\", path = {} }}", path(scratch.join("closed"))),
        format!("genesys-cloud-runtime = {{ path = {} }}", path(root.join("codegen/runtime"))),
        "serde = \"1\"".to_owned(),
        "serde_json = \"1\"".to_owned(),
        String::new(),
        "[workspace]".to_owned(),
    ];
    let files = [(dir.join("Cargo.toml"), manifest.join("\n") + "\n"), (src.join("main.rs"), PROBE.to_owned())];
    for (file, text) in files {
        std::fs::write(&file, text).map_err(|err| format!("error: {}: {err}", file.display()))?;
    }
    let lock = dir.join("Cargo.lock");
    std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|err| format!("error: {}: {err}", lock.display()))?;
    Ok(dir)
}

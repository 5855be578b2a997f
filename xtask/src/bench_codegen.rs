//! `cargo xtask bench-codegen`: what generating costs, and what compiling the generated code costs, beside
//! progenitor's, in one run.
//!
//! 1. Generation: a child process (this binary, `bench-codegen-child`) generates and writes a crate into
//!    an empty folder and reports its wall time and peak resident memory (`VmHWM`): the audit spec, the
//!    audit selection of the platform description, and the whole platform with a feature per tag, the
//!    platform both as Genesys serves it (Swagger 2.0 JSON) and in OpenAPI 3.0 YAML. Each crate depends on
//!    the runtime crate, as the workspace's does.
//! 2. Compilation: the audit crate and two crates that `cargo-progenitor` (installed pinned under
//!    `.tools/`) generates from the same release's audit description in OpenAPI 3.0 (it reads no Swagger
//!    2.0), one per progenitor interface style, built in one target folder with their dependencies
//!    already built: each clean debug build of the crate alone, the median of a few, and its ratio to ours.
//! 3. The platform crate, over the runtime crate: `cargo check` time and peak memory with the audit feature
//!    alone and with every feature (`--quick` leaves the second out: it takes minutes and gigabytes).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use genesys_audit_codegen::{Layout, Settings};

use crate::{SETTINGS, workspace_root};

/// The progenitor release compared against, installed with `cargo install --locked`.
const PROGENITOR_VERSION: &str = "0.15.1";
/// Where it is installed, relative to the workspace root.
const TOOLS: &str = ".tools/progenitor";
/// The platform description as Genesys serves it (Swagger 2.0 JSON), beside the workspace.
const PLATFORM: &str = "../shared/spec-reference/genesys-platform-242.0.0.swagger.json";
/// The same description in OpenAPI 3.0 YAML, to compare reading the two.
const PLATFORM_OPENAPI: &str = "../shared/spec-reference/genesys-platform-242.0.0.openapi.yaml";
/// The audit description in OpenAPI 3.0 YAML, for progenitor, which reads no Swagger 2.0: the same
/// release as [`PLATFORM`], beside the workspace.
const AUDIT_OPENAPI: &str = "../shared/spec-reference/genesys-audit-242.0.0.openapi.yaml";
/// The platform crate's settings: a feature per tag.
const PLATFORM_SETTINGS: &str = "tests/fixtures/settings/genesys-platform.codegen.toml";
const USAGE: &str = "usage: cargo xtask bench-codegen [--quick] [--only generation|compile|platform]";
/// A spec of one operation, for the runtime's share of a build.
const ONE_OPERATION: &str = "openapi: 3.0.3
info: {title: one operation, version: '1'}
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '200': {description: ok, content: {text/plain: {schema: {type: string}}}}
";
/// Clean builds per crate; the median is reported.
const BUILDS: usize = 5;

/// The parent: every measurement, then the tables.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut only = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (arg.as_str(), rest.clone().next().map(String::as_str)) {
            ("--quick", _) => quick = true,
            ("--only", Some(section @ ("generation" | "compile" | "platform"))) => {
                only = Some(section.to_owned());
                rest.next();
            }
            _ => return Err(USAGE.to_owned()),
        }
    }
    let wanted = |section: &str| only.as_deref().is_none_or(|only| only == section);
    if let Some(result) = crate::in_release("bench-codegen", args) {
        return result;
    }
    let root = workspace_root();
    let scratch = root.join("target/bench-codegen");
    std::fs::create_dir_all(&scratch).map_err(|err| format!("error: {}: {err}", scratch.display()))?;
    let audit_spec = root.join("spec").join(settings()?.spec);
    let (platform, platform_openapi) = (root.join(PLATFORM), root.join(PLATFORM_OPENAPI));
    for file in [&platform, &platform_openapi, &root.join(AUDIT_OPENAPI)] {
        if !file.is_file() {
            return Err(format!(
                "error: {} is missing: the shared reference specs lie beside the workspace",
                file.display()
            ));
        }
    }

    if wanted("generation") {
        generation_table(&root, &scratch, &audit_spec, [&platform, &platform_openapi])?;
    }
    if wanted("compile") {
        println!("\n## Clean debug build of the generated audit crate alone (dependencies built)\n");
        compile_comparison(&root, &scratch, &audit_spec)?;
    }
    if wanted("platform") {
        println!("\n## `cargo check` of the whole platform crate\n");
        platform_check(&root, &scratch, &platform, quick)?;
    }
    Ok(())
}

/// `platforms`: the platform description as Genesys serves it (Swagger 2.0 JSON), then in OpenAPI 3.0 YAML.
fn generation_table(root: &Path, scratch: &Path, audit_spec: &Path, platforms: [&Path; 2]) -> Result<(), String> {
    println!("## Generation (whole process: read, generate, write into an empty folder)\n");
    println!("| input | runs | median ms, to generate | median ms, to write the files | peak memory (MiB) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let [served, openapi] = platforms;
    let inputs = [
        ("audit spec (`spec/`)", audit_spec, root.join(SETTINGS), 21),
        ("platform as served (Swagger 2.0 JSON), audit selection", served, root.join(SETTINGS), 5),
        ("platform in OpenAPI 3.0 YAML, audit selection", openapi, root.join(SETTINGS), 5),
        ("platform as served (Swagger 2.0 JSON), whole, feature per tag", served, root.join(PLATFORM_SETTINGS), 5),
        ("platform in OpenAPI 3.0 YAML, whole, feature per tag", openapi, root.join(PLATFORM_SETTINGS), 5),
    ];
    // Each run writes into a folder of its own, removed after every run. Writing depends on the file
    // system's state more than on us: on ext4, creating thousands of files soon after removing as many
    // costs several times more (new inodes are checked against recently freed ones). So the time to
    // generate is given apart from the time to write.
    let folders = scratch.join("generated");
    let _ = std::fs::remove_dir_all(&folders);
    for (index, (label, spec, settings, runs)) in inputs.into_iter().enumerate() {
        let (generating, writing, peak) = generation(spec, &settings, &folders.join(index.to_string()), runs)?;
        let ms = |time: Duration| time.as_secs_f64() * 1000.0;
        println!("| {label} | {runs} | {:.1} | {:.1} | {:.0} |", ms(generating), ms(writing), peak as f64 / 1024.0);
    }
    let _ = std::fs::remove_dir_all(&folders);
    Ok(())
}

fn settings() -> Result<Settings, String> {
    Settings::load(&workspace_root().join(SETTINGS)).map_err(crate::report)
}

/// The child: generates `spec` with `settings` into `out` (emptied first), then prints its wall time and
/// the part of it spent writing files, in microseconds, and its peak resident memory in KiB.
pub fn child(args: &[String]) -> Result<(), String> {
    let [spec, settings, out] = args else { return Err("usage: bench-codegen-child SPEC SETTINGS OUT".to_owned()) };
    let out = Path::new(out);
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|err| format!("error: {}: {err}", out.display()))?;
    }
    let started = Instant::now();
    let mut settings = Settings::load(Path::new(settings)).map_err(crate::report)?;
    // As the workspace's crate has it: over the runtime crate, which writes the models' impls at build time.
    crate::with_runtime_crate(&mut settings, &workspace_root());
    let generated =
        genesys_audit_codegen::generate(Path::new(spec), &settings, Layout::Standalone).map_err(crate::report)?;
    let writing = Instant::now();
    generated.write(out).map_err(|err| format!("error: {}: {err}", out.display()))?;
    let (elapsed, written) = (started.elapsed(), writing.elapsed());
    println!("{} {} {}", elapsed.as_micros(), written.as_micros(), peak_kib("self")?);
    Ok(())
}

/// The median time to generate (everything but writing files, from reading the settings on), the median
/// time to write the files, and the largest peak memory of `runs` child runs, after one to warm the caches.
fn generation(spec: &Path, settings: &Path, out: &Path, runs: usize) -> Result<(Duration, Duration, u64), String> {
    let exe = std::env::current_exe().map_err(|err| format!("error: {err}"))?;
    let mut times = Vec::new();
    let mut writes = Vec::new();
    let mut peak = 0;
    for run in 0..=runs {
        let output = Command::new(&exe)
            .arg("bench-codegen-child")
            .args([spec, settings, &out.join(run.to_string())])
            .output()
            .map_err(|err| format!("error: cannot run the child: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "error: generating {} failed:\n{}",
                spec.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let report = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<u64> = report.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [micros, writing, kib] = fields[..] else {
            return Err(format!("error: unexpected child report {report:?}"));
        };
        if run > 0 {
            times.push(Duration::from_micros(micros.saturating_sub(writing)));
            writes.push(Duration::from_micros(writing));
            peak = peak.max(kib);
        }
    }
    Ok((median(&mut times), median(&mut writes), peak))
}

/// `VmHWM` of a process (`self`, or a pid), in KiB.
fn peak_kib(process: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status"))
        .map_err(|err| format!("error: /proc/{process}/status: {err}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "error: no VmHWM in /proc status".to_owned())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Our audit crate and progenitor's two, built in one target folder; prints the table.
fn compile_comparison(root: &Path, scratch: &Path, spec: &Path) -> Result<(), String> {
    let progenitor = install_progenitor(root)?;
    let crates = scratch.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    let ours = crates.join("ours");
    let mut settings = settings()?;
    settings.krate.name = "audit-ours".to_owned();
    crate::with_runtime_crate(&mut settings, root);
    let generated = genesys_audit_codegen::generate(spec, &settings, Layout::Standalone).map_err(crate::report)?;
    generated.write(&ours).map_err(|err| format!("error: {}: {err}", ours.display()))?;
    // The same crate with the runtime copied in, as every generated crate was before the runtime crate.
    let vendored = crates.join("vendored");
    settings.krate.name = "audit-vendored".to_owned();
    settings.krate.runtime = genesys_audit_codegen::Runtime::Vendored;
    let generated = genesys_audit_codegen::generate(spec, &settings, Layout::Standalone).map_err(crate::report)?;
    generated.write(&vendored).map_err(|err| format!("error: {}: {err}", vendored.display()))?;

    // The runtime's own share: a crate of one operation that returns text, and no models.
    let runtime_only = crates.join("runtime-only");
    let mut bare = Settings::for_spec(Path::new("one-operation.yaml"));
    bare.krate.name = "runtime-only".to_owned();
    let generated =
        genesys_audit_codegen::generate_str(Path::new("one-operation.yaml"), ONE_OPERATION, &bare, Layout::Standalone)
            .map_err(crate::report)?;
    generated.write(&runtime_only).map_err(|err| format!("error: {}: {err}", runtime_only.display()))?;
    let mut members = vec![
        ("ours (the runtime crate built already)", "audit-ours".to_owned(), ours),
        ("ours, the runtime copied in", "audit-vendored".to_owned(), vendored),
        ("ours: a copied runtime alone", "runtime-only".to_owned(), runtime_only),
    ];
    for style in ["positional", "builder"] {
        let name = format!("audit-progenitor-{style}");
        let dir = crates.join(&name);
        let output = Command::new(&progenitor)
            .args(["progenitor", "-i"])
            .arg(root.join(AUDIT_OPENAPI))
            .arg("-o")
            .arg(&dir)
            .args(["-n", &name, "-v", "0.1.0", "--interface", style])
            .output()
            .map_err(|err| format!("error: cannot run cargo-progenitor: {err}"))?;
        if !output.status.success() {
            return Err(format!("error: cargo-progenitor failed:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
        members.push((if style == "builder" { "progenitor, builder" } else { "progenitor, positional" }, name, dir));
    }
    let target = scratch.join("target");
    for (_, name, dir) in &members {
        // Standalone crates: keep them out of the workspace around them.
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|err| format!("error: {}: {err}", manifest.display()))?;
        if !text.contains("[workspace]") {
            std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|err| format!("error: {err}"))?;
        }
        cargo(dir, &target, &["build", "--quiet"]).map_err(|err| format!("{err}\n(building {name})"))?;
    }
    // Round by round, one build of each crate, so that a slow spell of the machine falls on all of them.
    let mut times = vec![Vec::new(); members.len()];
    for _ in 0..BUILDS {
        for ((_, name, dir), times) in members.iter().zip(&mut times) {
            cargo(dir, &target, &["clean", "--quiet", "-p", name])?;
            let started = Instant::now();
            cargo(dir, &target, &["build", "--quiet"])?;
            times.push(started.elapsed());
        }
    }
    println!("| crate | lines of Rust | median build s ({BUILDS} builds) | ratio to ours |");
    println!("| --- | ---: | ---: | ---: |");
    let medians: Vec<Duration> = times.iter_mut().map(|times| median(times)).collect();
    for ((label, _, dir), time) in members.iter().zip(&medians) {
        let ratio = time.as_secs_f64() / medians[0].as_secs_f64();
        println!("| {label} | {} | {:.2} | {ratio:.2} |", rust_lines(&dir.join("src")), time.as_secs_f64());
    }
    Ok(())
}

/// `cargo-progenitor` at [`PROGENITOR_VERSION`], installed under [`TOOLS`] when it is not there yet.
fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(TOOLS);
    let binary = tools.join("bin/cargo-progenitor");
    // cargo install records what it installed; the tool itself has no `--version`.
    let record = std::fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if binary.is_file() && record.contains(&format!("\"cargo-progenitor {PROGENITOR_VERSION} ")) {
        return Ok(binary);
    }
    eprintln!("installing cargo-progenitor {PROGENITOR_VERSION} under {TOOLS} (once)");
    let status = Command::new(env!("CARGO"))
        .args(["install", "--quiet", "--locked", "cargo-progenitor", "--version", PROGENITOR_VERSION, "--root"])
        .arg(&tools)
        .status()
        .map_err(|err| format!("error: cannot run cargo install: {err}"))?;
    if status.success() { Ok(binary) } else { Err("error: cannot install cargo-progenitor".to_owned()) }
}

/// Runs cargo in `dir` with `target` as its target folder; fails with its output.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("error: cannot run cargo: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "error: cargo {} failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Lines of the `.rs` files under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                rust_lines(&path)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                std::fs::read_to_string(&path).map_or(0, |text| text.lines().count())
            } else {
                0
            }
        })
        .sum()
}

/// `cargo check` of the whole platform crate, with the audit feature alone and with every feature; prints
/// the table. Peak memory is the largest process cargo ran (rustc), as the kernel reports it at the end.
fn platform_check(root: &Path, scratch: &Path, platform: &Path, quick: bool) -> Result<(), String> {
    let dir = scratch.join("platform");
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = Settings::load(&root.join(PLATFORM_SETTINGS)).map_err(crate::report)?;
    crate::with_runtime_crate(&mut settings, root);
    let generated = genesys_audit_codegen::generate(platform, &settings, Layout::Standalone).map_err(crate::report)?;
    generated.write(&dir).map_err(|err| format!("error: {}: {err}", dir.display()))?;
    let target = scratch.join("target");
    println!("| features | seconds | peak memory (MiB) |");
    println!("| --- | ---: | ---: |");
    let mut cases = vec![("audit alone", vec!["check", "--quiet", "--no-default-features", "--features", "audit"])];
    if !quick {
        cases.push(("every feature", vec!["check", "--quiet"]));
    }
    // The dependencies are checked once first, so that each figure is of the crate alone.
    cargo(&dir, &target, &["check", "--quiet", "--no-default-features"])?;
    for (label, args) in cases {
        cargo(&dir, &target, &["clean", "--quiet", "-p", "genesys-cloud-platform"])?;
        let started = Instant::now();
        let peak = cargo_peak(&dir, &target, &args)?;
        println!("| {label} | {:.1} | {:.0} |", started.elapsed().as_secs_f64(), peak as f64 / 1024.0);
    }
    if quick {
        println!("\n(every feature left out: `--quick`)");
    }
    Ok(())
}

/// Runs cargo like [`cargo`]; the peak resident memory of the largest process it ran, in KiB.
fn cargo_peak(dir: &Path, target: &Path, args: &[&str]) -> Result<u64, String> {
    let mut child = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|err| format!("error: cannot run cargo: {err}"))?;
    // rustc is cargo's child: sample the largest resident set of the process tree while it runs.
    let pid = child.id();
    let mut peak = 0;
    loop {
        peak = peak.max(tree_rss_kib(pid));
        if let Some(status) = child.try_wait().map_err(|err| format!("error: {err}"))? {
            if !status.success() {
                return Err(format!(
                    "error: cargo {} failed in {} (its messages are above)",
                    args.join(" "),
                    dir.display()
                ));
            }
            return Ok(peak);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The largest resident set (`VmRSS`, KiB) among `pid` and its descendants now.
fn tree_rss_kib(pid: u32) -> u64 {
    let mut largest = 0;
    let mut stack = vec![pid];
    while let Some(pid) = stack.pop() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        largest = largest.max(rss.unwrap_or(0));
        // A process's children hang off the thread that started them: read every thread's list.
        let threads = std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().filter_map(Result::ok);
        for thread in threads {
            let children = std::fs::read_to_string(thread.path().join("children")).unwrap_or_default();
            stack.extend(children.split_whitespace().filter_map(|child| child.parse::<u32>().ok()));
        }
    }
    largest
}

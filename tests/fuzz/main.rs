//! Fuzzing in CI: random structural mutations of real inputs, from a fixed seed, so that a failure
//! reproduces.
//!
//! - `specs`: the construct fixtures and the reference specs of `tests/fixtures/specs/`, OpenAPI 3.x and
//!   Swagger 2.0 (with the 2.0 audit spec and a sample of the platform description in each form, when the
//!   shared reference folder is there), mutated as documents: nodes deleted, values of another type,
//!   `$ref`s pointed elsewhere, names that collide in Rust, odd text; and, of 2.0 documents, what the
//!   converter to 3.0 reads (`swagger`): body and form parameters, `collectionFormat`, `$ref`s into the 2.0
//!   sections by odd names, `type: file`, `consumes`/`produces`, `discriminator`, `x-nullable`, security
//!   schemes, path-level parameters. The generator must never panic or hang, and every error and warning
//!   must name a JSON pointer into the spec (of a 2.0 spec, into the file as written, not its 3.0 form);
//!   `cargo xtask codegen --spec` exits 0 or 1 on a sample, saying the same; and a sample of the accepted
//!   specs, of both versions, generate crates that compile.
//! - `settings`: the settings files (`codegen.toml`) of the project and of the fixtures, mutated as
//!   TOML documents and as text, with the specs they go with. Settings that cannot be read are refused at
//!   a line and column; settings that name what the spec lacks, or that Cargo or the client could not take,
//!   at a JSON pointer into the settings; never a panic.
//! - `decode`: the fixture page of audit results, mutated as a document and as bytes. The client's decode
//!   path gives a value or a `Decode` error with a path, never a panic, and a value re-encodes and decodes
//!   to itself.
//!
//! Every case gets its own random generator, seeded from the run's seed and its index: one case replays
//! alone. The environment sets the run:
//! - `FUZZ_SEED`: the seed (decimal or `0x` hex), [`DEFAULT_SEED`] otherwise;
//! - `FUZZ_CASES`: how many cases each fuzz test runs (its own count otherwise, sized for CI's budget);
//! - `FUZZ_ONLY`: one case index, to replay a failure;
//! - `FUZZ_COMPILED`: how many accepted specs are compiled.
//!
//! A failure names the seed, the case, what was mutated and where, and the command that replays it; a
//! replayed case says so, and saves its input under `target/fuzz/failures/`, before it runs. A stack
//! overflow aborts the process before any report: `target/fuzz/in-flight/` then names the cases that were
//! running. Which base spec a case mutates depends on whether the platform sample is there.
//!
//! `cargo xtask fuzz --cases N --seed S` runs a longer campaign in the release build.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use fastrand::Rng;

mod decode;
mod mutate;
mod odd;
mod platform;
mod settings;
mod specs;
mod swagger;

/// The seed of a run when `FUZZ_SEED` does not set one.
const DEFAULT_SEED: u64 = 0x5eed_0003;

/// How a run is set: from the environment, or the test's defaults.
#[derive(Clone, Debug)]
struct Config {
    seed: u64,
    cases: usize,
    only: Option<usize>,
}

impl Config {
    /// The run's settings; `default_cases` unless `FUZZ_CASES` says otherwise.
    fn from_env(default_cases: usize) -> Self {
        let seed = env_number("FUZZ_SEED").unwrap_or(DEFAULT_SEED);
        let cases = env_number("FUZZ_CASES").map_or(default_cases, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let only = env_number("FUZZ_ONLY").and_then(|n| usize::try_from(n).ok());
        Self { seed, cases, only }
    }

    /// The indices of the cases to run.
    fn indices(&self) -> Vec<usize> {
        match self.only {
            Some(case) => vec![case],
            None => (0..self.cases).collect(),
        }
    }

    /// The random generator of case `case`: the same for the same seed and index, whatever else runs.
    fn rng(&self, case: usize) -> Rng {
        Rng::with_seed(splitmix(self.seed ^ splitmix(case as u64)))
    }

    /// The command that replays case `case` of the test `test`.
    fn replay(&self, test: &str, case: usize) -> String {
        format!(
            "FUZZ_SEED={:#x} FUZZ_ONLY={case} cargo test -p audit-tests --test fuzz {test} -- --exact --nocapture",
            self.seed
        )
    }
}

/// A number from the environment, decimal or `0x` hex; a value that is neither stops the test.
fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|err| panic!("{name}={text:?} is not a number: {err}")))
}

/// SplitMix64's mixing step: nearby seeds (case 1, case 2) give unrelated generators.
fn splitmix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What one case gave: its value, or the message it panicked with.
type Ran<T> = Result<T, String>;

/// A case still running after the watchdog's limit.
#[derive(Debug)]
struct Hang {
    case: usize,
    after: Duration,
}

/// The stack of a thread that runs cases: the main thread's on Linux, where the command line runs the
/// generator, so that a case that would overflow it there overflows here too.
const STACK: usize = 8 * 1024 * 1024;

/// What the threads that run cases share.
struct Work<T> {
    cases: Vec<usize>,
    next: AtomicUsize,
    /// Per thread, the case it runs and since when.
    running: Vec<Mutex<Option<(usize, Instant)>>>,
    run: Arc<dyn Fn(usize) -> T + Send + Sync>,
    /// Per thread, a file that names the case it runs: what is left to tell which case it was when a
    /// stack overflow aborts the process, which no `catch_unwind` can catch.
    in_flight: Vec<std::path::PathBuf>,
}

/// Runs `run` on every case in `cases`, on as many threads as there are cores, each case under a
/// watchdog: a case still running after `limit` is a [`Hang`] (its thread is left behind; the test fails
/// and the process ends). A panic is caught and given as the case's message. Results are in case order.
/// `test` names the files under `target/fuzz/in-flight/` that say which cases run.
fn run_cases<T: Send + 'static>(
    test: &str,
    cases: Vec<usize>,
    limit: Duration,
    run: Arc<dyn Fn(usize) -> T + Send + Sync>,
) -> Result<Vec<(usize, Ran<T>)>, Hang> {
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get).min(cases.len().max(1));
    let in_flight = (0..workers)
        .map(|worker| scratch_dir("in-flight").join(format!("{}.{worker}", test.replace("::", "-"))))
        .collect();
    let running = (0..workers).map(|_| Mutex::new(None)).collect();
    let work = Arc::new(Work { cases, next: AtomicUsize::new(0), running, run, in_flight });
    let (sender, receiver) = channel();
    for worker in 0..workers {
        let (work, sender) = (Arc::clone(&work), sender.clone());
        let spawned = std::thread::Builder::new().stack_size(STACK).spawn(move || work.work(worker, &sender));
        spawned.unwrap_or_else(|err| panic!("cannot start a thread: {err}"));
    }
    drop(sender);
    let mut results = Vec::with_capacity(work.cases.len());
    loop {
        match receiver.recv_timeout(Duration::from_millis(200)) {
            Ok(result) => results.push(result),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {
                let overdue = work.running.iter().find_map(|slot| lock(slot).filter(|(_, at)| at.elapsed() > limit));
                if let Some((case, at)) = overdue {
                    return Err(Hang { case, after: at.elapsed() });
                }
            }
        }
    }
    for file in &work.in_flight {
        let _ = std::fs::remove_file(file);
    }
    results.sort_by_key(|(case, _)| *case);
    Ok(results)
}

impl<T> Work<T> {
    /// Runs the next case not taken yet, until there is none, sending each result.
    fn work(&self, worker: usize, sender: &std::sync::mpsc::Sender<(usize, Ran<T>)>) {
        while let Some(&case) = self.cases.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            // Best effort: the file only helps after an abort.
            let _ = std::fs::write(&self.in_flight[worker], format!("case {case}\n"));
            *lock(&self.running[worker]) = Some((case, Instant::now()));
            let ran = catch_unwind(AssertUnwindSafe(|| (self.run)(case))).map_err(|panic| panic_message(&*panic));
            *lock(&self.running[worker]) = None;
            if sender.send((case, ran)).is_err() {
                return;
            }
        }
    }
}

/// The lock's value; a worker never panics while it holds one, so a poisoned lock is as good.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The text a panic was raised with.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_owned(),
        (_, Some(text)) => text.clone(),
        _ => "(a panic without a message)".to_owned(),
    }
}

/// The outcome of a case that panicked.
const PANICS: &str = "panics";
/// The outcome of a case whose answer is wrong (a decode error without a path, an exit status that
/// disagrees with the generator).
const WRONG: &str = "wrong answers";
/// The outcome of a case with a diagnostic that does not point into the spec.
const UNPLACED: &str = "errors without a pointer";

/// How the cases of one fuzz test ended, by outcome name, and the failures, described.
#[derive(Debug)]
struct Tally {
    counts: std::collections::BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

impl Tally {
    /// A tally that shows the outcomes `failures` (panics, say) even when no case had them.
    fn new(failures: &[&'static str]) -> Self {
        Self { counts: failures.iter().map(|name| (*name, 0)).collect(), failures: Vec::new() }
    }

    /// Counts one case as `outcome`; `failure` describes it when it is one.
    fn add(&mut self, outcome: &'static str, failure: Option<String>) {
        *self.counts.entry(outcome).or_default() += 1;
        self.failures.extend(failure);
    }

    /// One line: the seed, the count of each outcome, and how long the run took.
    fn summary(&self, what: &str, config: &Config, elapsed: Duration) -> String {
        let total: usize = self.counts.values().sum();
        let outcomes: Vec<String> = self.counts.iter().map(|(name, n)| format!("{name} {n}")).collect();
        // A hang ends the test before the tally: a tally is of a run without one.
        format!("{what}: seed {:#x}, {total} cases: {}, hangs 0 in {elapsed:.1?}", config.seed, outcomes.join(", "))
    }

    /// Fails with every failure (the first few in full) unless there were none.
    fn assert_none(&self, summary: &str) {
        const SHOWN: usize = 20;
        if self.failures.is_empty() {
            return;
        }
        let shown: Vec<&str> = self.failures.iter().take(SHOWN).map(String::as_str).collect();
        panic!(
            "{summary}\n{} failures (the first {} below):\n\n{}",
            self.failures.len(),
            shown.len(),
            shown.join("\n\n")
        );
    }
}

/// Tallies cases whose answer is an outcome's name, or what is wrong with it, and fails on any wrong answer
/// or panic. `what` names the run in its summary; `failure` describes a failing case.
fn assert_answers(
    what: &str,
    config: &Config,
    started: Instant,
    results: Vec<(usize, Ran<Result<&'static str, String>>)>,
    failure: impl Fn(usize, &str) -> String,
) {
    let mut tally = Tally::new(&[PANICS, WRONG]);
    for (case, ran) in results {
        match ran {
            Ok(Ok(outcome)) => tally.add(outcome, None),
            Ok(Err(problem)) => tally.add(WRONG, Some(failure(case, &problem))),
            Err(panic) => tally.add(PANICS, Some(failure(case, &format!("panicked: {panic}")))),
        }
    }
    let summary = tally.summary(what, config, started.elapsed());
    eprintln!("{summary}");
    tally.assert_none(&summary);
}

/// How many accepted cases a run compiles: `FUZZ_COMPILED`, or `default`.
fn compiled_count(default: usize) -> usize {
    env_number("FUZZ_COMPILED").map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// Runs `cargo check` on `crates` as one workspace in `target/fuzz/<folder>`, and fails if any does not
/// compile. `what` names the crates in the report.
fn assert_crates_compile(folder: &str, what: &str, crates: &[(String, genesys_audit_codegen::Generated)]) {
    let root = scratch_dir(folder);
    audit_tests::write_scratch_workspace(&root, crates);
    // The construct fixtures build in the same folder: the dependencies are built once for all.
    let target_dir = audit_tests::workspace_root().join("target/fixture-check");
    let started = Instant::now();
    let output = audit_tests::cargo(&root, &target_dir, &["check", "--offline", "--keep-going", "--workspace"]);
    let names: Vec<&str> = crates.iter().map(|(name, _)| name.as_str()).collect();
    eprintln!("cargo check on {} {what} ({}) took {:.1?}", crates.len(), names.join(", "), started.elapsed());
    audit_tests::assert_success(&output, &format!("cargo check on {what}"), &root);
}

/// Where the fuzz tests write what a person may want to look at: failing inputs, scratch crates.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = audit_tests::workspace_root().join("target/fuzz").join(name);
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("create {}: {err}", dir.display()));
    dir
}

//! `cargo xtask fuzz [--cases N] [--seed S] [--compiled N]`: the fuzz test (`tests/fuzz/`) as a longer
//! campaign, in the release build, one test at a time so that each has every core.
//!
//! The same test runs in CI with a few hundred cases; this runs `--cases` of each kind (mutated specs
//! through the generator, mutated result pages through the client's decoding), the command-line sample
//! spread over them, and `--compiled` accepted specs built. It sets `FUZZ_CASES`, `FUZZ_SEED` and
//! `FUZZ_COMPILED` for the test, so a campaign is the command line below, and a failing case replays
//! alone with the `FUZZ_ONLY` command the test prints:
//!
//! ```text
//! cargo xtask fuzz --cases 10000 --seed 0x5eed0003 --compiled 24
//! ```

use std::process::Command;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask fuzz [--cases N] [--seed S] [--compiled N]";

/// Cases of each kind when `--cases` is not given.
const DEFAULT_CASES: &str = "10000";
/// Accepted specs compiled when `--compiled` is not given.
const DEFAULT_COMPILED: &str = "24";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut cases = DEFAULT_CASES.to_owned();
    let mut seed = None;
    let mut compiled = DEFAULT_COMPILED.to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || number(arg, args.next());
        match arg.as_str() {
            "--cases" => cases = value()?,
            "--seed" => seed = Some(value()?),
            "--compiled" => compiled = value()?,
            other => return Err(format!("error: unknown argument {other:?}\n{USAGE}")),
        }
    }
    let started = Instant::now();
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["test", "--release", "--package", "audit-tests", "--test", "fuzz", "--"])
        .args(["--nocapture", "--test-threads", "1"])
        .current_dir(crate::workspace_root())
        .env("FUZZ_CASES", &cases)
        .env("FUZZ_COMPILED", &compiled);
    if let Some(seed) = &seed {
        command.env("FUZZ_SEED", seed);
    }
    let status = command.status().map_err(|err| format!("error: cannot run cargo test: {err}"))?;
    let took = started.elapsed().as_secs_f64();
    eprintln!("fuzz campaign: {cases} cases of each kind, {compiled} compiled, took {took:.0} s (with the build)");
    if status.success() { Ok(()) } else { Err("error: the fuzz campaign found failures (above)".to_owned()) }
}

/// The value after `flag`: a number, decimal or `0x` hex, passed on as it is written.
fn number(flag: &str, value: Option<&String>) -> Result<String, String> {
    let value = value.ok_or_else(|| format!("error: {flag} needs a value\n{USAGE}"))?;
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).is_ok(),
        None => value.parse::<u64>().is_ok(),
    };
    if parsed { Ok(value.clone()) } else { Err(format!("error: {flag} takes a number, not {value:?}\n{USAGE}")) }
}

//! A Prism, a client for it, the calls made through both, and the report of what Prism said about them.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::IntoFuture;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Instant;

use genesys_cloud_audit::{Client, Error, RetryPolicy};

use super::prism::{Mode, Prism, raw_http};
use super::{MARKER, REQUEST_TIMEOUT, TOKEN, VALIDATED};

// Calls and their report
// ---------------------------------------------------------------------------------------------

/// A Prism, a client for it, and the calls made so far.
pub(super) struct Contract {
    pub(super) prism: Prism,
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) client: Client,
    pub(super) calls: Vec<Call>,
    pub(super) next_marker: usize,
    pub(super) started: Instant,
}

pub(super) struct Call {
    pub(super) marker: usize,
    pub(super) label: String,
    pub(super) outcome: Outcome,
}

pub(super) enum Outcome {
    /// Decoded (its `Debug` form, to tell responses apart) or, for a raw request, a 2xx.
    Ok(String),
    /// `Error::Decode`: the response does not match the generated types.
    Decode(String),
    /// Any other error, including Prism's 4xx for a request it finds invalid.
    Failed(String),
    /// The client panicked.
    Panicked(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Ok(_) => f.write_str("ok"),
            Outcome::Decode(message) => write!(f, "decode error: {message}"),
            Outcome::Failed(message) => write!(f, "failed: {message}"),
            Outcome::Panicked(message) => write!(f, "panicked: {message}"),
        }
    }
}

impl Contract {
    pub(super) fn start(bin: &Path, mode: Mode, name: &str) -> Contract {
        let started = Instant::now();
        let prism = Prism::start(bin, mode, name);
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime can be built");
        let client = Client::builder()
            .base_url(prism.base_url())
            .access_token(TOKEN)
            .retry(RetryPolicy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("the client builds");
        Contract { prism, runtime, client, calls: Vec::new(), next_marker: 0, started }
    }

    /// Sends a marker request, so that the log lines after it are attributed to the next call.
    pub(super) fn mark(&mut self) -> usize {
        let marker = self.next_marker;
        self.next_marker += 1;
        let (status, body) = raw_http(self.prism.port, "GET", &format!("{MARKER}{marker}"), None);
        assert_eq!(status, 404, "a marker request was answered {status}: {body}");
        marker
    }

    /// Makes one call through the generated client, recording how it went.
    pub(super) fn call<T: Debug>(
        &mut self,
        label: String,
        request: impl IntoFuture<Output = Result<T, Error>>,
    ) -> Option<T> {
        let marker = self.mark();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| self.runtime.block_on(request.into_future())));
        let (outcome, value) = match result {
            Ok(Ok(value)) => (Outcome::Ok(format!("{value:?}")), Some(value)),
            Ok(Err(Error::Decode(decode))) => (Outcome::Decode(decode.to_string()), None),
            Ok(Err(Error::Api(api))) => (Outcome::Failed(format!("{api}; body: {}", clip(&api.raw_body))), None),
            Ok(Err(other)) => (Outcome::Failed(error_chain(&other)), None),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                (Outcome::Panicked(message), None)
            }
        };
        self.calls.push(Call { marker, label, outcome });
        value
    }

    /// Sends one request by hand, recording a 2xx as success; returns the status.
    pub(super) fn raw(&mut self, label: &str, method: &str, target: &str, body: Option<&str>) -> u16 {
        let marker = self.mark();
        let (status, answer) = raw_http(self.prism.port, method, target, body);
        let outcome = if (200..300).contains(&status) {
            Outcome::Ok(answer)
        } else {
            Outcome::Failed(format!("answered {status}: {}", clip(&answer)))
        };
        self.calls.push(Call { marker, label: label.to_owned(), outcome });
        status
    }

    /// Waits until Prism has logged every call, then attributes its log lines to them.
    pub(super) fn finish(&mut self) -> Report {
        let end = self.mark();
        self.prism.wait_for_log(&format!("{MARKER}{end} "));
        let log = self.prism.log();
        let windows = split_at_markers(&log);
        let lines_of = |marker: Option<usize>| windows.iter().find(|(m, _)| *m == marker).map(|(_, l)| l.clone());
        let calls = std::mem::take(&mut self.calls)
            .into_iter()
            .map(|call| {
                let lines = lines_of(Some(call.marker)).unwrap_or_default();
                let validated = lines.iter().any(|line| line.contains("[VALIDATOR]") && line.contains(VALIDATED));
                let problems = validator_problems(lines);
                CallReport { marker: call.marker, label: call.label, outcome: call.outcome, problems, validated }
            })
            .collect();
        // Before the first call (startup) and after the last one there must be no violation either.
        let mut stray = validator_problems(lines_of(None).unwrap_or_default());
        stray.extend(validator_problems(lines_of(Some(end)).unwrap_or_default()));
        Report { calls, stray, log_path: self.prism.log_path.clone() }
    }

    pub(super) fn timing(&self, test_began: Instant) -> String {
        format!(
            "prism startup {:.1?}, whole test {:.1?} (startup included)",
            self.prism.startup,
            test_began.elapsed().max(self.started.elapsed())
        )
    }
}

/// The start of a long body.
pub(super) fn clip(text: &str) -> String {
    const MAX: usize = 160;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

/// An error with its sources.
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The log's lines grouped by the marker request before them (`None`: before the first marker).
pub(super) fn split_at_markers(log: &str) -> Vec<(Option<usize>, Vec<String>)> {
    let mut windows: Vec<(Option<usize>, Vec<String>)> = vec![(None, Vec::new())];
    for line in log.lines() {
        if let Some((_, rest)) = line.split_once(MARKER) {
            let number = rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok());
            if let Some(number) = number {
                if windows.last().is_none_or(|(current, _)| *current != Some(number)) {
                    windows.push((Some(number), Vec::new()));
                }
                // The marker's own lines (received, no path matched) are not the call's.
                continue;
            }
        }
        windows.last_mut().expect("there is always a window").1.push(line.to_owned());
    }
    windows
}

/// The lines in which Prism's validator reports a problem: an error, a violation, or a request that did
/// not pass validation. This is the check every test relies on; the negative control proves it fires.
pub(super) fn validator_problems(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .filter(|line| {
            line.contains("[VALIDATOR]")
                && (line.contains("error") || line.contains("Violation") || line.contains("did not pass"))
        })
        .map(|line| line.trim().to_owned())
        .collect()
}

pub(super) struct Report {
    pub(super) calls: Vec<CallReport>,
    /// Validator problems before the first call or after the last.
    pub(super) stray: Vec<String>,
    pub(super) log_path: PathBuf,
}

pub(super) struct CallReport {
    pub(super) marker: usize,
    pub(super) label: String,
    pub(super) outcome: Outcome,
    /// Prism's validator lines about this call.
    pub(super) problems: Vec<String>,
    /// Whether Prism logged that the request passed validation.
    pub(super) validated: bool,
}

impl Report {
    pub(super) fn call(&self, label: &str) -> &CallReport {
        self.calls.iter().find(|call| call.label == label).unwrap_or_else(|| panic!("no call {label:?}"))
    }

    /// One entry per call that failed or that Prism's validator flagged, with the offending log lines.
    pub(super) fn failures(&self) -> Vec<String> {
        let mut failures: Vec<String> = self
            .calls
            .iter()
            .filter(|call| !matches!(call.outcome, Outcome::Ok(_)) || !call.problems.is_empty() || !call.validated)
            .map(|call| {
                let mut entry = format!("#{} {}: {}", call.marker, call.label, call.outcome);
                if !call.validated && call.problems.is_empty() {
                    // Without this, a change in Prism's log format would make every check pass unseen.
                    entry.push_str(&format!(" (but prism did not log {VALIDATED:?} for it)"));
                }
                for line in &call.problems {
                    entry.push_str(&format!("\n      prism: {line}"));
                }
                entry
            })
            .collect();
        if !self.stray.is_empty() {
            failures.push(format!("outside the calls:\n      prism: {}", self.stray.join("\n      prism: ")));
        }
        failures
    }

    pub(super) fn distinct_values(&self) -> usize {
        let values: BTreeSet<&str> = self
            .calls
            .iter()
            .filter_map(|call| match &call.outcome {
                Outcome::Ok(value) => Some(value.as_str()),
                _ => None,
            })
            .collect();
        values.len()
    }

    pub(super) fn print(&self, every_call: bool) {
        if every_call {
            for call in &self.calls {
                let flagged = if call.problems.is_empty() { "" } else { " [flagged by prism]" };
                let passed = matches!(call.outcome, Outcome::Ok(_)) && call.problems.is_empty() && call.validated;
                let status = if passed { "ok" } else { "FAILED" };
                println!("  #{:<3} {status:<6} {}{flagged}", call.marker, call.label);
            }
        }
        println!("prism log: {}", self.log_path.display());
    }

    /// Fails listing every call that did not succeed or that Prism flagged.
    pub(super) fn assert_clean(&self) {
        let failures = self.failures();
        assert!(
            failures.is_empty(),
            "{} of {} calls failed or were flagged by prism (log: {}):\n  {}",
            failures.len(),
            self.calls.len(),
            self.log_path.display(),
            failures.join("\n  ")
        );
    }
}

//! Contract tests: every operation of the generated client, checked by an independent OpenAPI validator.
//!
//! Each test starts its own [Prism](https://github.com/stoplightio/prism) (`@stoplight/prism-cli`, pinned
//! by `.ci/install-prism`) as a mock server for `spec/genesys-audit.openapi.yaml`, with `--errors`: a
//! request that does not match the spec is answered 4xx and logged as a `[VALIDATOR]` violation. Every
//! call goes through the generated client, and must both be accepted by Prism (a 2xx, no validator line)
//! and decode into the generated types.
//!
//! - `static_mock_accepts_every_operation`: the 7 operations, optional parameters and body fields both
//!   unset and set, against Prism's static examples.
//! - `dynamic_mock_responses_decode`: the same calls for several rounds against `prism mock -d`, whose
//!   responses are random but valid for the spec: every one must decode (a decode error means the
//!   generated types are wrong).
//! - `harness_flags_invalid_requests`: the negative control. Invalid requests (two sent by hand, one by a
//!   client without a token) must be answered 4xx and flagged by the same log check; a valid one must
//!   not be.
//!
//! Prism's log is one line per event, in order; calls are sent one at a time, each preceded by a marker
//! request (`GET /__contract__/<n>`, unknown to the spec) so that each log line can be attributed to the
//! call that caused it.
//!
//! Prism is found through `PRISM_BIN`, else at `.tools/prism/node_modules/.bin/prism`, installed on
//! demand by `.ci/install-prism` when npm is on PATH. Without it the tests print why and pass, except
//! with `CI=true`, where they fail.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::fs::File;
use std::future::IntoFuture;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use genesys_cloud_audit::models::{
    AuditQueryFilter, AuditQueryFilterProperty, AuditQueryRequest, AuditQuerySort, AuditQuerySortName,
    AuditQuerySortOrder, AuditRealtimeQueryRequest, AuditRealtimeRelatedRequest,
};
use genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResultsOutput;
use genesys_cloud_audit::{Client, Error, RetryPolicy};

/// The spec Prism serves, under the workspace root.
const SPEC: &str = "spec/genesys-audit.openapi.yaml";
/// Where `.ci/install-prism` puts Prism, under the workspace root.
const INSTALLED_PRISM: &str = ".tools/prism/node_modules/.bin/prism";
/// The script that installs it.
const INSTALL_SCRIPT: &str = ".ci/install-prism";
/// What a test prints when it cannot run.
const SKIP: &str = "skipping: prism not available (install node/npm or run .ci/install-prism)";
/// How long Prism may take to listen.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a log line may take to appear after its request was answered.
const LOG_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// What Prism logs for a request that passed validation.
const VALIDATED: &str = "The request passed the validation rules";
/// The path prefix of marker requests.
const MARKER: &str = "/__contract__/";
/// Rounds of calls against the dynamic mock.
const DYNAMIC_ROUNDS: usize = 10;

const TOKEN: &str = "contract-test";
const INTERVAL: &str = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z";
const TRANSACTION_ID: &str = "5b7e2c91-4f3a-4d8e-a6b0-9c1d2e3f4a5b";
const AUDIT_ID: &str = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
const TRUSTOR_ORG_ID: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const TRUSTEE_ORG_ID: &str = "d4c3b2a1-6f5e-4b7a-9d8c-5c4b3a2f1e0d";
const USER_ID: &str = "6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b";
const CLIENT_ID: &str = "2c9a7e15-3b8d-4f60-a1e4-7d5c0b9f8e23";
const FLOW_ID: &str = "9d8c7b6a-5e4f-4a3b-b2c1-d0e9f8a7b6c5";
/// A cursor as the service hands them out: base64, with characters that must be percent-encoded.
const CURSOR: &str = "eyJvZmZzZXQiOjI1LCJxdWVyeSI6IjViN2UyYzkxIn0+/w==";

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn static_mock_accepts_every_operation() {
    let began = Instant::now();
    let Some(bin) = prism_or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Static, "static");
    let client = contract.client.clone();

    drive_every_operation(&mut contract, &client, "");

    let report = contract.finish();
    report.print(true);
    println!("contract (static): {} calls, {}", report.calls.len(), contract.timing(began));
    report.assert_clean();
    assert_eq!(report.calls.len(), CALLS_PER_ROUND);
}

#[test]
fn dynamic_mock_responses_decode() {
    let began = Instant::now();
    let Some(bin) = prism_or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Dynamic, "dynamic");
    let client = contract.client.clone();

    for round in 1..=DYNAMIC_ROUNDS {
        drive_every_operation(&mut contract, &client, &format!("round {round}: "));
    }

    let report = contract.finish();
    report.print(false);
    let decode_errors: Vec<_> = report.calls.iter().filter(|call| matches!(call.outcome, Outcome::Decode(_))).collect();
    println!(
        "contract (dynamic): {} rounds, {} calls, {} distinct decoded responses, {} decode errors, {}",
        DYNAMIC_ROUNDS,
        report.calls.len(),
        report.distinct_values(),
        decode_errors.len(),
        contract.timing(began)
    );
    for call in &decode_errors {
        println!("  decode error in #{} {}: {}", call.marker, call.label, call.outcome);
    }
    report.assert_clean();
    assert_eq!(decode_errors.len(), 0);
    assert_eq!(report.calls.len(), CALLS_PER_ROUND * DYNAMIC_ROUNDS);
    // Prism's dynamic examples are random: if every round got the same answers, the rounds tested nothing.
    assert!(
        report.distinct_values() > CALLS_PER_ROUND,
        "the dynamic mock gave only {} distinct responses in {} calls",
        report.distinct_values(),
        report.calls.len()
    );
}

#[test]
fn harness_flags_invalid_requests() {
    let began = Instant::now();
    let Some(bin) = prism_or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Static, "negative-control");

    let valid = "raw GET servicemapping (valid)";
    let no_interval = "raw POST /api/v2/audits/query with body {} (no interval)";
    let bad_page_size = "raw GET results?pageSize=ten";
    let valid_status = contract.raw(valid, "GET", "/api/v2/audits/query/servicemapping", None);
    let no_interval_status = contract.raw(no_interval, "POST", "/api/v2/audits/query", Some("{}"));
    let bad_page_size_status = contract.raw(
        bad_page_size,
        "GET",
        &format!("/api/v2/audits/query/{TRANSACTION_ID}/results?pageSize=ten"),
        None,
    );
    // Through the generated client too: without a token, Prism answers 401, which must count as a failure.
    let no_token = "getAuditsQueryServicemapping without an access token";
    let anonymous = Client::builder()
        .base_url(contract.prism.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("a client without credentials builds");
    let anonymous_result = contract.call(no_token.to_owned(), anonymous.get_audits_query_servicemapping());

    let report = contract.finish();
    report.print(true);
    println!("contract (negative control): {} requests, {}", report.calls.len(), contract.timing(began));

    assert_eq!(valid_status, 200, "Prism rejects a valid request; its log: {}", contract.prism.log_path.display());
    assert!((400..500).contains(&no_interval_status), "a body without `interval` was answered {no_interval_status}");
    assert!((400..500).contains(&bad_page_size_status), "pageSize=ten was answered {bad_page_size_status}");
    assert!(anonymous_result.is_none(), "a call without a token succeeded: {anonymous_result:?}");
    let no_token_outcome = report.call(no_token).outcome.to_string();
    assert!(no_token_outcome.contains("answered 401"), "unexpected outcome without a token: {no_token_outcome}");

    // The check the positive tests rely on flags exactly the three invalid requests...
    let flagged: Vec<&str> =
        report.calls.iter().filter(|call| !call.problems.is_empty()).map(|c| c.label.as_str()).collect();
    assert_eq!(flagged, [no_interval, bad_page_size, no_token], "the validator log check flagged the wrong requests");
    let no_interval_problems = report.call(no_interval).problems.join("\n");
    assert!(
        no_interval_problems.contains("Violation: request.body") && no_interval_problems.contains("'interval'"),
        "unexpected validator lines for the body without interval:\n{no_interval_problems}"
    );
    let page_size_problems = report.call(bad_page_size).problems.join("\n").to_lowercase();
    assert!(
        page_size_problems.contains("violation: request.query.pagesize"),
        "unexpected validator lines for pageSize=ten:\n{page_size_problems}"
    );
    let no_token_problems = report.call(no_token).problems.join("\n");
    assert!(
        no_token_problems.contains("Violation: request Invalid security scheme used"),
        "unexpected validator lines for the call without a token:\n{no_token_problems}"
    );
    // ... and so the report the positive tests assert empty is not.
    let failures = report.failures();
    assert_eq!(failures.len(), 3, "expected the three invalid requests as failures, got:\n{}", failures.join("\n"));
    assert!(failures.iter().all(|failure| failure.contains("[VALIDATOR]")));
    // The valid request was seen validated, which the positive tests require of every call.
    assert!(report.call(valid).validated, "prism did not log that it validated the valid request");
}

// ---------------------------------------------------------------------------------------------
// The calls: every operation, optional parameters unset and set
// ---------------------------------------------------------------------------------------------

/// How many calls [`drive_every_operation`] makes.
const CALLS_PER_ROUND: usize = 13;

fn filter(property: AuditQueryFilterProperty, value: &str) -> AuditQueryFilter {
    AuditQueryFilter::new(property, value)
}

fn sort(order: AuditQuerySortOrder) -> AuditQuerySort {
    AuditQuerySort::new(AuditQuerySortName::Timestamp, order)
}

/// Calls each of the 7 operations: once with required arguments only, and once or twice more with
/// every optional parameter and body field set.
fn drive_every_operation(contract: &mut Contract, client: &Client, prefix: &str) {
    let label = |text: &str| format!("{prefix}{text}");

    contract.call(label("getAuditsQueryServicemapping"), client.get_audits_query_servicemapping());
    contract.call(label("getAuditsQueryRealtimeServicemapping"), client.get_audits_query_realtime_servicemapping());

    contract.call(label("postAuditsQuery (interval only)"), client.post_audits_query(AuditQueryRequest::new(INTERVAL)));
    let full_query = AuditQueryRequest::new(INTERVAL)
        .with_service_name("Architect")
        .with_filters([
            filter(AuditQueryFilterProperty::UserId, USER_ID),
            filter(AuditQueryFilterProperty::TrusteeOrganizationId, TRUSTEE_ORG_ID),
            filter(AuditQueryFilterProperty::ClientId, CLIENT_ID),
            filter(AuditQueryFilterProperty::Action, "Publish"),
            filter(AuditQueryFilterProperty::EntityType, "Flow"),
            filter(AuditQueryFilterProperty::EntityId, FLOW_ID),
        ])
        .with_sort([sort(AuditQuerySortOrder::Descending)]);
    contract.call(label("postAuditsQuery (serviceName, 6 filters, sort)"), client.post_audits_query(full_query));

    contract.call(label("getAuditsQueryTransactionId"), client.get_audits_query_transaction_id(TRANSACTION_ID));

    contract.call(
        label("getAuditsQueryTransactionIdResults (no options)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID),
    );
    contract.call(
        label("getAuditsQueryTransactionIdResults (cursor, pageSize 100, expand user, allowRedirect true)"),
        client
            .get_audits_query_transaction_id_results(TRANSACTION_ID)
            .cursor(CURSOR)
            .page_size(100)
            .expand(["user"])
            .allow_redirect(true),
    );
    contract.call(
        label("getAuditsQueryTransactionIdResults (pageSize 500, allowRedirect false)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).page_size(500).allow_redirect(false),
    );

    contract.call(
        label("postAuditsQueryRealtime (interval only)"),
        client.post_audits_query_realtime(AuditRealtimeQueryRequest::new(INTERVAL)),
    );
    let full_realtime = AuditRealtimeQueryRequest::new(INTERVAL)
        .with_service_name("Directory")
        .with_filters([
            filter(AuditQueryFilterProperty::UserId, USER_ID),
            filter(AuditQueryFilterProperty::Action, "Update"),
            filter(AuditQueryFilterProperty::EntityType, "User"),
        ])
        .with_sort([sort(AuditQuerySortOrder::Ascending)])
        .with_page_number(2)
        .with_page_size(50);
    contract.call(
        label("postAuditsQueryRealtime (expand user; serviceName, 3 filters, sort, pageNumber, pageSize)"),
        client.post_audits_query_realtime(full_realtime).expand(["user"]),
    );

    contract.call(
        label("postAuditsQueryRealtimeRelated (auditId only)"),
        client.post_audits_query_realtime_related(AuditRealtimeRelatedRequest::new(AUDIT_ID)),
    );
    let full_related = AuditRealtimeRelatedRequest::new(AUDIT_ID)
        .with_trustor_org_id(TRUSTOR_ORG_ID)
        .with_sort([sort(AuditQuerySortOrder::Descending)]);
    contract.call(
        label("postAuditsQueryRealtimeRelated (expand user; trustorOrgId, sort)"),
        client.post_audits_query_realtime_related(full_related).expand(["user"]),
    );

    // The 200 of the results call is its `Ok` variant: checks the status-to-variant mapping too.
    let output = contract.call(
        label("getAuditsQueryTransactionIdResults (expand user only)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).expand(["user"]),
    );
    if let Some(output) = output {
        assert!(
            matches!(output, GetAuditsQueryTransactionIdResultsOutput::Ok(_)),
            "a 200 decoded as another variant: {output:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Finding Prism
// ---------------------------------------------------------------------------------------------

/// Prism's path, or `None` after printing why the test is skipped; panics instead under `CI=true`.
fn prism_or_skip() -> Option<PathBuf> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match FOUND.get_or_init(locate_prism) {
        Ok(bin) => Some(bin.clone()),
        Err(why) if on_ci() => panic!(
            "prism is required when CI=true but is not available: {why}\n\
             (install node/npm, or run {INSTALL_SCRIPT}, or point PRISM_BIN at a prism binary)"
        ),
        Err(why) => {
            eprintln!("{SKIP}\n  because: {why}");
            None
        }
    }
}

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}

/// `PRISM_BIN` if set (and nothing else), else the installed Prism, installing it when npm is on PATH.
fn locate_prism() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("PRISM_BIN") {
        let bin = PathBuf::from(bin);
        return if bin.is_file() {
            Ok(bin)
        } else {
            Err(format!("PRISM_BIN is {}, which does not exist", bin.display()))
        };
    }
    let root = audit_tests::workspace_root();
    let bin = root.join(INSTALLED_PRISM);
    if bin.is_file() {
        return Ok(bin);
    }
    if !on_path("npm") {
        return Err(format!("{} is missing and npm is not on PATH to install it", bin.display()));
    }
    let script = root.join(INSTALL_SCRIPT);
    eprintln!("prism is missing: running {}", script.display());
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

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

// ---------------------------------------------------------------------------------------------
// Running Prism
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `prism mock`: the same example for every call.
    Static,
    /// `prism mock -d`: a random response, valid for the spec, for every call.
    Dynamic,
}

/// A running Prism; dropping it stops it, also when the test panics.
struct Prism {
    child: Child,
    port: u16,
    log_path: PathBuf,
    /// How long it took to listen.
    startup: Duration,
}

impl Prism {
    /// Starts Prism, logging to `target/tmp/contract/prism-<name>.log` (kept for a look after the test).
    fn start(bin: &Path, mode: Mode, name: &str) -> Prism {
        let port = free_port();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract");
        std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
        let log_path = dir.join(format!("prism-{name}.log"));
        let log = File::create(&log_path).unwrap_or_else(|err| panic!("cannot create {}: {err}", log_path.display()));
        let stderr = log.try_clone().expect("the log file handle can be cloned");
        let spec = audit_tests::workspace_root().join(SPEC);

        let mut command = Command::new(bin);
        command.arg("mock");
        if mode == Mode::Dynamic {
            command.arg("-d");
        }
        command
            .args(["--errors", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(stderr);
        println!("starting {command:?} (log: {})", log_path.display());
        let began = Instant::now();
        let child = command.spawn().unwrap_or_else(|err| panic!("cannot start {}: {err}", bin.display()));
        // From here on the guard owns the process: a failure below still stops it.
        let mut prism = Prism { child, port, log_path, startup: Duration::ZERO };
        prism.wait_until_listening();
        prism.startup = began.elapsed();
        println!("prism ({name}) listens on port {port} after {:.1?}", prism.startup);
        prism
    }

    fn wait_until_listening(&mut self) {
        let began = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Some(status) = self.child.try_wait().expect("the prism process can be polled") {
                panic!("prism exited during startup ({status}); its output:\n{}", self.log());
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(250)).is_ok() {
                return;
            }
            if began.elapsed() > STARTUP_TIMEOUT {
                panic!("prism did not listen on {address} within {STARTUP_TIMEOUT:?}; its output:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything Prism wrote so far, stdout and stderr.
    fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.log_path).unwrap_or_default()).into_owned()
    }

    /// Waits until the log has a line containing `needle`.
    fn wait_for_log(&self, needle: &str) {
        let began = Instant::now();
        while !self.log().contains(needle) {
            assert!(began.elapsed() < LOG_TIMEOUT, "{needle:?} did not appear in prism's log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (a race with other processes is possible, but unlikely).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a local port can be bound");
    listener.local_addr().expect("a bound listener has an address").port()
}

/// Sends one HTTP/1.1 request by hand (`target` is the path and query), returning the status and body.
fn raw_http(port: u16, method: &str, target: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("prism accepts connections");
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).expect("a read timeout can be set");
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Accept: application/json\r\nConnection: close\r\n"
    );
    if let Some(body) = body {
        request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).expect("the request can be written");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("the response can be read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 response to {method} {target}: {response:?}"));
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

// ---------------------------------------------------------------------------------------------
// Calls and their report
// ---------------------------------------------------------------------------------------------

/// A Prism, a client for it, and the calls made so far.
struct Contract {
    prism: Prism,
    runtime: tokio::runtime::Runtime,
    client: Client,
    calls: Vec<Call>,
    next_marker: usize,
    started: Instant,
}

struct Call {
    marker: usize,
    label: String,
    outcome: Outcome,
}

enum Outcome {
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
    fn start(bin: &Path, mode: Mode, name: &str) -> Contract {
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
    fn mark(&mut self) -> usize {
        let marker = self.next_marker;
        self.next_marker += 1;
        let (status, body) = raw_http(self.prism.port, "GET", &format!("{MARKER}{marker}"), None);
        assert_eq!(status, 404, "a marker request was answered {status}: {body}");
        marker
    }

    /// Makes one call through the generated client, recording how it went.
    fn call<T: Debug>(&mut self, label: String, request: impl IntoFuture<Output = Result<T, Error>>) -> Option<T> {
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
    fn raw(&mut self, label: &str, method: &str, target: &str, body: Option<&str>) -> u16 {
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
    fn finish(&mut self) -> Report {
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

    fn timing(&self, test_began: Instant) -> String {
        format!(
            "prism startup {:.1?}, whole test {:.1?} (startup included)",
            self.prism.startup,
            test_began.elapsed().max(self.started.elapsed())
        )
    }
}

/// The start of a long body.
fn clip(text: &str) -> String {
    const MAX: usize = 160;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

/// An error with its sources.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The log's lines grouped by the marker request before them (`None`: before the first marker).
fn split_at_markers(log: &str) -> Vec<(Option<usize>, Vec<String>)> {
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
fn validator_problems(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .filter(|line| {
            line.contains("[VALIDATOR]")
                && (line.contains("error") || line.contains("Violation") || line.contains("did not pass"))
        })
        .map(|line| line.trim().to_owned())
        .collect()
}

struct Report {
    calls: Vec<CallReport>,
    /// Validator problems before the first call or after the last.
    stray: Vec<String>,
    log_path: PathBuf,
}

struct CallReport {
    marker: usize,
    label: String,
    outcome: Outcome,
    /// Prism's validator lines about this call.
    problems: Vec<String>,
    /// Whether Prism logged that the request passed validation.
    validated: bool,
}

impl Report {
    fn call(&self, label: &str) -> &CallReport {
        self.calls.iter().find(|call| call.label == label).unwrap_or_else(|| panic!("no call {label:?}"))
    }

    /// One entry per call that failed or that Prism's validator flagged, with the offending log lines.
    fn failures(&self) -> Vec<String> {
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

    fn distinct_values(&self) -> usize {
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

    fn print(&self, every_call: bool) {
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
    fn assert_clean(&self) {
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

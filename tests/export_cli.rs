//! The `audit_export` example, run as a program end to end against a local mock server (127.0.0.1
//! only): it exports exactly every served entry, byte-for-byte faithful to the client's encoding
//! (unknown members and enum values kept), through the faults a real server throws (429 with
//! `Retry-After`, 502, 503), with a static token or client credentials, in asynchronous-query and
//! realtime mode; its flags reach the server as they should; and it fails with one clear stderr line
//! and the documented exit status on a 401, a failed query, a closed stdout and every usage error.
//!
//! The example is built once, by a nested `cargo build`, and run as a child process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{any, body_partial_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "static-test-token";
/// The token the mock login service issues.
const FETCHED_TOKEN: &str = "t";
const CLIENT_ID: &str = "export-client";
const CLIENT_SECRET: &str = "export-secret";
const QUERY_ID: &str = "3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19";
const CORRELATION_ID: &str = "8d1c4f2e-6a3b-4e9d-b7c5-0f2a9e4d6b13";
const INTERVAL: &str = "2024-03-01T00:00:00Z/2024-03-05T00:00:00Z";
const SUBMIT_PATH: &str = "/api/v2/audits/query";
const REALTIME_PATH: &str = "/api/v2/audits/query/realtime";
const TOKEN_PATH: &str = "/oauth/token";
/// The longest a run may take before the test gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// Running the example
// ---------------------------------------------------------------------------------------------

/// The example's executable, built on first use (one nested `cargo build` for the whole file).
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let root = audit_tests::workspace_root();
        let output = Command::new(env!("CARGO"))
            .args(["build", "--example", "audit_export", "-p", "genesys-cloud-audit"])
            .current_dir(&root)
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "building the example failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let binary =
            target.join("debug").join("examples").join(format!("audit_export{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.is_file(), "the example was built but is not at {}", binary.display());
        binary
    })
}

/// Which credentials the run gets in its environment.
#[derive(Clone, Copy, Debug)]
enum Auth {
    /// `GENESYS_ACCESS_TOKEN`.
    Token,
    /// `GENESYS_CLIENT_ID` and `GENESYS_CLIENT_SECRET`; the login URL is the mock server.
    ClientCredentials,
    /// Nothing.
    Nothing,
}

/// What a run did.
#[derive(Debug)]
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }

    fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// The last stderr line: the error line of a failed run.
    fn last_stderr_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or_else(|| panic!("nothing on stderr: {self:?}"))
    }

    /// Stdout as JSON values, one per line, each line checked to be a complete JSON document.
    fn entries(&self) -> Vec<Value> {
        assert!(self.stdout.is_empty() || self.stdout.ends_with('\n'), "stdout ends mid-line: {:?}", self.stdout);
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("line {line:?} is not JSON: {err}")))
            .collect()
    }
}

/// The example with `args`, a scrubbed environment plus the credentials of `auth`, against `server`
/// (`--base-url`, and `--login-url` for client credentials) with fast polling.
fn export(server: &MockServer, auth: Auth, args: &[&str]) -> Run {
    let mut all = vec!["--base-url".to_owned(), server.uri(), "--poll-interval-ms".to_owned(), "10".to_owned()];
    if let Auth::ClientCredentials = auth {
        all.extend(["--login-url".to_owned(), server.uri()]);
    }
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    run(auth, &all)
}

/// The example with exactly `args` and the credentials of `auth`.
fn run(auth: Auth, args: &[String]) -> Run {
    let mut command = Command::new(binary());
    command.args(args);
    scrub_env(&mut command);
    match auth {
        Auth::Token => {
            command.env("GENESYS_ACCESS_TOKEN", TOKEN);
        }
        Auth::ClientCredentials => {
            command.env("GENESYS_CLIENT_ID", CLIENT_ID).env("GENESYS_CLIENT_SECRET", CLIENT_SECRET);
        }
        Auth::Nothing => {}
    }
    run_command(command)
}

/// Removes the variables that would change what the run does: credentials and proxies.
fn scrub_env(command: &mut Command) {
    for name in [
        "GENESYS_ACCESS_TOKEN",
        "GENESYS_CLIENT_ID",
        "GENESYS_CLIENT_SECRET",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    command.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
}

/// Runs `command` to completion (killed after [`RUN_LIMIT`]), collecting its output.
fn run_command(mut command: Command) -> Run {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the example starts");
    let stdout = read_in_background(child.stdout.take().expect("stdout is piped"));
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));
    let status = wait_with_limit(&mut child, started);
    let elapsed = started.elapsed();
    let stdout = stdout.join().expect("the stdout reader does not panic");
    let stderr = stderr.join().expect("the stderr reader does not panic");
    Run { status, stdout, stderr, elapsed }
}

/// Waits for `child`, killing it (and failing the test) if it runs past [`RUN_LIMIT`].
fn wait_with_limit(child: &mut std::process::Child, started: Instant) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the example ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads `pipe` to its end on another thread, so neither pipe fills up and blocks the child.
fn read_in_background(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8(bytes).expect("the example writes UTF-8")
    })
}

// ---------------------------------------------------------------------------------------------
// The mock server
// ---------------------------------------------------------------------------------------------

/// Audit entry number `n`, with what a newer server may send: enum values this version does not know
/// (on odd entries), members the API description does not declare, at the top and nested.
fn entry(n: usize) -> Value {
    let odd = n % 2 == 1;
    json!({
        "id": format!("a1b2c3d4-{n:04}-4e5f-8a9b-1c2d3e4f5a6b"),
        "userHomeOrgId": "9c1d7e3a-55b2-4f0e-a8c4-2e6b1f9d0a37",
        "user": {
            "id": "6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b",
            "name": "Dana Whitfield",
            "selfUri": "/api/v2/users/6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b",
            "department": "Compliance"
        },
        "client": {"id": "0f3e5d7c-9b1a-4c2e-8d6f-4a2b0c8e6d1f", "selfUri": "/api/v2/oauth/clients/0f3e5d7c"},
        "remoteIp": ["203.0.113.24", "10.12.0.7"],
        "serviceName": "Architect",
        "level": if odd { "ROBOT" } else { "USER" },
        "eventDate": format!("2024-03-05T14:22:{:02}.417Z", n % 60),
        "message": {
            "localizableMessageCode": "FLOW_PUBLISHED",
            "message": "Flow {flowName} was published",
            "messageWithParams": "Flow Main IVR was published",
            "messageParams": {"flowName": "Main IVR"}
        },
        "action": "Publish",
        "entity": {"id": "b5d3f1e9-2a4c-4b6d-8e0f-7a9c1b3d5e7f", "name": "Main IVR", "selfUri": "/api/v2/flows/b5d3f1e9"},
        "entityType": "Flow",
        "status": if odd { "PARTIALLY_APPLIED" } else { "SUCCESS" },
        "application": "Architect",
        "initiatingAction": {"transactionId": "d2f4a6c8-1e3b-4d5f-a7c9-0b2d4f6a8c1e", "actionContext": "PublishFlow"},
        "transactionInitiator": !odd,
        "propertyChanges": [{"property": "version", "oldValues": ["11.0"], "newValues": ["12.0"], "diffKind": "replace"}],
        "context": {"flowType": "INBOUNDCALL", "divisionId": "e1c3a5b7-9d2f-4e6a-8c0b-3d5f7a9c1e2b"},
        "entityChanges": [{"entityId": "x1", "entityName": "Prompt", "entityType": "Prompt", "oldValues": [], "newValues": ["a"]}],
        "auditSchemaVersion": 3,
        "riskAssessment": {"score": 0.25, "labels": ["bulk", "after-hours"], "reviewed": null, "nested": {"deep": [1, "two", true]}}
    })
}

/// Entries `first..first+count`.
fn entries(first: usize, count: usize) -> Vec<Value> {
    (first..first + count).map(entry).collect()
}

/// The pages every export test serves: 2 + 2 + 1 entries.
fn three_pages() -> Vec<Vec<Value>> {
    vec![entries(0, 2), entries(2, 2), entries(4, 1)]
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body).insert_header("ININ-Correlation-Id", CORRELATION_ID)
}

fn error_response(status: u16, code: &str, message: &str) -> ResponseTemplate {
    json_response(status, json!({"message": message, "code": code, "status": status, "contextId": CORRELATION_ID}))
}

fn status_body(state: &str) -> Value {
    json!({"id": QUERY_ID, "state": state, "interval": INTERVAL, "startDate": "2024-03-05T14:20:00.125Z"})
}

fn status_path() -> String {
    format!("{SUBMIT_PATH}/{QUERY_ID}")
}

fn results_path() -> String {
    format!("{SUBMIT_PATH}/{QUERY_ID}/results")
}

/// The login service: one token, `t`, for an hour.
async fn mount_login(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": FETCHED_TOKEN, "token_type": "bearer", "expires_in": 3600})),
        )
        .mount(server)
        .await;
}

/// The asynchronous query: the submit answers 429 with `Retry-After: 1` once, the status answers 503
/// once, then `Running`, then `Succeeded`, and the results come in `pages` linked by cursors, the
/// second page failing with a 502 once.
async fn mount_async_query(server: &MockServer, pages: &[Vec<Value>]) {
    Mock::given(method("POST"))
        .and(path(SUBMIT_PATH))
        .respond_with(error_response(429, "too.many.requests", "Rate limit exceeded").insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(SUBMIT_PATH))
        .respond_with(json_response(200, status_body("Queued")))
        .mount(server)
        .await;

    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(error_response(503, "service.unavailable", "Try again"))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(json_response(200, status_body("Running")))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(json_response(200, status_body("Succeeded")))
        .mount(server)
        .await;

    for (number, page) in pages.iter().enumerate() {
        let next = (number + 1 < pages.len()).then(|| format!("cursor-{}", number + 1));
        let mut body = json!({"id": QUERY_ID, "pageSize": page.len(), "entities": page});
        if let Some(next) = &next {
            body["cursor"] = json!(next);
        }
        let request = Mock::given(method("GET")).and(path(results_path()));
        let request = if number == 0 {
            request.and(query_param_is_missing("cursor"))
        } else {
            request.and(query_param("cursor", format!("cursor-{number}")))
        };
        if number == 1 {
            Mock::given(method("GET"))
                .and(path(results_path()))
                .and(query_param("cursor", "cursor-1"))
                .respond_with(error_response(502, "bad.gateway", "Upstream hiccup"))
                .up_to_n_times(1)
                .mount(server)
                .await;
        }
        request.respond_with(json_response(200, body)).mount(server).await;
    }
}

/// The realtime query: `pages` by `pageNumber` with `pageCount`; the first page answers 429 once and
/// the second 502 once (the realtime POST only reads, so it is retried like a GET).
async fn mount_realtime(server: &MockServer, pages: &[Vec<Value>]) {
    let total: usize = pages.iter().map(Vec::len).sum();
    for (index, page) in pages.iter().enumerate() {
        let number = index + 1;
        let fault = match number {
            1 => Some(error_response(429, "too.many.requests", "Rate limit exceeded")),
            2 => Some(error_response(502, "bad.gateway", "Upstream hiccup")),
            _ => None,
        };
        if let Some(fault) = fault {
            Mock::given(method("POST"))
                .and(path(REALTIME_PATH))
                .and(body_partial_json(json!({"pageNumber": number})))
                .respond_with(fault)
                .up_to_n_times(1)
                .mount(server)
                .await;
        }
        let body = json!({
            "entities": page,
            "pageSize": 2,
            "pageNumber": number,
            "total": total,
            "pageCount": pages.len()
        });
        Mock::given(method("POST"))
            .and(path(REALTIME_PATH))
            .and(body_partial_json(json!({"pageNumber": number})))
            .respond_with(json_response(200, body))
            .mount(server)
            .await;
    }
}

/// Every request the server received.
async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The requests to `path`, with `method`.
async fn requests_to(server: &MockServer, method: &str, path: &str) -> Vec<Request> {
    requests(server).await.into_iter().filter(|r| r.method.as_str() == method && r.url.path() == path).collect()
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).map(|value| value.to_str().expect("an ASCII header"))
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Checks that every API request carried `Bearer <token>`, and, for client credentials, that one token
/// was fetched with the client's id and secret.
async fn assert_authorized(server: &MockServer, auth: Auth) {
    let all = requests(server).await;
    let (logins, api): (Vec<_>, Vec<_>) = all.iter().partition(|r| r.url.path() == TOKEN_PATH);
    assert!(!api.is_empty(), "no API request was made");
    let expected = match auth {
        Auth::Token => format!("Bearer {TOKEN}"),
        Auth::ClientCredentials => format!("Bearer {FETCHED_TOKEN}"),
        Auth::Nothing => unreachable!("exports need credentials"),
    };
    for request in &api {
        assert_eq!(header(request, "authorization"), Some(expected.as_str()), "{} {}", request.method, request.url);
    }
    match auth {
        Auth::ClientCredentials => {
            assert_eq!(logins.len(), 1, "one token serves the whole export");
            let login = logins[0];
            assert_eq!(login.method.as_str(), "POST");
            // "export-client:export-secret", base64.
            assert_eq!(header(login, "authorization"), Some("Basic ZXhwb3J0LWNsaWVudDpleHBvcnQtc2VjcmV0"));
            assert_eq!(String::from_utf8_lossy(&login.body), "grant_type=client_credentials");
        }
        _ => assert!(logins.is_empty(), "a static token needs no login"),
    }
}

/// Checks a successful export: exit 0, stdout exactly `pages`' entries in order, progress on stderr.
fn assert_exported(run: &Run, pages: &[Vec<Value>]) {
    assert_eq!(run.code(), Some(0), "the export succeeds: {run:?}");
    let expected: Vec<Value> = pages.iter().flatten().cloned().collect();
    let got = run.entries();
    assert_eq!(got.len(), expected.len(), "one line per entry: {}", run.stdout);
    for (index, (got, expected)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, expected, "entry {index} is written as served");
    }
    for line in run.stderr_lines() {
        assert!(line.starts_with("audit_export: "), "stderr line {line:?}");
    }
    let last = run.last_stderr_line();
    assert!(last.contains(&format!("done: {} entries", expected.len())), "final count: {}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn async_export_with_a_static_token_survives_429_503_and_502() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL, "--page-size", "2"]);

    assert_exported(&run, &pages);
    assert!(run.elapsed >= Duration::from_secs(1), "the 429's Retry-After of 1 s is honoured: {:?}", run.elapsed);
    assert!(run.stderr.contains("submitting query"), "{}", run.stderr);
    assert!(
        run.stderr.contains("audit_export: 2 entries") && run.stderr.contains("audit_export: 4 entries"),
        "{}",
        run.stderr
    );
    assert_eq!(requests_to(&server, "POST", SUBMIT_PATH).await.len(), 2, "the 429 is retried once");
    assert!(requests_to(&server, "GET", &status_path()).await.len() >= 3, "503, Running, Succeeded");
    let results = requests_to(&server, "GET", &results_path()).await;
    assert_eq!(results.len(), 4, "three pages and the 502 retried once");
    for request in &results {
        assert!(query(request).contains(&("pageSize".to_owned(), "2".to_owned())), "{}", request.url);
    }
    assert_authorized(&server, Auth::Token).await;
}

#[tokio::test]
async fn async_export_with_client_credentials_sends_the_fetched_token() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_login(&server).await;
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL]);

    assert_exported(&run, &pages);
    assert_authorized(&server, Auth::ClientCredentials).await;
    for request in requests_to(&server, "GET", &results_path()).await {
        assert!(
            query(&request).contains(&("pageSize".to_owned(), "500".to_owned())),
            "the default page size: {}",
            request.url
        );
        assert!(!query(&request).iter().any(|(k, _)| k == "expand"), "no expand unless asked: {}", request.url);
    }
}

#[tokio::test]
async fn verbose_export_tells_the_clients_story_on_stderr_without_secrets() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_login(&server).await;
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL, "--page-size", "2", "--verbose"]);

    // Stdout is the export as ever; stderr has the tracing lines besides the tool's own.
    assert_eq!(run.code(), Some(0), "the export succeeds: {run:?}");
    assert_eq!(run.entries(), pages.iter().flatten().cloned().collect::<Vec<Value>>());
    for told in [
        "fetching a client-credentials token",
        "call{operation=\"postAuditsQuery\" method=POST route=\"/api/v2/audits/query\"",
        "retrying reason=\"status 429\"",
        "the job is not done yet",
        "page operation=\"getAuditsQueryTransactionIdResults\" items=2",
    ] {
        assert!(run.stderr.contains(told), "{told:?} is not on stderr:\n{}", run.stderr);
    }
    for secret in [CLIENT_SECRET, "Bearer", "Basic"] {
        assert!(!run.stderr.contains(secret), "{secret:?} is on stderr:\n{}", run.stderr);
    }
}

/// Exports in realtime mode with `auth` and checks the pages asked for.
async fn realtime_export(auth: Auth) {
    let server = MockServer::start().await;
    let pages = three_pages();
    if let Auth::ClientCredentials = auth {
        mount_login(&server).await;
    }
    mount_realtime(&server, &pages).await;

    let run = export(&server, auth, &["--interval", INTERVAL, "--realtime", "--page-size", "2"]);

    assert_exported(&run, &pages);
    assert_authorized(&server, auth).await;
    let asked: Vec<Value> = requests_to(&server, "POST", REALTIME_PATH).await.iter().map(body).collect();
    let page = |number: i32| json!({"interval": INTERVAL, "pageSize": 2, "pageNumber": number});
    assert_eq!(asked, vec![page(1), page(1), page(2), page(2), page(3)], "each page, the faulty ones twice");
    assert!(requests_to(&server, "POST", SUBMIT_PATH).await.is_empty(), "no asynchronous query in realtime mode");
}

#[tokio::test]
async fn realtime_export_with_a_static_token_pages_by_number() {
    realtime_export(Auth::Token).await;
}

#[tokio::test]
async fn realtime_export_with_client_credentials_pages_by_number() {
    realtime_export(Auth::ClientCredentials).await;
}

#[tokio::test]
async fn query_flags_reach_the_asynchronous_query() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_async_query(&server, &pages).await;

    let run = export(
        &server,
        Auth::Token,
        &[
            "--interval",
            INTERVAL,
            "--service-name",
            "Architect",
            "--filter",
            "Action=Publish",
            "--filter=EntityId=id=with=equals",
            "--filter",
            "FutureProperty=x",
            "--expand-user",
            "--page-size",
            "2",
        ],
    );

    assert_exported(&run, &pages);
    assert!(
        run.stderr_lines().iter().any(|line| line.contains("note: filter property \"FutureProperty\"")),
        "an unknown filter property is sent with a note: {}",
        run.stderr
    );
    let submits = requests_to(&server, "POST", SUBMIT_PATH).await;
    let expected = json!({
        "interval": INTERVAL,
        "serviceName": "Architect",
        "filters": [
            {"property": "Action", "value": "Publish"},
            {"property": "EntityId", "value": "id=with=equals"},
            {"property": "FutureProperty", "value": "x"}
        ]
    });
    for submit in &submits {
        assert_eq!(body(submit), expected);
        assert_eq!(submit.url.query(), None);
    }
    let results = requests_to(&server, "GET", &results_path()).await;
    let first = query(&results[0]);
    assert_eq!(first, [("pageSize".to_owned(), "2".to_owned()), ("expand".to_owned(), "user".to_owned())]);
    let last = query(results.last().expect("results were fetched"));
    assert!(
        last.contains(&("expand".to_owned(), "user".to_owned()))
            && last.contains(&("cursor".to_owned(), "cursor-2".to_owned()))
    );
}

#[tokio::test]
async fn query_flags_reach_the_realtime_query() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_realtime(&server, &pages).await;

    let run = export(
        &server,
        Auth::Token,
        &[
            "--realtime",
            "--interval",
            INTERVAL,
            "--service-name",
            "Directory",
            "--filter",
            "UserId=u-1",
            "--expand-user",
            "--page-size=2",
        ],
    );

    assert_exported(&run, &pages);
    let asked = requests_to(&server, "POST", REALTIME_PATH).await;
    let first = asked.first().expect("the realtime query was made");
    assert_eq!(
        body(first),
        json!({
            "interval": INTERVAL,
            "serviceName": "Directory",
            "filters": [{"property": "UserId", "value": "u-1"}],
            "pageNumber": 1,
            "pageSize": 2
        })
    );
    for request in &asked {
        assert_eq!(request.url.query(), Some("expand=user"));
    }
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

/// Checks a failed run: exit 1, nothing on stdout, and an error line last that says `needles`.
fn assert_failed(run: &Run, needles: &[&str]) {
    assert_eq!(run.code(), Some(1), "a runtime failure exits 1: {run:?}");
    assert_eq!(run.stdout, "", "nothing is exported");
    let last = run.last_stderr_line();
    assert!(last.starts_with("audit_export: "), "{last:?}");
    for needle in needles {
        assert!(last.contains(needle), "{last:?} says {needle:?}");
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[tokio::test]
async fn unauthorized_with_a_static_token_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL]);

    assert_failed(&run, &["401", "Invalid login credentials.", CORRELATION_ID]);
    assert!(run.elapsed < Duration::from_secs(5), "a 401 is not retried: {:?}", run.elapsed);
    assert_eq!(requests(&server).await.len(), 1, "one attempt");
}

#[tokio::test]
async fn unauthorized_with_client_credentials_refreshes_once_then_fails() {
    let server = MockServer::start().await;
    mount_login(&server).await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL]);

    assert_failed(&run, &["401", CORRELATION_ID]);
    assert!(run.elapsed < Duration::from_secs(5), "a 401 is not retried beyond the refresh: {:?}", run.elapsed);
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2, "the token is fetched, then refreshed once");
    assert_eq!(requests_to(&server, "POST", SUBMIT_PATH).await.len(), 2, "the submit is tried with each token");
}

#[tokio::test]
async fn a_failed_query_exits_non_zero() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SUBMIT_PATH))
        .respond_with(json_response(200, status_body("Queued")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(json_response(200, status_body("Failed")))
        .mount(&server)
        .await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL]);

    assert_failed(&run, &["Failed"]);
    assert!(requests_to(&server, "GET", &results_path()).await.is_empty(), "no results are fetched");
}

#[tokio::test]
async fn a_page_that_fails_midway_keeps_the_complete_lines_and_says_so() {
    let server = MockServer::start().await;
    let pages = three_pages();
    Mock::given(method("POST"))
        .and(path(REALTIME_PATH))
        .and(body_partial_json(json!({"pageNumber": 2})))
        .respond_with(error_response(500, "internal.server.error", "Something broke"))
        .mount(&server)
        .await;
    mount_realtime(&server, &pages).await;

    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "--page-size", "2"]);

    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.entries(), pages[0], "the first page is written whole");
    let last = run.last_stderr_line();
    assert!(last.starts_with("audit_export: ") && last.contains("500"), "{last:?}");
    assert!(last.contains("export incomplete: 2 entries written"), "{last:?}");
    assert_eq!(requests_to(&server, "POST", REALTIME_PATH).await.len(), 3, "a 500 is not retried");
}

#[tokio::test]
async fn a_closed_stdout_ends_the_export_quietly() {
    let server = MockServer::start().await;
    let pages = vec![entries(0, 50), entries(50, 50), entries(100, 50)];
    mount_realtime(&server, &pages).await;

    let mut command = Command::new(binary());
    scrub_env(&mut command);
    command
        .env("GENESYS_ACCESS_TOKEN", TOKEN)
        .args(["--base-url", &server.uri(), "--realtime", "--interval", INTERVAL])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the example starts");
    // Close the reading end before the first entry can be written.
    drop(child.stdout.take());
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));
    let status = wait_with_limit(&mut child, started);
    let stderr = stderr.join().expect("the stderr reader does not panic");

    assert_eq!(status.code(), Some(141), "a closed stdout exits 141: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe") && !stderr.contains("cannot write"), "quietly: {stderr}");
}

#[tokio::test]
async fn usage_errors_exit_2_with_one_line_and_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(json_response(200, json!({}))).mount(&server).await;
    let uri = server.uri();
    let base = |extra: &[&str]| -> Vec<String> {
        ["--base-url", uri.as_str(), "--interval", INTERVAL].iter().chain(extra).map(|s| (*s).to_owned()).collect()
    };
    let owned = |args: &[&str]| -> Vec<String> { args.iter().map(|s| (*s).to_owned()).collect() };
    let cases: Vec<(&str, Auth, Vec<String>, &str)> = vec![
        ("no interval", Auth::Token, owned(&["--base-url", &uri]), "--interval is required"),
        (
            "interval without a value",
            Auth::Token,
            owned(&["--base-url", &uri, "--interval"]),
            "--interval needs a value",
        ),
        ("interval not an interval", Auth::Token, owned(&["--base-url", &uri, "--interval", "yesterday"]), "ISO-8601"),
        ("unknown flag", Auth::Token, base(&["--since", "3d"]), "unknown flag --since"),
        ("stray argument", Auth::Token, base(&["extra"]), "unexpected argument"),
        ("page size 0", Auth::Token, base(&["--page-size", "0"]), "--page-size"),
        ("page size 501", Auth::Token, base(&["--page-size", "501"]), "--page-size"),
        ("page size not a number", Auth::Token, base(&["--page-size", "lots"]), "--page-size"),
        ("filter without =", Auth::Token, base(&["--filter", "Action"]), "PROPERTY=VALUE"),
        ("filter without a value", Auth::Token, base(&["--filter", "Action="]), "--filter"),
        ("region and base URL", Auth::Token, base(&["--region", "eu-west-1"]), "--region and --base-url"),
        (
            "unknown region",
            Auth::Token,
            owned(&["--region", "atlantis-1", "--interval", INTERVAL]),
            "unknown region \"atlantis-1\"",
        ),
        ("switch with a value", Auth::Token, base(&["--realtime=yes"]), "--realtime takes no value"),
        ("flag twice", Auth::Token, base(&["--service-name", "A", "--service-name", "B"]), "more than once"),
        ("no credentials", Auth::Nothing, base(&[]), "no credentials"),
        (
            "no credentials, and a filter property to note",
            Auth::Nothing,
            base(&["--filter", "Colour=red"]),
            "no credentials",
        ),
        ("client credentials without a login URL", Auth::ClientCredentials, base(&[]), "--login-url"),
        (
            "a base URL that is not one",
            Auth::Token,
            owned(&["--base-url", "ftp://example.com", "--interval", INTERVAL]),
            "base URL",
        ),
    ];
    for (name, auth, args, needle) in cases {
        let run = run(auth, &args);
        assert_eq!(run.code(), Some(2), "{name}: a usage error exits 2: {run:?}");
        assert_eq!(run.stdout, "", "{name}: nothing on stdout");
        let lines = run.stderr_lines();
        assert_eq!(lines.len(), 1, "{name}: one line on stderr: {:?}", run.stderr);
        assert!(lines[0].starts_with("audit_export: "), "{name}: {:?}", lines[0]);
        assert!(lines[0].contains(needle), "{name}: {:?} says {needle:?}", lines[0]);
    }
    // Only client id, no secret.
    let mut command = Command::new(binary());
    scrub_env(&mut command);
    command.env("GENESYS_CLIENT_ID", CLIENT_ID).args(base(&[]));
    let run = run_command(command);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(run.last_stderr_line().contains("GENESYS_CLIENT_SECRET"), "{}", run.stderr);

    assert!(requests(&server).await.is_empty(), "a usage error sends nothing");
}

#[tokio::test]
async fn quiet_silences_progress_but_not_errors() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_realtime(&server, &pages).await;
    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "--page-size", "2", "--quiet"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(run.entries(), pages.concat());
    assert_eq!(run.stderr, "", "no progress");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;
    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "-q"]);
    assert_failed(&run, &["401"]);
    assert_eq!(run.stderr_lines().len(), 1, "only the error: {}", run.stderr);
}

#[tokio::test]
async fn help_prints_the_flags_and_exits_0() {
    let run = run(Auth::Nothing, &["--help".to_owned()]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    for flag in [
        "--interval",
        "--service-name",
        "--filter",
        "--page-size",
        "--expand-user",
        "--realtime",
        "--region",
        "--base-url",
        "--login-url",
        "GENESYS_ACCESS_TOKEN",
        "GENESYS_CLIENT_ID",
    ] {
        assert!(run.stdout.contains(flag), "the help names {flag}");
    }
}

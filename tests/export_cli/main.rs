//! The `audit_export` example, run as a program end to end against a local mock server (127.0.0.1
//! only): it exports exactly every served entry, byte-for-byte faithful to the client's encoding
//! (unknown members and enum values kept), through the faults a real server throws (429 with
//! `Retry-After`, 502, 503), with a static token or client credentials, in asynchronous-query and
//! realtime mode; its flags reach the server as they should; and it fails with one clear stderr line
//! and the documented exit status on a 401, a failed query, a closed stdout and every usage error. An
//! export killed anywhere and resumed from its checkpoint writes exactly what a clean one writes.
//!
//! The example is built once, by a nested `cargo build`, and run as a child process (see
//! `audit_tests::export_tool`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use audit_tests::export_tool::{Run, binary, read_in_background, run_command, scrub_env, wait_with_limit};
use audit_tests::mock::{CORRELATION_ID, INTERVAL, TRANSACTION_ID as QUERY_ID, header, json_response, requests};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_partial_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod exports;
mod failures;
mod raw;
#[cfg(unix)]
mod resume;

const TOKEN: &str = "static-test-token";
/// The token the mock login service issues.
const FETCHED_TOKEN: &str = "t";
const CLIENT_ID: &str = "export-client";
const CLIENT_SECRET: &str = "export-secret";
const SUBMIT_PATH: &str = "/api/v2/audits/query";
const REALTIME_PATH: &str = "/api/v2/audits/query/realtime";
const TOKEN_PATH: &str = "/oauth/token";

// ---------------------------------------------------------------------------------------------
// Running the example
// ---------------------------------------------------------------------------------------------

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
        let request = results_request(number);
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

/// The request for results page `number` (0-based): without a cursor for the first, with
/// `cursor-{number}` for the others.
fn results_request(number: usize) -> wiremock::MockBuilder {
    let request = Mock::given(method("GET")).and(path(results_path()));
    if number == 0 {
        request.and(query_param_is_missing("cursor"))
    } else {
        request.and(query_param("cursor", format!("cursor-{number}")))
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

/// The requests to `path`, with `method`.
async fn requests_to(server: &MockServer, method: &str, path: &str) -> Vec<Request> {
    requests(server).await.into_iter().filter(|r| r.method.as_str() == method && r.url.path() == path).collect()
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

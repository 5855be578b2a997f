//! No credential is ever shown: not the client secret, not the Basic credentials of the token request,
//! not any access token the login service issued, in any of the forms they travel or are likely to be
//! mangled into (as given, URL-encoded, base64 and base64url). Checked through one client-credentials
//! export in which everything that handles a credential happens, against a local mock server (127.0.0.1
//! only): the login service is busy once (a retried token request), the first token expires at once (a
//! refresh), the API refuses the second with a 401 (a refetch), then answers 503 once (a retry).
//!
//! Where it is checked: the export tool's stderr and stdout, with `--verbose` and with `RUST_LOG` asking
//! every crate for TRACE ([`tool`]); `Debug` of the builder and the client, and `Debug` and `Display` of
//! every error of that flow ([`debug`]); and what every crate traces at TRACE in-process ([`traced`]).
//!
//! Each test first checks that the flow it was built for really happened (who was asked for what, with
//! which token), so that a clean output means the credentials went through the code that shows things.

use audit_tests::mock::{INTERVAL, TRANSACTION_ID, header, json_response, requests, token_answer};
use genesys_cloud_audit::models::{AuditLogMessage, AuditQueryRequest};
use genesys_cloud_audit::{Client, Error, WaitOptions};
use serde_json::{Value, json};
use wiremock::matchers::{self, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

mod debug;
mod tool;
mod traced;

const CLIENT_ID: &str = "secrets-test-client";
/// The client secret: distinctive, with characters that URL-encoding and base64 change.
const CLIENT_SECRET: &str = "Sk!9/vault+Qm=Zx@7#Lw";
/// The tokens the login service issues, in turn. The first expires at once, so the next call fetches the
/// second, which the API refuses, so the client fetches the third.
const TOKENS: [&str; 3] = ["tkn.first~Qm7vX2kR9pLs", "tkn.second~Hw4cN8tJ1yBd", "tkn.third~Fz6eU3gA5oVi"];
const TOKEN_PATH: &str = "/oauth/token";
const QUERY_PATH: &str = "/api/v2/audits/query";
/// How many entries the query's one page of results has.
const ENTRY_COUNT: usize = 3;

// ---------------------------------------------------------------------------------------------
// What must not be seen
// ---------------------------------------------------------------------------------------------

/// Every form of every credential that no output may contain.
fn forbidden() -> Vec<String> {
    let mut all = vec![basic_credentials()];
    for value in std::iter::once(CLIENT_SECRET).chain(TOKENS) {
        let base64 = base64(value.as_bytes());
        let base64url = base64.replace('+', "-").replace('/', "_").trim_end_matches('=').to_owned();
        all.extend([value.to_owned(), url_encoded(value), base64, base64url]);
    }
    // A token without characters to encode is its own URL-encoded form.
    all.sort();
    all.dedup();
    all
}

/// Fails, naming what it found, if `text` (which is `what`) contains any form of any credential.
#[track_caller]
fn assert_no_secret(what: &str, text: &str) {
    let found: Vec<String> = forbidden().into_iter().filter(|secret| text.contains(secret.as_str())).collect();
    assert!(found.is_empty(), "{what} shows {found:?}:\n{text}");
}

/// `base64(id:secret)`: the Basic credentials of the token request. The login service answers only a
/// request that carries them, which proves this encoder right.
fn basic_credentials() -> String {
    base64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
}

/// Standard base64, padded.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let bits = chunk.iter().enumerate().fold(0u32, |bits, (i, byte)| bits | u32::from(*byte) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(bits >> (18 - 6 * i) & 63) as usize]));
        }
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

/// Every byte but the unreserved ones percent-encoded, as in a query string or a form body.
fn url_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The mock server
// ---------------------------------------------------------------------------------------------

/// A well-formed client-credentials token request with the test's id and secret.
fn token_request() -> MockBuilder {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(matchers::header("authorization", format!("Basic {}", basic_credentials())))
        .and(matchers::body_string("grant_type=client_credentials"))
}

/// The login service: busy (503) once, then each of [`TOKENS`] in turn (the first expiring at once),
/// then the last one for ever. Any other request to it is answered 404, which the client reports.
async fn mount_login(server: &MockServer) {
    let busy = ResponseTemplate::new(503).insert_header("Retry-After", "0");
    let answers = [busy, token_answer(TOKENS[0], 0), token_answer(TOKENS[1], 3600), token_answer(TOKENS[2], 3600)];
    let last = answers.len() - 1;
    for (n, answer) in answers.into_iter().enumerate() {
        let mock = token_request().respond_with(answer);
        let mock = if n < last { mock.up_to_n_times(1) } else { mock };
        mock.mount(server).await;
    }
}

/// The API: it refuses the second token wherever it is sent (401); the submitted query is `Queued`; its
/// status answers 503 once, then `Succeeded`; its results are one page of [`ENTRY_COUNT`] entries.
async fn mount_api(server: &MockServer) {
    Mock::given(matchers::header("authorization", format!("Bearer {}", TOKENS[1])))
        .respond_with(refusal())
        .mount(server)
        .await;
    Mock::given(method("POST")).and(path(QUERY_PATH)).respond_with(status_answer("Queued")).mount(server).await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET")).and(path(status_path())).respond_with(status_answer("Succeeded")).mount(server).await;
    let page = json!({"id": TRANSACTION_ID, "pageSize": ENTRY_COUNT, "entities": entries()});
    Mock::given(method("GET")).and(path(results_path())).respond_with(json_response(200, page)).mount(server).await;
}

/// A mock server with the login service and the API of the whole flow.
async fn flow_server() -> MockServer {
    let server = MockServer::start().await;
    mount_login(&server).await;
    mount_api(&server).await;
    server
}

/// The API's answer to a token it does not accept.
fn refusal() -> ResponseTemplate {
    json_response(401, json!({"message": "Invalid login credentials.", "code": "bad.credentials", "status": 401}))
}

fn status_answer(state: &str) -> ResponseTemplate {
    json_response(200, json!({"id": TRANSACTION_ID, "state": state, "interval": INTERVAL}))
}

fn status_path() -> String {
    format!("{QUERY_PATH}/{TRANSACTION_ID}")
}

fn results_path() -> String {
    format!("{QUERY_PATH}/{TRANSACTION_ID}/results")
}

/// The entries the results page serves.
fn entries() -> Vec<Value> {
    (0..ENTRY_COUNT)
        .map(|n| {
            json!({
                "id": format!("5e0d3c2b-{n:04}-4a1f-9e8d-7c6b5a4f3e2d"),
                "serviceName": "Architect",
                "level": "USER",
                "action": "Publish",
                "status": "SUCCESS",
                "eventDate": "2024-03-05T14:22:07.417Z"
            })
        })
        .collect()
}

/// Each API request `server` received, as `METHOD path token` (`-` without a bearer token), in order.
async fn api_calls(server: &MockServer) -> Vec<String> {
    let calls = requests(server).await.into_iter().filter(|r| r.url.path() != TOKEN_PATH);
    calls
        .map(|r| {
            let token = header(&r, "authorization").and_then(|value| value.strip_prefix("Bearer ")).unwrap_or("-");
            format!("{} {} {token}", r.method, r.url.path())
        })
        .collect()
}

/// The number of token requests `server` received, each checked to carry the Basic credentials.
async fn token_requests(server: &MockServer) -> usize {
    let logins: Vec<_> = requests(server).await.into_iter().filter(|r| r.url.path() == TOKEN_PATH).collect();
    let basic = format!("Basic {}", basic_credentials());
    for login in &logins {
        assert_eq!(header(login, "authorization"), Some(basic.as_str()), "the token request's credentials");
    }
    logins.len()
}

/// Checks that the whole flow happened on `server`: four token requests (busy, then the three tokens),
/// the submit with the first token, the status with the second (refused, 401), with the third (503), and
/// again (`Succeeded`), then the results with the third.
async fn assert_flow_happened(server: &MockServer) {
    assert_eq!(token_requests(server).await, 4, "a busy login service, then one token per fetch");
    let [first, second, third] = TOKENS;
    let (status, results) = (status_path(), results_path());
    let expected = [
        format!("POST {QUERY_PATH} {first}"),
        format!("GET {status} {second}"),
        format!("GET {status} {third}"),
        format!("GET {status} {third}"),
        format!("GET {results} {third}"),
    ];
    assert_eq!(api_calls(server).await, expected, "refresh, 401 and refetch, 503 and retry");
}

// ---------------------------------------------------------------------------------------------
// The client, in-process
// ---------------------------------------------------------------------------------------------

/// A client with the test's client credentials, its API and login service at `server`.
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .login_url(server.uri())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .build()
        .expect("the client builds")
}

/// What the export tool does, in-process: submit the query, wait for it, read every entry.
async fn export(client: &Client) -> Result<Vec<AuditLogMessage>, Error> {
    use futures_util::TryStreamExt;
    let wait = WaitOptions::default().initial_interval(std::time::Duration::from_millis(10));
    let results = client.post_audits_query(AuditQueryRequest::new(INTERVAL)).wait_for_results(wait).await?;
    results.into_stream().try_collect().await
}

//! The client runtime against a local mock server (127.0.0.1 only): client-credentials auth (one token
//! fetched and reused, refreshed before expiry and after a 401, one token request for concurrent callers,
//! secrets kept out of `Debug` and `Display`), retries (which statuses and failures are retried for which
//! operations, `Retry-After`, attempt limits), pagination (cursor and page-number streams, laziness, a
//! repeated cursor or a redirect ending the stream), the waiter of async queries, the region table, and
//! answers from a newer server (unknown enum values and fields) decoding through a stream.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use audit_tests::mock::{
    BASIC_CREDENTIALS, CLIENT_ID, CLIENT_SECRET, INTERVAL, TRANSACTION_ID, requests, serve, token_answer,
};
use futures_util::{StreamExt, TryStreamExt};
use genesys_cloud_audit::models::{
    AuditLogMessage, AuditLogMessageLevel, AuditLogMessageStatus, AuditQueryRequest, AuditRealtimeQueryRequest,
};
use genesys_cloud_audit::{AuthError, Page, PageKey};
use genesys_cloud_audit::{Client, Error, Region, RetryPolicy, WaitOptions};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_string, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod auth;
mod pagination;
mod regions;
mod retries;
mod waiter;

const STATIC_TOKEN: &str = "static-token-4b7d";
const QUERY_PATH: &str = "/api/v2/audits/query";
const REALTIME_PATH: &str = "/api/v2/audits/query/realtime";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Answers with `answers` in turn, then repeats the last one.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    calls: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

fn sequence(answers: impl IntoIterator<Item = ResponseTemplate>) -> Sequence {
    let answers: Vec<_> = answers.into_iter().collect();
    assert!(!answers.is_empty());
    Sequence { answers, calls: AtomicUsize::new(0) }
}

/// Short backoffs so that retry tests stay fast.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(20))
}

/// A client for `base_url` with a static token and `retry`.
fn client_for(base_url: impl Into<String>, retry: RetryPolicy) -> Client {
    Client::builder().base_url(base_url).access_token(STATIC_TOKEN).retry(retry).build().expect("the client builds")
}

/// A client with client credentials, its API at `api` and its login service at `login`.
fn credentials_client(api: &MockServer, login: &MockServer) -> Client {
    Client::builder()
        .base_url(api.uri())
        .login_url(login.uri())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry())
        .build()
        .expect("the client builds")
}

/// A login service that issues tokens by `responder`, but only to a well-formed client-credentials
/// request (anything else gets a 404, which the client reports as refused).
async fn login_service(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", format!("Basic {BASIC_CREDENTIALS}")))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    requests(server).await.len()
}

/// The `Authorization` header of each request the server received, in order.
async fn authorizations(server: &MockServer) -> Vec<String> {
    requests(server)
        .await
        .iter()
        .map(|r| r.headers.get("authorization").map_or_else(String::new, |v| v.to_str().unwrap().to_owned()))
        .collect()
}

/// The raw query of each request the server received, in order.
async fn queries(server: &MockServer) -> Vec<Option<String>> {
    requests(server).await.iter().map(|r| r.url.query().map(str::to_owned)).collect()
}

fn status_of(state: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": TRANSACTION_ID, "state": state, "interval": INTERVAL}))
}

fn error_answer(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"message": "try later", "code": "x", "status": status}))
}

fn message(id: &str) -> Value {
    json!({"id": id, "serviceName": "Routing", "level": "USER", "action": "MemberAdd", "status": "SUCCESS"})
}

fn ids(items: &[AuditLogMessage]) -> Vec<&str> {
    items.iter().map(|m| m.id.as_deref().unwrap()).collect()
}

/// A page of async-query results with entities `ids` and the next `cursor`.
fn cursor_page(ids: &[&str], cursor: Option<&str>) -> ResponseTemplate {
    let entities: Vec<Value> = ids.iter().map(|id| message(id)).collect();
    let mut body = json!({"id": TRANSACTION_ID, "pageSize": 2, "entities": entities});
    if let Some(cursor) = cursor {
        body["cursor"] = json!(cursor);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

fn results_path() -> String {
    format!("{QUERY_PATH}/{TRANSACTION_ID}/results")
}

/// Mounts three pages of results under the results path: `e1 e2` (cursor `c1`), `e3 e4` (cursor `c2`),
/// `e5` (no cursor).
async fn mount_three_cursor_pages(server: &MockServer) {
    let pages = [
        (None, cursor_page(&["e1", "e2"], Some("c1"))),
        (Some("c1"), cursor_page(&["e3", "e4"], Some("c2"))),
        (Some("c2"), cursor_page(&["e5"], None)),
    ];
    for (cursor, page) in pages {
        let mock = Mock::given(method("GET")).and(path(results_path()));
        let mock = match cursor {
            None => mock.and(query_param_is_missing("cursor")),
            Some(cursor) => mock.and(query_param("cursor", cursor)),
        };
        mock.respond_with(page).mount(server).await;
    }
}

/// A page of realtime results.
fn realtime_page(ids: &[&str], page_number: i32, page_count: i32) -> ResponseTemplate {
    let entities: Vec<Value> = ids.iter().map(|id| message(id)).collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "entities": entities, "pageSize": 2, "pageNumber": page_number, "pageCount": page_count, "total": 5
    }))
}

/// Answers a realtime query with the page its body's `pageNumber` asks for (1-based; past the end, the
/// last page).
struct RealtimePages(Vec<ResponseTemplate>);

impl Respond for RealtimePages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let number = body["pageNumber"].as_u64().expect("pageNumber is sent") as usize;
        self.0[(number.max(1) - 1).min(self.0.len() - 1)].clone()
    }
}

/// The `pageNumber` of each realtime request the server received, in order.
async fn page_numbers(server: &MockServer) -> Vec<Value> {
    requests(server)
        .await
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).expect("a JSON body")["pageNumber"].clone())
        .collect()
}

fn fast_wait() -> WaitOptions {
    WaitOptions::default()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(5))
}

/// A server for the async query: submit answers `submitted`, the status call answers `states` in turn,
/// and the results are two pages (`r1 r2`, then `r3`).
async fn async_query_server(submitted: ResponseTemplate, states: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(QUERY_PATH)).respond_with(submitted).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{QUERY_PATH}/{TRANSACTION_ID}")))
        .respond_with(sequence(states.iter().map(|s| status_of(s))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param_is_missing("cursor"))
        .respond_with(cursor_page(&["r1", "r2"], Some("next")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("cursor", "next"))
        .respond_with(cursor_page(&["r3"], None))
        .mount(&server)
        .await;
    server
}

/// How many requests `server` got for `method` and `path`.
async fn count_of(server: &MockServer, method: &str, path: &str) -> usize {
    requests(server).await.iter().filter(|r| r.method.as_str() == method && r.url.path() == path).count()
}

//! The client runtime against a local mock server (127.0.0.1 only): client-credentials auth (one token
//! fetched and reused, refreshed before expiry and after a 401, one token request for concurrent callers,
//! secrets kept out of `Debug` and `Display`), retries (which statuses and failures are retried for which
//! operations, `Retry-After`, attempt limits), pagination (cursor and page-number streams, laziness, a
//! repeated cursor or a redirect ending the stream), the waiter of async queries, the region table, and
//! answers from a newer server (unknown enum values and fields) decoding through a stream.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use genesys_cloud_audit::models::{
    AuditLogMessage, AuditLogMessageLevel, AuditLogMessageStatus, AuditQueryRequest, AuditRealtimeQueryRequest,
};
use genesys_cloud_audit::runtime::AuthError;
use genesys_cloud_audit::{Client, Error, Region, RetryPolicy, WaitOptions};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_string, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "audit-client";
const CLIENT_SECRET: &str = "s3cr3t-Pa55w0rd-9f8e";
/// `base64("audit-client:s3cr3t-Pa55w0rd-9f8e")`.
const BASIC: &str = "Basic YXVkaXQtY2xpZW50OnMzY3IzdC1QYTU1dzByZC05Zjhl";
const STATIC_TOKEN: &str = "static-token-4b7d";
const TRANSACTION_ID: &str = "3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19";
const INTERVAL: &str = "2024-03-01T00:00:00Z/2024-03-05T00:00:00Z";
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

/// A mock server answering every request with `responder`.
async fn serve(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(responder).mount(&server).await;
    server
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

fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in}))
}

/// A login service that issues tokens by `responder`, but only to a well-formed client-credentials
/// request (anything else gets a 404, which the client reports as refused).
async fn login_service(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
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

// ---------------------------------------------------------------------------------------------
// Auth: client credentials
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn token_is_fetched_once_and_sent_as_bearer_on_every_call() {
    let login = login_service(token_answer("tok-1", 3600)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    for _ in 0..3 {
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    }
    let token_requests = requests(&login).await;
    assert_eq!(token_requests.len(), 1);
    let token_request = &token_requests[0];
    assert_eq!(token_request.method.as_str(), "POST");
    assert_eq!(token_request.url.path(), "/oauth/token");
    assert_eq!(token_request.headers.get("authorization").unwrap(), BASIC);
    assert_eq!(token_request.body, b"grant_type=client_credentials");
    assert_eq!(authorizations(&api).await, ["Bearer tok-1"; 3]);
}

#[tokio::test]
async fn short_lived_token_is_refreshed_once_it_expires() {
    let login = login_service(sequence([token_answer("tok-1", 1), token_answer("tok-2", 1)])).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn api_401_gets_a_new_token_and_retries_once() {
    let login = login_service(sequence([token_answer("tok-1", 3600), token_answer("tok-2", 3600)])).await;
    let api = serve(sequence([error_answer(401), status_of("Running")])).await;
    let client = credentials_client(&api, &login);
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(status.id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn second_401_is_returned_as_an_api_error() {
    let login = login_service(sequence([token_answer("tok-1", 3600), token_answer("tok-2", 3600)])).await;
    let api = serve(error_answer(401)).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("401 twice");
    assert!(matches!(&err, Error::Api(api) if api.status == 401), "{err:?}");
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn concurrent_calls_on_a_cold_client_make_one_token_request() {
    let login = login_service(token_answer("tok-1", 3600).set_delay(Duration::from_millis(300))).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        calls.spawn(async move { client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.map(|_| ()) });
    }
    let outcomes: Vec<_> = calls.join_all().await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(request_count(&login).await, 1);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1"; 10]);
}

#[tokio::test]
async fn refused_token_request_is_an_auth_error_and_the_api_is_not_called() {
    let refusal = json!({"error": "invalid_client", "description": "client authentication failed"});
    let login = login_service(ResponseTemplate::new(401).set_body_json(&refusal)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("refused");
    match &err {
        Error::Auth { operation, source: AuthError::Refused { url, status, body } } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert_eq!(url, &format!("{}/oauth/token", login.uri()));
            assert_eq!(*status, 401);
            assert_eq!(serde_json::from_str::<Value>(body).unwrap(), refusal);
        }
        other => panic!("expected Error::Auth(Refused), got {other:?}"),
    }
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(CLIENT_SECRET), "{text}");
    }
    assert_eq!(request_count(&login).await, 1);
    assert_eq!(request_count(&api).await, 0);
}

#[tokio::test]
async fn secrets_and_tokens_stay_out_of_debug_and_display() {
    let builder = Client::builder().base_url("https://api.mypurecloud.ie").client_credentials(CLIENT_ID, CLIENT_SECRET);
    let text = format!("{builder:?}");
    assert!(!text.contains(CLIENT_SECRET) && text.contains("<redacted>"), "{text}");
    let text = format!("{:?}", Client::builder().access_token(STATIC_TOKEN));
    assert!(!text.contains(STATIC_TOKEN) && text.contains("<redacted>"), "{text}");
    let text = format!("{:?}", client_for("https://api.mypurecloud.ie", RetryPolicy::none()));
    assert!(!text.contains(STATIC_TOKEN), "{text}");

    // A client holding a fetched token.
    let login = login_service(token_answer("tok-held-7c1a", 3600)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    let text = format!("{client:?}");
    assert!(!text.contains(CLIENT_SECRET) && !text.contains("tok-held-7c1a"), "{text}");

    // An auth error from an answer that carries a token of the wrong type.
    let answer = json!({"access_token": "tok-mac-5e2f", "token_type": "mac", "expires_in": 3600});
    let login = login_service(ResponseTemplate::new(200).set_body_json(answer)).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("not bearer");
    assert!(matches!(&err, Error::Auth { source: AuthError::InvalidAnswer { .. }, .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(CLIENT_SECRET) && !text.contains("tok-mac-5e2f"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_is_waited_for_then_the_call_succeeds() {
    let server = serve(sequence([error_answer(429).insert_header("Retry-After", "1"), status_of("Running")])).await;
    let client = client_for(server.uri(), fast_retry());
    let started = Instant::now();
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "waited only {elapsed:?}");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn bad_gateway_then_unavailable_then_success_on_a_get() {
    let server = serve(sequence([error_answer(502), error_answer(503), status_of("Running")])).await;
    let client = client_for(server.uri(), fast_retry());
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(status.id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn endless_503_is_an_api_error_after_max_attempts() {
    let server = serve(error_answer(503)).await;
    let client = client_for(server.uri(), fast_retry().max_attempts(4));
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("always 503");
    assert_eq!(err.as_api().map(|api| api.status), Some(503), "{err:?}");
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn retry_policy_none_sends_one_request() {
    let server = serve(error_answer(503)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn bad_gateway_on_the_non_idempotent_query_post_is_not_retried() {
    let server = serve(sequence([error_answer(502), status_of("Queued")])).await;
    let client = client_for(server.uri(), fast_retry());
    let err = client.post_audits_query(AuditQueryRequest::new(INTERVAL)).send().await.expect_err("502");
    assert_eq!(err.status(), Some(502));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn bad_gateway_on_the_idempotent_realtime_post_is_retried() {
    let server = serve(sequence([error_answer(502), realtime_page(&["a1"], 1, 1)])).await;
    let client = client_for(server.uri(), fast_retry());
    let page = client.post_audits_query_realtime(AuditRealtimeQueryRequest::new(INTERVAL)).send().await.unwrap();
    assert_eq!(ids(&page.entities.unwrap()), ["a1"]);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn timeout_on_the_query_post_is_not_retried() {
    let server = serve(status_of("Queued").set_delay(Duration::from_secs(1))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(STATIC_TOKEN)
        .retry(fast_retry())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.post_audits_query(AuditQueryRequest::new(INTERVAL)).send().await.expect_err("times out");
    assert!(matches!(err, Error::Timeout { operation: "postAuditsQuery", .. }), "{err:?}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn timeout_on_a_get_is_retried() {
    let server = serve(status_of("Running").set_delay(Duration::from_secs(1))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(STATIC_TOKEN)
        .retry(fast_retry().max_attempts(3))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("times out");
    assert!(matches!(err, Error::Timeout { operation: "getAuditsQueryTransactionId", .. }), "{err:?}");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn retry_after_beyond_the_policy_limit_is_not_waited_for() {
    let server = serve(error_answer(429).insert_header("Retry-After", "30")).await;
    let client = client_for(server.uri(), fast_retry().max_retry_after(Duration::from_secs(5)));
    let started = Instant::now();
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
    assert_eq!(err.status(), Some(429));
    assert_eq!(request_count(&server).await, 1);
}

/// A local port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_transport_error() {
    let client = client_for(format!("http://127.0.0.1:{}", closed_port()), fast_retry().max_attempts(3));
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("refused");
    match &err {
        Error::Transport { operation, source } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert!(source.is_connect(), "{source:?}");
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}

/// The attempts on a refused connection are counted by starting the server on that port after the
/// first one: the call still succeeds, with one request reaching the server. It is a `postAuditsQuery`,
/// which is not idempotent: a connection that never opened sent nothing, so it is retried all the same.
#[tokio::test]
async fn connection_refused_is_retried_until_the_server_is_up() {
    let port = closed_port();
    let client = client_for(format!("http://127.0.0.1:{port}"), fast_retry().max_attempts(100));
    let call = client.post_audits_query(AuditQueryRequest::new(INTERVAL)).send();
    let start_server = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free again");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(any()).respond_with(status_of("Queued")).mount(&server).await;
        server
    };
    let (outcome, server) = tokio::join!(call, start_server);
    assert_eq!(outcome.unwrap().id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(request_count(&server).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cursor_stream_yields_every_page_in_order() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let items: Vec<AuditLogMessage> = client
        .get_audits_query_transaction_id_results(TRANSACTION_ID)
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["e1", "e2", "e3", "e4", "e5"]);
    let expected = [Some("pageSize=2"), Some("cursor=c1&pageSize=2"), Some("cursor=c2&pageSize=2")];
    assert_eq!(queries(&server).await, expected.map(|q| q.map(str::to_owned)));
}

#[tokio::test]
async fn cursor_pages_yields_three_pages() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let pages: Vec<Vec<AuditLogMessage>> = client
        .get_audits_query_transaction_id_results(TRANSACTION_ID)
        .page_size(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    let pages: Vec<Vec<&str>> = pages.iter().map(|page| ids(page)).collect();
    assert_eq!(pages, [vec!["e1", "e2"], vec!["e3", "e4"], vec!["e5"]]);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn stream_is_lazy() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let mut stream =
        std::pin::pin!(client.get_audits_query_transaction_id_results(TRANSACTION_ID).page_size(2).into_stream());
    let first = stream.next().await.expect("an item").unwrap();
    assert_eq!(first.id.as_deref(), Some("e1"));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn repeated_cursor_ends_the_stream_with_an_error() {
    let server = serve(cursor_page(&["e1", "e2"], Some("same"))).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let stream = client.get_audits_query_transaction_id_results(TRANSACTION_ID).into_stream();
    let outcomes: Vec<Result<AuditLogMessage, Error>> = tokio::time::timeout(Duration::from_secs(5), stream.collect())
        .await
        .expect("the stream ends instead of looping");
    // The first page and page `same` are fetched once each; page `same` naming itself ends the stream.
    assert_eq!(outcomes.len(), 5, "{outcomes:?}");
    let ids: Vec<_> = outcomes[..4].iter().map(|o| o.as_ref().unwrap().id.clone().unwrap()).collect();
    assert_eq!(ids, ["e1", "e2", "e1", "e2"]);
    assert!(
        matches!(&outcomes[4], Err(Error::UnexpectedResponse { operation: "getAuditsQueryTransactionIdResults", .. })),
        "{:?}",
        outcomes[4]
    );
    assert_eq!(queries(&server).await, [None, Some("cursor=same".to_owned())]);
}

/// Answers by cursor: no cursor → page with `c1`, `c1` → `c2`, `c2` → back to `c1`.
struct CursorCycle;

impl Respond for CursorCycle {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let cursor = request.url.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned());
        match cursor.as_deref() {
            None => cursor_page(&["p0"], Some("c1")),
            Some("c1") => cursor_page(&["p1"], Some("c2")),
            _ => cursor_page(&["p2"], Some("c1")),
        }
    }
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_stream_with_an_error_after_every_page() {
    let server = serve(CursorCycle).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let stream = client.get_audits_query_transaction_id_results(TRANSACTION_ID).into_stream();
    let outcomes: Vec<Result<AuditLogMessage, Error>> = tokio::time::timeout(Duration::from_secs(5), stream.collect())
        .await
        .expect("the stream ends instead of looping");
    let ids: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()?.id.clone()).collect();
    assert_eq!(ids, ["p0", "p1", "p2"]);
    assert!(matches!(outcomes.last(), Some(Err(Error::UnexpectedResponse { .. }))), "{outcomes:?}");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn redirect_to_a_download_ends_the_stream_with_an_error() {
    let body = json!({"id": TRANSACTION_ID, "downloadUrl": "https://download.example/results.json.gz"});
    let server = serve(ResponseTemplate::new(302).set_body_json(body).insert_header("Location", "/elsewhere")).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let outcomes: Vec<Result<AuditLogMessage, Error>> = client
        .get_audits_query_transaction_id_results(TRANSACTION_ID)
        .allow_redirect(true)
        .into_stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(
        matches!(&outcomes[0], Err(Error::UnexpectedResponse { operation: "getAuditsQueryTransactionIdResults", .. })),
        "{:?}",
        outcomes[0]
    );
    assert_eq!(queries(&server).await, [Some("allowRedirect=true".to_owned())]);
}

#[tokio::test]
async fn realtime_stream_pages_by_page_number_up_to_page_count() {
    let pages =
        vec![realtime_page(&["a1", "a2"], 1, 3), realtime_page(&["a3", "a4"], 2, 3), realtime_page(&["a5"], 3, 3)];
    let server = serve(RealtimePages(pages)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let body = AuditRealtimeQueryRequest::new(INTERVAL).with_page_size(2);
    let items: Vec<AuditLogMessage> =
        client.post_audits_query_realtime(body).into_stream().try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a1", "a2", "a3", "a4", "a5"]);
    assert_eq!(page_numbers(&server).await, [json!(1), json!(2), json!(3)]);
    for request in requests(&server).await {
        assert_eq!((request.method.as_str(), request.url.path()), ("POST", REALTIME_PATH));
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!((&body["interval"], &body["pageSize"]), (&json!(INTERVAL), &json!(2)));
    }
}

#[tokio::test]
async fn realtime_stream_stops_at_an_empty_page() {
    let pages = vec![realtime_page(&["a1", "a2"], 1, 5), realtime_page(&[], 2, 5), realtime_page(&["a5"], 3, 5)];
    let server = serve(RealtimePages(pages)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let items: Vec<AuditLogMessage> = client
        .post_audits_query_realtime(AuditRealtimeQueryRequest::new(INTERVAL))
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a1", "a2"]);
    assert_eq!(page_numbers(&server).await, [json!(1), json!(2)]);
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode_through_the_stream() {
    let entity = json!({
        "id": "n1", "level": "QUANTUM", "status": "PARTIAL", "brandNewField": {"nested": [1, 2]}, "action": "Publish"
    });
    let page = json!({"id": TRANSACTION_ID, "entities": [entity], "newTopLevel": true});
    let server = serve(ResponseTemplate::new(200).set_body_json(page)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let items: Vec<AuditLogMessage> =
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).into_stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.level, Some(AuditLogMessageLevel::from("QUANTUM")));
    assert!(matches!(&item.level, Some(AuditLogMessageLevel::Unrecognized(v)) if v.as_str() == "QUANTUM"));
    assert!(matches!(&item.status, Some(AuditLogMessageStatus::Unrecognized(v)) if v.as_str() == "PARTIAL"));
    assert_eq!(item.action.as_deref(), Some("Publish"));
    assert_eq!(item.additional_properties.get("brandNewField"), Some(&json!({"nested": [1, 2]})));
    assert_eq!(serde_json::to_value(item).unwrap(), entity);
}

// ---------------------------------------------------------------------------------------------
// The waiter
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn waiter_polls_until_succeeded_then_streams_the_results() {
    let server = async_query_server(status_of("Queued"), &["Queued", "Running", "Succeeded"]).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let results =
        client.post_audits_query(AuditQueryRequest::new(INTERVAL)).wait_for_results(fast_wait()).await.unwrap();
    let items: Vec<AuditLogMessage> = results.page_size(2).into_stream().try_collect().await.unwrap();
    assert_eq!(ids(&items), ["r1", "r2", "r3"]);
    assert_eq!(count_of(&server, "POST", QUERY_PATH).await, 1);
    assert_eq!(count_of(&server, "GET", &format!("{QUERY_PATH}/{TRANSACTION_ID}")).await, 3);
    assert_eq!(count_of(&server, "GET", &results_path()).await, 2);
}

/// Waits for a job whose status goes through `states`; returns the error and the server.
async fn failed_wait(states: &[&str], options: WaitOptions) -> (Error, MockServer) {
    let server = async_query_server(status_of("Queued"), states).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let err =
        client.post_audits_query(AuditQueryRequest::new(INTERVAL)).wait_for_results(options).await.expect_err("fails");
    (err, server)
}

#[tokio::test]
async fn waiter_reports_a_failed_job() {
    let (err, server) = failed_wait(&["Running", "Failed"], fast_wait()).await;
    assert!(
        matches!(&err, Error::WaitFailed { operation: "getAuditsQueryTransactionId", state } if state == "Failed"),
        "{err:?}"
    );
    assert_eq!(count_of(&server, "GET", &results_path()).await, 0);
}

#[tokio::test]
async fn waiter_reports_a_cancelled_job() {
    let (err, _server) = failed_wait(&["Queued", "Cancelled"], fast_wait()).await;
    assert!(
        matches!(&err, Error::WaitFailed { operation: "getAuditsQueryTransactionId", state } if state == "Cancelled"),
        "{err:?}"
    );
}

#[tokio::test]
async fn waiter_times_out_on_a_job_that_keeps_running() {
    let started = Instant::now();
    let (err, _server) = failed_wait(&["Running"], fast_wait().deadline(Duration::from_millis(150))).await;
    match &err {
        Error::WaitTimedOut { operation, state, waited } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert_eq!(state, "Running");
            assert!(*waited >= Duration::from_millis(150), "{waited:?}");
        }
        other => panic!("expected Error::WaitTimedOut, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn waiter_needs_an_id_in_the_submit_answer() {
    let submitted = ResponseTemplate::new(200).set_body_json(json!({"state": "Queued"}));
    let server = async_query_server(submitted, &["Succeeded"]).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let err = client
        .post_audits_query(AuditQueryRequest::new(INTERVAL))
        .wait_for_results(fast_wait())
        .await
        .expect_err("no id");
    assert!(matches!(err, Error::UnexpectedResponse { operation: "postAuditsQuery", .. }), "{err:?}");
    assert_eq!(request_count(&server).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

#[test]
fn region_parses_from_its_name() {
    let region: Region = "eu-west-1".parse().unwrap();
    assert_eq!(region, Region::EuWest1);
    assert_eq!(region.name(), "eu-west-1");
    assert_eq!(region.to_string(), "eu-west-1");
    assert_eq!(region.api_url(), "https://api.mypurecloud.ie");
    assert_eq!(region.login_url(), "https://login.mypurecloud.ie");
}

#[test]
fn every_region_has_a_distinct_name_and_matching_api_and_login_hosts() {
    assert_eq!(Region::ALL.len(), 17);
    let names: std::collections::BTreeSet<&str> = Region::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(names.len(), 17);
    for region in Region::ALL {
        let host =
            region.api_url().strip_prefix("https://api.").unwrap_or_else(|| panic!("{region}: {}", region.api_url()));
        assert_eq!(region.login_url(), format!("https://login.{host}"), "{region}");
        assert_eq!(region.name().parse::<Region>().as_ref(), Ok(region));
    }
}

#[test]
fn unknown_region_error_lists_the_valid_names() {
    let err = "eu-west-9".parse::<Region>().expect_err("unknown");
    let text = err.to_string();
    assert!(text.starts_with("unknown region \"eu-west-9\": expected one of "), "{text}");
    for region in Region::ALL {
        assert!(text.contains(region.name()), "{text} lacks {region}");
    }
}

#[tokio::test]
async fn busy_login_service_is_retried_before_the_token_is_given_up() {
    let login = login_service(sequence([error_answer(503), error_answer(429), token_answer("fresh", 3600)])).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect("the third token request succeeds");
    assert_eq!(request_count(&login).await, 3);
    assert_eq!(authorizations(&api).await, ["Bearer fresh"]);
}

#[tokio::test]
async fn realtime_pages_without_a_page_count_go_on_until_an_empty_page() {
    let page = |ids: &[&str], number: i32| {
        let entities: Vec<Value> = ids.iter().map(|id| message(id)).collect();
        ResponseTemplate::new(200).set_body_json(json!({"entities": entities, "pageNumber": number}))
    };
    let pages = vec![page(&["a1"], 1), page(&["a2"], 2), page(&[], 3)];
    let server = serve(RealtimePages(pages)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let items: Vec<AuditLogMessage> = client
        .post_audits_query_realtime(AuditRealtimeQueryRequest::new(INTERVAL))
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a1", "a2"]);
    assert_eq!(page_numbers(&server).await, [json!(1), json!(2), json!(3)]);
}

/// A server on 127.0.0.1 whose first answer stops halfway through its body, and whose later answers are
/// `body` whole; it counts the connections it took.
async fn cut_then_whole(body: String) -> (String, std::sync::Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let sent = if n == 0 { &body[..body.len() / 2] } else { body.as_str() };
            let _ = socket.write_all(format!("{head}{sent}").as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (base, connections)
}

#[tokio::test]
async fn connection_lost_in_the_body_is_retried_for_a_get() {
    let body = json!({"id": TRANSACTION_ID, "state": "Running"}).to_string();
    let (base, connections) = cut_then_whole(body).await;
    let client = client_for(base, fast_retry());
    let status =
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect("the second attempt reads it all");
    assert_eq!(status.id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn connection_lost_in_the_body_is_not_retried_for_the_query_post() {
    let body = json!({"id": TRANSACTION_ID, "state": "Queued"}).to_string();
    let (base, connections) = cut_then_whole(body).await;
    let client = client_for(base, fast_retry());
    let err = client.post_audits_query(AuditQueryRequest::new(INTERVAL)).send().await.expect_err("not retried");
    assert!(matches!(err, Error::Transport { operation: "postAuditsQuery", .. }), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

//! What goes over the wire: each operation's method, path, headers, query and body, against a local
//! mock server (127.0.0.1 only), and how the client turns the server's answers (success, 302, API
//! errors, bodies that do not match the spec) into values and errors. Also the client's configuration:
//! base URLs with a path prefix, invalid base URLs, and the token kept out of `Debug` output.

use std::time::Duration;

use audit_tests::mock::{CORRELATION_ID, INTERVAL, TRANSACTION_ID, header, json_response};
use genesys_cloud_audit::models::{
    AuditQueryExecutionResultsResponse, AuditQueryExecutionStatusResponseState, AuditQueryFilter,
    AuditQueryFilterProperty, AuditQueryRequest, AuditQuerySort, AuditQuerySortName, AuditQuerySortOrder,
    AuditRealtimeQueryRequest, AuditRealtimeRelatedRequest, ErrorBody, GetAuditsQueryTransactionIdResultsExpand,
    PostAuditsQueryRealtimeExpand, PostAuditsQueryRealtimeRelatedExpand,
};
use genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResultsOutput;
use genesys_cloud_audit::{ApiError, BuildError, DecodeError};
use genesys_cloud_audit::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod api_errors;
mod configuration;
mod decode_errors;
mod metadata;
mod operations;
mod path_parameters;
mod query_parameters;

const TOKEN: &str = "test-token";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client for `base_url` with the test token.
fn client_for(base_url: impl Into<String>) -> Client {
    Client::builder().base_url(base_url).access_token(TOKEN).build().expect("the client builds")
}

/// A mock server answering every request with `template`, and a client for it.
async fn serve(template: ResponseTemplate) -> (MockServer, Client) {
    let server = audit_tests::mock::serve(template).await;
    let client = client_for(server.uri());
    (server, client)
}

/// A mock server answering every request with `status` and the JSON `body`, and a client for it.
async fn serve_json(status: u16, body: Value) -> (MockServer, Client) {
    serve(json_response(status, body)).await
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:?}");
    requests.remove(0)
}

/// Checks method, exact (percent-encoded) path and the headers every request carries.
fn assert_request(request: &Request, method: &str, path: &str) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(header(request, "authorization"), Some("Bearer test-token"));
    assert_eq!(header(request, "accept"), Some("application/json"));
}

/// Checks a GET request: no body, no query.
fn assert_get(request: &Request, path: &str) {
    assert_request(request, "GET", path);
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty(), "a GET carries no body");
    assert_eq!(header(request, "content-type"), None);
}

/// Checks a POST request and its JSON body.
fn assert_post(request: &Request, path: &str, query: Option<&str>, body: Value) {
    assert_request(request, "POST", path);
    assert_eq!(request.url.query(), query);
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(serde_json::from_slice::<Value>(&request.body).expect("a JSON body"), body);
}

/// The fixture page of audit results as JSON.
fn results_page() -> Value {
    let path = audit_tests::data_fixture("audit-results-page.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn status_response(state: &str) -> Value {
    json!({
        "id": TRANSACTION_ID,
        "state": state,
        "startDate": "2024-03-05T14:20:00.125Z",
        "interval": INTERVAL,
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Publish"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}]
    })
}

fn service_mapping() -> Value {
    json!({"services": [
        {"name": "Architect", "entities": [{"name": "Flow", "actions": ["Create", "Publish", "Delete"]}]},
        {"name": "Directory", "entities": [{"name": "User", "actions": ["Update"]}]}
    ]})
}

fn audit_message(id: &str) -> Value {
    json!({
        "id": id,
        "user": {"id": "6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b", "name": "Dana Whitfield"},
        "serviceName": "Routing",
        "level": "USER",
        "eventDate": "2024-03-05T14:22:31.417Z",
        "action": "MemberAdd",
        "entityType": "Queue",
        "status": "SUCCESS"
    })
}

fn error_body(status: u16, code: &str, message: &str) -> Value {
    json!({"message": message, "code": code, "status": status, "contextId": "c0ffee00-1234-4cde-8f00-112233445566", "details": [], "errors": []})
}

/// The API error in `err`, or a panic naming what it is instead.
fn api_error(err: Error) -> Box<ApiError<ErrorBody>> {
    match err {
        Error::Api(api) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// The decode error in `err`, or a panic naming what it is instead.
fn decode_error(err: Error) -> Box<DecodeError> {
    match err {
        Error::Decode(decode) => decode,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

/// Calls the results operation against a server answering `status` and `body`.
async fn results_error(status: u16, body: Value) -> Error {
    let (_server, client) = serve_json(status, body).await;
    client.get_audits_query_transaction_id_results(TRANSACTION_ID).send().await.expect_err("the call fails")
}

/// Calls the results operation with a 200 whose body is `raw`, returning the decode error.
async fn results_decode_error(raw: &str) -> Box<DecodeError> {
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_raw(raw.to_owned(), "application/json")).await;
    decode_error(client.get_audits_query_transaction_id_results(TRANSACTION_ID).send().await.expect_err("undecodable"))
}

// ---------------------------------------------------------------------------------------------
// 302: large results
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn found_gives_the_download_url_and_is_not_followed() {
    let download_url = "https://prod-audit-results.s3.amazonaws.com/3f0c1e6a/results.json.gz?X-Amz-Signature=abc123";
    let body = json!({"id": TRANSACTION_ID, "pageSize": 500, "cursor": "eyJwIjoyfQ==", "downloadUrl": download_url});
    let server = MockServer::start().await;
    let template = ResponseTemplate::new(302)
        .set_body_json(body)
        .insert_header("Location", format!("{}/elsewhere", server.uri()).as_str());
    Mock::given(any()).respond_with(template).mount(&server).await;
    let client = client_for(server.uri());
    let output =
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).allow_redirect(true).send().await.unwrap();
    match output {
        GetAuditsQueryTransactionIdResultsOutput::Found(large) => {
            assert_eq!(large.download_url.as_deref(), Some(download_url));
            assert_eq!(large.page_size, Some(500));
        }
        other => panic!("expected Found, got {other:?}"),
    }
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), format!("/api/v2/audits/query/{TRANSACTION_ID}/results"));
}

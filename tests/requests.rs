//! What goes over the wire: each operation's method, path, headers, query and body, against a local
//! mock server (127.0.0.1 only), and how the client turns the server's answers (success, 302, API
//! errors, bodies that do not match the spec) into values and errors. Also the client's configuration:
//! base URLs with a path prefix, invalid base URLs, and the token kept out of `Debug` output.

use std::time::Duration;

use genesys_cloud_audit::models::{
    AuditQueryExecutionResultsResponse, AuditQueryExecutionStatusResponseState, AuditQueryFilter,
    AuditQueryFilterProperty, AuditQueryRequest, AuditQuerySort, AuditQuerySortName, AuditQuerySortOrder,
    AuditRealtimeQueryRequest, AuditRealtimeRelatedRequest, ErrorBody, GetAuditsQueryTransactionIdResultsExpand,
    PostAuditsQueryRealtimeExpand, PostAuditsQueryRealtimeRelatedExpand,
};
use genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResultsOutput;
use genesys_cloud_audit::runtime::{ApiError, BuildError, DecodeError};
use genesys_cloud_audit::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";
const TRANSACTION_ID: &str = "3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19";
const CORRELATION_ID: &str = "8d1c4f2e-6a3b-4e9d-b7c5-0f2a9e4d6b13";
const INTERVAL: &str = "2024-03-01T00:00:00Z/2024-03-05T00:00:00Z";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A client for `base_url` with the test token.
fn client_for(base_url: impl Into<String>) -> Client {
    Client::builder().base_url(base_url).access_token(TOKEN).build().expect("the client builds")
}

/// A mock server answering every request with `template`, and a client for it.
async fn serve(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    let client = client_for(server.uri());
    (server, client)
}

/// A mock server answering every request with `status` and the JSON `body`, and a client for it.
async fn serve_json(status: u16, body: Value) -> (MockServer, Client) {
    serve(ResponseTemplate::new(status).set_body_json(body).insert_header("ININ-Correlation-Id", CORRELATION_ID)).await
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:?}");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).map(|value| value.to_str().expect("an ASCII header"))
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
// Every operation, once
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_realtime_servicemapping_request_and_response() {
    let (server, client) = serve_json(200, service_mapping()).await;
    let mapping = client.get_audits_query_realtime_servicemapping().send().await.unwrap();
    assert_get(&only_request(&server).await, "/api/v2/audits/query/realtime/servicemapping");
    let services = mapping.services.unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(services[0].name.as_deref(), Some("Architect"));
    let actions = services[0].entities.as_ref().unwrap()[0].actions.clone();
    assert_eq!(actions, Some(vec!["Create".to_owned(), "Publish".to_owned(), "Delete".to_owned()]));
}

#[tokio::test]
async fn get_servicemapping_request_and_response() {
    let (server, client) = serve_json(200, service_mapping()).await;
    let mapping = client.get_audits_query_servicemapping().send().await.unwrap();
    assert_get(&only_request(&server).await, "/api/v2/audits/query/servicemapping");
    assert_eq!(mapping.services.unwrap()[1].name.as_deref(), Some("Directory"));
}

#[tokio::test]
async fn get_transaction_id_request_and_response() {
    let (server, client) = serve_json(200, status_response("Running")).await;
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_get(&only_request(&server).await, &format!("/api/v2/audits/query/{TRANSACTION_ID}"));
    assert_eq!(status.id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Running));
    assert_eq!(status.interval.as_deref(), Some(INTERVAL));
}

#[tokio::test]
async fn get_transaction_id_results_request_and_response() {
    let (server, client) = serve_json(200, results_page()).await;
    let output = client.get_audits_query_transaction_id_results(TRANSACTION_ID).send().await.unwrap();
    assert_get(&only_request(&server).await, &format!("/api/v2/audits/query/{TRANSACTION_ID}/results"));
    let expected: AuditQueryExecutionResultsResponse = serde_json::from_value(results_page()).unwrap();
    assert_eq!(output, GetAuditsQueryTransactionIdResultsOutput::Ok(expected));
}

#[tokio::test]
async fn post_query_request_and_response() {
    let (server, client) = serve_json(200, status_response("Queued")).await;
    let body = AuditQueryRequest::new(INTERVAL)
        .with_service_name("Architect")
        .with_filters([AuditQueryFilter::new(AuditQueryFilterProperty::Action, "Publish")])
        .with_sort([AuditQuerySort::new(AuditQuerySortName::Timestamp, AuditQuerySortOrder::Descending)]);
    let status = client.post_audits_query(body).send().await.unwrap();
    let expected_body = json!({
        "interval": INTERVAL,
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Publish"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}]
    });
    assert_post(&only_request(&server).await, "/api/v2/audits/query", None, expected_body);
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Queued));
}

#[tokio::test]
async fn post_query_leaves_unset_fields_out_of_the_body() {
    let (server, client) = serve_json(200, status_response("Queued")).await;
    client.post_audits_query(AuditQueryRequest::new(INTERVAL)).send().await.unwrap();
    assert_post(&only_request(&server).await, "/api/v2/audits/query", None, json!({"interval": INTERVAL}));
}

#[tokio::test]
async fn post_realtime_request_and_response() {
    let page = json!({"entities": [audit_message("a1")], "pageSize": 25, "pageNumber": 1, "total": 1, "pageCount": 1});
    let (server, client) = serve_json(200, page).await;
    let body =
        AuditRealtimeQueryRequest::new(INTERVAL).with_service_name("Routing").with_page_number(1).with_page_size(25);
    let results = client.post_audits_query_realtime(body).send().await.unwrap();
    let expected_body = json!({"interval": INTERVAL, "serviceName": "Routing", "pageNumber": 1, "pageSize": 25});
    assert_post(&only_request(&server).await, "/api/v2/audits/query/realtime", None, expected_body);
    assert_eq!(results.total, Some(1));
    assert_eq!(results.entities.unwrap()[0].id.as_deref(), Some("a1"));
}

#[tokio::test]
async fn post_realtime_related_request_and_response() {
    let (server, client) = serve_json(200, json!({"entities": [audit_message("a1"), audit_message("a2")]})).await;
    let body = AuditRealtimeRelatedRequest::new("a1").with_trustor_org_id("9c1d7e3a-55b2-4f0e-a8c4-2e6b1f9d0a37");
    let results = client.post_audits_query_realtime_related(body).send().await.unwrap();
    let expected_body = json!({"auditId": "a1", "trustorOrgId": "9c1d7e3a-55b2-4f0e-a8c4-2e6b1f9d0a37"});
    assert_post(&only_request(&server).await, "/api/v2/audits/query/realtime/related", None, expected_body);
    let ids: Vec<_> = results.entities.unwrap().into_iter().map(|e| e.id.unwrap()).collect();
    assert_eq!(ids, ["a1", "a2"]);
}

// ---------------------------------------------------------------------------------------------
// Path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn path_parameter_is_percent_encoded_as_one_segment() {
    let (server, client) = serve_json(200, results_page()).await;
    client.get_audits_query_transaction_id_results("a/b c?d").send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v2/audits/query/a%2Fb%20c%3Fd/results");
    assert_eq!(request.url.query(), None);
    assert_eq!(request.url.path_segments().unwrap().count(), 6);
}

#[tokio::test]
async fn empty_path_parameter_is_an_invalid_argument_and_sends_nothing() {
    let (server, client) = serve_json(200, status_response("Running")).await;
    let err = client.get_audits_query_transaction_id("").send().await.expect_err("an empty id is refused");
    match &err {
        Error::InvalidArgument { operation, message } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert_eq!(message, "path parameter `transactionId` is empty");
        }
        other => panic!("expected Error::InvalidArgument, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn path_parameter_reserved_characters_are_percent_encoded() {
    let (server, client) = serve_json(200, status_response("Running")).await;
    client.get_audits_query_transaction_id("50%#frag é").send().await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/api/v2/audits/query/50%25%23frag%20%C3%A9");
}

/// A path parameter of `.` or `..` would be dropped or resolved as a dot-segment, addressing another
/// resource (`..` on the results call would ask for the transaction `results`): it must be refused.
#[tokio::test]
async fn dot_segment_path_parameter_is_an_invalid_argument_and_sends_nothing() {
    let mut outcomes = Vec::new();
    for id in [".", ".."] {
        let (server, client) = serve_json(200, results_page()).await;
        let result = client.get_audits_query_transaction_id_results(id).send().await;
        let refused =
            matches!(result, Err(Error::InvalidArgument { operation: "getAuditsQueryTransactionIdResults", .. }));
        let sent: Vec<_> =
            server.received_requests().await.unwrap().into_iter().map(|r| r.url.path().to_owned()).collect();
        outcomes.push((id, refused, sent));
    }
    let expected = vec![(".", true, vec![]), ("..", true, vec![])];
    assert_eq!(outcomes, expected, "(transactionId, refused as InvalidArgument, paths requested)");
}

#[tokio::test]
async fn empty_path_parameter_of_results_sends_nothing() {
    let (server, client) = serve_json(200, results_page()).await;
    let err = client.get_audits_query_transaction_id_results("").page_size(10).send().await.expect_err("refused");
    assert!(matches!(err, Error::InvalidArgument { operation: "getAuditsQueryTransactionIdResults", .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

// ---------------------------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------------------------

/// Sends `call` (a results request) to a server answering the fixture page; returns the raw query.
async fn results_query(
    call: impl FnOnce(&Client) -> genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResults<'_>,
) -> Option<String> {
    let (server, client) = serve_json(200, results_page()).await;
    call(&client).send().await.unwrap();
    only_request(&server).await.url.query().map(str::to_owned)
}

#[tokio::test]
async fn unset_query_parameters_are_absent() {
    let query = results_query(|c| c.get_audits_query_transaction_id_results(TRANSACTION_ID)).await;
    assert_eq!(query, None);
}

#[tokio::test]
async fn expand_with_one_value() {
    let query = results_query(|c| {
        c.get_audits_query_transaction_id_results(TRANSACTION_ID)
            .expand([GetAuditsQueryTransactionIdResultsExpand::User])
    })
    .await;
    assert_eq!(query.as_deref(), Some("expand=user"));
}

#[tokio::test]
async fn array_query_values_are_repeated_keys() {
    let query =
        results_query(|c| c.get_audits_query_transaction_id_results(TRANSACTION_ID).expand(["user", "division"])).await;
    assert_eq!(query.as_deref(), Some("expand=user&expand=division"));
}

#[tokio::test]
async fn page_size_cursor_and_allow_redirect() {
    let query = results_query(|c| {
        c.get_audits_query_transaction_id_results(TRANSACTION_ID)
            .cursor("eyJh+b/c==")
            .page_size(100)
            .allow_redirect(true)
    })
    .await;
    assert_eq!(query.as_deref(), Some("cursor=eyJh%2Bb%2Fc%3D%3D&pageSize=100&allowRedirect=true"));
}

#[tokio::test]
async fn cursor_decodes_back_to_the_value_given() {
    let (server, client) = serve_json(200, results_page()).await;
    client.get_audits_query_transaction_id_results(TRANSACTION_ID).cursor("a b&c=d+e/f").send().await.unwrap();
    let request = only_request(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("cursor".to_owned(), "a b&c=d+e/f".to_owned())]);
}

#[tokio::test]
async fn realtime_expand_is_sent_in_the_query() {
    let (server, client) = serve_json(200, json!({"entities": []})).await;
    let body = AuditRealtimeQueryRequest::new(INTERVAL);
    client.post_audits_query_realtime(body).expand([PostAuditsQueryRealtimeExpand::User]).send().await.unwrap();
    let expected_body = json!({"interval": INTERVAL});
    assert_post(&only_request(&server).await, "/api/v2/audits/query/realtime", Some("expand=user"), expected_body);
}

#[tokio::test]
async fn realtime_related_expand_is_sent_in_the_query() {
    let (server, client) = serve_json(200, json!({"entities": []})).await;
    let body = AuditRealtimeRelatedRequest::new("a1");
    client
        .post_audits_query_realtime_related(body)
        .expand([PostAuditsQueryRealtimeRelatedExpand::User])
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_post(&request, "/api/v2/audits/query/realtime/related", Some("expand=user"), json!({"auditId": "a1"}));
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

// ---------------------------------------------------------------------------------------------
// API errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn not_found_is_an_api_error_with_the_decoded_body() {
    let body = error_body(404, "not.found", "Query execution 3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19 not found");
    let api = api_error(results_error(404, body.clone()).await);
    assert_eq!(api.operation, "getAuditsQueryTransactionIdResults");
    assert_eq!(api.status, 404);
    let decoded = api.body.as_ref().expect("the error body decodes");
    assert_eq!(decoded.message.as_deref(), Some("Query execution 3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19 not found"));
    assert_eq!(decoded.code.as_deref(), Some("not.found"));
    assert_eq!(serde_json::from_str::<Value>(&api.raw_body).unwrap(), body);
    assert_eq!(api.correlation_id.as_deref(), Some(CORRELATION_ID));
}

#[tokio::test]
async fn api_error_display_names_operation_status_and_message() {
    let err = results_error(404, error_body(404, "not.found", "Query not found")).await;
    assert_eq!(
        err.to_string(),
        format!(
            "getAuditsQueryTransactionIdResults: the server answered 404 Not Found: Query not found (correlation id {CORRELATION_ID})"
        )
    );
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.correlation_id(), Some(CORRELATION_ID));
}

#[tokio::test]
async fn too_many_requests_is_an_api_error() {
    let mut body = error_body(429, "too.many.requests", "Rate limit exceeded the maximum. [300] requests for [audit]");
    body["limit"] = json!({"key": "requests.per.minute", "namespace": "audit", "value": 300});
    let err = results_error(429, body).await;
    assert!(
        err.to_string().starts_with("getAuditsQueryTransactionIdResults: the server answered 429 Too Many Requests: ")
    );
    let api = api_error(err);
    assert_eq!(api.status, 429);
    assert_eq!(api.body.unwrap().limit.unwrap().value, Some(300));
    assert_eq!(api.correlation_id.as_deref(), Some(CORRELATION_ID));
}

#[tokio::test]
async fn server_error_is_an_api_error() {
    let err = results_error(500, error_body(500, "internal.server.error", "The server encountered an error")).await;
    assert_eq!(
        err.to_string(),
        format!(
            "getAuditsQueryTransactionIdResults: the server answered 500 Internal Server Error: The server encountered an error (correlation id {CORRELATION_ID})"
        )
    );
    let api = api_error(err);
    assert_eq!(api.body.unwrap().message.as_deref(), Some("The server encountered an error"));
}

#[tokio::test]
async fn api_error_from_a_post_names_its_operation() {
    let (_server, client) = serve_json(400, error_body(400, "bad.request", "Invalid interval")).await;
    let err = client.post_audits_query(AuditQueryRequest::new("yesterday")).send().await.expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "postAuditsQuery: the server answered 400 Bad Request: Invalid interval (correlation id {CORRELATION_ID})"
        )
    );
}

#[tokio::test]
async fn non_json_error_body_is_kept_raw() {
    let raw = "<html><body><h1>400 Bad Request</h1></body></html>";
    let (_server, client) = serve(ResponseTemplate::new(400).set_body_raw(raw, "text/html")).await;
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("a 400");
    let api = api_error(err);
    assert_eq!(api.status, 400);
    assert!(api.body.is_none(), "{:?}", api.body);
    assert_eq!(api.raw_body, raw);
    assert_eq!(api.correlation_id, None);
}

// ---------------------------------------------------------------------------------------------
// Undecodable success bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn wrongly_typed_top_level_field_is_a_decode_error_naming_it() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": "ten", "entities": []}"#).await;
    assert_eq!(decode.operation, "getAuditsQueryTransactionIdResults");
    assert_eq!(decode.status, 200);
    assert_eq!(decode.path, "pageSize");
    assert!(decode.snippet.contains("ten"), "snippet {:?}", decode.snippet);
}

#[tokio::test]
async fn wrongly_typed_nested_field_is_a_decode_error_naming_its_path() {
    let mut page = results_page();
    page["entities"][1]["eventDate"] = json!("yesterday afternoon");
    let decode = results_decode_error(&serde_json::to_string_pretty(&page).unwrap()).await;
    assert_eq!(decode.path, "entities[1].eventDate");
    assert!(decode.snippet.contains("yesterday afternoon"), "snippet {:?}", decode.snippet);
    assert!(!decode.message.is_empty());
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": 10, "entities": [{"id": "a1",}]}"#).await;
    assert_eq!(decode.status, 200);
    // The failure is where the next member's name should be: serde_path_to_error writes `?` for it.
    assert_eq!(decode.path, "entities[0].?");
    assert!(decode.snippet.contains(r#""a1",}"#), "snippet {:?}", decode.snippet);
    assert!(decode.message.contains("trailing comma"), "message {:?}", decode.message);
}

#[tokio::test]
async fn truncated_body_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": 10, "entities": [{"id": "a1"}, "#).await;
    assert_eq!(decode.path, "entities");
    assert!(decode.snippet.contains(r#"{"id": "a1"}"#), "snippet {:?}", decode.snippet);
    assert!(decode.message.contains("EOF"), "message {:?}", decode.message);
}

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error() {
    let decode = results_decode_error("<html><body>Gateway maintenance</body></html>").await;
    assert_eq!(decode.path, ".");
    assert!(decode.snippet.starts_with("<html>"), "snippet {:?}", decode.snippet);
}

#[tokio::test]
async fn trailing_data_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x"} {"id": "y"}"#).await;
    assert_eq!(decode.path, ".");
    assert!(!decode.snippet.is_empty());
}

#[tokio::test]
async fn decode_error_display_names_operation_and_path() {
    let (_server, client) = serve(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"state": 7}"#, "application/json")
            .insert_header("ININ-Correlation-Id", CORRELATION_ID),
    )
    .await;
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("undecodable");
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.correlation_id(), Some(CORRELATION_ID));
    let text = err.to_string();
    assert!(text.starts_with("getAuditsQueryTransactionId: cannot decode the 200 response at `state`: "), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Metadata and IntoFuture
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_with_metadata_exposes_status_and_correlation_id() {
    let (_server, client) = serve_json(200, status_response("Succeeded")).await;
    let response = client.get_audits_query_transaction_id(TRANSACTION_ID).send_with_metadata().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.correlation_id(), Some(CORRELATION_ID));
    assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
    assert_eq!(response.into_inner().state, Some(AuditQueryExecutionStatusResponseState::Succeeded));
}

#[tokio::test]
async fn found_with_metadata_keeps_the_302_status() {
    let body = json!({"id": TRANSACTION_ID, "downloadUrl": "https://example.invalid/results.json"});
    let (_server, client) = serve_json(302, body).await;
    let response = client.get_audits_query_transaction_id_results(TRANSACTION_ID).send_with_metadata().await.unwrap();
    assert_eq!(response.status(), 302);
    assert!(matches!(response.value(), GetAuditsQueryTransactionIdResultsOutput::Found(_)));
}

#[tokio::test]
async fn awaiting_the_builder_sends_it() {
    let (server, client) = serve_json(200, service_mapping()).await;
    let mapping = client.get_audits_query_servicemapping().await.unwrap();
    assert_eq!(mapping.services.unwrap().len(), 2);
    assert_eq!(only_request(&server).await.url.path(), "/api/v2/audits/query/servicemapping");
}

#[tokio::test]
async fn awaiting_a_builder_with_options_sends_them() {
    let (server, client) = serve_json(200, results_page()).await;
    let output = client.get_audits_query_transaction_id_results(TRANSACTION_ID).page_size(25).await.unwrap();
    assert!(matches!(output, GetAuditsQueryTransactionIdResultsOutput::Ok(_)));
    assert_eq!(only_request(&server).await.url.query(), Some("pageSize=25"));
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_can_be_awaited_on_spawned_tasks() {
    let (_server, client) = serve_json(200, status_response("Succeeded")).await;
    let task = tokio::spawn(async move { client.get_audits_query_transaction_id(TRANSACTION_ID).await });
    let status = task.await.expect("the task completes").unwrap();
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Succeeded));
}

// ---------------------------------------------------------------------------------------------
// Client configuration
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn slow_answer_is_a_timeout_error() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(service_mapping()).set_delay(Duration::from_secs(2));
    Mock::given(any()).respond_with(slow).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.get_audits_query_servicemapping().send().await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout { operation: "getAuditsQueryServicemapping", .. }), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn user_agent_is_sent() {
    let (server, client) = serve_json(200, service_mapping()).await;
    client.get_audits_query_servicemapping().send().await.unwrap();
    let default = only_request(&server).await;
    assert!(header(&default, "user-agent").unwrap().starts_with("genesys-cloud-audit/"), "{:?}", default.headers);

    let custom =
        Client::builder().base_url(server.uri()).access_token(TOKEN).user_agent("audit-exporter/2.1").build().unwrap();
    custom.get_audits_query_servicemapping().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(header(&requests[1], "user-agent"), Some("audit-exporter/2.1"));
}

#[test]
fn unusable_access_token_is_refused() {
    for token in ["", "line\nbreak"] {
        let result = Client::builder().base_url("https://api.mypurecloud.ie").access_token(token).build();
        assert!(matches!(result, Err(BuildError::InvalidAccessToken)), "token {token:?}: {result:?}");
    }
}

#[test]
fn debug_output_hides_the_token() {
    let client = client_for("https://api.mypurecloud.ie");
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("https://api.mypurecloud.ie/"), "{debug}");
    let request = format!("{:?}", client.get_audits_query_transaction_id(TRANSACTION_ID));
    assert!(!request.contains(TOKEN), "{request}");
    let builder = format!("{:?}", Client::builder().access_token(TOKEN));
    assert!(!builder.contains(TOKEN), "{builder}");
}

/// The `BuildError::InvalidBaseUrl` for `base_url`, or a panic naming what happened instead.
fn invalid_base_url(base_url: &str) -> String {
    match Client::builder().base_url(base_url).access_token(TOKEN).build() {
        Err(BuildError::InvalidBaseUrl { url, reason }) => {
            assert!(!reason.is_empty());
            url
        }
        other => panic!("expected InvalidBaseUrl for {base_url:?}, got {other:?}"),
    }
}

#[test]
fn base_url_that_is_not_a_url_is_refused() {
    assert_eq!(invalid_base_url("not a url"), "not a url");
}

#[test]
fn base_url_with_another_scheme_is_refused() {
    assert_eq!(invalid_base_url("ftp://x"), "ftp://x");
}

#[test]
fn base_url_with_a_query_is_refused() {
    assert_eq!(invalid_base_url("https://api.mypurecloud.com/?region=eu"), "https://api.mypurecloud.com/?region=eu");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    for suffix in ["/proxy/genesys", "/proxy/genesys/"] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(service_mapping()))
            .mount(&server)
            .await;
        let client = client_for(format!("{}{suffix}", server.uri()));
        client.get_audits_query_servicemapping().send().await.unwrap();
        assert_get(&only_request(&server).await, "/proxy/genesys/api/v2/audits/query/servicemapping");
    }
}

/// The whole text of the decode error for each of a few bad bodies, pinned: how the client decodes (one
/// pass first, then a second for the path only when the first fails) must not change what users read.
#[tokio::test]
async fn decode_error_texts_are_pinned() {
    let cases = [
        (
            r#"{"id": "x", "pageSize": "ten", "entities": []}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `pageSize`: invalid type: string "ten", expected i32 at line 1 column 29 (near "{\"id\": \"x\", \"pageSize\": \"ten\", \"entities\": []}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "level": 7}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].level`: invalid type: integer `7`, expected a string at line 1 column 37 (near "{\"entities\": [{\"id\": \"a1\", \"level\": 7}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "id": "a2"}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0]`: duplicate field `id` at line 1 column 31 (near "{\"entities\": [{\"id\": \"a1\", \"id\": \"a2\"}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "message": {"messageParams": {"name": 1}}}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].message.messageParams.name`: invalid type: integer `1`, expected a string at line 1 column 66 (near ", \"message\": {\"messageParams\": {\"name\": 1}}}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "unknownMember": {"a": [1, 2}}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].unknownMember.a`: expected `,` or `]` at line 1 column 56 (near "\"id\": \"a1\", \"unknownMember\": {\"a\": [1, 2}}]}")"#,
        ),
        (
            r#"{"id": "x"} {"id": "y"}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: trailing characters at line 1 column 13 (near "{\"id\": \"x\"} {\"id\": \"y\"}")"#,
        ),
        (
            r#"[{"id": "x"}]"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: invalid type: sequence, expected struct AuditQueryExecutionResultsResponse at line 1 column 0 (near "[{\"id\": \"x\"}]")"#,
        ),
        (
            r#""#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: EOF while parsing a value at line 1 column 0 (near "")"#,
        ),
    ];
    let mut texts = Vec::new();
    for (body, _) in cases {
        texts.push(results_decode_error(body).await.to_string());
    }
    let expected: Vec<&str> = cases.iter().map(|(_, text)| *text).collect();
    assert_eq!(texts, expected);
}

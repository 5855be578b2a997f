//! API errors.

use genesys_cloud_audit::models::ErrorCode;

use super::*;

#[tokio::test]
async fn not_found_is_an_api_error_with_the_decoded_body() {
    let body = error_body(404, "not.found", "Query execution 3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19 not found");
    let api = api_error(results_error(404, body.clone()).await);
    assert_eq!(api.operation, "getAuditsQueryTransactionIdResults");
    assert_eq!(api.status, 404);
    let decoded = api.body.as_ref().expect("the error body decodes");
    assert_eq!(decoded.message.as_deref(), Some("Query execution 3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19 not found"));
    assert_eq!(decoded.code.as_deref(), Some("not.found"));
    assert_eq!(decoded.error_code(), Some(ErrorCode::NotFound), "a documented code, matched without text");
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
    let decoded = api.body.unwrap();
    assert_eq!(decoded.error_code(), Some(ErrorCode::TooManyRequests));
    assert_eq!(decoded.limit.unwrap().value, Some(300));
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

#[tokio::test]
async fn an_error_code_this_version_does_not_know_is_kept() {
    let err = results_error(400, error_body(400, "audit.query.too.wide", "The interval is too long")).await;
    let code = api_error(err).body.and_then(|body| body.error_code()).expect("a code");
    assert!(matches!(code, ErrorCode::Unrecognized(_)), "{code:?}");
    assert_eq!(code.as_str(), "audit.query.too.wide");
}

//! Metadata and IntoFuture.

use super::*;

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

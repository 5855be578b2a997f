//! Every operation, once.

use super::*;

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

//! Query parameters.

use super::*;

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

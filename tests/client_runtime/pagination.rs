//! Pagination.

use super::*;

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
    let pages: Vec<Page<AuditLogMessage>> = client
        .get_audits_query_transaction_id_results(TRANSACTION_ID)
        .page_size(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    let items: Vec<Vec<&str>> = pages.iter().map(|page| ids(&page.items)).collect();
    assert_eq!(items, [vec!["e1", "e2"], vec!["e3", "e4"], vec!["e5"]]);
    let next: Vec<Option<PageKey>> = pages.iter().map(|page| page.next.clone()).collect();
    assert_eq!(next, [Some(PageKey::Cursor("c1".into())), Some(PageKey::Cursor("c2".into())), None]);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn cursor_pages_resume_at_the_key_a_page_gave() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let results = client.get_audits_query_transaction_id_results(TRANSACTION_ID).page_size(2);
    let mut pages = std::pin::pin!(results.clone().into_pages());
    let first = pages.next().await.unwrap().unwrap();
    let Some(PageKey::Cursor(cursor)) = first.next else { panic!("the first page has a cursor: {first:?}") };

    // A later run, from the key alone.
    let rest: Vec<AuditLogMessage> = results.cursor(cursor).into_stream().try_collect().await.unwrap();
    assert_eq!(ids(&rest), ["e3", "e4", "e5"]);
    assert_eq!(queries(&server).await.last().unwrap().as_deref(), Some("cursor=c2&pageSize=2"));
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
async fn realtime_pages_give_the_next_page_number_to_resume_at() {
    let pages =
        vec![realtime_page(&["a1", "a2"], 1, 3), realtime_page(&["a3", "a4"], 2, 3), realtime_page(&["a5"], 3, 3)];
    let server = serve(RealtimePages(pages)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let body = AuditRealtimeQueryRequest::new(INTERVAL).with_page_size(2);
    let pages: Vec<Page<AuditLogMessage>> =
        client.post_audits_query_realtime(body.clone()).into_pages().try_collect().await.unwrap();
    let next: Vec<Option<PageKey>> = pages.iter().map(|page| page.next.clone()).collect();
    assert_eq!(next, [Some(PageKey::Number(2)), Some(PageKey::Number(3)), None]);

    let rest: Vec<AuditLogMessage> =
        client.post_audits_query_realtime(body.with_page_number(2)).into_stream().try_collect().await.unwrap();
    assert_eq!(ids(&rest), ["a3", "a4", "a5"]);
    assert_eq!(page_numbers(&server).await, [json!(1), json!(2), json!(3), json!(2), json!(3)]);
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

#[tokio::test]
async fn pages_as_a_type_of_the_callers_own_give_the_same_items_and_keys() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    /// Only the members the caller needs.
    #[derive(serde::Deserialize)]
    struct JustTheId {
        id: String,
    }
    let pages: Vec<Page<JustTheId>> = client
        .get_audits_query_transaction_id_results(TRANSACTION_ID)
        .page_size(2)
        .into_pages_as()
        .try_collect()
        .await
        .unwrap();
    let items: Vec<Vec<&str>> = pages.iter().map(|page| page.items.iter().map(|i| i.id.as_str()).collect()).collect();
    assert_eq!(items, [vec!["e1", "e2"], vec!["e3", "e4"], vec!["e5"]]);
    let next: Vec<Option<PageKey>> = pages.iter().map(|page| page.next.clone()).collect();
    assert_eq!(next, [Some(PageKey::Cursor("c1".into())), Some(PageKey::Cursor("c2".into())), None]);
}

#[tokio::test]
async fn pages_as_values_keep_each_entry_as_served_and_page_by_number() {
    let pages =
        vec![realtime_page(&["a1", "a2"], 1, 3), realtime_page(&["a3", "a4"], 2, 3), realtime_page(&["a5"], 3, 3)];
    let server = serve(RealtimePages(pages)).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    let body = AuditRealtimeQueryRequest::new(INTERVAL).with_page_size(2);
    let pages: Vec<Page<Value>> = client.post_audits_query_realtime(body).into_pages_as().try_collect().await.unwrap();
    let items: Vec<Value> = pages.iter().flat_map(|page| page.items.clone()).collect();
    let expected: Vec<Value> = ["a1", "a2", "a3", "a4", "a5"].iter().map(|id| message(id)).collect();
    assert_eq!(items, expected);
    let next: Vec<Option<PageKey>> = pages.iter().map(|page| page.next.clone()).collect();
    assert_eq!(next, [Some(PageKey::Number(2)), Some(PageKey::Number(3)), None]);
}

#[tokio::test]
async fn an_item_that_does_not_decode_as_the_callers_type_fails_with_its_path() {
    let server = MockServer::start().await;
    mount_three_cursor_pages(&server).await;
    let client = client_for(server.uri(), RetryPolicy::none());
    /// A type the entries do not match: their ids are strings.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct NumericId {
        id: u64,
    }
    let outcomes: Vec<Result<Page<NumericId>, Error>> =
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).into_pages_as().collect().await;
    assert_eq!(outcomes.len(), 1, "the first page ends the stream: {outcomes:?}");
    let Err(Error::Decode(err)) = &outcomes[0] else { panic!("a decode error: {outcomes:?}") };
    assert_eq!(err.path, "entities[0].id");
    assert!(err.message.starts_with("invalid type: string \"e1\", expected u64"), "{}", err.message);
}

//! Regions.

use super::*;

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

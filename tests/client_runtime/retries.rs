//! Retries.

use super::*;

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

/// A server out of reach is tried for the policy's outage allowance, not for its attempts (3 here, which
/// 20 ms waits would spend in well under the 300 ms allowed), then the call fails with the transport error.
#[tokio::test]
async fn connection_refused_is_retried_for_the_outage_then_a_transport_error() {
    let retry = fast_retry().max_attempts(3).outage(Duration::from_millis(300));
    let client = client_for(format!("http://127.0.0.1:{}", closed_port()), retry);
    let started = Instant::now();
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("refused");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "gave up after {elapsed:?}");
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

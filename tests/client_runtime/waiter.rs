//! The waiter.

use super::*;

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

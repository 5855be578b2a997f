//! Bringing your own HTTP client (`ClientBuilder::http_client`) and per-request timeouts, against a local
//! mock server (127.0.0.1 only): the user's `reqwest::Client` is the one that sends (a header only it
//! adds reaches the server, token requests included), the crate's own HTTP settings cannot be mixed with
//! it, and a request builder's `timeout` bounds each attempt whichever client sends.

use std::time::{Duration, Instant};

use audit_tests::mock::TRANSACTION_ID;
use genesys_cloud_audit::BuildError;
use genesys_cloud_audit::models::AuditQueryExecutionStatusResponseState;
use genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResultsOutput;
use genesys_cloud_audit::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A header that only the user's own client adds, as a corporate proxy's credentials would be.
const OWN_HEADER: &str = "x-corporate-proxy";

/// A `reqwest::Client` as a user would build it for a proxy: a default header, no redirects.
fn own_http_client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(OWN_HEADER, reqwest::header::HeaderValue::from_static("team-audit"));
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client builds")
}

fn status_body(state: &str) -> serde_json::Value {
    json!({"id": TRANSACTION_ID, "state": state})
}

#[tokio::test]
async fn requests_go_through_the_users_own_http_client() {
    let server = MockServer::start().await;
    Mock::given(header(OWN_HEADER, "team-audit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("Running")))
        .mount(&server)
        .await;
    let client =
        Client::builder().base_url(server.uri()).access_token("t").http_client(own_http_client()).build().unwrap();
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Running));
    // Without it the header is missing, nothing matches, and the mock server answers 404.
    let plain = Client::builder().base_url(server.uri()).access_token("t").build().unwrap();
    let err = plain.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("no header, no match");
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn token_requests_go_through_the_users_own_http_client_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header(OWN_HEADER, "team-audit"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "fresh", "token_type": "bearer", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(status_body("Succeeded")))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .login_url(server.uri())
        .client_credentials("id", "secret")
        .http_client(own_http_client())
        .build()
        .unwrap();
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Succeeded));
}

#[tokio::test]
async fn the_302_of_large_results_is_handed_over_through_an_own_client_that_does_not_follow() {
    let server = MockServer::start().await;
    let body = json!({"id": TRANSACTION_ID, "downloadUrl": "https://downloads.example/results.json.gz"});
    let found =
        ResponseTemplate::new(302).set_body_json(body).insert_header("Location", format!("{}/elsewhere", server.uri()));
    Mock::given(any()).respond_with(found).mount(&server).await;
    let client =
        Client::builder().base_url(server.uri()).access_token("t").http_client(own_http_client()).build().unwrap();
    let output = client.get_audits_query_transaction_id_results(TRANSACTION_ID).send().await.unwrap();
    assert!(matches!(output, GetAuditsQueryTransactionIdResultsOutput::Found(_)), "{output:?}");
}

#[test]
fn settings_of_the_crates_own_http_client_cannot_be_mixed_with_an_own_one() {
    let builders = [
        ("timeout", Client::builder().timeout(Duration::from_secs(5))),
        ("connect_timeout", Client::builder().connect_timeout(Duration::from_secs(5))),
        ("user_agent", Client::builder().user_agent("me")),
    ];
    for (setting, builder) in builders {
        let err = builder.access_token("t").http_client(own_http_client()).build().expect_err("a conflict");
        assert!(matches!(err, BuildError::SettingOfOwnHttpClient { setting: s } if s == setting), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "`ClientBuilder::{setting}` sets up the crate's own HTTP client: with `http_client`, set it on yours"
            )
        );
    }
}

/// A server that answers after `delay`, and the time a call with `timeout` took to fail against it.
async fn timed_out_call(client_of: impl Fn(&MockServer) -> Client, timeout: Duration) -> (Error, Duration) {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(status_body("Running")).set_delay(Duration::from_secs(10));
    Mock::given(any()).respond_with(slow).mount(&server).await;
    let client = client_of(&server);
    let started = Instant::now();
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).timeout(timeout).send().await.expect_err("late");
    (err, started.elapsed())
}

#[tokio::test]
async fn a_request_timeout_overrides_the_clients() {
    let (err, elapsed) = timed_out_call(
        |server| {
            let builder = Client::builder().base_url(server.uri()).access_token("t").retry(RetryPolicy::none());
            builder.timeout(Duration::from_secs(60)).build().unwrap()
        },
        Duration::from_millis(200),
    )
    .await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed < Duration::from_secs(5), "the request's 200 ms, not the client's 60 s: {elapsed:?}");
}

#[tokio::test]
async fn a_request_timeout_bounds_an_own_client_without_one() {
    let (err, elapsed) = timed_out_call(
        |server| {
            let builder = Client::builder().base_url(server.uri()).access_token("t").retry(RetryPolicy::none());
            builder.http_client(own_http_client()).build().unwrap()
        },
        Duration::from_millis(200),
    )
    .await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed < Duration::from_secs(5), "the request's 200 ms bounds it: {elapsed:?}");
}

//! What the client traces, captured by a `tracing-subscriber` formatter into a buffer, against a local
//! mock server (127.0.0.1 only): the span of a retried call with its operation, method, route template,
//! attempts, status and correlation id, the retry's event with its reason and wait; nothing at INFO for a
//! call that went well; and no secret, token or `Authorization` value in anything traced, whatever the
//! level, through a token fetch, a 401, a refresh and a retry.

use audit_tests::mock::{BASIC_CREDENTIALS as BASIC, CLIENT_SECRET, CORRELATION_ID, TRANSACTION_ID, token_answer};
use genesys_cloud_audit::{Client, RetryPolicy};
use serde_json::json;
use tracing_subscriber::filter::{LevelFilter, Targets};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FIRST_TOKEN: &str = "tok-first-7c1d";
const SECOND_TOKEN: &str = "tok-second-2e9a";

/// Runs `call` with a subscriber that formats the client's own spans and events at `level` and above;
/// what it wrote.
fn traced<F: Future<Output = ()>>(level: LevelFilter, call: impl FnOnce() -> F) -> String {
    audit_tests::traces::traced(Targets::new().with_target("genesys_cloud_runtime", level), call)
}

fn status_body() -> serde_json::Value {
    json!({"id": TRANSACTION_ID, "state": "Running"})
}

#[test]
fn a_retried_call_is_one_span_with_its_attempts_and_an_event_per_retry() {
    let text = traced(LevelFilter::DEBUG, || async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(status_body())
                    .insert_header("ININ-Correlation-Id", CORRELATION_ID),
            )
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).access_token("t").build().unwrap();
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    });
    let retry =
        text.lines().find(|line| line.contains("retrying")).unwrap_or_else(|| panic!("no retry event:\n{text}"));
    assert!(
        retry.contains(" INFO ") && retry.contains("reason=\"status 503\"") && retry.contains("wait_ms=0"),
        "{retry}"
    );
    let close = text.lines().find(|line| line.contains("close")).unwrap_or_else(|| panic!("no span:\n{text}"));
    for field in [
        "call{operation=\"getAuditsQueryTransactionId\"",
        "method=GET",
        "route=\"/api/v2/audits/query/{transactionId}\"",
        "attempts=2",
        "status=200",
        &format!("correlation_id=\"{CORRELATION_ID}\""),
    ] {
        assert!(close.contains(field), "no {field} in the span:\n{text}");
    }
    assert!(text.contains("DEBUG") && text.contains("answered"), "{text}");
    assert!(!text.contains(TRANSACTION_ID), "the route names the parameter, not its value:\n{text}");
}

#[test]
fn a_call_that_goes_well_says_nothing_at_info() {
    let text = traced(LevelFilter::INFO, || async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(status_body()))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).access_token("t").build().unwrap();
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    });
    assert_eq!(text, "");
}

#[test]
fn no_secret_or_token_is_traced_through_a_refresh_and_a_retry() {
    let text = traced(LevelFilter::TRACE, || async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .respond_with(token_answer(FIRST_TOKEN, 3600))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .respond_with(token_answer(SECOND_TOKEN, 3600))
            .mount(&server)
            .await;
        // The first token is refused, then a 503 with the second, then an answer.
        let bearer = |token: &str| format!("Bearer {token}");
        Mock::given(header("authorization", bearer(FIRST_TOKEN).as_str()))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        Mock::given(header("authorization", bearer(SECOND_TOKEN).as_str()))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(header("authorization", bearer(SECOND_TOKEN).as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(status_body()))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .login_url(server.uri())
            .client_credentials("audit-client", CLIENT_SECRET)
            .retry(RetryPolicy::default())
            .build()
            .unwrap();
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    });
    // The story is there...
    for expected in ["fetching a client-credentials token", "token fetched", "refused the token (401)", "retrying"] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    // ...and no secret in it.
    for secret in [CLIENT_SECRET, BASIC, FIRST_TOKEN, SECOND_TOKEN, "Bearer", "Basic"] {
        assert!(!text.contains(secret), "{secret:?} was traced:\n{text}");
    }
}

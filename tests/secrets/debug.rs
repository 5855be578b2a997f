//! `Debug` of the builder and the client, and `Debug` and `Display` of every error of the flow: a 401 that
//! outlives the refresh, a refused token request, an unreachable login service, and the builder's own.

use std::fmt;

use genesys_cloud_audit::RetryPolicy;
use genesys_cloud_audit::{AuthError, BuildError};

use super::*;

/// Checks `Debug` and `Display` of `err` and the `Display` of each of its sources.
#[track_caller]
fn assert_error_shows_no_secret(what: &str, err: &(dyn std::error::Error + 'static)) {
    assert_no_secret(&format!("{what} (Debug)"), &format!("{err:?}"));
    let mut source = Some(err);
    while let Some(cause) = source {
        assert_no_secret(&format!("{what} (Display)"), &cause.to_string());
        source = cause.source();
    }
}

/// `Debug` of `value`, checked.
#[track_caller]
fn assert_debug_shows_no_secret(what: &str, value: &impl fmt::Debug) {
    assert_no_secret(what, &format!("{value:?}"));
}

#[tokio::test]
async fn the_builder_and_the_client_show_no_secret_before_and_after_the_flow() {
    let server = flow_server().await;
    let builder = Client::builder().base_url(server.uri()).login_url(server.uri());
    let builder = builder.client_credentials(CLIENT_ID, CLIENT_SECRET);
    let shown = format!("{builder:?}");
    assert!(shown.contains(CLIENT_ID) && shown.contains("<redacted>"), "the builder shows what it holds: {shown}");
    assert_no_secret("the builder", &shown);
    let client = builder.build().expect("the client builds");
    assert_debug_shows_no_secret("a client without a token", &client);

    let exported = export(&client).await.expect("the export succeeds");
    assert_eq!(exported.len(), ENTRY_COUNT);
    assert_flow_happened(&server).await;
    assert_debug_shows_no_secret("a client holding the third token", &client);
}

#[tokio::test]
async fn a_401_that_outlives_the_refresh_shows_no_secret() {
    let server = MockServer::start().await;
    mount_login(&server).await;
    Mock::given(method("POST")).and(path(QUERY_PATH)).respond_with(refusal()).mount(&server).await;
    let err = export(&client_for(&server)).await.expect_err("the API refuses every token");
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(token_requests(&server).await, 3, "busy, the first token, and the refetch after the 401");
    let submit = |token: &str| format!("POST {QUERY_PATH} {token}");
    assert_eq!(api_calls(&server).await, [submit(TOKENS[0]), submit(TOKENS[1])], "one refetch, then the error");
    assert_error_shows_no_secret("the 401 error", &err);
}

#[tokio::test]
async fn a_refused_token_request_shows_no_secret() {
    let server = MockServer::start().await;
    let answer = json!({"error": "invalid_client", "error_description": "Client authentication failed"});
    token_request().respond_with(ResponseTemplate::new(401).set_body_json(answer)).mount(&server).await;
    let err = export(&client_for(&server)).await.expect_err("the login service refuses");
    assert!(matches!(&err, Error::Auth { source: AuthError::Refused { status: 401, .. }, .. }), "{err:?}");
    assert_eq!(token_requests(&server).await, 1, "a refusal is final");
    assert!(api_calls(&server).await.is_empty(), "nothing is sent to the API without a token");
    assert_error_shows_no_secret("the refused token request", &err);
}

#[tokio::test]
async fn an_unreachable_login_service_shows_no_secret() {
    let api = MockServer::start().await;
    // A port that was just free: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr());
    let closed = closed.expect("a free local port");
    let client = Client::builder()
        .base_url(api.uri())
        .login_url(format!("http://{closed}"))
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(RetryPolicy::none())
        .build()
        .expect("the client builds");
    let err = export(&client).await.expect_err("no login service");
    assert!(matches!(&err, Error::Auth { source: AuthError::Transport { .. }, .. }), "{err:?}");
    assert_error_shows_no_secret("the failed token request", &err);
}

#[test]
fn build_errors_show_no_secret() {
    let credentials = || Client::builder().client_credentials(CLIENT_ID, CLIENT_SECRET);
    let bad_login = credentials().base_url("https://api.mypurecloud.ie").login_url("login.mypurecloud.ie");
    let no_login = credentials().base_url("http://127.0.0.1:9");
    // A token that cannot be sent in a header, with the secret in it.
    let bad_token = Client::builder().access_token(format!("{CLIENT_SECRET}\n{}", TOKENS[0]));
    for (builder, expected) in
        [(bad_login, "InvalidBaseUrl"), (no_login, "MissingLoginUrl"), (bad_token, "InvalidAccessToken")]
    {
        let err: BuildError = builder.build().expect_err(expected);
        assert!(format!("{err:?}").starts_with(expected), "{err:?}");
        assert_error_shows_no_secret(expected, &err);
    }
}

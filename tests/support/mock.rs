//! What the tests that run the client against a `wiremock` server share: the ids and values the mock
//! answers carry, canned answers, and readers of what the server received.

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The transaction id of the async query the mocks answer for.
pub const TRANSACTION_ID: &str = "3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19";
/// The `ININ-Correlation-Id` the mocks send back.
pub const CORRELATION_ID: &str = "8d1c4f2e-6a3b-4e9d-b7c5-0f2a9e4d6b13";
/// The interval of the queries the tests submit.
pub const INTERVAL: &str = "2024-03-01T00:00:00Z/2024-03-05T00:00:00Z";
/// The client id of client-credentials tests.
pub const CLIENT_ID: &str = "audit-client";
/// The client secret of client-credentials tests: a value no output may contain.
pub const CLIENT_SECRET: &str = "s3cr3t-Pa55w0rd-9f8e";
/// `base64("audit-client:s3cr3t-Pa55w0rd-9f8e")`, the Basic credentials of the token request.
pub const BASIC_CREDENTIALS: &str = "YXVkaXQtY2xpZW50OnMzY3IzdC1QYTU1dzByZC05Zjhl";

/// A mock server answering every request with `responder`.
pub async fn serve(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(responder).mount(&server).await;
    server
}

/// `status` with the JSON `body` and the correlation id header.
pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body).insert_header("ININ-Correlation-Id", CORRELATION_ID)
}

/// The login service's answer to a token request: `token`, valid for `expires_in` seconds.
pub fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in}))
}

/// Every request the server received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The value of header `name` of `request`, if it has one.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).map(|value| value.to_str().expect("an ASCII header"))
}

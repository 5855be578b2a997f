//! Protects how parameters that are not plain scalars or arrays go over the wire, through the runtime crate every
//! generated crate calls, against a local mock server (127.0.0.1 only): objects
//! and maps as query keys, deepObject, JSON-encoded parameters, cookies, and delimited arrays.

use genesys_cloud_runtime::{Client, Request};
use reqwest::Method;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Sends `request` to a mock server and gives back the request it received.
async fn sent(request: Request) -> wiremock::Request {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).access_token("t").build().expect("the client builds");
    client.execute::<serde_json::Value>(request).await.expect("the request is sent");
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn get() -> Request {
    let mut request = Request::new(Method::GET, "listItems");
    request.push_literal("items");
    request
}

#[tokio::test]
async fn objects_in_the_query_send_each_member_as_a_key_or_as_name_and_key() {
    let mut request = get();
    request.query_object(None, &json!({"status": "open", "tags": ["a", "b c"], "gone": null, "price": 9.5}));
    request.query_object(Some("sort"), &json!({"field": "name", "order": "asc"}));
    let received = sent(request).await;
    let mut pairs: Vec<&str> = received.url.query().unwrap_or_default().split('&').collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        ["price=9.5", "sort%5Bfield%5D=name", "sort%5Border%5D=asc", "status=open", "tags=a", "tags=b+c"]
    );
}

#[tokio::test]
async fn a_parameter_given_by_content_is_sent_as_json_text() {
    let mut request = get();
    request.query_json("where", &json!({"status": "open"}));
    request.header_json("X-Filter", &json!([1, 2]));
    let received = sent(request).await;
    let pairs: Vec<(String, String)> =
        received.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    assert_eq!(pairs, [("where".to_owned(), "{\"status\":\"open\"}".to_owned())]);
    assert_eq!(received.headers.get("x-filter").unwrap(), "[1,2]");
}

#[tokio::test]
async fn cookies_go_in_one_header_with_values_a_cookie_cannot_hold_percent_encoded() {
    let mut request = get();
    request.cookie("session", "abc123");
    request.cookie("note", "a b;c,\"d\"%");
    request.cookie_joined("ids", &[1, 2]);
    let received = sent(request).await;
    assert_eq!(received.headers.get("cookie").unwrap(), "session=abc123; note=a%20b%3Bc%2C%22d%22%25; ids=1%2C2");
}

#[tokio::test]
async fn delimited_arrays_join_their_values() {
    let mut request = get();
    request.query_delimited("ids", &[1, 2, 3], "|");
    request.query_delimited("tags", &["x", "y"], " ");
    let received = sent(request).await;
    assert_eq!(received.url.query(), Some("ids=1%7C2%7C3&tags=x+y"));
}

#[tokio::test]
async fn an_object_parameter_that_is_not_an_object_is_an_invalid_argument() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).access_token("t").build().unwrap();
    let mut request = get();
    request.query_object(None, &json!([1, 2]));
    let err = client.execute::<serde_json::Value>(request).await.unwrap_err();
    assert!(err.to_string().contains("expected an object"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing is sent");
}

//! Protects how bodies that are not plain JSON go over the wire and come back, through the runtime crate
//! that every generated crate calls, against a local mock server (127.0.0.1
//! only): text, bytes, forms and multipart uploads sent with their content types and re-sent unchanged
//! by a retry; text and bytes responses decoded, and text that is not UTF-8 refused with a decode error.

use bytes::Bytes;
use genesys_cloud_runtime::{Client, Error, Multipart, Request, RetryPolicy};
use reqwest::Method;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A mock server answering every request with `template`, and a client for it that retries quickly.
async fn serve(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    let retry = RetryPolicy::default().max_attempts(2).initial_backoff(std::time::Duration::from_millis(1));
    let client =
        Client::builder().base_url(server.uri()).access_token("t").retry(retry).build().expect("the client builds");
    (server, client)
}

/// The requests the server received: content type and body of each.
async fn received(server: &MockServer) -> Vec<(String, Vec<u8>)> {
    let requests = server.received_requests().await.expect("request recording is on");
    requests
        .into_iter()
        .map(|r| {
            let content_type =
                r.headers.get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            (content_type, r.body)
        })
        .collect()
}

fn post(operation: &'static str) -> Request {
    let mut request = Request::new(Method::POST, operation);
    request.push_literal("upload");
    request
}

#[tokio::test]
async fn multipart_parts_arrive_with_names_file_names_and_types_and_a_retry_sends_the_same_bytes() {
    let (server, client) = serve(ResponseTemplate::new(503)).await;
    let mut request = post("upload");
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 255, b'\r', b'\n'];
    let parts = Multipart::new().text("description", "the \"logo\"").file("file", png.clone(), "logo.png", "image/png");
    request.multipart_body(&parts);
    let response = client.execute::<serde_json::Value>(request).await.unwrap();
    assert_eq!(response.status(), 503);

    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "a 503 is retried once");
    assert_eq!(sent[0], sent[1], "the retry sends the same content type and bytes");
    let (content_type, body) = &sent[0];
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(content_type);
    let parts = split_parts(body, boundary);
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0].0, ["Content-Disposition: form-data; name=\"description\""]);
    assert_eq!(parts[0].1, b"the \"logo\"");
    assert_eq!(
        parts[1].0,
        ["Content-Disposition: form-data; name=\"file\"; filename=\"logo.png\"", "Content-Type: image/png"]
    );
    assert_eq!(parts[1].1, png, "file bytes arrive as they are, CR LF and all");
}

/// The parts of a multipart body: each part's header lines and content, read as RFC 7578 lays them out.
fn split_parts(body: &[u8], boundary: &str) -> Vec<(Vec<String>, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let text = body.to_vec();
    let positions: Vec<usize> =
        text.windows(delimiter.len()).enumerate().filter(|(_, w)| *w == delimiter.as_bytes()).map(|(i, _)| i).collect();
    assert!(text.ends_with(format!("--{boundary}--\r\n").as_bytes()), "the body ends with the closing delimiter");
    let mut parts = Vec::new();
    for pair in positions.windows(2) {
        let part = &text[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end with an empty line");
        let headers = String::from_utf8(part[..split].to_vec()).unwrap().split("\r\n").map(str::to_owned).collect();
        parts.push((headers, part[split + 4..].to_vec()));
    }
    parts
}

#[tokio::test]
async fn form_fields_are_url_encoded_repeating_arrays_and_leaving_out_nulls() {
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    let mut request = post("token");
    let form = json!({"grant_type": "client_credentials", "scope": ["a b", "c&d"], "absent": null, "n": 3});
    request.form_body(&form);
    client.execute::<serde_json::Value>(request).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent[0].0, "application/x-www-form-urlencoded");
    // Members come in the order serde_json keeps them (declaration order with its `preserve_order`).
    let body = String::from_utf8(sent[0].1.clone()).unwrap();
    let mut pairs: Vec<&str> = body.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(pairs, ["grant_type=client_credentials", "n=3", "scope=a+b", "scope=c%26d"]);
}

#[tokio::test]
async fn text_and_bytes_bodies_are_sent_as_their_media_types() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let mut text = post("note");
    text.text_body("text/plain; charset=utf-8", "héllo");
    client.execute::<serde_json::Value>(text).await.unwrap();
    let mut bytes = post("image");
    bytes.bytes_body("image/png", &Bytes::from_static(&[0, 1, 2, 255]));
    client.execute::<serde_json::Value>(bytes).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent[0], ("text/plain; charset=utf-8".to_owned(), "héllo".as_bytes().to_vec()));
    assert_eq!(sent[1], ("image/png".to_owned(), vec![0, 1, 2, 255]));
}

#[tokio::test]
async fn a_content_type_that_cannot_be_sent_is_an_invalid_argument_and_sends_nothing() {
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    let mut request = post("note");
    request.text_body("text/plain\n", "x");
    let err = client.execute::<serde_json::Value>(request).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidArgument { message, .. } if message.contains("content type")), "{err:?}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn text_and_bytes_responses_decode_and_text_that_is_not_utf8_is_a_decode_error() {
    let body = vec![b'o', b'k', 0xff, b'!'];
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_bytes(body.clone())).await;
    let mut request = Request::new(Method::GET, "download");
    request.accept("application/octet-stream");
    let bytes = client.execute::<serde_json::Value>(request).await.unwrap().bytes::<serde_json::Value>().unwrap();
    assert_eq!(bytes.into_inner().as_ref(), body.as_slice());

    let request = Request::new(Method::GET, "note");
    let err = client.execute::<serde_json::Value>(request).await.unwrap().text::<serde_json::Value>().unwrap_err();
    let Error::Decode(decode) = err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!(decode.message, "the text body is not UTF-8 at byte 2");
    assert_eq!(decode.path, ".");

    let (_server, client) = serve(ResponseTemplate::new(200).set_body_string("plain text")).await;
    let text = client
        .execute::<serde_json::Value>(Request::new(Method::GET, "note"))
        .await
        .unwrap()
        .text::<serde_json::Value>();
    assert_eq!(text.unwrap().into_inner(), "plain text");
}

#[tokio::test]
async fn accept_names_the_media_types_the_operation_answers_with() {
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    let mut request = Request::new(Method::GET, "report");
    request.accept("text/csv, application/pdf");
    client.execute::<serde_json::Value>(request).await.unwrap();
    let default = Request::new(Method::GET, "report");
    client.execute::<serde_json::Value>(default).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let accept: Vec<&str> = requests.iter().map(|r| r.headers.get("accept").unwrap().to_str().unwrap()).collect();
    assert_eq!(accept, ["text/csv, application/pdf", "application/json"]);
}

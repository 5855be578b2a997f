//! Client configuration.

use super::*;

#[tokio::test]
async fn slow_answer_is_a_timeout_error() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(service_mapping()).set_delay(Duration::from_secs(2));
    Mock::given(any()).respond_with(slow).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.get_audits_query_servicemapping().send().await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout { operation: "getAuditsQueryServicemapping", .. }), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn user_agent_is_sent() {
    let (server, client) = serve_json(200, service_mapping()).await;
    client.get_audits_query_servicemapping().send().await.unwrap();
    let default = only_request(&server).await;
    assert!(header(&default, "user-agent").unwrap().starts_with("genesys-cloud-audit/"), "{:?}", default.headers);

    let custom =
        Client::builder().base_url(server.uri()).access_token(TOKEN).user_agent("audit-exporter/2.1").build().unwrap();
    custom.get_audits_query_servicemapping().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(header(&requests[1], "user-agent"), Some("audit-exporter/2.1"));
}

#[test]
fn unusable_access_token_is_refused() {
    for token in ["", "line\nbreak"] {
        let result = Client::builder().base_url("https://api.mypurecloud.ie").access_token(token).build();
        assert!(matches!(result, Err(BuildError::InvalidAccessToken)), "token {token:?}: {result:?}");
    }
}

#[test]
fn debug_output_hides_the_token() {
    let client = client_for("https://api.mypurecloud.ie");
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("https://api.mypurecloud.ie/"), "{debug}");
    let request = format!("{:?}", client.get_audits_query_transaction_id(TRANSACTION_ID));
    assert!(!request.contains(TOKEN), "{request}");
    let builder = format!("{:?}", Client::builder().access_token(TOKEN));
    assert!(!builder.contains(TOKEN), "{builder}");
}

/// The `BuildError::InvalidBaseUrl` for `base_url`, or a panic naming what happened instead.
fn invalid_base_url(base_url: &str) -> String {
    match Client::builder().base_url(base_url).access_token(TOKEN).build() {
        Err(BuildError::InvalidBaseUrl { url, reason }) => {
            assert!(!reason.is_empty());
            url
        }
        other => panic!("expected InvalidBaseUrl for {base_url:?}, got {other:?}"),
    }
}

#[test]
fn base_url_that_is_not_a_url_is_refused() {
    assert_eq!(invalid_base_url("not a url"), "not a url");
}

#[test]
fn base_url_with_another_scheme_is_refused() {
    assert_eq!(invalid_base_url("ftp://x"), "ftp://x");
}

#[test]
fn base_url_with_a_query_is_refused() {
    assert_eq!(invalid_base_url("https://api.mypurecloud.com/?region=eu"), "https://api.mypurecloud.com/?region=eu");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    for suffix in ["/proxy/genesys", "/proxy/genesys/"] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(service_mapping()))
            .mount(&server)
            .await;
        let client = client_for(format!("{}{suffix}", server.uri()));
        client.get_audits_query_servicemapping().send().await.unwrap();
        assert_get(&only_request(&server).await, "/proxy/genesys/api/v2/audits/query/servicemapping");
    }
}

//! Auth: client credentials.

use super::*;

#[tokio::test]
async fn token_is_fetched_once_and_sent_as_bearer_on_every_call() {
    let login = login_service(token_answer("tok-1", 3600)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    for _ in 0..3 {
        client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    }
    let token_requests = requests(&login).await;
    assert_eq!(token_requests.len(), 1);
    let token_request = &token_requests[0];
    assert_eq!(token_request.method.as_str(), "POST");
    assert_eq!(token_request.url.path(), "/oauth/token");
    assert_eq!(token_request.headers.get("authorization").unwrap(), &format!("Basic {BASIC_CREDENTIALS}"));
    assert_eq!(token_request.body, b"grant_type=client_credentials");
    assert_eq!(authorizations(&api).await, ["Bearer tok-1"; 3]);
}

#[tokio::test]
async fn short_lived_token_is_refreshed_once_it_expires() {
    let login = login_service(sequence([token_answer("tok-1", 1), token_answer("tok-2", 1)])).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn api_401_gets_a_new_token_and_retries_once() {
    let login = login_service(sequence([token_answer("tok-1", 3600), token_answer("tok-2", 3600)])).await;
    let api = serve(sequence([error_answer(401), status_of("Running")])).await;
    let client = credentials_client(&api, &login);
    let status = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    assert_eq!(status.id.as_deref(), Some(TRANSACTION_ID));
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn second_401_is_returned_as_an_api_error() {
    let login = login_service(sequence([token_answer("tok-1", 3600), token_answer("tok-2", 3600)])).await;
    let api = serve(error_answer(401)).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("401 twice");
    assert!(matches!(&err, Error::Api(api) if api.status == 401), "{err:?}");
    assert_eq!(request_count(&login).await, 2);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn concurrent_calls_on_a_cold_client_make_one_token_request() {
    let login = login_service(token_answer("tok-1", 3600).set_delay(Duration::from_millis(300))).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        calls.spawn(async move { client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.map(|_| ()) });
    }
    let outcomes: Vec<_> = calls.join_all().await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(request_count(&login).await, 1);
    assert_eq!(authorizations(&api).await, ["Bearer tok-1"; 10]);
}

#[tokio::test]
async fn refused_token_request_is_an_auth_error_and_the_api_is_not_called() {
    let refusal = json!({"error": "invalid_client", "description": "client authentication failed"});
    let login = login_service(ResponseTemplate::new(401).set_body_json(&refusal)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("refused");
    match &err {
        Error::Auth { operation, source: AuthError::Refused { url, status, body } } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert_eq!(url, &format!("{}/oauth/token", login.uri()));
            assert_eq!(*status, 401);
            assert_eq!(serde_json::from_str::<Value>(body).unwrap(), refusal);
        }
        other => panic!("expected Error::Auth(Refused), got {other:?}"),
    }
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(CLIENT_SECRET), "{text}");
    }
    assert_eq!(request_count(&login).await, 1);
    assert_eq!(request_count(&api).await, 0);
}

#[tokio::test]
async fn secrets_and_tokens_stay_out_of_debug_and_display() {
    let builder = Client::builder().base_url("https://api.mypurecloud.ie").client_credentials(CLIENT_ID, CLIENT_SECRET);
    let text = format!("{builder:?}");
    assert!(!text.contains(CLIENT_SECRET) && text.contains("<redacted>"), "{text}");
    let text = format!("{:?}", Client::builder().access_token(STATIC_TOKEN));
    assert!(!text.contains(STATIC_TOKEN) && text.contains("<redacted>"), "{text}");
    let text = format!("{:?}", client_for("https://api.mypurecloud.ie", RetryPolicy::none()));
    assert!(!text.contains(STATIC_TOKEN), "{text}");

    // A client holding a fetched token.
    let login = login_service(token_answer("tok-held-7c1a", 3600)).await;
    let api = serve(status_of("Running")).await;
    let client = credentials_client(&api, &login);
    client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.unwrap();
    let text = format!("{client:?}");
    assert!(!text.contains(CLIENT_SECRET) && !text.contains("tok-held-7c1a"), "{text}");

    // An auth error from an answer that carries a token of the wrong type.
    let answer = json!({"access_token": "tok-mac-5e2f", "token_type": "mac", "expires_in": 3600});
    let login = login_service(ResponseTemplate::new(200).set_body_json(answer)).await;
    let client = credentials_client(&api, &login);
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("not bearer");
    assert!(matches!(&err, Error::Auth { source: AuthError::InvalidAnswer { .. }, .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(CLIENT_SECRET) && !text.contains("tok-mac-5e2f"), "{text}");
    }
}

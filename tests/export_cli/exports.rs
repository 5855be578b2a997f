//! Exports.

use super::*;

#[tokio::test]
async fn async_export_with_a_static_token_survives_429_503_and_502() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL, "--page-size", "2"]);

    assert_exported(&run, &pages);
    assert!(run.elapsed >= Duration::from_secs(1), "the 429's Retry-After of 1 s is honoured: {:?}", run.elapsed);
    assert!(run.stderr.contains("submitting query"), "{}", run.stderr);
    assert!(
        run.stderr.contains("audit_export: 2 entries") && run.stderr.contains("audit_export: 4 entries"),
        "{}",
        run.stderr
    );
    assert_eq!(requests_to(&server, "POST", SUBMIT_PATH).await.len(), 2, "the 429 is retried once");
    assert!(requests_to(&server, "GET", &status_path()).await.len() >= 3, "503, Running, Succeeded");
    let results = requests_to(&server, "GET", &results_path()).await;
    assert_eq!(results.len(), 4, "three pages and the 502 retried once");
    for request in &results {
        assert!(query(request).contains(&("pageSize".to_owned(), "2".to_owned())), "{}", request.url);
    }
    assert_authorized(&server, Auth::Token).await;
}

#[tokio::test]
async fn async_export_with_client_credentials_sends_the_fetched_token() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_login(&server).await;
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL]);

    assert_exported(&run, &pages);
    assert_authorized(&server, Auth::ClientCredentials).await;
    for request in requests_to(&server, "GET", &results_path()).await {
        assert!(
            query(&request).contains(&("pageSize".to_owned(), "500".to_owned())),
            "the default page size: {}",
            request.url
        );
        assert!(!query(&request).iter().any(|(k, _)| k == "expand"), "no expand unless asked: {}", request.url);
    }
}

#[tokio::test]
async fn verbose_export_tells_the_clients_story_on_stderr_without_secrets() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_login(&server).await;
    mount_async_query(&server, &pages).await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL, "--page-size", "2", "--verbose"]);

    // Stdout is the export as ever; stderr has the tracing lines besides the tool's own.
    assert_eq!(run.code(), Some(0), "the export succeeds: {run:?}");
    assert_eq!(run.entries(), pages.iter().flatten().cloned().collect::<Vec<Value>>());
    for told in [
        "fetching a client-credentials token",
        "call{operation=\"postAuditsQuery\" method=POST route=\"/api/v2/audits/query\"",
        "retrying reason=\"status 429\"",
        "the job is not done yet",
        "page operation=\"getAuditsQueryTransactionIdResults\" items=2",
    ] {
        assert!(run.stderr.contains(told), "{told:?} is not on stderr:\n{}", run.stderr);
    }
    for secret in [CLIENT_SECRET, "Bearer", "Basic"] {
        assert!(!run.stderr.contains(secret), "{secret:?} is on stderr:\n{}", run.stderr);
    }
}

/// Exports in realtime mode with `auth` and checks the pages asked for.
async fn realtime_export(auth: Auth) {
    let server = MockServer::start().await;
    let pages = three_pages();
    if let Auth::ClientCredentials = auth {
        mount_login(&server).await;
    }
    mount_realtime(&server, &pages).await;

    let run = export(&server, auth, &["--interval", INTERVAL, "--realtime", "--page-size", "2"]);

    assert_exported(&run, &pages);
    assert_authorized(&server, auth).await;
    let asked: Vec<Value> = requests_to(&server, "POST", REALTIME_PATH).await.iter().map(body).collect();
    let page = |number: i32| json!({"interval": INTERVAL, "pageSize": 2, "pageNumber": number});
    assert_eq!(asked, vec![page(1), page(1), page(2), page(2), page(3)], "each page, the faulty ones twice");
    assert!(requests_to(&server, "POST", SUBMIT_PATH).await.is_empty(), "no asynchronous query in realtime mode");
}

#[tokio::test]
async fn realtime_export_with_a_static_token_pages_by_number() {
    realtime_export(Auth::Token).await;
}

#[tokio::test]
async fn realtime_export_with_client_credentials_pages_by_number() {
    realtime_export(Auth::ClientCredentials).await;
}

#[tokio::test]
async fn query_flags_reach_the_asynchronous_query() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_async_query(&server, &pages).await;

    let run = export(
        &server,
        Auth::Token,
        &[
            "--interval",
            INTERVAL,
            "--service-name",
            "Architect",
            "--filter",
            "Action=Publish",
            "--filter=EntityId=id=with=equals",
            "--filter",
            "FutureProperty=x",
            "--expand-user",
            "--page-size",
            "2",
        ],
    );

    assert_exported(&run, &pages);
    assert!(
        run.stderr_lines().iter().any(|line| line.contains("note: filter property \"FutureProperty\"")),
        "an unknown filter property is sent with a note: {}",
        run.stderr
    );
    let submits = requests_to(&server, "POST", SUBMIT_PATH).await;
    let expected = json!({
        "interval": INTERVAL,
        "serviceName": "Architect",
        "filters": [
            {"property": "Action", "value": "Publish"},
            {"property": "EntityId", "value": "id=with=equals"},
            {"property": "FutureProperty", "value": "x"}
        ]
    });
    for submit in &submits {
        assert_eq!(body(submit), expected);
        assert_eq!(submit.url.query(), None);
    }
    let results = requests_to(&server, "GET", &results_path()).await;
    let first = query(&results[0]);
    assert_eq!(first, [("pageSize".to_owned(), "2".to_owned()), ("expand".to_owned(), "user".to_owned())]);
    let last = query(results.last().expect("results were fetched"));
    assert!(
        last.contains(&("expand".to_owned(), "user".to_owned()))
            && last.contains(&("cursor".to_owned(), "cursor-2".to_owned()))
    );
}

#[tokio::test]
async fn query_flags_reach_the_realtime_query() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_realtime(&server, &pages).await;

    let run = export(
        &server,
        Auth::Token,
        &[
            "--realtime",
            "--interval",
            INTERVAL,
            "--service-name",
            "Directory",
            "--filter",
            "UserId=u-1",
            "--expand-user",
            "--page-size=2",
        ],
    );

    assert_exported(&run, &pages);
    let asked = requests_to(&server, "POST", REALTIME_PATH).await;
    let first = asked.first().expect("the realtime query was made");
    assert_eq!(
        body(first),
        json!({
            "interval": INTERVAL,
            "serviceName": "Directory",
            "filters": [{"property": "UserId", "value": "u-1"}],
            "pageNumber": 1,
            "pageSize": 2
        })
    );
    for request in &asked {
        assert_eq!(request.url.query(), Some("expand=user"));
    }
}

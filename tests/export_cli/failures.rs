//! Failures.

use super::*;

/// Checks a failed run: exit 1, nothing on stdout, and an error line last that says `needles`.
fn assert_failed(run: &Run, needles: &[&str]) {
    assert_eq!(run.code(), Some(1), "a runtime failure exits 1: {run:?}");
    assert_eq!(run.stdout, "", "nothing is exported");
    let last = run.last_stderr_line();
    assert!(last.starts_with("audit_export: "), "{last:?}");
    for needle in needles {
        assert!(last.contains(needle), "{last:?} says {needle:?}");
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[tokio::test]
async fn unauthorized_with_a_static_token_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL]);

    assert_failed(&run, &["401", "Invalid login credentials.", CORRELATION_ID]);
    assert!(run.elapsed < Duration::from_secs(5), "a 401 is not retried: {:?}", run.elapsed);
    assert_eq!(requests(&server).await.len(), 1, "one attempt");
}

#[tokio::test]
async fn unauthorized_with_client_credentials_refreshes_once_then_fails() {
    let server = MockServer::start().await;
    mount_login(&server).await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;

    let run = export(&server, Auth::ClientCredentials, &["--interval", INTERVAL]);

    assert_failed(&run, &["401", CORRELATION_ID]);
    assert!(run.elapsed < Duration::from_secs(5), "a 401 is not retried beyond the refresh: {:?}", run.elapsed);
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2, "the token is fetched, then refreshed once");
    assert_eq!(requests_to(&server, "POST", SUBMIT_PATH).await.len(), 2, "the submit is tried with each token");
}

#[tokio::test]
async fn a_failed_query_exits_non_zero() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SUBMIT_PATH))
        .respond_with(json_response(200, status_body("Queued")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(json_response(200, status_body("Failed")))
        .mount(&server)
        .await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL]);

    assert_failed(&run, &["Failed"]);
    assert!(requests_to(&server, "GET", &results_path()).await.is_empty(), "no results are fetched");
}

#[tokio::test]
async fn a_page_that_fails_midway_keeps_the_complete_lines_and_says_so() {
    let server = MockServer::start().await;
    let pages = three_pages();
    Mock::given(method("POST"))
        .and(path(REALTIME_PATH))
        .and(body_partial_json(json!({"pageNumber": 2})))
        .respond_with(error_response(500, "internal.server.error", "Something broke"))
        .mount(&server)
        .await;
    mount_realtime(&server, &pages).await;

    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "--page-size", "2"]);

    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.entries(), pages[0], "the first page is written whole");
    let last = run.last_stderr_line();
    assert!(last.starts_with("audit_export: ") && last.contains("500"), "{last:?}");
    assert!(last.contains("export incomplete: 2 entries written"), "{last:?}");
    assert_eq!(requests_to(&server, "POST", REALTIME_PATH).await.len(), 3, "a 500 is not retried");
}

#[tokio::test]
async fn a_closed_stdout_ends_the_export_quietly() {
    let server = MockServer::start().await;
    let pages = vec![entries(0, 50), entries(50, 50), entries(100, 50)];
    mount_realtime(&server, &pages).await;

    let mut command = Command::new(binary());
    scrub_env(&mut command);
    command
        .env("GENESYS_ACCESS_TOKEN", TOKEN)
        .args(["--base-url", &server.uri(), "--realtime", "--interval", INTERVAL])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the example starts");
    // Close the reading end before the first entry can be written.
    drop(child.stdout.take());
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));
    let status = wait_with_limit(&mut child, started);
    let stderr = stderr.join().expect("the stderr reader does not panic");

    assert_eq!(status.code(), Some(141), "a closed stdout exits 141: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe") && !stderr.contains("cannot write"), "quietly: {stderr}");
}

#[tokio::test]
async fn usage_errors_exit_2_with_one_line_and_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(json_response(200, json!({}))).mount(&server).await;
    let uri = server.uri();
    let base = |extra: &[&str]| -> Vec<String> {
        ["--base-url", uri.as_str(), "--interval", INTERVAL].iter().chain(extra).map(|s| (*s).to_owned()).collect()
    };
    let owned = |args: &[&str]| -> Vec<String> { args.iter().map(|s| (*s).to_owned()).collect() };
    let cases: Vec<(&str, Auth, Vec<String>, &str)> = vec![
        ("no interval", Auth::Token, owned(&["--base-url", &uri]), "--interval is required"),
        (
            "interval without a value",
            Auth::Token,
            owned(&["--base-url", &uri, "--interval"]),
            "--interval needs a value",
        ),
        ("interval not an interval", Auth::Token, owned(&["--base-url", &uri, "--interval", "yesterday"]), "ISO-8601"),
        ("unknown flag", Auth::Token, base(&["--since", "3d"]), "unknown flag --since"),
        ("stray argument", Auth::Token, base(&["extra"]), "unexpected argument"),
        ("page size 0", Auth::Token, base(&["--page-size", "0"]), "--page-size"),
        ("page size 501", Auth::Token, base(&["--page-size", "501"]), "--page-size"),
        ("page size not a number", Auth::Token, base(&["--page-size", "lots"]), "--page-size"),
        ("filter without =", Auth::Token, base(&["--filter", "Action"]), "PROPERTY=VALUE"),
        ("filter without a value", Auth::Token, base(&["--filter", "Action="]), "--filter"),
        ("region and base URL", Auth::Token, base(&["--region", "eu-west-1"]), "--region and --base-url"),
        (
            "unknown region",
            Auth::Token,
            owned(&["--region", "atlantis-1", "--interval", INTERVAL]),
            "unknown region \"atlantis-1\"",
        ),
        ("switch with a value", Auth::Token, base(&["--realtime=yes"]), "--realtime takes no value"),
        (
            "raw with resume",
            Auth::Token,
            owned(&["--resume", "audits.checkpoint", "--raw"]),
            "--raw cannot be used with --resume",
        ),
        ("flag twice", Auth::Token, base(&["--service-name", "A", "--service-name", "B"]), "more than once"),
        ("no credentials", Auth::Nothing, base(&[]), "no credentials"),
        (
            "no credentials, and a filter property to note",
            Auth::Nothing,
            base(&["--filter", "Colour=red"]),
            "no credentials",
        ),
        ("client credentials without a login URL", Auth::ClientCredentials, base(&[]), "--login-url"),
        (
            "a base URL that is not one",
            Auth::Token,
            owned(&["--base-url", "ftp://example.com", "--interval", INTERVAL]),
            "base URL",
        ),
    ];
    for (name, auth, args, needle) in cases {
        let run = run(auth, &args);
        assert_eq!(run.code(), Some(2), "{name}: a usage error exits 2: {run:?}");
        assert_eq!(run.stdout, "", "{name}: nothing on stdout");
        let lines = run.stderr_lines();
        assert_eq!(lines.len(), 1, "{name}: one line on stderr: {:?}", run.stderr);
        assert!(lines[0].starts_with("audit_export: "), "{name}: {:?}", lines[0]);
        assert!(lines[0].contains(needle), "{name}: {:?} says {needle:?}", lines[0]);
    }
    // Only client id, no secret.
    let mut command = Command::new(binary());
    scrub_env(&mut command);
    command.env("GENESYS_CLIENT_ID", CLIENT_ID).args(base(&[]));
    let run = run_command(command);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(run.last_stderr_line().contains("GENESYS_CLIENT_SECRET"), "{}", run.stderr);

    assert!(requests(&server).await.is_empty(), "a usage error sends nothing");
}

#[tokio::test]
async fn quiet_silences_progress_but_not_errors() {
    let server = MockServer::start().await;
    let pages = three_pages();
    mount_realtime(&server, &pages).await;
    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "--page-size", "2", "--quiet"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(run.entries(), pages.concat());
    assert_eq!(run.stderr, "", "no progress");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .mount(&server)
        .await;
    let run = export(&server, Auth::Token, &["--realtime", "--interval", INTERVAL, "-q"]);
    assert_failed(&run, &["401"]);
    assert_eq!(run.stderr_lines().len(), 1, "only the error: {}", run.stderr);
}

#[tokio::test]
async fn help_prints_the_flags_and_exits_0() {
    let run = run(Auth::Nothing, &["--help".to_owned()]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    assert_eq!(run.stderr, "");
    for flag in [
        "--interval",
        "--service-name",
        "--filter",
        "--page-size",
        "--expand-user",
        "--realtime",
        "--region",
        "--base-url",
        "--login-url",
        "GENESYS_ACCESS_TOKEN",
        "GENESYS_CLIENT_ID",
    ] {
        assert!(run.stdout.contains(flag), "the help names {flag}");
    }
}

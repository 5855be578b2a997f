//! The export tool's stderr and stdout, with the client's tracing on: `--verbose`, and `RUST_LOG` asking
//! the client and the HTTP crates under it for TRACE, or every crate.
//!
//! `reqwest=trace,hyper=trace` is asked for because those are where an `Authorization` header would be
//! logged, and today they show nothing: hyper 1 traces only with its `tracing` feature and `--cfg
//! hyper_unstable_tracing`, neither of which is on, and reqwest logs through the `log` crate, which the
//! tool's subscriber does not collect. (reqwest's one path that logs headers, `connection_verbose`, writes
//! the raw bytes of each connection, but only on an HTTP client built with it; the client never turns it
//! on.) `hyper_util` does trace, and is checked. The filters are asked for anyway, so that a dependency
//! that starts logging headers, or a subscriber that starts collecting `log` records, fails here.

use std::process::Command;

use audit_tests::export_tool::{Run, binary, run_command, scrub_env};

use super::*;

/// How the client's tracing is turned on for a run.
#[derive(Clone, Copy, Debug)]
enum Tracing {
    /// `--verbose`: the client's DEBUG story.
    Verbose,
    /// `RUST_LOG` with these directives.
    RustLog(&'static str),
}

/// The client and every HTTP crate under it, at TRACE.
const HTTP_CRATES_AT_TRACE: &str = "genesys_cloud_runtime=trace,reqwest=trace,hyper=trace,hyper_util=trace,h2=trace";

/// The tool exporting the query of `server` with the test's client credentials and `tracing`.
fn export_with(server: &MockServer, tracing: Tracing) -> Run {
    let mut command = Command::new(binary());
    scrub_env(&mut command);
    command.env("GENESYS_CLIENT_ID", CLIENT_ID).env("GENESYS_CLIENT_SECRET", CLIENT_SECRET);
    let uri = server.uri();
    command.args(["--base-url", &uri, "--login-url", &uri, "--poll-interval-ms", "10", "--interval", INTERVAL]);
    match tracing {
        Tracing::Verbose => command.arg("--verbose"),
        Tracing::RustLog(directives) => command.env("RUST_LOG", directives),
    };
    run_command(command)
}

/// Checks that the client's trace on stderr tells the whole flow: a retried token request, the 401 and
/// the refetch, and the retry of the 503.
#[track_caller]
fn assert_story_told(run: &Run) {
    for expected in ["retrying the token request", "refused the token (401)", "reason=\"status 503\""] {
        assert!(run.stderr.contains(expected), "no {expected:?} on stderr:\n{}", run.stderr);
    }
    let fetched = run.stderr.matches("token fetched").count();
    assert_eq!(fetched, TOKENS.len(), "each token fetch is traced:\n{}", run.stderr);
}

/// Runs the whole flow with `tracing` and checks the run: it exported the entries and nothing else on
/// stdout, the flow happened and is told on stderr, and neither output shows a credential.
async fn check_export(tracing: Tracing) {
    let server = flow_server().await;
    let run = export_with(&server, tracing);
    assert_eq!(run.code(), Some(0), "the export succeeds ({tracing:?}): {}", run.stderr);
    assert_flow_happened(&server).await;
    assert_story_told(&run);
    assert_eq!(run.entries(), entries(), "stdout has the entries and nothing else");
    assert_no_secret("stdout", &run.stdout);
    assert_no_secret(&format!("stderr ({tracing:?})"), &run.stderr);
}

#[tokio::test]
async fn verbose_shows_no_secret() {
    check_export(Tracing::Verbose).await;
}

#[tokio::test]
async fn the_http_crates_at_trace_show_no_secret() {
    check_export(Tracing::RustLog(HTTP_CRATES_AT_TRACE)).await;
}

#[tokio::test]
async fn every_crate_at_trace_shows_no_secret() {
    check_export(Tracing::RustLog("trace")).await;
}

#[tokio::test]
async fn the_error_lines_of_a_failed_export_show_no_secret() {
    // The API refuses every token: the 401 outlives the refresh.
    let refusing_api = MockServer::start().await;
    mount_login(&refusing_api).await;
    Mock::given(method("POST")).and(path(QUERY_PATH)).respond_with(refusal()).mount(&refusing_api).await;
    // The login service refuses the credentials.
    let refusing_login = MockServer::start().await;
    let answer = json!({"error": "invalid_client", "error_description": "Client authentication failed"});
    token_request().respond_with(ResponseTemplate::new(401).set_body_json(answer)).mount(&refusing_login).await;

    for (server, expected) in [(&refusing_api, "401 Unauthorized"), (&refusing_login, "was refused with 401")] {
        for tracing in [Tracing::Verbose, Tracing::RustLog("trace")] {
            let run = export_with(server, tracing);
            assert_eq!(run.code(), Some(1), "the export fails ({tracing:?}): {}", run.stderr);
            // Traces may follow the error line, so it is looked for rather than taken last.
            let said =
                run.stderr_lines().iter().any(|line| line.starts_with("audit_export: ") && line.contains(expected));
            assert!(said, "{expected:?} in:\n{}", run.stderr);
            assert_eq!(run.stdout, "", "nothing is exported");
            assert_no_secret(&format!("stderr of a failed export ({tracing:?})"), &run.stderr);
        }
    }
    assert!(token_requests(&refusing_api).await >= 3, "the 401 made the client fetch again");
}

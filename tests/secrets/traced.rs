//! What every crate traces at TRACE in-process, through the whole flow, formatted as a subscriber would
//! print it. The mock server runs on a thread of its own, so what is captured is the client's side only.

use audit_tests::traces::traced;
use tracing_subscriber::filter::{LevelFilter, Targets};

use super::*;

#[test]
fn every_crate_at_trace_shows_no_secret_through_the_flow() {
    let text = traced(Targets::new().with_default(LevelFilter::TRACE), || async {
        let server = flow_server().await;
        let exported = export(&client_for(&server)).await.expect("the export succeeds");
        assert_eq!(exported.len(), ENTRY_COUNT);
        assert_flow_happened(&server).await;
    });
    // The story is there, the HTTP crates' part of it included...
    for expected in [
        "retrying the token request",
        "refused the token (401)",
        "reason=\"status 503\"",
        "genesys_cloud_runtime",
        "hyper_util",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    assert_eq!(text.matches("token fetched").count(), TOKENS.len(), "each fetch is traced:\n{text}");
    // ...and no credential in it.
    assert_no_secret("the trace", &text);
}

//! Contract tests: every operation of the generated client, checked by an independent OpenAPI validator.
//!
//! Each test starts its own [Prism](https://github.com/stoplightio/prism) (`@stoplight/prism-cli`, pinned
//! by `.ci/install-prism`) as a mock server for the description in `spec/` (the Swagger 2.0 file that
//! `spec/codegen.toml` names), with `--errors`: a request that does not match the spec is answered 4xx and
//! logged as a `[VALIDATOR]` violation. Every call goes through the generated client, and must both be
//! accepted by Prism (a 2xx, no validator line) and decode into the generated types.
//!
//! - `static_mock_accepts_every_operation`: the 7 operations, optional parameters and body fields both
//!   unset and set, against Prism's static examples.
//! - `dynamic_mock_responses_decode`: the same calls for several rounds against `prism mock -d`, whose
//!   responses are random but valid for the spec: every one must decode (a decode error means the
//!   generated types are wrong).
//! - `harness_flags_invalid_requests`: the negative control. Invalid requests (two sent by hand, one by a
//!   client without a token) must be answered 4xx and flagged by the same log check; a valid one must
//!   not be.
//!
//! Prism's log is one line per event, in order; calls are sent one at a time, each preceded by a marker
//! request (`GET /__contract__/<n>`, unknown to the spec) so that each log line can be attributed to the
//! call that caused it.
//!
//! Prism is found through `PRISM_BIN`, else at `.tools/prism/node_modules/.bin/prism`, installed on
//! demand by `.ci/install-prism` when npm is on PATH. Without it the tests print why and pass, except
//! with `CI=true`, where they fail.

use std::time::{Duration, Instant};

use genesys_cloud_audit::models::{
    AuditQueryFilter, AuditQueryFilterProperty, AuditQueryRequest, AuditQuerySort, AuditQuerySortName,
    AuditQuerySortOrder, AuditRealtimeQueryRequest, AuditRealtimeRelatedRequest,
};
use genesys_cloud_audit::operations::GetAuditsQueryTransactionIdResultsOutput;
use genesys_cloud_audit::{Client, RetryPolicy};

/// The spec Prism serves, under the workspace root.
mod prism;
mod report;

use audit_tests::tools::PRISM;
use prism::Mode;
use report::{Contract, Outcome};

/// How long Prism may take to listen.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a log line may take to appear after its request was answered.
const LOG_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// What Prism logs for a request that passed validation.
const VALIDATED: &str = "The request passed the validation rules";
/// The path prefix of marker requests.
const MARKER: &str = "/__contract__/";
/// Rounds of calls against the dynamic mock.
const DYNAMIC_ROUNDS: usize = 10;

const TOKEN: &str = "contract-test";
const INTERVAL: &str = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z";
const TRANSACTION_ID: &str = "5b7e2c91-4f3a-4d8e-a6b0-9c1d2e3f4a5b";
const AUDIT_ID: &str = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
const TRUSTOR_ORG_ID: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const TRUSTEE_ORG_ID: &str = "d4c3b2a1-6f5e-4b7a-9d8c-5c4b3a2f1e0d";
const USER_ID: &str = "6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b";
const CLIENT_ID: &str = "2c9a7e15-3b8d-4f60-a1e4-7d5c0b9f8e23";
const FLOW_ID: &str = "9d8c7b6a-5e4f-4a3b-b2c1-d0e9f8a7b6c5";
/// A cursor as the service hands them out: base64, with characters that must be percent-encoded.
const CURSOR: &str = "eyJvZmZzZXQiOjI1LCJxdWVyeSI6IjViN2UyYzkxIn0+/w==";

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn static_mock_accepts_every_operation() {
    let began = Instant::now();
    let Some(bin) = PRISM.or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Static, "static");
    let client = contract.client.clone();

    drive_every_operation(&mut contract, &client, "");

    let report = contract.finish();
    report.print(true);
    println!("contract (static): {} calls, {}", report.calls.len(), contract.timing(began));
    report.assert_clean();
    assert_eq!(report.calls.len(), CALLS_PER_ROUND);
}

#[test]
fn dynamic_mock_responses_decode() {
    let began = Instant::now();
    let Some(bin) = PRISM.or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Dynamic, "dynamic");
    let client = contract.client.clone();

    for round in 1..=DYNAMIC_ROUNDS {
        drive_every_operation(&mut contract, &client, &format!("round {round}: "));
    }

    let report = contract.finish();
    report.print(false);
    let decode_errors: Vec<_> = report.calls.iter().filter(|call| matches!(call.outcome, Outcome::Decode(_))).collect();
    println!(
        "contract (dynamic): {} rounds, {} calls, {} distinct decoded responses, {} decode errors, {}",
        DYNAMIC_ROUNDS,
        report.calls.len(),
        report.distinct_values(),
        decode_errors.len(),
        contract.timing(began)
    );
    for call in &decode_errors {
        println!("  decode error in #{} {}: {}", call.marker, call.label, call.outcome);
    }
    report.assert_clean();
    assert_eq!(decode_errors.len(), 0);
    assert_eq!(report.calls.len(), CALLS_PER_ROUND * DYNAMIC_ROUNDS);
    // Prism's dynamic examples are random: if every round got the same answers, the rounds tested nothing.
    assert!(
        report.distinct_values() > CALLS_PER_ROUND,
        "the dynamic mock gave only {} distinct responses in {} calls",
        report.distinct_values(),
        report.calls.len()
    );
}

#[test]
fn harness_flags_invalid_requests() {
    let began = Instant::now();
    let Some(bin) = PRISM.or_skip() else { return };
    let mut contract = Contract::start(&bin, Mode::Static, "negative-control");

    let valid = "raw GET servicemapping (valid)";
    let no_interval = "raw POST /api/v2/audits/query with body {} (no interval)";
    let bad_page_size = "raw GET results?pageSize=ten";
    let valid_status = contract.raw(valid, "GET", "/api/v2/audits/query/servicemapping", None);
    let no_interval_status = contract.raw(no_interval, "POST", "/api/v2/audits/query", Some("{}"));
    let bad_page_size_status = contract.raw(
        bad_page_size,
        "GET",
        &format!("/api/v2/audits/query/{TRANSACTION_ID}/results?pageSize=ten"),
        None,
    );
    // Through the generated client too: without a token, Prism answers 401, which must count as a failure.
    let no_token = "getAuditsQueryServicemapping without an access token";
    let anonymous = Client::builder()
        .base_url(contract.prism.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("a client without credentials builds");
    let anonymous_result = contract.call(no_token.to_owned(), anonymous.get_audits_query_servicemapping());

    let report = contract.finish();
    report.print(true);
    println!("contract (negative control): {} requests, {}", report.calls.len(), contract.timing(began));

    assert_eq!(valid_status, 200, "Prism rejects a valid request; its log: {}", contract.prism.log_path.display());
    assert!((400..500).contains(&no_interval_status), "a body without `interval` was answered {no_interval_status}");
    assert!((400..500).contains(&bad_page_size_status), "pageSize=ten was answered {bad_page_size_status}");
    assert!(anonymous_result.is_none(), "a call without a token succeeded: {anonymous_result:?}");
    let no_token_outcome = report.call(no_token).outcome.to_string();
    assert!(no_token_outcome.contains("answered 401"), "unexpected outcome without a token: {no_token_outcome}");

    // The check the positive tests rely on flags exactly the three invalid requests...
    let flagged: Vec<&str> =
        report.calls.iter().filter(|call| !call.problems.is_empty()).map(|c| c.label.as_str()).collect();
    assert_eq!(flagged, [no_interval, bad_page_size, no_token], "the validator log check flagged the wrong requests");
    let no_interval_problems = report.call(no_interval).problems.join("\n");
    assert!(
        no_interval_problems.contains("Violation: request.body") && no_interval_problems.contains("'interval'"),
        "unexpected validator lines for the body without interval:\n{no_interval_problems}"
    );
    let page_size_problems = report.call(bad_page_size).problems.join("\n").to_lowercase();
    assert!(
        page_size_problems.contains("violation: request.query.pagesize"),
        "unexpected validator lines for pageSize=ten:\n{page_size_problems}"
    );
    let no_token_problems = report.call(no_token).problems.join("\n");
    assert!(
        no_token_problems.contains("Violation: request Invalid security scheme used"),
        "unexpected validator lines for the call without a token:\n{no_token_problems}"
    );
    // ... and so the report the positive tests assert empty is not.
    let failures = report.failures();
    assert_eq!(failures.len(), 3, "expected the three invalid requests as failures, got:\n{}", failures.join("\n"));
    assert!(failures.iter().all(|failure| failure.contains("[VALIDATOR]")));
    // The valid request was seen validated, which the positive tests require of every call.
    assert!(report.call(valid).validated, "prism did not log that it validated the valid request");
}

// ---------------------------------------------------------------------------------------------
// The calls: every operation, optional parameters unset and set
// ---------------------------------------------------------------------------------------------

/// How many calls [`drive_every_operation`] makes.
const CALLS_PER_ROUND: usize = 13;

fn filter(property: AuditQueryFilterProperty, value: &str) -> AuditQueryFilter {
    AuditQueryFilter::new(property, value)
}

fn sort(order: AuditQuerySortOrder) -> AuditQuerySort {
    AuditQuerySort::new(AuditQuerySortName::Timestamp, order)
}

/// Calls each of the 7 operations: once with required arguments only, and once or twice more with
/// every optional parameter and body field set.
fn drive_every_operation(contract: &mut Contract, client: &Client, prefix: &str) {
    let label = |text: &str| format!("{prefix}{text}");

    contract.call(label("getAuditsQueryServicemapping"), client.get_audits_query_servicemapping());
    contract.call(label("getAuditsQueryRealtimeServicemapping"), client.get_audits_query_realtime_servicemapping());

    contract.call(label("postAuditsQuery (interval only)"), client.post_audits_query(AuditQueryRequest::new(INTERVAL)));
    let full_query = AuditQueryRequest::new(INTERVAL)
        .with_service_name("Architect")
        .with_filters([
            filter(AuditQueryFilterProperty::UserId, USER_ID),
            filter(AuditQueryFilterProperty::TrusteeOrganizationId, TRUSTEE_ORG_ID),
            filter(AuditQueryFilterProperty::ClientId, CLIENT_ID),
            filter(AuditQueryFilterProperty::Action, "Publish"),
            filter(AuditQueryFilterProperty::EntityType, "Flow"),
            filter(AuditQueryFilterProperty::EntityId, FLOW_ID),
        ])
        .with_sort([sort(AuditQuerySortOrder::Descending)]);
    contract.call(label("postAuditsQuery (serviceName, 6 filters, sort)"), client.post_audits_query(full_query));

    contract.call(label("getAuditsQueryTransactionId"), client.get_audits_query_transaction_id(TRANSACTION_ID));

    contract.call(
        label("getAuditsQueryTransactionIdResults (no options)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID),
    );
    contract.call(
        label("getAuditsQueryTransactionIdResults (cursor, pageSize 100, expand user, allowRedirect true)"),
        client
            .get_audits_query_transaction_id_results(TRANSACTION_ID)
            .cursor(CURSOR)
            .page_size(100)
            .expand(["user"])
            .allow_redirect(true),
    );
    contract.call(
        label("getAuditsQueryTransactionIdResults (pageSize 500, allowRedirect false)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).page_size(500).allow_redirect(false),
    );

    contract.call(
        label("postAuditsQueryRealtime (interval only)"),
        client.post_audits_query_realtime(AuditRealtimeQueryRequest::new(INTERVAL)),
    );
    let full_realtime = AuditRealtimeQueryRequest::new(INTERVAL)
        .with_service_name("Directory")
        .with_filters([
            filter(AuditQueryFilterProperty::UserId, USER_ID),
            filter(AuditQueryFilterProperty::Action, "Update"),
            filter(AuditQueryFilterProperty::EntityType, "User"),
        ])
        .with_sort([sort(AuditQuerySortOrder::Ascending)])
        .with_page_number(2)
        .with_page_size(50);
    contract.call(
        label("postAuditsQueryRealtime (expand user; serviceName, 3 filters, sort, pageNumber, pageSize)"),
        client.post_audits_query_realtime(full_realtime).expand(["user"]),
    );

    contract.call(
        label("postAuditsQueryRealtimeRelated (auditId only)"),
        client.post_audits_query_realtime_related(AuditRealtimeRelatedRequest::new(AUDIT_ID)),
    );
    let full_related = AuditRealtimeRelatedRequest::new(AUDIT_ID)
        .with_trustor_org_id(TRUSTOR_ORG_ID)
        .with_sort([sort(AuditQuerySortOrder::Descending)]);
    contract.call(
        label("postAuditsQueryRealtimeRelated (expand user; trustorOrgId, sort)"),
        client.post_audits_query_realtime_related(full_related).expand(["user"]),
    );

    // The 200 of the results call is its `Ok` variant: checks the status-to-variant mapping too.
    let output = contract.call(
        label("getAuditsQueryTransactionIdResults (expand user only)"),
        client.get_audits_query_transaction_id_results(TRANSACTION_ID).expand(["user"]),
    );
    if let Some(output) = output {
        assert!(
            matches!(output, GetAuditsQueryTransactionIdResultsOutput::Ok(_)),
            "a 200 decoded as another variant: {output:?}"
        );
    }
}

//! Decoding protects users against real server output.
//!
//! A realistic page of audit results (`tests/fixtures/data/audit-results-page.json`, every field of
//! `AuditLogMessage` used, enum values and members the spec does not list) must decode into typed
//! values and encode back to exactly the JSON it came from; error and status bodies from a newer
//! server must decode; request bodies built through constructors must carry only what was set.

use chrono::{DateTime, TimeZone, Utc};
use genesys_cloud_audit::models::{
    AuditLogMessage, AuditLogMessageLevel, AuditLogMessageStatus, AuditQueryExecutionResultsResponse,
    AuditQueryExecutionStatusResponse, AuditQueryExecutionStatusResponseState, AuditQueryFilter,
    AuditQueryFilterProperty, AuditQueryRequest, AuditQuerySort, AuditQuerySortName, AuditQuerySortOrder,
    AuditRealtimeQueryRequest, AuditRealtimeRelatedRequest, ErrorBody, GetAuditsQueryTransactionIdResultsExpand,
    LimitNamespace,
};
use serde_json::{Value, json};

/// The fixture page as text, as the server sends it.
fn page_text() -> String {
    let path = audit_tests::data_fixture("audit-results-page.json");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The fixture page as a JSON value.
fn page_json() -> Value {
    serde_json::from_str(&page_text()).expect("the fixture is JSON")
}

/// The fixture page, decoded from its text.
fn page() -> AuditQueryExecutionResultsResponse {
    serde_json::from_str(&page_text()).expect("the fixture page decodes")
}

/// The `index`th entity of the fixture page.
fn entity(index: usize) -> AuditLogMessage {
    page().entities.expect("the page has entities").swap_remove(index)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + chrono::Duration::milliseconds(i64::from(ms))
}

/// Encodes a request body and returns its JSON value, checking no member is `null`.
macro_rules! encode_without_nulls {
    ($body:expr) => {
        without_nulls(serde_json::to_string(&$body).expect("the body encodes"))
    };
}

/// The JSON value of encoded `text`, checking it has no `null`.
fn without_nulls(text: String) -> Value {
    assert!(!text.contains("null"), "encoded body contains null: {text}");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn page_top_level_fields_decode() {
    let page = page();
    assert_eq!(page.id.as_deref(), Some("3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19"));
    assert_eq!(page.page_size, Some(4));
    assert_eq!(
        page.cursor.as_deref(),
        Some("eyJsYXN0RXZlbnREYXRlIjoiMjAyNC0wMy0wNVQxNDoyNjoxMC4wMDNaIiwibGFzdElkIjoiYzdlOSJ9")
    );
    assert_eq!(page.entities.as_ref().map(Vec::len), Some(4));
}

#[test]
fn fixture_uses_every_field_of_audit_log_message() {
    let entities = page().entities.unwrap();
    let used = |has: fn(&AuditLogMessage) -> bool| entities.iter().any(has);
    assert!(used(|e| e.id.is_some()), "id");
    assert!(used(|e| e.user_home_org_id.is_some()), "userHomeOrgId");
    assert!(used(|e| e.user.is_some()), "user");
    assert!(used(|e| e.client.is_some()), "client");
    assert!(used(|e| e.remote_ip.is_some()), "remoteIp");
    assert!(used(|e| e.service_name.is_some()), "serviceName");
    assert!(used(|e| e.level.is_some()), "level");
    assert!(used(|e| e.event_date.is_some()), "eventDate");
    assert!(used(|e| e.message.as_ref().is_some_and(|m| m.message_params.is_some())), "message.messageParams");
    assert!(used(|e| e.action.is_some()), "action");
    assert!(used(|e| e.entity.is_some()), "entity");
    assert!(used(|e| e.entity_type.is_some()), "entityType");
    assert!(used(|e| e.status.is_some()), "status");
    assert!(used(|e| e.application.is_some()), "application");
    assert!(used(|e| e.initiating_action.is_some()), "initiatingAction");
    assert!(used(|e| e.transaction_initiator.is_some()), "transactionInitiator");
    assert!(used(|e| e.property_changes.is_some()), "propertyChanges");
    assert!(used(|e| e.context.is_some()), "context");
    assert!(used(|e| e.entity_changes.is_some()), "entityChanges");
}

#[test]
fn entity_scalars_decode_to_typed_values() {
    let e = entity(0);
    assert_eq!(e.id.as_deref(), Some("a1b2c3d4-0001-4e5f-8a9b-1c2d3e4f5a6b"));
    assert_eq!(e.service_name.as_deref(), Some("Architect"));
    assert_eq!(e.level, Some(AuditLogMessageLevel::User));
    assert_eq!(e.status, Some(AuditLogMessageStatus::Success));
    assert_eq!(e.event_date, Some(utc(2024, 3, 5, 14, 22, 31, 417)));
    assert_eq!(e.action.as_deref(), Some("Publish"));
    assert_eq!(e.entity_type.as_deref(), Some("Flow"));
    assert_eq!(e.application.as_deref(), Some("Architect"));
    assert_eq!(e.transaction_initiator, Some(true));
    assert_eq!(e.remote_ip, Some(vec!["203.0.113.24".to_owned(), "10.12.0.7".to_owned()]));
}

#[test]
fn entity_nested_objects_decode() {
    let e = entity(0);
    let user = e.user.unwrap();
    assert_eq!(user.name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(user.self_uri.as_deref(), Some("/api/v2/users/6e4f2a1b-7c3d-4e5f-9a0b-1c2d3e4f5a6b"));
    assert_eq!(e.client.unwrap().id.as_deref(), Some("0f3e5d7c-9b1a-4c2e-8d6f-4a2b0c8e6d1f"));
    let message = e.message.unwrap();
    assert_eq!(message.localizable_message_code.as_deref(), Some("FLOW_PUBLISHED"));
    let params = message.message_params.unwrap();
    assert_eq!(params.get("flowName").map(String::as_str), Some("Main IVR"));
    assert_eq!(params.get("version").map(String::as_str), Some("12.0"));
    assert_eq!(e.initiating_action.unwrap().action_context.as_deref(), Some("PublishFlow"));
    assert_eq!(e.context.unwrap().get("flowType").map(String::as_str), Some("INBOUNDCALL"));
}

#[test]
fn entity_change_lists_decode() {
    let e = entity(0);
    let changes = e.property_changes.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].property.as_deref(), Some("version"));
    assert_eq!(changes[0].old_values, Some(vec!["11.0".to_owned()]));
    assert_eq!(changes[0].new_values, Some(vec!["12.0".to_owned()]));
    assert_eq!(changes[1].old_values, Some(vec![]));
    let entity_changes = e.entity_changes.unwrap();
    assert_eq!(entity_changes[0].entity_name.as_deref(), Some("Spring Hours"));
    assert_eq!(entity_changes[0].entity_type.as_deref(), Some("Schedule"));
}

#[test]
fn other_known_enum_values_decode() {
    assert_eq!(entity(1).level, Some(AuditLogMessageLevel::System));
    assert_eq!(entity(1).status, Some(AuditLogMessageStatus::Failure));
    assert_eq!(entity(3).level, Some(AuditLogMessageLevel::GenesysInternal));
    assert_eq!(entity(3).status, Some(AuditLogMessageStatus::Warning));
}

#[test]
fn unknown_enum_values_are_kept_as_unrecognized() {
    let e = entity(2);
    match e.level.unwrap() {
        AuditLogMessageLevel::Unrecognized(value) => assert_eq!(value.as_str(), "PARTNER"),
        other => panic!("level PARTNER decoded as {other:?}"),
    }
    let status = e.status.unwrap();
    assert!(matches!(status, AuditLogMessageStatus::Unrecognized(_)), "{status:?}");
    assert_eq!(status.as_str(), "PARTIAL");
    assert_eq!(status.to_string(), "PARTIAL");
}

#[test]
fn unknown_members_land_in_additional_properties() {
    let page = page();
    assert_eq!(page.additional_properties.len(), 2);
    assert_eq!(
        page.additional_properties["queryStats"],
        json!({"scannedPartitions": 12, "elapsedMs": 184.5, "truncated": false})
    );
    assert!(page.additional_properties["nextUri"].as_str().unwrap().starts_with("/api/v2/audits/query/"));

    let e = entity(2);
    assert_eq!(e.additional_properties.len(), 2);
    assert_eq!(e.additional_properties["newField"], json!({"a": 1}));
    assert_eq!(e.additional_properties["trustorOrgId"], json!("9c1d7e3a-55b2-4f0e-a8c4-2e6b1f9d0a37"));
}

#[test]
fn unknown_members_of_nested_objects_are_kept() {
    let e = entity(2);
    assert_eq!(
        e.user.unwrap().additional_properties["trusteeOrg"],
        json!({"id": "4b2d0f8e-6c4a-4e2c-a0e8-6c4a2e0c8a6e", "name": "Contoso Partner Services"})
    );
    assert_eq!(e.message.unwrap().additional_properties["severity"], json!("info"));
    assert_eq!(e.initiating_action.unwrap().additional_properties["initiatedBy"], json!("scheduler"));
    assert_eq!(e.entity_changes.unwrap()[0].additional_properties["ringNumber"], json!(2));
}

#[test]
fn page_round_trips_to_identical_json() {
    let encoded = serde_json::to_value(page()).unwrap();
    assert_eq!(encoded, page_json());
}

#[test]
fn error_body_with_newer_limit_namespace_decodes() {
    let raw = json!({
        "message": "Rate limit exceeded the maximum. [300] requests for [ai.studio] per minute",
        "code": "too.many.requests",
        "status": 429,
        "messageWithParams": "Rate limit exceeded the maximum. [{limit}] requests for [{namespace}] per minute",
        "messageParams": {"limit": "300", "namespace": "ai.studio"},
        "contextId": "5b9e0d2a-7c41-4f3e-9a6b-8d2c1e0f4a73",
        "details": [],
        "errors": [],
        "limit": {"key": "requests.per.minute", "namespace": "ai.studio", "value": 300}
    });
    let body: ErrorBody = serde_json::from_value(raw.clone()).expect("the error body decodes");
    assert_eq!(body.status, Some(429));
    assert_eq!(body.code.as_deref(), Some("too.many.requests"));
    let limit = body.limit.clone().unwrap();
    assert_eq!(limit.key.as_deref(), Some("requests.per.minute"));
    assert_eq!(limit.value, Some(300));
    let namespace = limit.namespace.unwrap();
    assert!(matches!(namespace, LimitNamespace::Unrecognized(_)), "{namespace:?}");
    assert_eq!(namespace.as_str(), "ai.studio");
    assert_eq!(serde_json::to_value(&body).unwrap(), raw);
}

#[test]
fn error_body_with_known_limit_namespace_decodes_to_its_variant() {
    let body: ErrorBody =
        serde_json::from_value(json!({"status": 429, "limit": {"namespace": "audit", "value": 100}})).unwrap();
    assert_eq!(body.limit.unwrap().namespace, Some(LimitNamespace::Audit));
}

#[test]
fn status_response_with_unknown_state_decodes() {
    let raw = json!({
        "id": "3f0c1e6a-8d2b-4c5e-9a71-0b6f2d4e8c19",
        "state": "Expired",
        "startDate": "2024-03-05T14:20:00.125Z",
        "interval": "2024-03-01T00:00:00Z/2024-03-05T00:00:00Z",
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Publish"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}]
    });
    let status: AuditQueryExecutionStatusResponse = serde_json::from_value(raw.clone()).unwrap();
    let state = status.state.clone().unwrap();
    assert!(matches!(state, AuditQueryExecutionStatusResponseState::Unrecognized(_)), "{state:?}");
    assert_eq!(state.as_str(), "Expired");
    assert_eq!(status.start_date, Some(utc(2024, 3, 5, 14, 20, 0, 125)));
    assert_eq!(status.filters.as_ref().unwrap()[0].property, AuditQueryFilterProperty::Action);
    assert_eq!(status.sort.as_ref().unwrap()[0].sort_order, AuditQuerySortOrder::Descending);
    assert_eq!(serde_json::to_value(&status).unwrap(), raw);
}

#[test]
fn status_response_with_known_state_decodes_to_its_variant() {
    let status: AuditQueryExecutionStatusResponse = serde_json::from_value(json!({"state": "Succeeded"})).unwrap();
    assert_eq!(status.state, Some(AuditQueryExecutionStatusResponseState::Succeeded));
}

#[test]
fn query_request_with_only_required_field_encodes_only_it() {
    let body = AuditQueryRequest::new("2024-01-01T00:00:00Z/2024-01-02T00:00:00Z");
    assert_eq!(encode_without_nulls!(body), json!({"interval": "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z"}));
}

#[test]
fn query_request_encodes_set_optional_fields_only() {
    let body = AuditQueryRequest::new("2024-01-01T00:00:00Z/2024-01-02T00:00:00Z").with_service_name("Architect");
    assert_eq!(
        encode_without_nulls!(body),
        json!({"interval": "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z", "serviceName": "Architect"})
    );
}

#[test]
fn query_request_with_filters_and_sort_encodes() {
    let body = AuditQueryRequest::new("2024-01-01T00:00:00Z/2024-01-02T00:00:00Z")
        .with_service_name("Architect")
        .with_filters([AuditQueryFilter::new(AuditQueryFilterProperty::Action, "Publish")])
        .with_sort([AuditQuerySort::new(AuditQuerySortName::Timestamp, AuditQuerySortOrder::Ascending)]);
    assert_eq!(
        encode_without_nulls!(body),
        json!({
            "interval": "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z",
            "serviceName": "Architect",
            "filters": [{"property": "Action", "value": "Publish"}],
            "sort": [{"name": "Timestamp", "sortOrder": "ascending"}]
        })
    );
}

#[test]
fn realtime_request_encodes_set_fields_only() {
    let body = AuditRealtimeQueryRequest::new("2024-01-01T00:00:00Z/2024-01-02T00:00:00Z").with_page_size(50);
    assert_eq!(
        encode_without_nulls!(body),
        json!({"interval": "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z", "pageSize": 50})
    );
}

#[test]
fn related_request_encodes_set_fields_only() {
    let body = AuditRealtimeRelatedRequest::new("a1b2c3d4-0001-4e5f-8a9b-1c2d3e4f5a6b");
    assert_eq!(encode_without_nulls!(body), json!({"auditId": "a1b2c3d4-0001-4e5f-8a9b-1c2d3e4f5a6b"}));
}

#[test]
fn from_str_picks_the_known_variant() {
    assert_eq!(AuditLogMessageLevel::from("USER"), AuditLogMessageLevel::User);
    assert_eq!(AuditLogMessageLevel::from("GENESYS_INTERNAL".to_owned()), AuditLogMessageLevel::GenesysInternal);
    assert_eq!(AuditLogMessageStatus::from("WARNING"), AuditLogMessageStatus::Warning);
    assert_eq!(LimitNamespace::from("analytics.realtime"), LimitNamespace::AnalyticsRealtime);
    assert_eq!(AuditQuerySortOrder::from("descending"), AuditQuerySortOrder::Descending);
    assert_eq!(GetAuditsQueryTransactionIdResultsExpand::from("user"), GetAuditsQueryTransactionIdResultsExpand::User);
}

#[test]
fn from_str_keeps_an_unknown_value_as_unrecognized() {
    let level = AuditLogMessageLevel::from("PARTNER");
    assert!(matches!(level, AuditLogMessageLevel::Unrecognized(_)), "{level:?}");
    assert_eq!(level.as_str(), "PARTNER");
    // Matching is exact: a value differing only in case is not the known one.
    assert_ne!(AuditLogMessageLevel::from("user"), AuditLogMessageLevel::User);
}

#[test]
fn unrecognized_made_by_from_equals_unrecognized_decoded() {
    let decoded: AuditLogMessageLevel = serde_json::from_value(json!("PARTNER")).unwrap();
    assert_eq!(decoded, AuditLogMessageLevel::from("PARTNER"));
    let known: AuditLogMessageLevel = serde_json::from_value(json!("SYSTEM")).unwrap();
    assert_eq!(known, AuditLogMessageLevel::System);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), json!("PARTNER"));
}

//! Undecodable success bodies.

use super::*;

#[tokio::test]
async fn wrongly_typed_top_level_field_is_a_decode_error_naming_it() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": "ten", "entities": []}"#).await;
    assert_eq!(decode.operation, "getAuditsQueryTransactionIdResults");
    assert_eq!(decode.status, 200);
    assert_eq!(decode.path, "pageSize");
    assert!(decode.snippet.contains("ten"), "snippet {:?}", decode.snippet);
}

#[tokio::test]
async fn wrongly_typed_nested_field_is_a_decode_error_naming_its_path() {
    let mut page = results_page();
    page["entities"][1]["eventDate"] = json!("yesterday afternoon");
    let decode = results_decode_error(&serde_json::to_string_pretty(&page).unwrap()).await;
    assert_eq!(decode.path, "entities[1].eventDate");
    assert!(decode.snippet.contains("yesterday afternoon"), "snippet {:?}", decode.snippet);
    assert!(!decode.message.is_empty());
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": 10, "entities": [{"id": "a1",}]}"#).await;
    assert_eq!(decode.status, 200);
    // The failure is where the next member's name should be: serde_path_to_error writes `?` for it.
    assert_eq!(decode.path, "entities[0].?");
    assert!(decode.snippet.contains(r#""a1",}"#), "snippet {:?}", decode.snippet);
    assert!(decode.message.contains("trailing comma"), "message {:?}", decode.message);
}

#[tokio::test]
async fn truncated_body_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x", "pageSize": 10, "entities": [{"id": "a1"}, "#).await;
    assert_eq!(decode.path, "entities");
    assert!(decode.snippet.contains(r#"{"id": "a1"}"#), "snippet {:?}", decode.snippet);
    assert!(decode.message.contains("EOF"), "message {:?}", decode.message);
}

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error() {
    let decode = results_decode_error("<html><body>Gateway maintenance</body></html>").await;
    assert_eq!(decode.path, ".");
    assert!(decode.snippet.starts_with("<html>"), "snippet {:?}", decode.snippet);
}

#[tokio::test]
async fn trailing_data_is_a_decode_error() {
    let decode = results_decode_error(r#"{"id": "x"} {"id": "y"}"#).await;
    assert_eq!(decode.path, ".");
    assert!(!decode.snippet.is_empty());
}

#[tokio::test]
async fn decode_error_display_names_operation_and_path() {
    let (_server, client) = serve(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"state": 7}"#, "application/json")
            .insert_header("ININ-Correlation-Id", CORRELATION_ID),
    )
    .await;
    let err = client.get_audits_query_transaction_id(TRANSACTION_ID).send().await.expect_err("undecodable");
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.correlation_id(), Some(CORRELATION_ID));
    let text = err.to_string();
    assert!(text.starts_with("getAuditsQueryTransactionId: cannot decode the 200 response at `state`: "), "{text}");
}

/// The whole text of the decode error for each of a few bad bodies, pinned: how the client decodes (one
/// pass first, then a second for the path only when the first fails) must not change what users read.
#[tokio::test]
async fn decode_error_texts_are_pinned() {
    let cases = [
        (
            r#"{"id": "x", "pageSize": "ten", "entities": []}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `pageSize`: invalid type: string "ten", expected i32 at line 1 column 29 (near "{\"id\": \"x\", \"pageSize\": \"ten\", \"entities\": []}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "level": 7}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].level`: invalid type: integer `7`, expected a string at line 1 column 37 (near "{\"entities\": [{\"id\": \"a1\", \"level\": 7}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "id": "a2"}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0]`: duplicate field `id` at line 1 column 31 (near "{\"entities\": [{\"id\": \"a1\", \"id\": \"a2\"}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "message": {"messageParams": {"name": 1}}}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].message.messageParams.name`: invalid type: integer `1`, expected a string at line 1 column 66 (near ", \"message\": {\"messageParams\": {\"name\": 1}}}]}")"#,
        ),
        (
            r#"{"entities": [{"id": "a1", "unknownMember": {"a": [1, 2}}]}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `entities[0].unknownMember.a`: expected `,` or `]` at line 1 column 56 (near "\"id\": \"a1\", \"unknownMember\": {\"a\": [1, 2}}]}")"#,
        ),
        (
            r#"{"id": "x"} {"id": "y"}"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: trailing characters at line 1 column 13 (near "{\"id\": \"x\"} {\"id\": \"y\"}")"#,
        ),
        (
            r#"[{"id": "x"}]"#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: invalid type: sequence, expected struct AuditQueryExecutionResultsResponse at line 1 column 0 (near "[{\"id\": \"x\"}]")"#,
        ),
        (
            r#""#,
            r#"getAuditsQueryTransactionIdResults: cannot decode the 200 response at `.`: EOF while parsing a value at line 1 column 0 (near "")"#,
        ),
    ];
    let mut texts = Vec::new();
    for (body, _) in cases {
        texts.push(results_decode_error(body).await.to_string());
    }
    let expected: Vec<&str> = cases.iter().map(|(_, text)| *text).collect();
    assert_eq!(texts, expected);
}

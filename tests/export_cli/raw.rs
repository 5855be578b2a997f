//! `--raw`: each entry written as the server sent it, checked as JSON only.

use super::*;

/// An entry as a server newer than the spec might send it: members in its own order, a timestamp with an
/// offset and milliseconds, a number written with a trailing zero, and a member the spec does not declare.
const AS_SENT: &str = r#"{"serviceName":"Architect","id":"raw-0","eventDate":"2024-03-05T14:22:00.000+01:00","level":"USER","riskScore":1.50,"tags":["a, b","c\"d"]}"#;

/// The asynchronous query, done at once, with results pages whose bodies are `bodies` as they are, linked
/// by cursors.
async fn mount_pages_as_sent(server: &MockServer, bodies: &[String]) {
    Mock::given(method("POST"))
        .and(path(SUBMIT_PATH))
        .respond_with(json_response(200, status_body("Queued")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path()))
        .respond_with(json_response(200, status_body("Succeeded")))
        .mount(server)
        .await;
    for (number, body) in bodies.iter().enumerate() {
        let request = results_request(number);
        let answer = ResponseTemplate::new(200).set_body_raw(body.clone().into_bytes(), "application/json");
        request.respond_with(answer).mount(server).await;
    }
}

/// A results page around `entities`, the JSON text of its entries, naming the next page when there is one.
fn page_text(entities: &[&str], next: Option<&str>) -> String {
    let cursor = next.map(|next| format!(",\n  \"cursor\": \"{next}\"")).unwrap_or_default();
    format!("{{\n  \"id\": \"{QUERY_ID}\",\n  \"entities\": [\n    {}\n  ]{cursor}\n}}", entities.join(",\n    "))
}

#[tokio::test]
async fn raw_lines_are_the_servers_bytes_and_an_entry_spread_over_lines_becomes_one() {
    let server = MockServer::start().await;
    let pretty = serde_json::to_string_pretty(&entry(1)).expect("an entry encodes");
    assert!(pretty.lines().count() > 10, "the second entry is spread over many lines");
    let bodies = [page_text(&[AS_SENT, &pretty], Some("cursor-1")), page_text(&[AS_SENT], None)];
    mount_pages_as_sent(&server, &bodies).await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL, "--raw"]);

    assert_eq!(run.code(), Some(0), "the export succeeds: {run:?}");
    let compact = serde_json::to_string(&entry(1)).expect("an entry encodes");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines, [AS_SENT, compact.as_str(), AS_SENT], "each entry is one line, as sent");
    assert!(run.stdout.ends_with('\n'), "{:?}", run.stdout);
    assert!(run.last_stderr_line().contains("done: 3 entries"), "{}", run.stderr);

    // Without --raw, the same pages are decoded and encoded again: the same entries, not the same bytes.
    let typed = export(&server, Auth::Token, &["--interval", INTERVAL]);
    assert_eq!(typed.code(), Some(0), "the export succeeds: {typed:?}");
    let first: Value = serde_json::from_str(typed.stdout.lines().next().unwrap_or_default()).expect("a JSON line");
    assert_eq!(first["eventDate"], json!("2024-03-05T13:22:00Z"), "the client writes the instant in UTC");
    assert_eq!(first["riskScore"], json!(1.5), "an undeclared member is kept");
    assert_ne!(typed.stdout.lines().next(), Some(AS_SENT));
}

#[tokio::test]
async fn an_entry_the_description_does_not_allow_is_written_raw_and_refused_otherwise() {
    let server = MockServer::start().await;
    let wrong = r#"{"id":"raw-1","eventDate":5}"#;
    mount_pages_as_sent(&server, &[page_text(&[AS_SENT, wrong], None)]).await;

    let raw = export(&server, Auth::Token, &["--interval", INTERVAL, "--raw"]);
    assert_eq!(raw.code(), Some(0), "the export succeeds: {raw:?}");
    assert_eq!(raw.stdout.lines().collect::<Vec<_>>(), [AS_SENT, wrong]);

    let typed = export(&server, Auth::Token, &["--interval", INTERVAL]);
    assert_eq!(typed.code(), Some(1), "the export fails: {typed:?}");
    assert_eq!(typed.stdout, "", "a page is written whole or not at all");
    let last = typed.last_stderr_line();
    assert!(last.contains("entities[1].eventDate"), "the error names the member: {last:?}");
    assert!(last.contains("invalid type: integer `5`"), "{last:?}");
}

#[tokio::test]
async fn a_page_that_is_not_json_fails_a_raw_export_naming_the_entry_where_it_breaks() {
    let server = MockServer::start().await;
    let broken = format!("{{\"id\":\"{QUERY_ID}\",\"entities\":[{AS_SENT},{{\"id\":]}}");
    mount_pages_as_sent(&server, &[broken]).await;

    let run = export(&server, Auth::Token, &["--interval", INTERVAL, "--raw"]);

    assert_eq!(run.code(), Some(1), "the export fails: {run:?}");
    assert_eq!(run.stdout, "", "nothing of the page is written");
    let last = run.last_stderr_line();
    // A raw entry is opaque to the path: the error names the entry, and the column where it breaks.
    assert!(last.contains("at `entities[1]`: expected value at line 1 column"), "{last:?}");
}

//! `cargo xtask bench-export`: how fast the results stream exports, and whether its memory stays bounded.
//!
//! A local server (127.0.0.1) serves an async query's results by cursor, 500 realistic entries a page. For
//! each entry count, a child process (so the server's memory is not counted) streams every entry through
//! `get_audits_query_transaction_id_results(..).into_stream()`, encodes each as a JSON line as an export
//! would, and reports its time and peak resident memory (`VmHWM`). Compare the counts' figures in one run:
//! entries per second, and the ratio of peak memory between the largest and smallest count.

use std::process::Command;
use std::time::Instant;

use futures_util::StreamExt;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PAGE_SIZE: usize = 500;

/// The parent: runs the child for each count and prints the table.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(result) = crate::in_release("bench-export", args) {
        return result;
    }
    let counts = parse_counts(args)?;
    let exe = std::env::current_exe().map_err(|err| format!("error: {err}"))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|err| format!("error: {err}"))?;
    let server = runtime.block_on(start_server());
    // A first pass fills the server's page cache; the figures come from the second.
    for count in &counts {
        run_child(&exe, &server.uri(), *count)?;
    }
    println!("| entries | seconds | entries/s | peak memory (KiB) |");
    println!("| ---: | ---: | ---: | ---: |");
    let mut peaks = Vec::new();
    for count in &counts {
        let report = run_child(&exe, &server.uri(), *count)?;
        let fields: Vec<f64> = report.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [entries, seconds, peak] = fields[..] else {
            return Err(format!("error: unexpected child report {report:?}"));
        };
        println!("| {entries} | {seconds:.3} | {:.0} | {peak} |", entries / seconds);
        peaks.push(peak);
    }
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
        println!("\npeak memory ratio, {} entries vs {}: {:.2}", counts[counts.len() - 1], counts[0], last / first);
    }
    Ok(())
}

/// Runs the child for `count` entries; its report line.
fn run_child(exe: &std::path::Path, base_url: &str, count: usize) -> Result<String, String> {
    let output = Command::new(exe)
        .args(["bench-export-child", base_url, &count.to_string()])
        .output()
        .map_err(|err| format!("error: cannot run the child: {err}"))?;
    if !output.status.success() {
        return Err(format!("error: the child failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn parse_counts(args: &[String]) -> Result<Vec<usize>, String> {
    match args {
        [] => Ok(vec![10_000, 100_000]),
        [flag, list] if flag == "--entries" => {
            list.split(',').map(|n| n.trim().parse().map_err(|_| format!("error: bad entry count {n:?}"))).collect()
        }
        _ => Err("usage: cargo xtask bench-export [--entries 10000,100000]".to_owned()),
    }
}

/// The child: streams `count` entries from `base_url` and prints `entries seconds peak_kib`.
pub fn child(args: &[String]) -> Result<(), String> {
    let [base_url, count] = args else { return Err("usage: bench-export-child BASE_URL COUNT".to_owned()) };
    let count: usize = count.parse().map_err(|_| format!("error: bad count {count:?}"))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|err| format!("error: {err}"))?;
    let client = genesys_cloud_audit::Client::builder()
        .base_url(base_url)
        .access_token("bench")
        .build()
        .map_err(|err| format!("error: {err}"))?;
    let started = Instant::now();
    let exported = runtime.block_on(async {
        let mut stream = std::pin::pin!(
            client.get_audits_query_transaction_id_results(format!("bench-{count}")).page_size(PAGE_SIZE as i32).into_stream()
        );
        let mut line = Vec::with_capacity(4096);
        let mut exported = 0usize;
        while let Some(entry) = stream.next().await {
            let entry = entry.map_err(|err| format!("error: {err}"))?;
            line.clear();
            serde_json::to_writer(&mut line, &entry).map_err(|err| format!("error: {err}"))?;
            exported += 1;
        }
        Ok::<_, String>(exported)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    if exported != count {
        return Err(format!("error: exported {exported} entries, expected {count}"));
    }
    println!("{exported} {seconds} {}", peak_kib());
    Ok(())
}

/// Peak resident memory of this process (`VmHWM`), in KiB; 0 where `/proc` is missing.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn start_server() -> MockServer {
    let server = MockServer::builder().disable_request_recording().start().await;
    Mock::given(wiremock::matchers::any()).respond_with(Pages { encoded: Default::default() }).mount(&server).await;
    server
}

/// Answers `.../query/bench-{total}/results?cursor=N` with the page of entries from N. Pages are encoded
/// once and kept, so the server spends its time sending, not encoding, and the figures are the client's.
struct Pages {
    encoded: std::sync::Mutex<std::collections::HashMap<(usize, usize), Vec<u8>>>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let total: usize = request
            .url
            .path_segments()
            .and_then(|mut s| s.find_map(|seg| seg.strip_prefix("bench-").map(str::to_owned)))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let start: usize =
            request.url.query_pairs().find(|(k, _)| k == "cursor").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let mut encoded = self.encoded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let body = encoded.entry((total, start)).or_insert_with(|| page(total, start)).clone();
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}

/// The page of `total` entries that starts at `start`, encoded.
fn page(total: usize, start: usize) -> Vec<u8> {
    let end = (start + PAGE_SIZE).min(total);
    let entries: Vec<serde_json::Value> = (start..end).map(entry).collect();
    let mut page = serde_json::json!({ "id": "bench", "pageSize": PAGE_SIZE, "entities": entries });
    if end < total {
        page["cursor"] = serde_json::Value::String(end.to_string());
    }
    serde_json::to_vec(&page).unwrap_or_default()
}

/// A realistic entry: every field of `AuditLogMessage`, about 1.3 KB of JSON.
fn entry(index: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("8c6b5a4e-2f1d-4c3b-9a8e-{index:012}"),
        "userHomeOrgId": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
        "user": { "id": "9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19", "name": "Ada Lovelace", "selfUri": "/api/v2/users/9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19" },
        "client": { "id": "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "selfUri": "/api/v2/oauth/clients/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d" },
        "remoteIp": ["203.0.113.7", "10.0.0.12"],
        "serviceName": "Architect",
        "level": "USER",
        "eventDate": "2026-11-01T12:34:56.789Z",
        "message": { "localizableMessageCode": "FLOW_PUBLISHED", "message": "Flow published", "messageWithParams": "Flow {name} published", "messageParams": { "name": "Main IVR" } },
        "action": "Publish",
        "entity": { "id": "5e4d3c2b-1a09-4f8e-7d6c-5b4a39281706", "name": "Main IVR", "selfUri": "/api/v2/flows/5e4d3c2b-1a09-4f8e-7d6c-5b4a39281706" },
        "entityType": "Flow",
        "status": "SUCCESS",
        "application": "Architect",
        "initiatingAction": { "transactionId": "tx-1", "actionContext": "Publish" },
        "transactionInitiator": true,
        "propertyChanges": [{ "property": "version", "oldValues": ["41"], "newValues": ["42"] }],
        "context": { "flowType": "inboundcall" },
        "entityChanges": [{ "entityId": "e-1", "entityName": "Main IVR", "entityType": "Flow", "oldValues": ["41"], "newValues": ["42"] }]
    })
}

//! Resumable exports: an export killed with SIGKILL at ten points (between pages, mid-page, mid-line) and
//! resumed each time writes exactly what an export that never stopped writes; an expired query is said to
//! be so; SIGINT and SIGTERM finish the page, record the checkpoint and exit 130.
//!
//! The tool is stopped at an exact byte of its output through its crash-test pause
//! (`AUDIT_EXPORT_TEST_PAUSE_AT_BYTE`: it writes up to that byte, flushes, says so and waits), then killed
//! with SIGKILL; between pages it is killed while the server holds back the next page.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;

use audit_tests::export_tool::RUN_LIMIT;

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use super::*;

/// Six pages of four entries.
fn six_pages() -> Vec<Vec<Value>> {
    (0..6).map(|page| entries(page * 4, 4)).collect()
}

/// A folder of its own for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export_cli").join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("the scratch folder can be created");
    dir
}

/// The arguments of a new export of the async query into `output` with a checkpoint.
fn fresh_args(server: &MockServer, output: &Path, checkpoint: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--base-url",
        &server.uri(),
        "--poll-interval-ms",
        "10",
        "--interval",
        INTERVAL,
        "--page-size",
        "4",
        "--output",
        &output.display().to_string(),
        "--checkpoint",
        &checkpoint.display().to_string(),
    ]
    .iter()
    .map(|arg| (*arg).to_owned())
    .collect();
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    args
}

fn resume_args(checkpoint: &Path) -> Vec<String> {
    vec!["--resume".to_owned(), checkpoint.display().to_string()]
}

/// Starts the tool with `args` and a static token, its stderr into `stderr`, pausing at byte `pause_at`.
fn spawn(args: &[String], pause_at: Option<u64>, stderr: &Path) -> Child {
    let mut command = Command::new(binary());
    command.args(args);
    scrub_env(&mut command);
    command.env("GENESYS_ACCESS_TOKEN", TOKEN);
    if let Some(at) = pause_at {
        command.env("AUDIT_EXPORT_TEST_PAUSE_AT_BYTE", at.to_string());
    }
    let stderr = fs::File::create(stderr).expect("the stderr file can be created");
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr);
    command.spawn().expect("the example starts")
}

/// Waits until `ready` holds, failing (and killing `child`) if it exits first or takes too long.
fn wait_until(child: &mut Child, stderr: &Path, what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            panic!("the export ended ({status}) before {what}; stderr:\n{}", read(stderr));
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            panic!("the export did not reach {what} within {RUN_LIMIT:?}; stderr:\n{}", read(stderr));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGKILL, and wait for it to take effect.
fn kill(mut child: Child) {
    child.kill().expect("the export can be killed");
    let status = child.wait().expect("the killed export can be waited for");
    assert_eq!(status.code(), None, "killed by a signal, not exited: {status}");
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

fn checkpoint_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("the checkpoint exists")).expect("the checkpoint is JSON")
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |meta| meta.len())
}

/// Where the tool is stopped.
#[derive(Clone, Copy, Debug)]
enum Point {
    /// At this byte of the output (mid-line unless it falls on a line's start).
    Byte(u64),
    /// While the server holds back the page after `cursor-N`, once the checkpoint says the export goes on
    /// there.
    Waiting(usize),
}

/// The byte offsets where each line of `text` starts, and where it ends.
fn line_starts(text: &[u8]) -> Vec<u64> {
    let mut starts = vec![0];
    starts.extend(text.iter().enumerate().filter(|(_, byte)| **byte == b'\n').map(|(at, _)| at as u64 + 1));
    starts
}

/// The export done in one go: the file every resumed export must equal.
fn clean_export(server: &MockServer, dir: &Path, extra: &[&str]) -> Vec<u8> {
    let output = dir.join("clean.jsonl");
    let mut args = vec!["--base-url".to_owned(), server.uri(), "--poll-interval-ms".to_owned(), "10".to_owned()];
    args.extend(["--interval", INTERVAL, "--page-size", "4", "--output"].map(str::to_owned));
    args.push(output.display().to_string());
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    let run = run(Auth::Token, &args);
    assert_eq!(run.code(), Some(0), "the clean export succeeds: {run:?}");
    assert_eq!(run.stdout, "", "entries go to the file");
    fs::read(&output).expect("the clean export wrote its file")
}

/// Runs the export from `args`, stops it at `point` with SIGKILL, and checks what it left.
async fn run_and_kill(
    server: &MockServer,
    args: &[String],
    point: Point,
    output: &Path,
    checkpoint: &Path,
    stderr: &Path,
) {
    match point {
        Point::Byte(at) => {
            let mut child = spawn(args, Some(at), stderr);
            let paused = format!("paused at byte {at} ");
            wait_until(&mut child, stderr, &paused, || read(stderr).contains(&paused));
            kill(child);
            assert_eq!(file_len(output), at, "the output holds exactly what was written before the kill");
        }
        Point::Waiting(cursor) => {
            // Mounted only now: an earlier run, fetching ahead of what it wrote, may have asked for this
            // page already, and must not have used up the hold-back.
            hold_back_once(server, cursor).await;
            let child = spawn_until_held_back(server, args, cursor, checkpoint, stderr).await;
            kill(child);
            assert_eq!(file_len(output), checkpoint_json(checkpoint)["bytes"], "between pages, all is recorded");
        }
    }
}

/// Starts the export from `args` and returns once it waits for the page after `cursor-N`, which the server
/// holds back, with the pages before it recorded in `checkpoint`.
async fn spawn_until_held_back(
    server: &MockServer,
    args: &[String],
    cursor: usize,
    checkpoint: &Path,
    stderr: &Path,
) -> Child {
    let asked_before = requests_for(server, cursor).await;
    let mut child = spawn(args, None, stderr);
    let next = json!({"cursor": format!("cursor-{cursor}")});
    wait_until(&mut child, stderr, "the held-back page", || {
        fs::read(checkpoint)
            .ok()
            .and_then(|text| serde_json::from_slice::<Value>(&text).ok())
            .is_some_and(|checkpoint| checkpoint["next"] == next)
    });
    // The checkpoint is written before the next page is asked for: return only once it is.
    wait_for_request(server, cursor, asked_before + 1, &mut child, stderr).await;
    child
}

/// How many requests for the page after `cursor-N` the server has received.
async fn requests_for(server: &MockServer, cursor: usize) -> usize {
    let wanted = format!("cursor=cursor-{cursor}");
    requests(server).await.iter().filter(|r| r.url.query().is_some_and(|q| q.contains(&wanted))).count()
}

/// Waits until the server has received `count` requests in all for the page after `cursor-N`.
async fn wait_for_request(server: &MockServer, cursor: usize, count: usize, child: &mut Child, stderr: &Path) {
    let started = Instant::now();
    while requests_for(server, cursor).await < count {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            panic!(
                "the export ended ({status}) before asking for the page after cursor-{cursor}; stderr:\n{}",
                read(stderr)
            );
        }
        assert!(started.elapsed() < RUN_LIMIT, "the page after cursor-{cursor} was never asked for");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Holds back the first request for the page after `cursor-N` for longer than any test runs.
async fn hold_back_once(server: &MockServer, cursor: usize) {
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("cursor", format!("cursor-{cursor}")))
        .respond_with(json_response(200, json!({"entities": []})).set_delay(Duration::from_secs(60)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_export_killed_at_ten_points_and_resumed_each_time_equals_a_clean_one() {
    let dir = scratch("killed-ten-times");
    let server = MockServer::start().await;
    let pages = six_pages();
    mount_async_query(&server, &pages).await;
    let clean = clean_export(&server, &dir, &[]);
    let clean_entries: Vec<Value> =
        clean.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    assert_eq!(clean_entries, pages.concat(), "the clean export holds every served entry, in order");

    // Line `n` (0-based) of page `p` starts at lines[p * 4 + n].
    let lines = line_starts(&clean);
    let mid = |line: usize| (lines[line] + lines[line + 1]) / 2;
    let points = [
        Point::Byte(mid(1)),        // mid-line, in the first page, before any checkpointed page
        Point::Byte(lines[4]),      // between pages: page 1 recorded, page 2 fetched, nothing written
        Point::Byte(lines[4] + 1),  // mid-line: the first byte of page 2
        Point::Byte(lines[7]),      // mid-page: three whole lines of page 2 beyond the checkpoint
        Point::Waiting(2),          // between pages: page 2 recorded, waiting for page 3
        Point::Byte(lines[12] - 1), // mid-line: all of page 3 but its last newline
        Point::Waiting(4),          // between pages: page 4 recorded, waiting for page 5
        Point::Byte(mid(17)),       // mid-line, in page 5
        Point::Byte(lines[19]),     // mid-page: three lines of page 5
        Point::Byte(lines[24] - 1), // mid-line: the last byte of the whole export
    ];
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");
    let stderr = dir.join("stderr.txt");
    for (index, point) in points.iter().enumerate() {
        let args = if index == 0 { fresh_args(&server, &output, &checkpoint, &[]) } else { resume_args(&checkpoint) };
        run_and_kill(&server, &args, *point, &output, &checkpoint, &stderr).await;
        let recorded = checkpoint_json(&checkpoint);
        let bytes = recorded["bytes"].as_u64().expect("the checkpoint counts bytes");
        assert!(bytes <= file_len(&output), "kill {index} at {point:?}: the checkpoint never counts past the file");
        assert_eq!(&fs::read(&output).unwrap()[..bytes as usize], &clean[..bytes as usize], "kill {index}");
    }

    let finished = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(finished.code(), Some(0), "the last resume finishes: {finished:?}");
    let resumed = fs::read(&output).expect("the output exists");
    assert!(resumed == clean, "the resumed export differs from the clean one:\n{}", first_difference(&resumed, &clean));
    assert_eq!(checkpoint_json(&checkpoint)["next"], json!("done"));
    assert_eq!(checkpoint_json(&checkpoint)["entries"], json!(24));
    let again = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(again.code(), Some(0), "resuming a complete export does nothing: {again:?}");
    assert!(again.stderr.contains("already complete (24 entries)"), "{}", again.stderr);
    assert_eq!(fs::read(&output).unwrap(), clean);
}

/// The first line where `got` and `expected` differ.
fn first_difference(got: &[u8], expected: &[u8]) -> String {
    let got = String::from_utf8_lossy(got);
    let expected = String::from_utf8_lossy(expected);
    let lines = got.lines().zip(expected.lines()).enumerate().find(|(_, (g, e))| g != e);
    match lines {
        Some((n, (g, e))) => format!("line {n}:\n  got      {g}\n  expected {e}"),
        None => format!("{} lines, expected {}", got.lines().count(), expected.lines().count()),
    }
}

#[tokio::test]
async fn a_realtime_export_resumes_at_its_page_number() {
    let dir = scratch("realtime");
    let server = MockServer::start().await;
    let pages = six_pages();
    mount_realtime(&server, &pages).await;
    let clean = clean_export(&server, &dir, &["--realtime"]);
    assert_eq!(clean.iter().filter(|b| **b == b'\n').count(), 24);

    let lines = line_starts(&clean);
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");
    let stderr = dir.join("stderr.txt");
    let fresh = fresh_args(&server, &output, &checkpoint, &["--realtime"]);
    run_and_kill(&server, &fresh, Point::Byte(lines[9] + 7), &output, &checkpoint, &stderr).await;
    assert_eq!(checkpoint_json(&checkpoint)["next"], json!({"pageNumber": 3}));
    run_and_kill(&server, &resume_args(&checkpoint), Point::Byte(lines[16]), &output, &checkpoint, &stderr).await;
    assert_eq!(checkpoint_json(&checkpoint)["next"], json!({"pageNumber": 5}));

    let finished = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(finished.code(), Some(0), "{finished:?}");
    assert!(fs::read(&output).unwrap() == clean, "the resumed realtime export equals the clean one");
    let numbers: Vec<Value> = requests_to(&server, "POST", REALTIME_PATH)
        .await
        .iter()
        .map(|request| body(request)["pageNumber"].clone())
        .collect();
    assert_eq!(numbers.iter().filter(|n| **n == json!(3)).count(), 3, "page 3: clean, killed run, resume: {numbers:?}");
}

#[tokio::test]
async fn a_raw_export_records_that_it_is_raw_and_resumes_raw() {
    let dir = scratch("raw");
    let server = MockServer::start().await;
    let pages = six_pages();
    mount_async_query(&server, &pages).await;
    let clean = clean_export(&server, &dir, &["--raw"]);
    let as_served: String =
        pages.concat().iter().map(|entry| serde_json::to_string(entry).expect("an entry encodes") + "\n").collect();
    assert!(clean == as_served.as_bytes(), "the raw export is the served JSON, line by line");

    let lines = line_starts(&clean);
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");
    let stderr = dir.join("stderr.txt");
    let fresh = fresh_args(&server, &output, &checkpoint, &["--raw"]);
    run_and_kill(&server, &fresh, Point::Byte(lines[9] + 7), &output, &checkpoint, &stderr).await;
    assert_eq!(checkpoint_json(&checkpoint)["raw"], json!(true));
    assert_eq!(checkpoint_json(&checkpoint)["next"], json!({"cursor": "cursor-2"}));

    let finished = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(finished.code(), Some(0), "{finished:?}");
    let resumed = fs::read(&output).expect("the output exists");
    assert!(resumed == clean, "the resumed raw export differs:\n{}", first_difference(&resumed, &clean));
}

#[tokio::test]
async fn resuming_a_query_whose_results_expired_says_so_and_changes_nothing() {
    let dir = scratch("expired");
    let server = MockServer::start().await;
    mount_async_query(&server, &six_pages()).await;
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");
    let stderr = dir.join("stderr.txt");
    let fresh = fresh_args(&server, &output, &checkpoint, &[]);
    run_and_kill(&server, &fresh, Point::Byte(200), &output, &checkpoint, &stderr).await;
    let before = fs::read(&checkpoint).unwrap();

    server.reset().await;
    Mock::given(any())
        .respond_with(error_response(404, "not.found", "The query results were not found"))
        .mount(&server)
        .await;
    let resumed = run(Auth::Token, &resume_args(&checkpoint));

    assert_eq!(resumed.code(), Some(1), "{resumed:?}");
    let line = resumed.last_stderr_line();
    assert!(line.contains(&format!("the results of query {QUERY_ID} are gone from the server")), "{line}");
    assert!(line.contains("run it again without --resume"), "{line}");
    assert!(line.contains("404"), "{line}");
    assert_eq!(fs::read(&checkpoint).unwrap(), before, "the checkpoint is left as it was");
    let submits = requests_to(&server, "POST", SUBMIT_PATH).await;
    assert!(submits.is_empty(), "nothing is restarted silently");
}

/// Sends `signal` to the export while it waits for page 3, then resumes it.
async fn stopped_by(signal: Signal, test: &str) {
    let dir = scratch(test);
    let server = MockServer::start().await;
    let pages = six_pages();
    mount_async_query(&server, &pages).await;
    let clean = clean_export(&server, &dir, &[]);
    hold_back_once(&server, 2).await;
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");
    let stderr = dir.join("stderr.txt");

    let fresh = fresh_args(&server, &output, &checkpoint, &[]);
    let mut child = spawn_until_held_back(&server, &fresh, 2, &checkpoint, &stderr).await;
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid fits an i32"));
    nix::sys::signal::kill(pid, signal).expect("the signal is sent");
    let sent = Instant::now();
    while child.try_wait().expect("the child can be waited for").is_none() {
        if sent.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            panic!("the export did not stop within {RUN_LIMIT:?} of {signal}; stderr:\n{}", read(&stderr));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().expect("the child can be waited for");

    assert_eq!(status.code(), Some(130), "stderr: {}", read(&stderr));
    let said = read(&stderr);
    let expected = format!("interrupted after 8 entries; resume with --resume {}", checkpoint.display());
    assert!(said.lines().last().is_some_and(|line| line.ends_with(&expected)), "{said}");
    assert_eq!(file_len(&output), checkpoint_json(&checkpoint)["bytes"].as_u64().unwrap());
    let finished = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(finished.code(), Some(0), "{finished:?}");
    assert!(fs::read(&output).unwrap() == clean);
}

#[tokio::test]
async fn sigint_finishes_the_page_records_the_checkpoint_and_exits_130() {
    stopped_by(Signal::SIGINT, "sigint").await;
}

#[tokio::test]
async fn sigterm_does_the_same_as_sigint() {
    stopped_by(Signal::SIGTERM, "sigterm").await;
}

#[test]
fn checkpoint_flags_are_checked() {
    let dir = scratch("flags");
    let checkpoint = dir.join("c.json");
    let no_output = run(Auth::Token, &["--interval", INTERVAL, "--checkpoint", "c.json"].map(str::to_owned));
    assert_eq!(no_output.code(), Some(2));
    assert!(no_output.last_stderr_line().contains("--checkpoint needs --output"), "{no_output:?}");

    let query_with_resume = run(Auth::Token, &["--resume", "c.json", "--interval", INTERVAL].map(str::to_owned));
    assert_eq!(query_with_resume.code(), Some(2));
    assert!(
        query_with_resume.last_stderr_line().contains("--interval cannot be used with --resume"),
        "{query_with_resume:?}"
    );

    fs::write(&checkpoint, "{\"not\": \"a checkpoint\"}").unwrap();
    let not_a_checkpoint = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(not_a_checkpoint.code(), Some(1));
    assert!(
        not_a_checkpoint.last_stderr_line().contains("is not a checkpoint this tool can resume"),
        "{not_a_checkpoint:?}"
    );
}

#[tokio::test]
async fn an_export_that_failed_says_how_to_resume_and_resumes_once_the_cause_is_gone() {
    let dir = scratch("failed");
    let server = MockServer::start().await;
    let pages = six_pages();
    mount_async_query(&server, &pages).await;
    let clean = clean_export(&server, &dir, &[]);
    // Once: a static token that fails is not retried, and the resumed run finds the page served.
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("cursor", "cursor-2"))
        .respond_with(error_response(401, "bad.credentials", "Invalid login credentials."))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let output = dir.join("audits.jsonl");
    let checkpoint = dir.join("audits.checkpoint");

    let failed = run(Auth::Token, &fresh_args(&server, &output, &checkpoint, &[]));

    assert_eq!(failed.code(), Some(1), "{failed:?}");
    let expected = format!("(export incomplete: 8 entries written; resume with --resume {})", checkpoint.display());
    assert!(failed.last_stderr_line().ends_with(&expected), "{}", failed.last_stderr_line());
    assert_eq!(checkpoint_json(&checkpoint)["next"], json!({"cursor": "cursor-2"}));
    let resumed = run(Auth::Token, &resume_args(&checkpoint));
    assert_eq!(resumed.code(), Some(0), "{resumed:?}");
    assert!(fs::read(&output).unwrap() == clean, "the resumed export equals the clean one");
}

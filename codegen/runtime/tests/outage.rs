//! A server that goes away and comes back: with the default retry policy, a restart of a couple of seconds
//! in the middle of many concurrent calls loses none of those that are safe to repeat. The server is a
//! few lines of HTTP/1.1 over a Tokio listener on 127.0.0.1, stopped (listener and every open connection)
//! and started again on the same port.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use genesys_cloud_runtime::{Client, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Calls in all, and how many run at once.
const CALLS: usize = 3_000;
const AT_ONCE: usize = 64;
/// How long the server stays down.
const OUTAGE: Duration = Duration::from_secs(2);

/// What the server has answered: calls, and token requests.
#[derive(Default)]
struct Answered {
    calls: AtomicUsize,
    tokens: AtomicUsize,
}

/// Answers every request on `listener`, keep-alive included, until its task is aborted: then the listener
/// and every connection close with it. A token request gets a token for an hour, anything else `{}`.
async fn serve(listener: TcpListener, answered: Arc<Answered>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        connections.spawn(answer(stream, answered.clone()));
    }
}

/// Reads requests (a body only after a `content-length`) and answers each.
async fn answer(mut stream: TcpStream, answered: Arc<Answered>) {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        while let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buffer.len() < end + 4 + length {
                break;
            }
            buffer.drain(..end + 4 + length);
            let body = if head.starts_with("post /oauth/token") {
                answered.tokens.fetch_add(1, Ordering::Relaxed);
                r#"{"access_token":"token","token_type":"bearer","expires_in":3600}"#
            } else {
                answered.calls.fetch_add(1, Ordering::Relaxed);
                "{}"
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            if stream.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

async fn start(address: SocketAddr, answered: Arc<Answered>) -> tokio::task::JoinHandle<()> {
    let listener = TcpListener::bind(address).await.expect("the port is free again");
    tokio::spawn(serve(listener, answered))
}

/// With client credentials, so that a stampede of token requests would show: one token serves all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_of_two_seconds_loses_no_call_that_is_safe_to_repeat() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a local port");
    let address = listener.local_addr().expect("the listener's address");
    let answered = Arc::new(Answered::default());
    let mut server = tokio::spawn(serve(listener, answered.clone()));
    let base = format!("http://{address}");
    let client = Client::builder().base_url(&base).login_url(&base).client_credentials("id", "secret").build();
    let client = client.expect("a client");

    let done = Arc::new(AtomicUsize::new(0));
    let mut calls = JoinSet::new();
    let next = Arc::new(AtomicUsize::new(0));
    for _ in 0..AT_ONCE {
        let (client, next, done) = (client.clone(), next.clone(), done.clone());
        calls.spawn(async move {
            let mut failures = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < CALLS {
                let mut request = Request::new(reqwest::Method::GET, "ping");
                request.push_literal("ping");
                if let Err(err) = client.execute::<()>(request).await {
                    failures.push(err.to_string());
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            failures
        });
    }
    // A third of the way in, the server goes away with every connection, and comes back after the outage.
    while done.load(Ordering::Relaxed) < CALLS / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.abort();
    let _ = (&mut server).await;
    let before = done.load(Ordering::Relaxed);
    tokio::time::sleep(OUTAGE).await;
    assert!(done.load(Ordering::Relaxed) < CALLS, "the calls ended before the server came back");
    let during = done.load(Ordering::Relaxed) - before;
    server = start(address, answered.clone()).await;

    let mut failures = Vec::new();
    while let Some(finished) = calls.join_next().await {
        failures.extend(finished.expect("a caller task finishes"));
    }
    server.abort();
    assert!(
        failures.is_empty(),
        "{} of {CALLS} calls failed ({during} ended during the outage), the first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(answered.calls.load(Ordering::Relaxed) >= CALLS, "every call was answered");
    assert_eq!(answered.tokens.load(Ordering::Relaxed), 1, "one token request, not one per call");
}

//! The local server of `cargo xtask bench-export`: HTTP/1.1 on 127.0.0.1, every answer encoded before the
//! first request, so that serving one costs little more than the kernel's copy and the figures measure
//! the client. (A general mock server clones each body and allocates per response; on two cores it took
//! more CPU than the client it served.)
//!
//! It answers an async audit query of `total` entries: the query (`POST /api/v2/audits/query`) and its
//! status are done at once, and its results come by cursor, a page of `PAGE_SIZE` entries from `cursor`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// Entries per results page.
pub const PAGE_SIZE: usize = 500;

/// Every answer, encoded: the query's status, and its results pages in order.
struct Answers {
    /// `/api/v2/audits/query/{id}`.
    status_path: String,
    /// `/api/v2/audits/query/{id}/results`.
    results_path: String,
    status: Vec<u8>,
    /// The page from `cursor` N is page N / `PAGE_SIZE`.
    pages: Vec<Vec<u8>>,
}

impl Answers {
    fn new(total: usize) -> Self {
        let id = format!("bench-{total}");
        let status = serde_json::to_vec(&serde_json::json!({ "id": id, "state": "Succeeded" })).unwrap_or_default();
        Self {
            status_path: format!("/api/v2/audits/query/{id}"),
            results_path: format!("/api/v2/audits/query/{id}/results"),
            status: response(&status),
            pages: (0..total.max(1))
                .step_by(PAGE_SIZE)
                .map(|start| response(&crate::bench::page(total, start)))
                .collect(),
        }
    }

    /// The answer to `method` and `target` (path and query).
    fn get(&self, method: &str, target: &str) -> Option<&[u8]> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        match (method, path) {
            ("POST", "/api/v2/audits/query") => Some(&self.status),
            ("GET", path) if path == self.status_path => Some(&self.status),
            ("GET", path) if path == self.results_path => {
                let cursor = query.split('&').find_map(|pair| pair.strip_prefix("cursor="));
                let start: usize = cursor.map_or(Some(0), |cursor| cursor.parse().ok())?;
                self.pages.get(start / PAGE_SIZE).map(Vec::as_slice)
            }
            _ => None,
        }
    }
}

/// A running server; it stops with the process.
pub struct PageServer {
    uri: String,
}

impl PageServer {
    /// Encodes every answer for a query of `total` entries, then listens on a free port.
    pub fn start(total: usize) -> io::Result<Self> {
        let answers = Arc::new(Answers::new(total));
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let uri = format!("http://{}", listener.local_addr()?);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let answers = Arc::clone(&answers);
                std::thread::spawn(move || serve(stream, &answers));
            }
        });
        Ok(Self { uri })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

/// A whole HTTP response with a JSON body.
fn response(body: &[u8]) -> Vec<u8> {
    let mut response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes();
    response.extend_from_slice(body);
    response
}

/// Answers the requests of one connection until the client closes it.
fn serve(stream: TcpStream, answers: &Answers) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    while let Ok(Some((method, target))) = read_request(&mut reader) {
        let answer = answers.get(&method, &target).unwrap_or(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        if writer.write_all(answer).is_err() {
            return;
        }
    }
}

/// Reads one request; its method and target (`/path?query`), or `None` at the end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<(String, String)>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    // The body of the query is not needed; it is read so that the next request starts where it should.
    io::copy(&mut Read::take(reader, length as u64), &mut io::sink())?;
    Ok(Some((method, target)))
}

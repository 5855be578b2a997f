//! Running Prism as a mock server (`audit_tests::tools::PRISM` finds it, installing it on demand).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{LOG_TIMEOUT, REQUEST_TIMEOUT, STARTUP_TIMEOUT, TOKEN};

// ---------------------------------------------------------------------------------------------
// Running Prism
// ---------------------------------------------------------------------------------------------

/// The description in `spec/`, as `spec/codegen.toml` names it: the one the client is generated from.
fn spec_path() -> PathBuf {
    let spec_dir = audit_tests::workspace_root().join("spec");
    let settings =
        genesys_audit_codegen::Settings::load(&spec_dir.join("codegen.toml")).expect("load spec/codegen.toml");
    spec_dir.join(settings.spec)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// `prism mock`: the same example for every call.
    Static,
    /// `prism mock -d`: a random response, valid for the spec, for every call.
    Dynamic,
}

/// A running Prism; dropping it stops it, also when the test panics.
pub(super) struct Prism {
    pub(super) child: Child,
    pub(super) port: u16,
    pub(super) log_path: PathBuf,
    /// How long it took to listen.
    pub(super) startup: Duration,
}

impl Prism {
    /// Starts Prism, logging to `target/tmp/contract/prism-<name>.log` (kept for a look after the test).
    pub(super) fn start(bin: &Path, mode: Mode, name: &str) -> Prism {
        let port = free_port();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract");
        std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
        let log_path = dir.join(format!("prism-{name}.log"));
        let log = File::create(&log_path).unwrap_or_else(|err| panic!("cannot create {}: {err}", log_path.display()));
        let stderr = log.try_clone().expect("the log file handle can be cloned");
        let spec = spec_path();

        let mut command = Command::new(bin);
        command.arg("mock");
        if mode == Mode::Dynamic {
            command.arg("-d");
        }
        command
            .args(["--errors", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(stderr);
        println!("starting {command:?} (log: {})", log_path.display());
        let began = Instant::now();
        let child = command.spawn().unwrap_or_else(|err| panic!("cannot start {}: {err}", bin.display()));
        // From here on the guard owns the process: a failure below still stops it.
        let mut prism = Prism { child, port, log_path, startup: Duration::ZERO };
        prism.wait_until_listening();
        prism.startup = began.elapsed();
        println!("prism ({name}) listens on port {port} after {:.1?}", prism.startup);
        prism
    }

    pub(super) fn wait_until_listening(&mut self) {
        let began = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Some(status) = self.child.try_wait().expect("the prism process can be polled") {
                panic!("prism exited during startup ({status}); its output:\n{}", self.log());
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(250)).is_ok() {
                return;
            }
            if began.elapsed() > STARTUP_TIMEOUT {
                panic!("prism did not listen on {address} within {STARTUP_TIMEOUT:?}; its output:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(super) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything Prism wrote so far, stdout and stderr.
    pub(super) fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.log_path).unwrap_or_default()).into_owned()
    }

    /// Waits until the log has a line containing `needle`.
    pub(super) fn wait_for_log(&self, needle: &str) {
        let began = Instant::now();
        while !self.log().contains(needle) {
            assert!(began.elapsed() < LOG_TIMEOUT, "{needle:?} did not appear in prism's log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (a race with other processes is possible, but unlikely).
pub(super) fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a local port can be bound");
    listener.local_addr().expect("a bound listener has an address").port()
}

/// Sends one HTTP/1.1 request by hand (`target` is the path and query), returning the status and body.
pub(super) fn raw_http(port: u16, method: &str, target: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("prism accepts connections");
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).expect("a read timeout can be set");
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Accept: application/json\r\nConnection: close\r\n"
    );
    if let Some(body) = body {
        request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).expect("the request can be written");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("the response can be read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 response to {method} {target}: {response:?}"));
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

//! Running the `audit_export` example as a child process, as the tests of the export tool do: the
//! executable built once per test binary by a nested `cargo build`, a scrubbed environment, a time limit,
//! and what the run wrote.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The longest a run may take before the test gives up on it.
pub const RUN_LIMIT: Duration = Duration::from_secs(20);

/// The example's executable, built on first use (one nested `cargo build` for the whole file).
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        crate::workspace_binary(&["--example", "audit_export", "-p", "genesys-cloud-audit"], "examples/audit_export")
    })
}

/// What a run did.
#[derive(Debug)]
pub struct Run {
    /// How it ended.
    pub status: ExitStatus,
    /// All it wrote to stdout.
    pub stdout: String,
    /// All it wrote to stderr.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Run {
    /// The exit status, if it exited rather than being killed by a signal.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// The stderr lines, in order.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// The last stderr line: the error line of a failed run.
    pub fn last_stderr_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or_else(|| panic!("nothing on stderr: {self:?}"))
    }

    /// Stdout as JSON values, one per line, each line checked to be a complete JSON document.
    pub fn entries(&self) -> Vec<Value> {
        assert!(self.stdout.is_empty() || self.stdout.ends_with('\n'), "stdout ends mid-line: {:?}", self.stdout);
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("line {line:?} is not JSON: {err}")))
            .collect()
    }
}

/// Removes the variables that would change what the run does: credentials and proxies.
pub fn scrub_env(command: &mut Command) {
    for name in [
        "GENESYS_ACCESS_TOKEN",
        "GENESYS_CLIENT_ID",
        "GENESYS_CLIENT_SECRET",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    command.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
}

/// Runs `command` to completion (killed after [`RUN_LIMIT`]), collecting its output.
pub fn run_command(mut command: Command) -> Run {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the example starts");
    let stdout = read_in_background(child.stdout.take().expect("stdout is piped"));
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));
    let status = wait_with_limit(&mut child, started);
    let elapsed = started.elapsed();
    let stdout = stdout.join().expect("the stdout reader does not panic");
    let stderr = stderr.join().expect("the stderr reader does not panic");
    Run { status, stdout, stderr, elapsed }
}

/// Waits for `child`, killing it (and failing the test) if it runs past [`RUN_LIMIT`].
pub fn wait_with_limit(child: &mut std::process::Child, started: Instant) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the example ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads `pipe` to its end on another thread, so neither pipe fills up and blocks the child.
pub fn read_in_background(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8(bytes).expect("the example writes UTF-8")
    })
}

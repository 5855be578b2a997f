//! Where the entries go: stdout or a file, one JSON line each, with the count of what is written so that a
//! checkpoint can say exactly where the file ends.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use genesys_cloud_audit::models::AuditLogMessage;
use serde_json::value::RawValue;

use super::Failure;

/// For crash tests only: when set to a byte count N, the tool writes the output up to exactly N bytes
/// (mid-line if N falls there), flushes it, and then waits to be killed, so that a test can kill it at a
/// point of its choosing. Not part of the tool's interface.
pub const PAUSE_AT_BYTE: &str = "AUDIT_EXPORT_TEST_PAUSE_AT_BYTE";

/// The write buffer: a page of entries or so, so that a page costs a few writes rather than hundreds
/// (every page is flushed whole anyway).
const BUFFER: usize = 1 << 20;

/// The output and how much of it is written.
pub struct Output {
    sink: Sink,
    /// Bytes written so far (the file's length, for a file).
    bytes: u64,
    /// Entries written so far.
    entries: u64,
    /// One entry's JSON, reused from line to line.
    line: Vec<u8>,
    /// See [`PAUSE_AT_BYTE`].
    pause_at: Option<u64>,
}

enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File(BufWriter<File>),
}

impl Output {
    /// Stdout.
    pub fn stdout() -> Self {
        Self::new(Sink::Stdout(BufWriter::with_capacity(BUFFER, io::stdout())), 0, 0)
    }

    /// The file at `path`, created or emptied.
    pub fn create(path: &Path) -> Result<Self, Failure> {
        let file = File::create(path).map_err(|err| file_failure("cannot create", path, &err))?;
        Ok(Self::new(Sink::File(BufWriter::with_capacity(BUFFER, file)), 0, 0))
    }

    /// The file at `path`, cut back to its first `bytes` bytes, which hold `entries` entries: what a
    /// checkpoint recorded. Anything after them is a page the stopped run had not finished.
    pub fn reopen(path: &Path, bytes: u64, entries: u64) -> Result<Self, Failure> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|err| file_failure("cannot open", path, &err))?;
        let length = file.metadata().map_err(|err| file_failure("cannot read", path, &err))?.len();
        if length < bytes {
            return Err(Failure::Runtime(format!(
                "{} holds {length} bytes, fewer than the {bytes} the checkpoint recorded: it was changed since, so the export cannot be resumed into it",
                path.display()
            )));
        }
        if bytes > 0 && !ends_a_line(&mut file, bytes).map_err(|err| file_failure("cannot read", path, &err))? {
            return Err(Failure::Runtime(format!(
                "{} does not end a line at byte {bytes}, where the checkpoint says its last entry ends: it was changed since, so the export cannot be resumed into it",
                path.display()
            )));
        }
        file.set_len(bytes).map_err(|err| file_failure("cannot cut back", path, &err))?;
        file.seek(SeekFrom::End(0)).map_err(|err| file_failure("cannot seek in", path, &err))?;
        Ok(Self::new(Sink::File(BufWriter::with_capacity(BUFFER, file)), bytes, entries))
    }

    fn new(sink: Sink, bytes: u64, entries: u64) -> Self {
        let pause_at = std::env::var(PAUSE_AT_BYTE).ok().and_then(|n| n.parse().ok());
        Self { sink, bytes, entries, line: Vec::with_capacity(4096), pause_at }
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Entries written so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Writes one entry as a line of JSON.
    pub fn write_entry(&mut self, entry: &impl Line) -> Result<(), Failure> {
        self.line.clear();
        entry.encode(&mut self.line)?;
        self.line.push(b'\n');
        let length = self.line.len() as u64;
        if let Some(at) = self.pause_at.filter(|at| (self.bytes..self.bytes + length).contains(at)) {
            self.pause(at);
        }
        let line = std::mem::take(&mut self.line);
        let written = self.writer().write_all(&line);
        self.line = line;
        written.map_err(|err| write_failure(&err))?;
        self.bytes += length;
        self.entries += 1;
        Ok(())
    }

    /// Hands what is buffered on to the operating system, where it outlives the process however it dies.
    /// It is not forced to disk (that costs more than the export itself): after a crash of the machine
    /// the file may be shorter than its checkpoint says, and `--resume` then refuses it.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.writer().flush().map_err(|err| write_failure(&err))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Stdout(out) => out,
            Sink::File(file) => file,
        }
    }

    /// Writes the current line up to byte `at` of the output, flushes, says so on stderr, and waits to be
    /// killed.
    fn pause(&mut self, at: u64) -> ! {
        let line = std::mem::take(&mut self.line);
        let prefix = usize::try_from(at - self.bytes).unwrap_or(line.len()).min(line.len());
        let _ = self.writer().write_all(&line[..prefix]);
        let _ = self.writer().flush();
        eprintln!("audit_export: paused at byte {at} for a crash test");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Whether the byte before `end` is a newline.
fn ends_a_line(file: &mut File, end: u64) -> io::Result<bool> {
    use std::io::Read;
    file.seek(SeekFrom::Start(end - 1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn file_failure(what: &str, path: &Path, err: &io::Error) -> Failure {
    Failure::Runtime(format!("{what} {}: {err}", path.display()))
}

/// The failure for an error writing the output: a closed stdout stops quietly.
fn write_failure(err: &io::Error) -> Failure {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::Runtime(format!("cannot write the output: {err}"))
    }
}

/// An entry as the export writes it: one line of JSON.
pub trait Line {
    /// Appends the entry's JSON to `line`, without a line break.
    fn encode(&self, line: &mut Vec<u8>) -> Result<(), Failure>;
}

/// A decoded entry, encoded as the client encodes it.
impl Line for AuditLogMessage {
    fn encode(&self, line: &mut Vec<u8>) -> Result<(), Failure> {
        serde_json::to_writer(line, self)
            .map_err(|err| Failure::Runtime(format!("cannot encode an entry as JSON: {err}")))
    }
}

/// An entry as the server sent it (`--raw`).
impl Line for Box<RawValue> {
    fn encode(&self, line: &mut Vec<u8>) -> Result<(), Failure> {
        let json = self.get().as_bytes();
        // A vectorised search: a server that sends compact JSON never needs more.
        if memchr::memchr2(b'\n', b'\r', json).is_some() {
            compact(json, line);
        } else {
            line.extend_from_slice(json);
        }
        Ok(())
    }
}

/// Appends `json` without the whitespace between its tokens. A string keeps all of its bytes: JSON
/// escapes the line breaks inside strings, so a line break in the text is always between tokens.
fn compact(json: &[u8], line: &mut Vec<u8>) {
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            line.push(byte);
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            line.push(byte);
        }
    }
}

//! Progress on stderr.

use std::io::{self, Write};

use super::{PREFIX, report};

/// Progress on stderr, unless `--quiet`. On a terminal, the count of entries is one line updated in place
/// (entries, pages, rate, elapsed time); otherwise, for logs, it is a plain line per page.
pub struct Progress {
    quiet: bool,
    terminal: bool,
    started: std::time::Instant,
    /// Whether the in-place line is on screen, to be ended before any other line.
    updating: std::cell::Cell<bool>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        use std::io::IsTerminal;
        let terminal = io::stderr().is_terminal();
        Self { quiet, terminal, started: std::time::Instant::now(), updating: std::cell::Cell::new(false) }
    }

    /// Writes one progress line.
    pub fn say(&self, message: &str) {
        if !self.quiet {
            self.end_line();
            report(message);
        }
    }

    /// The count so far: `written` entries in `pages` pages.
    pub fn entries(&self, written: u64, pages: u64) {
        if self.quiet {
            return;
        }
        if !self.terminal {
            report(&format!("{written} entries"));
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 { written as f64 / elapsed } else { 0.0 };
        // `\r` goes back to the start of the line and `ESC [K` clears what the last update left.
        let plural = if pages == 1 { "" } else { "s" };
        let line =
            format!("\r{PREFIX}{written} entries, {pages} page{plural}, {rate:.0} entries/s, {elapsed:.0} s\x1b[K");
        let _ = io::stderr().lock().write_all(line.as_bytes());
        self.updating.set(true);
    }

    /// Ends the in-place line, if one is on screen, so the next line starts on a line of its own.
    fn end_line(&self) {
        if self.updating.replace(false) {
            let _ = writeln!(io::stderr().lock());
        }
    }
}

impl Drop for Progress {
    /// An export that fails ends here too: its error line must not land on the in-place line.
    fn drop(&mut self) {
        self.end_line();
    }
}

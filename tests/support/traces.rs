//! What a `tracing-subscriber` formatter writes while a test runs the client: its spans (when they close,
//! with their fields) and events, as one string, for the tests that check what is traced.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

/// A buffer the formatter writes into.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        // A writer that panicked mid-line still leaves the lines before it worth reading.
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `call` on a current-thread runtime with a subscriber that formats what `filter` lets through;
/// what it wrote.
///
/// The subscriber is the thread's default for the call only, so tests running at the same time do not
/// write into each other's buffers.
pub fn traced<F: Future<Output = ()>>(filter: Targets, call: impl FnOnce() -> F) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry().with(filter).with(
        tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE),
    );
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime starts");
    tracing::subscriber::with_default(subscriber, || runtime.block_on(call()));
    captured.text()
}

//! SIGINT and SIGTERM: asked to stop, the export fetches no further page, writes the pages it has fetched,
//! records its checkpoint and exits 130, instead of dying mid-line.

use super::Failure;

/// The stop signals, caught from the start of the export.
pub struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    /// Catches SIGINT and SIGTERM (Ctrl-C elsewhere) from now on.
    pub fn install() -> Result<Self, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let catch = |kind| signal(kind).map_err(|err| Failure::Runtime(format!("cannot catch signals: {err}")));
            Ok(Self { interrupt: catch(SignalKind::interrupt())?, terminate: catch(SignalKind::terminate())? })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Completes when a stop is asked for.
    pub async fn requested(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

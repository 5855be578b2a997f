//! Waiting for a long-running job: poll its status with backoff until it is done, failed, or the deadline
//! passes.

use std::future::Future;
use std::time::{Duration, Instant};

use super::error::Error;
use super::retry;

/// How a waiter polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    initial_interval: Duration,
    max_interval: Duration,
    deadline: Duration,
}

impl Default for WaitOptions {
    /// Poll after 1 s, then each interval 1.5 times the last up to 10 s, for at most 15 minutes.
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

impl WaitOptions {
    /// The wait before the first poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest wait between two polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How long to wait in all before giving up with [`Error::WaitTimedOut`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

/// What a status says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Still queued or running, in this state.
    Pending(String),
    /// Finished successfully.
    Done,
    /// Finished without success, in this state.
    Failed(String),
}

/// Polls `status` until `progress` says it is done, and returns that last status.
pub async fn until_done<T, E, F, Fut>(
    operation: &'static str,
    options: &WaitOptions,
    mut status: F,
    progress: impl Fn(&T) -> Progress,
) -> Result<T, Error<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let started = Instant::now();
    let mut interval = options.initial_interval;
    loop {
        tokio::time::sleep(interval.min(options.deadline.saturating_sub(started.elapsed()))).await;
        let current = status().await?;
        let elapsed_ms = retry::millis(started.elapsed());
        match progress(&current) {
            Progress::Done => {
                tracing::debug!(operation, elapsed_ms, "the job is done");
                return Ok(current);
            }
            Progress::Failed(state) => return Err(Error::WaitFailed { operation, state }),
            Progress::Pending(state) if started.elapsed() >= options.deadline => {
                return Err(Error::WaitTimedOut { operation, state, waited: started.elapsed() });
            }
            Progress::Pending(state) => {
                interval = interval.mul_f64(1.5).min(options.max_interval);
                let next_poll_ms = retry::millis(interval);
                tracing::debug!(operation, state, elapsed_ms, next_poll_ms, "the job is not done yet");
            }
        }
    }
}

//! Retries: which failures are worth another attempt, and how long to wait before it.
//!
//! A 429 means the server did not take the request, so it is retried for every operation, after the
//! `Retry-After` the server asked for. 503 says the same of the service. 502 and 504, timeouts and
//! connections dropped mid-request may have done the work already, so they are retried only for
//! operations that are safe to repeat. A connection that never opened is always retried.
//!
//! Answers and failures to reach the server are counted apart. A server that answers "not now" a few
//! times is given up on after `max_attempts`; one that cannot be reached at all is most often restarting,
//! so those failures are retried for as long as `outage` allows, however many attempts that takes.

use std::time::{Duration, SystemTime};

/// How a client retries: attempts, backoff and an overall time budget. `RetryPolicy::none()` turns
/// retries off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    budget: Duration,
    outage: Duration,
}

impl Default for RetryPolicy {
    /// Up to 5 attempts the server answers, backoff from 200 ms doubling to 10 s with full jitter, a
    /// `Retry-After` of at most 60 s honoured, a server out of reach retried for 30 s, and 2 minutes in all.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            budget: Duration::from_secs(120),
            outage: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The most attempts per call the server answers with a status worth retrying, the first included (at
    /// least 1; 1 turns every retry off). Attempts that do not reach the server count against
    /// [`outage`](Self::outage) instead.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` honoured; a server asking for more gets its error returned instead.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// How long a call keeps trying a server it cannot reach (a connection refused, or lost for an
    /// operation safe to repeat), from its first attempt, however many attempts that takes: a restart of a
    /// few seconds loses no call. Within the [`budget`](Self::budget). A timeout counts as an attempt.
    pub fn outage(mut self, outage: Duration) -> Self {
        self.outage = outage;
        self
    }

    /// The most time one call may spend, waits included, before the last error is returned.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The wait before retry number `retry` (1 for the first), or `None` to stop: attempts or the
    /// budget are used up, or the server asked for a longer wait than this policy allows.
    pub(crate) fn next_wait(&self, retry: u32, elapsed: Duration, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.max_attempts {
            return None;
        }
        let wait = match retry_after {
            Some(asked) if asked > self.max_retry_after => return None,
            Some(asked) => asked,
            None => self.backoff(retry),
        };
        (elapsed + wait <= self.budget).then_some(wait)
    }

    /// The wait before retry number `retry` (1 for the first) after a failure to reach the server, or
    /// `None` to stop: retries are off, or the wait would end past the outage allowance or the budget.
    pub(crate) fn next_wait_unreached(&self, retry: u32, elapsed: Duration) -> Option<Duration> {
        if self.max_attempts <= 1 {
            return None;
        }
        let wait = self.backoff(retry);
        (elapsed + wait <= self.outage.min(self.budget)).then_some(wait)
    }

    /// Exponential backoff with full jitter: a random wait up to `initial * 2^(retry-1)`, capped.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let ceiling = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// What to do with an answer or a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Give it to the caller.
    Done,
    /// Try again (if the policy allows).
    Retry,
}

/// Whether an answer with `status` is retried.
pub(crate) fn for_status(status: u16, idempotent: bool) -> Verdict {
    match status {
        429 | 503 => Verdict::Retry,
        502 | 504 if idempotent => Verdict::Retry,
        _ => Verdict::Done,
    }
}

/// Whether a transport failure is retried.
pub(crate) fn for_transport(error: &reqwest::Error, idempotent: bool) -> Verdict {
    if error.is_connect() || idempotent { Verdict::Retry } else { Verdict::Done }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A duration in whole milliseconds, as tracing fields give waits.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn attempts_budget_and_retry_after_cap_stop_retries() {
        let policy = RetryPolicy::default().max_attempts(3).budget(Duration::from_secs(10));
        assert!(policy.next_wait(1, Duration::ZERO, None).is_some());
        assert!(policy.next_wait(3, Duration::ZERO, None).is_none());
        assert_eq!(policy.next_wait(1, Duration::ZERO, Some(Duration::from_secs(2))), Some(Duration::from_secs(2)));
        assert!(policy.next_wait(1, Duration::from_secs(9), Some(Duration::from_secs(2))).is_none());
        assert!(policy.next_wait(1, Duration::ZERO, Some(Duration::from_secs(61))).is_none());
        assert!(RetryPolicy::none().next_wait(1, Duration::ZERO, None).is_none());
    }

    #[test]
    fn a_server_out_of_reach_is_retried_for_the_outage_however_many_attempts() {
        let policy = RetryPolicy::default().max_attempts(3).outage(Duration::from_secs(20));
        assert!(policy.next_wait_unreached(50, Duration::from_secs(5),).is_some_and(|w| w <= Duration::from_secs(10)));
        assert!(policy.next_wait_unreached(2, Duration::from_secs(20)).is_none());
        assert!(policy.clone().budget(Duration::from_secs(4)).next_wait_unreached(1, Duration::from_secs(4)).is_none());
        assert!(RetryPolicy::none().next_wait_unreached(1, Duration::ZERO).is_none());
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_cap() {
        let policy =
            RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_backoff(Duration::from_millis(350));
        for _ in 0..100 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(5) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn statuses_are_retried_by_idempotency() {
        assert_eq!(for_status(429, false), Verdict::Retry);
        assert_eq!(for_status(503, false), Verdict::Retry);
        assert_eq!(for_status(502, false), Verdict::Done);
        assert_eq!(for_status(504, true), Verdict::Retry);
        assert_eq!(for_status(500, true), Verdict::Done);
        assert_eq!(for_status(404, true), Verdict::Done);
    }
}

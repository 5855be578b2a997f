//! The one error type every operation returns.

use std::fmt;

/// Why a call failed. `E` is the type of the server's error body (the crate's `Error` alias fixes it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status the operation does not document as a success.
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The request did not complete: connection refused, reset, TLS failure and the like.
    #[error("{operation}: request failed: {source}")]
    Transport {
        /// The `operationId`.
        operation: &'static str,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },
    /// The request or the connection attempt took longer than the client's timeout.
    #[error("{operation}: timed out: {source}")]
    Timeout {
        /// The `operationId`.
        operation: &'static str,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },
    /// A success response whose body does not match the documented type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request body could not be encoded as JSON.
    #[error("{operation}: cannot encode the request body: {source}")]
    Encode {
        /// The `operationId`.
        operation: &'static str,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
    /// No access token could be had from the login service; nothing was sent to the API.
    #[error("{operation}: cannot authenticate: {source}")]
    Auth {
        /// The `operationId`.
        operation: &'static str,
        /// Why.
        #[source]
        source: super::auth::AuthError,
    },
    /// A success response that cannot be used as the operation promises (a page that repeats its cursor,
    /// an answer without the id to poll).
    #[error("{operation}: unexpected response: {message}")]
    UnexpectedResponse {
        /// The `operationId`.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A job waited for ended without success.
    #[error("{operation}: the job ended in state {state}")]
    WaitFailed {
        /// The `operationId` of the status call.
        operation: &'static str,
        /// The state it ended in (`Failed`, `Cancelled`, ...).
        state: String,
    },
    /// A job waited for was not done by the deadline.
    #[error("{operation}: still {state} after {waited:?}")]
    WaitTimedOut {
        /// The `operationId` of the status call.
        operation: &'static str,
        /// Its last state.
        state: String,
        /// How long it was waited for.
        waited: std::time::Duration,
    },
    /// An argument cannot be sent as given (an empty path parameter, say); nothing was sent.
    #[error("{operation}: invalid argument: {message}")]
    InvalidArgument {
        /// The `operationId`.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// The `ININ-Correlation-Id` the server gave, when it answered: quote it to Genesys support.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.correlation_id.as_deref(),
            Error::Decode(decode) => decode.correlation_id.as_deref(),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    pub(crate) fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() { Error::Timeout { operation, source } } else { Error::Transport { operation, source } }
    }
}

/// An answer with an undocumented or error status.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The `operationId`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body decoded as the documented error type; `None` when it is empty or does not match.
    pub body: Option<E>,
    /// The body as received (lossily decoded as UTF-8).
    pub raw_body: String,
    /// The `ININ-Correlation-Id` response header.
    pub correlation_id: Option<String>,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason());
        write!(f, "{}: the server answered {}", self.operation, self.status)?;
        if let Some(reason) = reason {
            write!(f, " {reason}")?;
        }
        if let Some(message) = body_message(&self.raw_body) {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

/// The `message` member of a JSON error body, or the start of the body itself.
fn body_message(raw: &str) -> Option<String> {
    let from_json = serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned));
    from_json.or_else(|| {
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| snippet(trimmed, 0, 200))
    })
}

/// A success response whose body could not be decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The `operationId`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The path of the field that failed, such as `entities[3].eventDate` (`.` for the whole body).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
    /// The body around the place that failed.
    pub snippet: String,
    /// The `ININ-Correlation-Id` response header.
    pub correlation_id: Option<String>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot decode the {} response at `{}`: {} (near {:?})",
            self.operation, self.status, self.path, self.message, self.snippet
        )?;
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

/// Up to `len` characters of `text` around byte `at`.
pub(crate) fn snippet(text: &str, at: usize, len: usize) -> String {
    let start = at.saturating_sub(len / 2).min(text.len());
    let start = (0..=start).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    text[start..].chars().take(len).collect()
}

//! Responses: the raw answer generated code decodes, and the decoded value with its metadata.

use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use serde::Deserializer;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, snippet};

/// The response header Genesys Cloud puts its request id in.
pub const CORRELATION_ID_HEADER: &str = "ININ-Correlation-Id";

/// An answer as received, before generated code decodes it by status.
#[derive(Debug)]
pub struct RawResponse {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    /// As reqwest gathered it, not copied again: a results page is hundreds of kilobytes.
    body: bytes::Bytes,
}

impl RawResponse {
    /// Reads the whole body; a connection lost on the way is the caller's to retry or report.
    pub(crate) async fn read(operation: &'static str, response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Self { operation, status, headers, body })
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body as received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    pub(crate) fn correlation_id(&self) -> Option<String> {
        correlation_id(&self.headers).map(str::to_owned)
    }

    /// Decodes the body as `T`; a mismatch is an [`Error::Decode`] with the path of the failing field.
    ///
    /// A body that decodes costs one plain pass. Only a failing one is decoded again with its path tracked
    /// (which slows every step), so the error is the same as if the path had been tracked all along.
    pub fn decode<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        self.decode_seed(Whole::<T>(PhantomData))
    }

    /// Decodes the body with `seed`, as [`RawResponse::decode`] does with a type.
    pub fn decode_seed<S: OwnedSeed, E>(self, seed: S) -> Result<Response<S::Value>, Error<E>> {
        match parse(&self.body, seed.clone()) {
            Ok(value) => Ok(Response { value, status: self.status, headers: self.headers }),
            Err(err) => Err(self.decode_failure(seed, &err)),
        }
    }

    /// The error for a body that failed to decode with `seed` and `first`: decoded again with the path
    /// tracked.
    #[cold]
    fn decode_failure<S: OwnedSeed, E>(&self, seed: S, first: &serde_json::Error) -> Error<E> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let mut track = serde_path_to_error::Track::new();
        match seed.decode(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track)) {
            Err(err) => self.decode_error(track.path().to_string(), &err),
            // Trailing data after the value means the body is not the documented JSON either.
            Ok(_) => self.decode_error(".".to_owned(), deserializer.end().err().as_ref().unwrap_or(first)),
        }
    }

    /// A response without a body.
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response { value: (), status: self.status, headers: self.headers })
    }

    /// The body as text; a body that is not UTF-8 is an [`Error::Decode`] at the first bad byte.
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(Vec::from(self.body)) {
            Ok(value) => Ok(Response { value, status: self.status, headers: self.headers }),
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let body = err.into_bytes();
                let text = String::from_utf8_lossy(&body).into_owned();
                Err(Error::Decode(Box::new(DecodeError {
                    operation: self.operation,
                    status: self.status,
                    path: ".".to_owned(),
                    message: format!("the text body is not UTF-8 at byte {at}"),
                    snippet: snippet(&text, at.min(text.len()), 80),
                    correlation_id: correlation_id(&self.headers).map(str::to_owned),
                })))
            }
        }
    }

    /// The body's bytes as they are.
    pub fn bytes<E>(self) -> Result<Response<bytes::Bytes>, Error<E>> {
        Ok(Response { value: self.body, status: self.status, headers: self.headers })
    }

    fn decode_error<E>(&self, path: String, err: &serde_json::Error) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body);
        let offset = byte_offset(&text, err.line(), err.column());
        Error::Decode(Box::new(DecodeError {
            operation: self.operation,
            status: self.status,
            path,
            message: err.to_string(),
            snippet: snippet(&text, offset, 80),
            correlation_id: self.correlation_id(),
        }))
    }

    /// The error for a status the operation does not document as a success; the body is decoded as `E`
    /// when it matches.
    pub fn into_error<E: DeserializeOwned>(self) -> Error<E> {
        let body = serde_json::from_slice(&self.body).ok();
        Error::Api(Box::new(ApiError {
            operation: self.operation,
            status: self.status,
            correlation_id: self.correlation_id(),
            raw_body: String::from_utf8_lossy(&self.body).into_owned(),
            body,
        }))
    }
}

fn correlation_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(CORRELATION_ID_HEADER).and_then(|v| v.to_str().ok())
}

/// What decodes a body into a value that owns its data: a whole type, or a seed that knows more
/// than a type can (the member names of a page, say). Unlike `DeserializeSeed`, its value does not depend
/// on the lifetime of the input, so one seed serves the fast pass and the tracked one.
pub trait OwnedSeed: Clone {
    /// What it decodes.
    type Value;

    /// Decodes the value from `deserializer`.
    fn decode<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error>;
}

/// The seed of a whole `T`.
pub(crate) struct Whole<T>(PhantomData<fn() -> T>);

impl<T> Clone for Whole<T> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

impl<T: DeserializeOwned> OwnedSeed for Whole<T> {
    type Value = T;

    fn decode<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// `body` decoded with `seed`, all of it. A UTF-8 body (any JSON body the server means) is checked once
/// as a whole, which is far quicker than serde_json's check of each string as it goes; any other is read
/// as bytes, so that the error is serde_json's own.
fn parse<S: OwnedSeed>(body: &[u8], seed: S) -> Result<S::Value, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let value = seed.decode(&mut deserializer)?;
            deserializer.end().map(|()| value)
        }
        Err(_) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let value = seed.decode(&mut deserializer)?;
            deserializer.end().map(|()| value)
        }
    }
}

/// The byte offset of a 1-based line and column.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// Decodes `body` as a generated operation decodes a JSON success response, through
/// [`RawResponse::decode`]. Public for `cargo xtask bench-decode` alone, which measures this path.
pub fn decode_json_body<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, Error<()>> {
    let raw =
        RawResponse { operation: "bench", status: 200, headers: HeaderMap::new(), body: bytes::Bytes::from(body) };
    raw.decode().map(Response::into_inner)
}

/// The body of what `sending` gives: a generated operation's `send`, written once here.
pub async fn body_of<T, E>(sending: impl Future<Output = Result<Response<T>, Error<E>>>) -> Result<T, Error<E>> {
    sending.await.map(Response::into_inner)
}

/// A decoded body with the status and headers it came with.
#[derive(Clone, Debug)]
pub struct Response<T> {
    value: T,
    status: u16,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The decoded body, borrowed.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `ININ-Correlation-Id` response header.
    pub fn correlation_id(&self) -> Option<&str> {
        correlation_id(&self.headers)
    }

    /// The same response with its body turned into something else.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { value: f(self.value), status: self.status, headers: self.headers }
    }
}

// @generated: copied by genesys-audit-codegen from its runtime/request.rs: edit that file, then run `cargo xtask codegen`.
//! A request as generated code describes it: method, path segments, query, headers and JSON body.

use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};

use super::error::Error;
use super::value::ParamValue;

/// A request under construction. Generated operations fill it in; [`Client::execute`](super::Client::execute)
/// sends it. Problems with arguments (an empty path parameter, a header value that cannot be sent) are
/// kept and reported when it is sent, as [`Error::InvalidArgument`].
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    operation: &'static str,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    problems: Vec<String>,
    idempotent: bool,
}

impl Request {
    /// A request for `operation` (its `operationId`, used in errors) with `method`.
    pub fn new(method: reqwest::Method, operation: &'static str) -> Self {
        let idempotent = method.is_idempotent();
        Self {
            idempotent,
            method,
            operation,
            segments: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            problems: Vec::new(),
        }
    }

    /// The `operationId` this request is for.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &reqwest::Method {
        &self.method
    }

    /// Marks the request safe to send twice although its method is not (a `POST` that only reads), so
    /// that it is retried after a timeout or a 502 or 504 too.
    pub fn mark_idempotent(&mut self) {
        self.idempotent = true;
    }

    /// Whether sending the request twice does no harm.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// Appends a fixed path segment.
    pub fn push_literal(&mut self, segment: &'static str) {
        self.segments.push(segment.to_owned());
    }

    /// Appends the path parameter `name`; it is percent-encoded when the URL is built. An empty value,
    /// `.` or `..` would silently address another resource (URLs drop or resolve such segments, and
    /// `%2E` is treated as a dot by many servers), so each is an error.
    pub fn push_param<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        let value = value.to_param();
        match value.as_ref() {
            "" => self.problems.push(format!("path parameter `{name}` is empty")),
            "." | ".." => self.problems.push(format!("path parameter `{name}` cannot be {value:?}")),
            _ => {}
        }
        self.segments.push(value.into_owned());
    }

    /// Adds `name=value` to the query.
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.query.push((name, value.to_param().into_owned()));
    }

    /// Adds `name=a,b,c` to the query (`style: form, explode: false`).
    pub fn query_joined<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<_> = values.iter().map(ParamValue::to_param).collect();
        self.query.push((name, joined.join(",")));
    }

    /// Adds the header `name: value`.
    pub fn header<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        let text = value.to_param();
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&text)) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => self.problems.push(format!("header `{name}` cannot carry the value {text:?}")),
        }
    }

    /// Adds the header `name: a,b,c`.
    pub fn header_joined<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<_> = values.iter().map(ParamValue::to_param).collect();
        self.header(name, joined.join(",").as_str());
    }

    /// Sets the JSON body.
    pub fn json_body<E>(&mut self, body: &impl serde::Serialize) -> Result<(), Error<E>> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Encode { operation: self.operation, source })?;
        self.body = Some(bytes);
        Ok(())
    }

    /// The JSON body, if one is set.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The full URL under `base`: its path, then the segments (percent-encoded), then the query.
    pub fn url<E>(&self, base: &Url) -> Result<Url, Error<E>> {
        if !self.problems.is_empty() {
            return Err(Error::InvalidArgument { operation: self.operation, message: self.problems.join("; ") });
        }
        let mut url = base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| Error::InvalidArgument {
                operation: self.operation,
                message: format!("base URL {base} cannot have a path"),
            })?;
            path.pop_if_empty();
            path.extend(&self.segments);
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// The headers set so far.
    pub(crate) fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }
}

//! A request as generated code describes it: method, path segments, query, headers and body.

use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};

use super::error::Error;
use super::multipart::Multipart;
use super::value::ParamValue;

/// A part of a path segment that holds text and parameters (`{id}.json`).
pub enum TemplatePart<'a> {
    /// Text sent as written.
    Text(&'static str),
    /// A path parameter: its name and value.
    Param(&'static str, &'a dyn ParamValue),
}

/// What a request asks for when its operation does not say: JSON.
const JSON: &str = "application/json";

/// A request under construction. Generated operations fill it in; [`Client::execute`](super::Client::execute)
/// sends it. Problems with arguments (an empty path parameter, a header value that cannot be sent) are
/// kept and reported when it is sent, as [`Error::InvalidArgument`].
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    operation: &'static str,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    cookies: Vec<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    accept: HeaderValue,
    /// The body and its `Content-Type`; kept encoded, so that a retry sends the same bytes.
    body: Option<(HeaderValue, Bytes)>,
    problems: Vec<String>,
    idempotent: bool,
    /// How long each attempt may take, instead of the client's timeout.
    timeout: Option<Duration>,
    /// The path as the API description writes it (`/api/v2/audits/query/{transactionId}`), for tracing.
    route: String,
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
            cookies: Vec::new(),
            headers: Vec::new(),
            accept: HeaderValue::from_static(JSON),
            body: None,
            problems: Vec::new(),
            timeout: None,
            route: String::new(),
        }
    }

    /// The path as the API description writes it, parameters as `{name}`: what tracing shows, since
    /// the values may be personal data.
    pub fn route(&self) -> &str {
        if self.route.is_empty() { "/" } else { &self.route }
    }

    /// How long each attempt may take, body included, instead of the client's timeout (`None`: the client's).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The timeout of each attempt, when it is not the client's.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
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

    /// Appends fixed path segments, written as in the path with `/` between them (`api/v2/audits`).
    pub fn push_literal(&mut self, segments: &'static str) {
        self.route.push('/');
        self.route.push_str(segments);
        self.segments.extend(segments.split('/').map(str::to_owned));
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
        self.route.push_str(&format!("/{{{name}}}"));
        self.segments.push(value.into_owned());
    }

    /// Appends the path parameter `name` whose value is an array, its items joined by commas (`style:
    /// simple`, and Swagger 2.0's `csv`); checked and encoded as [`push_param`](Self::push_param) does.
    pub fn push_param_joined<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<_> = values.iter().map(ParamValue::to_param).collect();
        self.push_param(name, joined.join(",").as_str());
    }

    /// Appends one segment made of text and path parameters (`{id}.json`); it is percent-encoded whole.
    pub fn push_template(&mut self, parts: &[TemplatePart<'_>]) {
        let mut segment = String::new();
        self.route.push('/');
        for part in parts {
            match part {
                TemplatePart::Text(text) => {
                    self.route.push_str(text);
                    segment.push_str(text)
                }
                TemplatePart::Param(name, value) => {
                    self.route.push_str(&format!("{{{name}}}"));
                    let value = value.to_param();
                    if value.is_empty() {
                        self.problems.push(format!("path parameter `{name}` is empty"));
                    }
                    segment.push_str(&value);
                }
            }
        }
        if segment == "." || segment == ".." {
            self.problems.push(format!("a path segment cannot be {segment:?}"));
        }
        self.segments.push(segment);
    }

    /// Appends the path parameter `name` written as JSON text (its style cannot write it otherwise).
    pub fn push_param_json(&mut self, name: &'static str, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(text) => self.push_param(name, text.as_str()),
            Err(err) => self.problems.push(format!("path parameter `{name}` cannot be encoded: {err}")),
        }
    }

    /// Adds `name=value` to the query.
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.query.push((name.to_owned(), value.to_param().into_owned()));
    }

    /// Adds `name=a,b,c` to the query (`style: form, explode: false`).
    pub fn query_joined<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        self.query_delimited(name, values, ",");
    }

    /// Adds `name=a<separator>b` to the query (`spaceDelimited` and `pipeDelimited` styles).
    pub fn query_delimited<T: ParamValue>(&mut self, name: &'static str, values: &[T], separator: &str) {
        let joined: Vec<_> = values.iter().map(ParamValue::to_param).collect();
        self.query.push((name.to_owned(), joined.join(separator)));
    }

    /// Adds the members of an object to the query: each as `key=value` (`style: form, explode: true`), or
    /// as `name[key]=value` when `deep_name` is given (`style: deepObject`). Arrays repeat their key;
    /// absent and `null` members are left out; nested objects are sent as JSON text.
    pub fn query_object(&mut self, deep_name: Option<&'static str>, value: &impl serde::Serialize) {
        match object_pairs(value) {
            Ok(pairs) => {
                let key = |member: String| deep_name.map_or_else(|| member.clone(), |name| format!("{name}[{member}]"));
                self.query.extend(pairs.into_iter().map(|(member, text)| (key(member), text)));
            }
            Err(problem) => self.problems.push(problem),
        }
    }

    /// Adds `name=<value as JSON>` to the query (a parameter given by `content`).
    pub fn query_json(&mut self, name: &'static str, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(text) => self.query.push((name.to_owned(), text)),
            Err(err) => self.problems.push(format!("query parameter `{name}` cannot be encoded: {err}")),
        }
    }

    /// Adds the header `name: <value as JSON>` (a parameter given by `content`).
    pub fn header_json(&mut self, name: &'static str, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(text) => self.header(name, text.as_str()),
            Err(err) => self.problems.push(format!("header `{name}` cannot be encoded: {err}")),
        }
    }

    /// Adds the cookie `name=value`; characters a cookie value cannot hold are percent-encoded.
    pub fn cookie<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.cookies.push(format!("{name}={}", cookie_text(&value.to_param())));
    }

    /// Adds the cookie `name=a,b,c`.
    pub fn cookie_joined<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<_> = values.iter().map(ParamValue::to_param).collect();
        self.cookie(name, joined.join(",").as_str());
    }

    /// Adds the cookie `name=<value as JSON>` (a parameter given by `content`).
    pub fn cookie_json(&mut self, name: &'static str, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(text) => self.cookie(name, text.as_str()),
            Err(err) => self.problems.push(format!("cookie `{name}` cannot be encoded: {err}")),
        }
    }

    /// The `Cookie` header of the cookies added, if any.
    pub(crate) fn cookie_header(&self) -> Option<HeaderValue> {
        // Every cookie value is percent-encoded to visible ASCII, so the header is always valid.
        (!self.cookies.is_empty()).then(|| HeaderValue::from_str(&self.cookies.join("; ")).ok()).flatten()
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

    /// Sets the media types the operation answers with, for the `Accept` header (JSON unless set).
    pub fn accept(&mut self, media_types: &'static str) {
        match HeaderValue::from_str(media_types) {
            Ok(value) => self.accept = value,
            Err(_) => self.problems.push(format!("media types {media_types:?} cannot be sent in `Accept`")),
        }
    }

    /// The `Accept` header's value.
    pub(crate) fn accepted(&self) -> &HeaderValue {
        &self.accept
    }

    /// Sets the body: `body` as JSON, sent as `media_type` (`application/json` or a vendor JSON type).
    pub fn json_body<E>(&mut self, media_type: &'static str, body: &impl serde::Serialize) -> Result<(), Error<E>> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Encode { operation: self.operation, source })?;
        self.set_body(media_type, Bytes::from(bytes));
        Ok(())
    }

    /// Sets the body: text, sent as `media_type` (a `text/*` type).
    pub fn text_body(&mut self, media_type: &'static str, body: &str) {
        self.set_body(media_type, Bytes::copy_from_slice(body.as_bytes()));
    }

    /// Sets the body: bytes as they are, sent as `media_type`.
    pub fn bytes_body(&mut self, media_type: &'static str, body: &Bytes) {
        self.set_body(media_type, body.clone());
    }

    /// Sets the body: the members of `body` (an object) as `application/x-www-form-urlencoded` fields.
    /// Arrays repeat their field once per item; absent and `null` members are left out; nested objects
    /// are sent as JSON text, since the form encoding has no way to nest.
    pub fn form_body(&mut self, body: &impl serde::Serialize) {
        let pairs = match object_pairs(body) {
            Ok(pairs) => pairs,
            Err(problem) => {
                self.problems.push(problem);
                return;
            }
        };
        // The `url` crate reqwest already uses writes `application/x-www-form-urlencoded` exactly.
        let mut url = Url::parse("http://form.invalid/").expect("a constant, valid URL");
        url.query_pairs_mut().extend_pairs(pairs);
        let encoded = url.query().unwrap_or_default().to_owned();
        self.set_body("application/x-www-form-urlencoded", Bytes::from(encoded));
    }

    /// Sets the body: `parts` as `multipart/form-data`.
    pub fn multipart_body(&mut self, parts: &Multipart) {
        let (content_type, body) = parts.encode();
        match HeaderValue::from_str(&content_type) {
            Ok(value) => self.body = Some((value, body)),
            Err(_) => self.problems.push(format!("content type {content_type:?} cannot be sent")),
        }
    }

    fn set_body(&mut self, media_type: &'static str, body: Bytes) {
        match HeaderValue::from_str(media_type) {
            Ok(value) => self.body = Some((value, body)),
            Err(_) => self.problems.push(format!("content type {media_type:?} cannot be sent")),
        }
    }

    /// The encoded body, if one is set.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_ref().map(|(_, body)| body.as_ref())
    }

    /// The body with its `Content-Type`, if one is set.
    pub(crate) fn body_with_type(&self) -> Option<(&HeaderValue, &Bytes)> {
        self.body.as_ref().map(|(content_type, body)| (content_type, body))
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
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    /// The headers set so far.
    pub(crate) fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }
}

/// The members of an object as `(name, text)` pairs: arrays give a pair per item, `null` none.
fn object_pairs(value: &impl serde::Serialize) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("an object parameter cannot be encoded: {err}"))?;
    let serde_json::Value::Object(members) = value else {
        return Err("expected an object of fields".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, value) in members {
        match value {
            serde_json::Value::Array(items) => {
                pairs.extend(items.into_iter().filter_map(form_value).map(|v| (name.clone(), v)))
            }
            other => pairs.extend(form_value(other).map(|v| (name.clone(), v))),
        }
    }
    Ok(pairs)
}

/// A cookie value as RFC 6265 allows it: visible ASCII but `"`, `,`, `;` and `\`; anything else
/// percent-encoded (and `%` itself, so that the encoding can be undone).
fn cookie_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'!' | b'#'..=b'$' | b'&'..=b'+' | b'-'..=b':' | b'<'..=b'[' | b']'..=b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A form field's text: strings as they are, numbers and booleans as JSON writes them, objects and nested
/// arrays as JSON text; `None` for `null`.
fn form_value(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_path_parameter_is_one_segment_of_its_items_joined_by_commas() {
        let mut request = Request::new(reqwest::Method::GET, "search");
        request.push_literal("search");
        request.push_param_joined("ids", &[7_i64, 8, 9]);
        let base = Url::parse("https://api.example.com/v1/").expect("a URL");
        let url = request.url::<()>(&base).expect("the URL builds");
        assert_eq!(url.path(), "/v1/search/7,8,9");
        assert_eq!(request.route(), "/search/{ids}");

        let mut empty = Request::new(reqwest::Method::GET, "search");
        empty.push_param_joined::<i64>("ids", &[]);
        assert!(empty.url::<()>(&base).is_err(), "an empty array is an empty segment, refused");
    }
}

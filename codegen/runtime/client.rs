//! The client: one connection pool, a base URL and credentials, shared by every operation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};

use super::error::Error;
use super::request::Request;
use super::response::RawResponse;

/// How long a whole request may take by default, body included.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take by default.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The API client. Cheap to clone: clones share one connection pool.
///
/// Each operation is a method (see [`operations`](crate::operations)) returning a request builder that
/// is sent by `.await`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    access_token: Option<Secret>,
}

impl Client {
    /// A client for the default base URL (the first of [`SERVERS`](crate::SERVERS)) that sends
    /// `access_token` as a bearer token.
    pub fn new(access_token: impl Into<String>) -> Result<Self, BuildError> {
        Self::builder().access_token(access_token).build()
    }

    /// A builder for a client with another base URL, timeouts or user agent.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends `request` and reads the whole answer, whatever its status. Generated operations call this,
    /// then decode the answer by status.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let operation = request.operation();
        let url = request.url(&self.inner.base_url)?;
        let (method, headers, body) = request.into_parts();
        let mut builder = self.inner.http.request(method, url).header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if let Some(token) = &self.inner.access_token {
            builder = builder.header(AUTHORIZATION, token.bearer_header());
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(body);
        }
        let response = builder.send().await.map_err(|source| Error::transport(operation, source))?;
        RawResponse::read(operation, response).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("access_token", &self.inner.access_token)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    access_token: Option<Secret>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl ClientBuilder {
    /// The base URL, such as `https://api.mypurecloud.ie` or a proxy's; a path in it is kept as a prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The OAuth access token, sent as `Authorization: Bearer ...`. It never appears in `Debug` output.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(Secret(token.into()));
        self
    }

    /// How long a whole request may take, body included (60 s unless set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long connecting may take (10 s unless set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (the crate's name and version unless set).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The client; fails on a base URL that is not an absolute `http` or `https` URL, or a token that
    /// cannot be sent in a header.
    pub fn build(self) -> Result<Client, BuildError> {
        let base = match self.base_url {
            Some(base) => base,
            None => crate::SERVERS.first().ok_or(BuildError::MissingBaseUrl)?.to_string(),
        };
        let base_url = parse_base_url(&base)?;
        if let Some(token) = &self.access_token {
            if HeaderValue::from_str(&token.0).is_err() || token.0.is_empty() {
                return Err(BuildError::InvalidAccessToken);
            }
        }
        let user_agent = self.user_agent.unwrap_or_else(|| format!("{}/{}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")));
        let http = reqwest::Client::builder()
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            // A 302 from the results call is an answer to hand to the caller, not to follow.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map_err(BuildError::Http)?;
        Ok(Client { inner: Arc::new(Inner { http, base_url, access_token: self.access_token }) })
    }
}

fn parse_base_url(base: &str) -> Result<Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: base.to_owned(), reason: reason.to_owned() };
    let url = Url::parse(base).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must be a plain base URL, without query or fragment"));
    }
    Ok(url)
}

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL cannot be used.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No base URL was given and the API description lists none.
    #[error("no base URL: set one with `ClientBuilder::base_url`")]
    MissingBaseUrl,
    /// The access token is empty or has characters a header cannot carry.
    #[error("invalid access token: it is empty or has characters an HTTP header cannot carry")]
    InvalidAccessToken,
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// A credential: kept out of `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl Secret {
    fn bearer_header(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0))
            .expect("the token was checked to be a valid header value when the client was built");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

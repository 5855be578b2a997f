//! The client: one connection pool, a base URL, credentials and a retry policy, shared by every operation.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use tracing::Instrument;

use super::auth::{Auth, Secret, TokenSource};
use super::error::Error;
use super::request::Request;
use super::response::{RawResponse, Response};
use super::retry::{self, RetryPolicy, Verdict};

/// How long a whole request may take by default, body included.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take by default.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Where the login service issues tokens, under its base URL.
const TOKEN_PATH: &str = "oauth/token";

/// The HTTP client of an API: one connection pool, a base URL, credentials and a retry policy. Cheap to
/// clone: clones share one connection pool and one cached token.
///
/// A generated crate's `Client` wraps one and adds a method per operation; build it with that crate's
/// `Client::builder()`, a [`ClientBuilder`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    auth: Auth,
    retry: RetryPolicy,
}

/// What a generated crate's client tells the runtime: the API's default base URL and the crate's name, and
/// how to wrap a built [`Client`]. [`ClientBuilder::build`] gives the type that implements it.
pub trait Api: Sized {
    /// The base URLs the API description lists; the first is the default base URL.
    const SERVERS: &'static [&'static str];
    /// The default `User-Agent`: the generated crate's name and version.
    const USER_AGENT: &'static str;
    /// The generated client around `client`.
    fn from_client(client: Client) -> Self;
}

/// A region an API is served in: its API and login base URLs. A generated crate's `Region` implements it.
pub trait RegionUrls {
    /// The API's base URL there.
    fn api_url(&self) -> &str;
    /// The login service's base URL there.
    fn login_url(&self) -> &str;
}

/// The runtime's own client, for an API not generated (the runtime's tests, say): no default base URL.
impl Api for Client {
    const SERVERS: &'static [&'static str] = &[];
    const USER_AGENT: &'static str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
    fn from_client(client: Client) -> Self {
        client
    }
}

impl Client {
    /// A builder of a client with no default base URL.
    pub fn builder() -> ClientBuilder<Self> {
        ClientBuilder::new()
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends `request` (or gives its error) and reads the answer with `read`: the whole of a generated
    /// operation's `send_with_metadata`, written once here so that operations carry no async code of
    /// their own.
    pub async fn call<T, E>(
        &self,
        request: Result<Request, Error<E>>,
        timeout: Option<Duration>,
        read: impl FnOnce(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let mut request = request?;
        request.set_timeout(timeout);
        let response = self.execute(request).await?;
        read(response)
    }

    /// Sends `request` and reads the whole answer, whatever its status, retrying as the client's
    /// [`RetryPolicy`] allows and refreshing a client-credentials token once after a 401. [`call`](Self::call)
    /// sends with this, then decodes the answer by status.
    ///
    /// It runs in a DEBUG span `call` with the operation, method, route template, attempt count, status
    /// and correlation id; a retry is an INFO event with its reason and wait, giving up a WARN one.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let span = tracing::debug_span!(
            "call",
            operation = request.operation(),
            method = %request.method(),
            route = request.route(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            correlation_id = tracing::field::Empty,
        );
        self.attempts(request, &span).instrument(span.clone()).await
    }

    async fn attempts<E>(&self, request: Request, span: &tracing::Span) -> Result<RawResponse, Error<E>> {
        let operation = request.operation();
        let url = request.url(&self.inner.base_url)?;
        let started = Instant::now();
        // Retries after an answer, and after a failure to reach the server: limited apart (see `retry`).
        let (mut retries, mut unreached) = (0, 0);
        let mut refreshed = false;
        loop {
            span.record("attempts", retries + unreached + 1);
            let token = self.token(operation).await?;
            // Headers and body are read in one attempt: a connection lost while the body arrives is a
            // transport failure like one lost before the headers.
            let attempt = match self.send_once(&request, &url, token.as_ref()).await {
                Ok(response) => {
                    let retry_after =
                        response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
                    RawResponse::read(operation, response).await.map(|raw| (raw, retry_after))
                }
                Err(err) => Err(err),
            };
            let wait = match attempt {
                Ok((response, retry_after)) => {
                    let status = response.status();
                    span.record("status", status);
                    if let Some(id) = response.correlation_id() {
                        span.record("correlation_id", id.as_str());
                    }
                    if status == 401 && !refreshed {
                        if let (Auth::ClientCredentials(source), Some(token)) = (&self.inner.auth, &token) {
                            // The token may have been revoked early: get a new one and try once more.
                            tracing::info!("the server refused the token (401): fetching a new one to try again");
                            source.invalidate(token).await;
                            refreshed = true;
                            continue;
                        }
                    }
                    if retry::for_status(status, request.is_idempotent()) == Verdict::Done {
                        tracing::debug!(status, "answered");
                        return Ok(response);
                    }
                    retries += 1;
                    let asked = retry_after.and_then(|value| retry::retry_after(&value, SystemTime::now()));
                    match self.inner.retry.next_wait(retries, started.elapsed(), asked) {
                        Some(wait) => {
                            retrying(&format!("status {status}"), wait);
                            wait
                        }
                        None => {
                            tracing::warn!(
                                status,
                                attempts = retries,
                                "giving up: the retry policy allows no more attempts"
                            );
                            return Ok(response);
                        }
                    }
                }
                Err(err) => {
                    let reason = transport_reason(&err);
                    if retry::for_transport(&err, request.is_idempotent()) == Verdict::Done {
                        tracing::warn!(reason, "giving up: sending this request again could repeat its effect");
                        return Err(Error::transport(operation, err));
                    }
                    // A timeout is a server that took the request and did not answer in time: an attempt
                    // like an answer. A connection refused or lost is a server out of reach.
                    let wait = if err.is_timeout() {
                        retries += 1;
                        self.inner.retry.next_wait(retries, started.elapsed(), None)
                    } else {
                        unreached += 1;
                        self.inner.retry.next_wait_unreached(unreached, started.elapsed())
                    };
                    match wait {
                        Some(wait) => {
                            retrying(reason, wait);
                            wait
                        }
                        None => {
                            tracing::warn!(
                                reason,
                                attempts = retries + unreached,
                                "giving up: the retry policy allows no more attempts"
                            );
                            return Err(Error::transport(operation, err));
                        }
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    async fn token<E>(&self, operation: &'static str) -> Result<Option<Secret>, Error<E>> {
        match &self.inner.auth {
            Auth::None => Ok(None),
            Auth::Static(token) => Ok(Some(token.clone())),
            Auth::ClientCredentials(source) => {
                let token = source.token(&self.inner.http, &self.inner.retry).await;
                token.map(Some).map_err(|source| Error::Auth { operation, source })
            }
        }
    }

    async fn send_once(
        &self,
        request: &Request,
        url: &Url,
        token: Option<&Secret>,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut builder =
            self.inner.http.request(request.method().clone(), url.clone()).header(ACCEPT, request.accepted().clone());
        for (name, value) in request.headers() {
            builder = builder.header(name, value);
        }
        if let Some(cookies) = request.cookie_header() {
            builder = builder.header(reqwest::header::COOKIE, cookies);
        }
        if let Some(header) = token.and_then(Secret::bearer_header) {
            builder = builder.header(AUTHORIZATION, header);
        }
        if let Some((content_type, body)) = request.body_with_type() {
            builder = builder.header(CONTENT_TYPE, content_type.clone()).body(body.clone());
        }
        if let Some(timeout) = request.timeout() {
            builder = builder.timeout(timeout);
        }
        builder.send().await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a client: a generated crate's, `A`, or the runtime's own [`Client`].
pub struct ClientBuilder<A = Client> {
    base_url: Option<String>,
    login_url: Option<String>,
    credentials: Given,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    api: PhantomData<fn() -> A>,
}

impl<A> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("login_url", &self.login_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("http", &self.http)
            .finish()
    }
}

impl<A: Api> Default for ClientBuilder<A> {
    fn default() -> Self {
        Self::new()
    }
}

/// The credentials given to the builder.
#[derive(Debug, Default)]
enum Given {
    #[default]
    None,
    AccessToken(Secret),
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
}

impl<A: Api> ClientBuilder<A> {
    /// A builder with nothing set: the API's default base URL and no credentials.
    pub fn new() -> Self {
        Self {
            base_url: None,
            login_url: None,
            credentials: Given::None,
            retry: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http: None,
            api: PhantomData,
        }
    }

    /// The API's base URL, such as `https://api.mypurecloud.ie` or a proxy's; a path in it is kept as a
    /// prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API and login base URLs of `region`, one of the generated crate's `Region`s.
    pub fn region(self, region: impl RegionUrls) -> Self {
        self.base_url(region.api_url()).login_url(region.login_url())
    }

    /// The login service's base URL, where client-credentials tokens come from (`{login}/oauth/token`).
    /// Unless set, it is the base URL with `api.` replaced by `login.`.
    pub fn login_url(mut self, url: impl Into<String>) -> Self {
        self.login_url = Some(url.into());
        self
    }

    /// An OAuth access token, sent as `Authorization: Bearer ...` on every request.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Given::AccessToken(Secret::new(token.into()));
        self
    }

    /// An OAuth client id and secret: the client gets tokens with the client-credentials grant, caches
    /// them, and gets a new one before the old one expires and after a 401.
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials =
            Given::ClientCredentials { client_id: client_id.into(), client_secret: Secret::new(client_secret.into()) };
        self
    }

    /// When to retry ([`RetryPolicy::default`] unless set; [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How long one attempt may take, body included (60 s unless set).
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

    /// Sends every request, token requests included, through `http` instead of an HTTP client of the
    /// crate's own: for a corporate proxy, your own root certificates, mutual TLS, or a connection pool
    /// shared with the rest of your program.
    ///
    /// The crate then sets nothing on it, so `timeout`, `connect_timeout` and `user_agent` cannot be
    /// given with it ([`build`](Self::build) says so); set them on `http` instead. Two things are yours
    /// to get right:
    /// - timeouts: a client without one waits for a silent server forever. A request builder's `timeout`
    ///   still bounds each attempt of that request;
    /// - redirects: build `http` with `redirect(reqwest::redirect::Policy::none())`. The results of a
    ///   large audit query answer `302` with a download URL, which the crate hands to you; a client that
    ///   follows it gets the download instead, and the call fails to decode it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client; fails on a base or login URL that is not an absolute `http` or `https` URL, or a
    /// credential that cannot be sent.
    pub fn build(self) -> Result<A, BuildError> {
        let base = match self.base_url {
            Some(base) => base,
            None => A::SERVERS.first().ok_or(BuildError::MissingBaseUrl)?.to_string(),
        };
        let base_url = parse_base_url(&base)?;
        let auth = match self.credentials {
            Given::None => Auth::None,
            Given::AccessToken(token) => {
                if token.expose().is_empty() || token.bearer_header().is_none() {
                    return Err(BuildError::InvalidAccessToken);
                }
                Auth::Static(token)
            }
            Given::ClientCredentials { client_id, client_secret } => {
                let login = match self.login_url {
                    Some(login) => parse_base_url(&login)?,
                    None => login_url_for(&base_url).ok_or(BuildError::MissingLoginUrl)?,
                };
                let token_url = join(&login, TOKEN_PATH);
                Auth::ClientCredentials(TokenSource::new(token_url, client_id, client_secret))
            }
        };
        let http = match self.http {
            Some(http) => {
                let ours = [
                    ("timeout", self.timeout.is_some()),
                    ("connect_timeout", self.connect_timeout.is_some()),
                    ("user_agent", self.user_agent.is_some()),
                ];
                if let Some((setting, _)) = ours.into_iter().find(|(_, given)| *given) {
                    return Err(BuildError::SettingOfOwnHttpClient { setting });
                }
                http
            }
            None => {
                let user_agent = self.user_agent.unwrap_or_else(|| A::USER_AGENT.to_owned());
                reqwest::Client::builder()
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    // A 302 from the results call is an answer to hand to the caller, not to follow.
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(user_agent)
                    .build()
                    .map_err(BuildError::Http)?
            }
        };
        let retry = self.retry.unwrap_or_default();
        Ok(A::from_client(Client { inner: Arc::new(Inner { http, base_url, auth, retry }) }))
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

/// `https://api.X` gives `https://login.X`, as Genesys Cloud names its hosts.
fn login_url_for(api: &Url) -> Option<Url> {
    let host = api.host_str()?.strip_prefix("api.")?;
    let mut login = api.clone();
    login.set_host(Some(&format!("login.{host}"))).ok()?;
    login.set_path("");
    Some(login)
}

/// The INFO event of a retry.
fn retrying(reason: &str, wait: Duration) {
    tracing::info!(reason, wait_ms = retry::millis(wait), "retrying");
}

/// What went wrong with a request that got no answer, in a few words.
fn transport_reason(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "cannot connect"
    } else {
        "connection lost"
    }
}

/// `base` with `path` appended to its path.
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(path.split('/'));
    }
    url
}

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base or login URL cannot be used.
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
    /// Client credentials were given, but no login URL, and none follows from the base URL.
    #[error("no login URL for client credentials: set one with `ClientBuilder::login_url`")]
    MissingLoginUrl,
    /// The access token is empty or has characters a header cannot carry.
    #[error("invalid access token: it is empty or has characters an HTTP header cannot carry")]
    InvalidAccessToken,
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// A setting of the crate's own HTTP client was given together with [`ClientBuilder::http_client`].
    #[error("`ClientBuilder::{setting}` sets up the crate's own HTTP client: with `http_client`, set it on yours")]
    SettingOfOwnHttpClient {
        /// The builder method, such as `timeout`.
        setting: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_url_follows_from_api_host() {
        let api = Url::parse("https://api.mypurecloud.ie").unwrap();
        assert_eq!(login_url_for(&api).unwrap().as_str(), "https://login.mypurecloud.ie/");
        assert!(login_url_for(&Url::parse("http://127.0.0.1:9/").unwrap()).is_none());
        let login = Url::parse("http://127.0.0.1:9/login/").unwrap();
        assert_eq!(join(&login, TOKEN_PATH).as_str(), "http://127.0.0.1:9/login/oauth/token");
    }
}

//! Credentials: a static access token, or the OAuth client-credentials grant with a cached token that is
//! refreshed before it expires and after a 401, one refresh at a time.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, RETRY_AFTER};

use super::retry::{self, RetryPolicy, Verdict};

/// A token is refreshed this long before the server says it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A credential: kept out of `Debug` output, errors and logs.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `Bearer <token>`, marked sensitive so that HTTP tooling does not log it.
    pub(crate) fn bearer_header(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How requests are authorized.
#[derive(Debug)]
pub(crate) enum Auth {
    /// No `Authorization` header (a proxy adds one, say).
    None,
    /// The same token on every request.
    Static(Secret),
    /// Tokens from the client-credentials grant.
    ClientCredentials(TokenSource),
}

/// Why a token could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint could not be reached.
    #[error("token request to {url} failed: {source}")]
    Transport {
        /// The token endpoint.
        url: String,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },
    /// The token endpoint refused (wrong client id or secret, say).
    #[error("token request to {url} was refused with {status}: {body}")]
    Refused {
        /// The token endpoint.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The answer's body (the error description the login service gave).
        body: String,
    },
    /// The answer was not the expected JSON.
    #[error("token answer from {url} is not valid: {message}")]
    InvalidAnswer {
        /// The token endpoint.
        url: String,
        /// What is wrong with it.
        message: String,
    },
}

/// The client-credentials grant, with its cached token.
pub(crate) struct TokenSource {
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    // An async mutex held across the token request: concurrent callers wait for the one refresh.
    cached: tokio::sync::Mutex<Option<CachedToken>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

/// A failed token request: worth another attempt (with the wait the server asked for), or not.
enum Fetch {
    Retryable(AuthError, Option<Duration>),
    /// The login service could not be reached: retried for the policy's outage allowance.
    Unreached(AuthError),
    Final(AuthError),
}

#[derive(Clone)]
struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: u64,
}

impl TokenSource {
    pub(crate) fn new(token_url: Url, client_id: String, client_secret: Secret) -> Self {
        Self { token_url, client_id, client_secret, cached: tokio::sync::Mutex::new(None) }
    }

    /// A token that is not about to expire, fetched if needed; the login service's 429s, 503s and lost
    /// connections are retried as `policy` allows (asking for a token twice does no harm).
    pub(crate) async fn token(&self, http: &reqwest::Client, policy: &RetryPolicy) -> Result<Secret, AuthError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.token.clone());
        }
        let started = Instant::now();
        let (mut retries, mut unreached) = (0, 0);
        tracing::debug!(url = %self.token_url, "fetching a client-credentials token");
        let fresh = loop {
            let (error, wait) = match self.fetch(http).await {
                Ok(fresh) => break fresh,
                Err(Fetch::Retryable(error, asked)) => {
                    retries += 1;
                    (error, policy.next_wait(retries, started.elapsed(), asked))
                }
                Err(Fetch::Unreached(error)) => {
                    unreached += 1;
                    (error, policy.next_wait_unreached(unreached, started.elapsed()))
                }
                Err(Fetch::Final(error)) => {
                    tracing::warn!(url = %self.token_url, "no token: {error}");
                    return Err(error);
                }
            };
            match wait {
                Some(wait) => {
                    let wait_ms = retry::millis(wait);
                    tracing::info!(url = %self.token_url, wait_ms, "retrying the token request: {error}");
                    tokio::time::sleep(wait).await
                }
                None => {
                    let attempts = retries + unreached;
                    tracing::warn!(url = %self.token_url, attempts, "no token, giving up: {error}");
                    return Err(error);
                }
            }
        };
        let refresh_in_s = fresh.refresh_at.saturating_duration_since(Instant::now()).as_secs();
        tracing::debug!(refresh_in_s, "token fetched");
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Forgets `rejected` after a 401, unless another caller already replaced it.
    pub(crate) async fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| &t.token == rejected) {
            *cached = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, Fetch> {
        let url = self.token_url.to_string();
        let transport =
            |url: &String, source: reqwest::Error| Fetch::Unreached(AuthError::Transport { url: url.clone(), source });
        let response = http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|source| transport(&url, source))?;
        let status = response.status().as_u16();
        let asked = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok());
        let asked = asked.and_then(|value| retry::retry_after(value, SystemTime::now()));
        let body = response.text().await.map_err(|source| transport(&url, source))?;
        if !(200..300).contains(&status) {
            let body: String = body.chars().take(300).collect();
            let error = AuthError::Refused { url, status, body };
            return Err(if retry::for_status(status, true) == Verdict::Retry {
                Fetch::Retryable(error, asked)
            } else {
                Fetch::Final(error)
            });
        }
        let invalid = |message: String| Fetch::Final(AuthError::InvalidAnswer { url: url.clone(), message });
        let answer: TokenAnswer = serde_json::from_str(&body).map_err(|err| invalid(err.to_string()))?;
        if answer.token_type.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("bearer")) {
            return Err(invalid(format!("token type {:?} is not bearer", answer.token_type)));
        }
        let token = Secret::new(answer.access_token);
        if token.bearer_header().is_none() || token.expose().is_empty() {
            return Err(invalid("the access token cannot be sent in a header".to_owned()));
        }
        let lifetime = Duration::from_secs(answer.expires_in);
        // A token that lives less than twice the margin is refreshed at half its life instead.
        let early = if lifetime > REFRESH_MARGIN * 2 { lifetime - REFRESH_MARGIN } else { lifetime / 2 };
        Ok(CachedToken { token, refresh_at: Instant::now() + early })
    }
}

//! A small GitHub REST client: list, create and update issue comments. hyper (the HTTP stack kube
//! already uses) with rustls and the system's root certificates; plain HTTP only for local test
//! servers. Rate limits are retried a bounded number of times (through [`crate::retry`]);
//! 401/403/404 become clear errors.
//! The token is sent only to the API origin and never appears in an error or a log line.

use super::Token;
use crate::error::Error;
use crate::retry::{self, Decision, LongWait, Policy, Stop};
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// How many times a rate-limited request is tried in all.
pub const MAX_ATTEMPTS: u32 = 4;
/// The longest wait for a rate limit to lift before giving up (GitHub's secondary limits ask for
/// a minute; a primary limit resetting later is reported instead of waited for).
pub const MAX_WAIT: Duration = Duration::from_secs(90);
/// Per-request timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read: 64 MiB. A page of 100 comments of 65,536 characters each, escaped as
/// JSON (up to 6 bytes a character), is under 40 MiB; a longer answer is an error, not memory.
pub const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Why one try failed: an error answer, or no answer at all.
enum Failed {
    Reply(Reply),
    Hard(Error),
}

/// A response: status, headers, parsed JSON body (null when empty or not JSON).
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

/// The client for one API origin.
pub(crate) struct GitHub {
    http: HyperClient<Https, Full<Bytes>>,
    api: Uri,
    token: Token,
    /// Sleeps between rate-limit retries (tests shorten nothing: the fake sends `Retry-After: 0`).
    pub max_wait: Duration,
}

impl GitHub {
    /// A client for `api_url` (e.g. `https://api.github.com`, `https://ghe.example.com/api/v3`).
    pub fn new(api_url: &str, token: Token) -> Result<GitHub, Error> {
        let (api_url, _) = super::strip_credentials(api_url);
        let api_url = api_url.as_str();
        let api: Uri = api_url
            .trim_end_matches('/')
            .parse()
            .ok()
            .filter(|u: &Uri| {
                matches!(u.scheme_str(), Some("https" | "http")) && u.authority().is_some()
            })
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--api-url `{}` is not an http(s) URL such as https://api.github.com",
                    super::clean(api_url)
                ))
            })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Other(format!("TLS setup failed: {e}")))?;
        let tls = if api.scheme_str() == Some("https") {
            use hyper_rustls::ConfigBuilderExt;
            builder
                .with_native_roots()
                .map_err(|e| {
                    Error::Other(format!(
                        "no usable root certificates for {api_url} ({e}); install the system's CA certificates (ca-certificates)"
                    ))
                })?
                .with_no_client_auth()
        } else {
            builder
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        };
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(GitHub {
            http: HyperClient::builder(TokioExecutor::new()).build(connector),
            api,
            token,
            max_wait: MAX_WAIT,
        })
    }

    /// The absolute URL of an API path (`/repos/o/r/issues/1/comments`).
    pub fn url(&self, path_and_query: &str) -> String {
        let base = self.api.to_string();
        format!("{}{path_and_query}", base.trim_end_matches('/'))
    }

    /// True when `url` is on the API origin (scheme, host and port), so the token may go there.
    pub fn same_origin(&self, url: &str) -> bool {
        url.parse::<Uri>().is_ok_and(|u| {
            u.scheme_str() == self.api.scheme_str() && u.authority() == self.api.authority()
        })
    }

    /// Sends a request, retrying rate limits; any status below 400 is returned, the rest are
    /// errors worded for the user. `what` names the operation in errors.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, Error> {
        if !self.same_origin(url) {
            return Err(Error::Other(format!(
                "GitHub: refusing to send the token to {url}, which is not the API at {}",
                self.api
            )));
        }
        let policy = Policy {
            max_attempts: MAX_ATTEMPTS,
            // GitHub always names its wait (Retry-After, a reset time or the documented minute).
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            max_wait: self.max_wait,
            long_wait: LongWait::GiveUp,
        };
        let attempt = |_| async {
            match self.once(method.clone(), url, body, what).await {
                Ok(reply) if reply.status.as_u16() < 400 => Ok(reply),
                Ok(reply) => Err(Failed::Reply(reply)),
                Err(e) => Err(Failed::Hard(e)),
            }
        };
        let classify = |f: &Failed| match f {
            Failed::Reply(r) => {
                rate_limit_wait(r).map_or(Decision::Stop, |w| Decision::Retry(Some(w)))
            }
            Failed::Hard(_) => Decision::Stop,
        };
        let on_wait = |_: &Failed, w: retry::Wait| {
            eprintln!(
                "checkride: GitHub rate limit while trying to {what}; retrying in {} s (attempt {}/{MAX_ATTEMPTS})",
                w.delay.as_secs(),
                w.next_attempt
            );
        };
        match policy.run(attempt, classify, on_wait).await {
            Ok(reply) => Ok(reply),
            Err(Stop::Final(Failed::Hard(e))) => Err(e),
            Err(Stop::Final(Failed::Reply(r))) => Err(status_error(&r, what, &self.token)),
            Err(Stop::Exhausted(_)) => Err(Error::Other(format!(
                "GitHub: still rate limited after {MAX_ATTEMPTS} attempts while trying to {what}; try again later"
            ))),
            Err(Stop::WaitTooLong(_, wait)) => Err(Error::Other(format!(
                "GitHub: rate limited while trying to {what}; the limit lifts in {} s, longer than checkride waits ({} s); try again later",
                wait.as_secs(),
                self.max_wait.as_secs()
            ))),
        }
    }

    async fn once(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, Error> {
        let bytes = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
        let mut req = Request::builder()
            .method(method)
            .uri(url)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
            .header(
                "user-agent",
                concat!("checkride/", env!("CARGO_PKG_VERSION")),
            )
            .header("authorization", format!("Bearer {}", self.token.expose()));
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(Full::new(bytes))
            .map_err(|e| Error::Other(format!("GitHub: bad request for {what}: {e}")))?;
        let fut = self.http.request(req);
        let resp = match tokio::time::timeout(REQUEST_TIMEOUT, fut).await {
            Err(_) => {
                return Err(Error::Other(format!(
                    "GitHub: no answer within {} s while trying to {what} ({})",
                    REQUEST_TIMEOUT.as_secs(),
                    self.api
                )));
            }
            Ok(Err(e)) => {
                return Err(Error::Other(format!(
                    "GitHub: cannot reach {} while trying to {what}: {}",
                    self.api,
                    connect_reason(&e)
                )));
            }
            Ok(Ok(r)) => r,
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = http_body_util::Limited::new(resp.into_body(), MAX_REPLY_BYTES);
        let collected = tokio::time::timeout(REQUEST_TIMEOUT, body.collect())
            .await
            .map_err(|_| Error::Other(format!("GitHub: answer cut off while trying to {what}")))?
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    Error::Other(format!(
                        "GitHub: the answer while trying to {what} is over {} MiB, more than any real one; not read",
                        MAX_REPLY_BYTES >> 20
                    ))
                } else {
                    Error::Other(format!(
                        "GitHub: answer cut off while trying to {what}: {e}"
                    ))
                }
            })?;
        let json = serde_json::from_slice(&collected.to_bytes()).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            json,
        })
    }
}

fn connect_reason(e: &hyper_util::client::legacy::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    msg
}

fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

/// GitHub's `message` field as it may be shown: the token (and anything token-shaped or a
/// URL's credentials) masked first, then cut short, so a cut can never leave part of a token.
fn message(r: &Reply, token: &Token) -> String {
    let m = r.json.get("message").and_then(Value::as_str).unwrap_or("");
    token.scrub(m).chars().take(300).collect()
}

/// How long to wait when this reply is a rate limit (primary or secondary), else `None`.
/// `Retry-After` wins; else `x-ratelimit-reset` when nothing remains; else a secondary limit
/// named in the message waits a minute, as GitHub's documentation asks.
pub(crate) fn rate_limit_wait(r: &Reply) -> Option<Duration> {
    let code = r.status.as_u16();
    if code != 403 && code != 429 {
        return None;
    }
    if let Some(wait) = retry::retry_after(&r.headers) {
        return Some(wait);
    }
    if header(r, "x-ratelimit-remaining").map(str::trim) == Some("0") {
        let reset = header(r, "x-ratelimit-reset")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        return Some(Duration::from_secs((reset - now).max(0) as u64 + 1));
    }
    let said = r.json.get("message").and_then(Value::as_str).unwrap_or("");
    if code == 429 || said.to_ascii_lowercase().contains("rate limit") {
        return Some(Duration::from_secs(60));
    }
    None
}

fn status_error(r: &Reply, what: &str, token: &Token) -> Error {
    let gh = message(r, token);
    let said = if gh.is_empty() {
        String::new()
    } else {
        format!(" (GitHub says: {gh})")
    };
    let m = match r.status.as_u16() {
        401 => format!(
            "GitHub rejected the token (401 Unauthorized) while trying to {what}{said}. Check the secret behind the token variable (GITHUB_TOKEN or --token-env)."
        ),
        403 => format!(
            "GitHub refused (403 Forbidden) to {what}{said}. The token needs `pull-requests: write` (or `issues: write`); on pull requests from forks the default GITHUB_TOKEN is read-only."
        ),
        404 => format!(
            "GitHub found nothing (404 Not Found) while trying to {what}{said}: check --repo and --pr (a private repository looks missing to a token that cannot read it)."
        ),
        code => format!(
            "GitHub answered {code} {} while trying to {what}{said}",
            r.status.canonical_reason().unwrap_or("")
        ),
    };
    Error::Other(m)
}

/// The `rel="next"` URL of a `Link` header.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next page is found among other relations.
    #[test]
    fn parses_link_header() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=3>; rel=\"next\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://api.github.com/x?page=3")
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    fn reply(status: u16, headers: &[(&'static str, &str)], message: &str) -> Reply {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: h,
            json: serde_json::json!({ "message": message }),
        }
    }

    /// The token only goes to the API origin: another host, scheme or port is refused.
    #[test]
    fn token_stays_on_the_api_origin() {
        let gh = GitHub::new(
            "http://127.0.0.1:8080/api/v3",
            super::super::Token("t".into()),
        )
        .unwrap();
        assert!(gh.same_origin("http://127.0.0.1:8080/api/v3/repos/a/b/issues/1/comments?page=2"));
        assert!(!gh.same_origin("http://127.0.0.1:9090/api/v3/x"));
        assert!(!gh.same_origin("https://127.0.0.1:8080/api/v3/x"));
        assert!(!gh.same_origin("http://evil.example/api/v3/x"));
        assert_eq!(
            gh.url("/repos/a/b"),
            "http://127.0.0.1:8080/api/v3/repos/a/b"
        );
        assert!(GitHub::new("ftp://x", super::super::Token("t".into())).is_err());
    }

    /// Primary and secondary limits are recognised; a plain 403 is not a rate limit.
    #[test]
    fn recognises_rate_limits() {
        let secs = |r: &Reply| rate_limit_wait(r).map(|d| d.as_secs());
        assert_eq!(secs(&reply(429, &[("retry-after", "7")], "")), Some(7));
        assert_eq!(
            secs(&reply(403, &[], "You have exceeded a secondary rate limit")),
            Some(60)
        );
        assert_eq!(
            secs(&reply(
                403,
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "0")],
                "API rate limit exceeded"
            )),
            Some(1)
        );
        assert_eq!(secs(&reply(403, &[], "Resource not accessible")), None);
        assert_eq!(secs(&reply(404, &[("retry-after", "1")], "")), None);
    }
}

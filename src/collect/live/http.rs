//! One GET against the API server, the way every live request is made: a per-request timeout,
//! bounded retries with exponential backoff for 429/5xx and transport errors, `Retry-After`
//! honoured (through [`crate::retry`]). Logs (with `-v`) name the path, the status and the
//! time, never a body.

use crate::retry::{self, Decision, LongWait, Policy};
use bytes::Bytes;
use http::{Request, StatusCode, header};
use std::time::{Duration, Instant};

/// Longest `Retry-After` we wait for (longer asks wait this long); a server asking for more
/// gets a gap instead of a stall.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// First backoff step; doubled per attempt.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// Longest backoff step.
const BACKOFF_CAP: Duration = Duration::from_secs(4);
/// Timeouts are retried at most this many times (a hung server tends to stay hung).
const TIMEOUT_RETRIES: u32 = 1;

/// A successful response.
pub(crate) struct Fetched {
    /// The body.
    pub body: Bytes,
    /// `Content-Type`, lowercased (empty when absent).
    pub content_type: String,
}

/// Why a request finally failed.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// The server answered with an error status.
    Status {
        /// HTTP status.
        code: u16,
        /// The `Status` object's message, if the body held one.
        message: String,
    },
    /// No answer within the per-request timeout.
    Timeout(Duration),
    /// The body was larger than `--max-response-bytes`.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The connection failed.
    Transport {
        /// True when nothing listens at the address.
        refused: bool,
        /// The error, as the HTTP stack words it.
        message: String,
    },
}

impl Failure {
    /// A short reason for a coverage gap: `403 Forbidden: secrets is forbidden: …`.
    pub fn reason(&self) -> String {
        match self {
            Failure::Status { code, message } => {
                let name = StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("error");
                let mut r = format!("{code} {name}");
                if !message.is_empty() {
                    r.push_str(": ");
                    r.extend(message.chars().take(200));
                }
                r
            }
            Failure::Timeout(d) => format!("timed out after {}", super::human_duration(*d)),
            Failure::TooLarge { limit } => format!(
                "the response is larger than the limit of {limit} bytes in one response (--max-response-bytes)"
            ),
            Failure::Transport { message, .. } => format!("connection failed: {message}"),
        }
    }

    fn retryable(&self) -> bool {
        match self {
            Failure::Status { code, .. } => matches!(code, 429 | 500 | 502 | 503 | 504),
            Failure::Timeout(_) => true,
            Failure::TooLarge { .. } => false,
            Failure::Transport { refused, .. } => !refused,
        }
    }
}

/// Makes requests for one side.
#[derive(Clone)]
pub(crate) struct Fetcher {
    client: kube::Client,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries after the first attempt (for 429/5xx/transport errors).
    pub retries: u32,
    /// `context:NAME`, for logs.
    pub side: String,
    /// Largest body read (`--max-response-bytes`); a larger one is a [`Failure::TooLarge`].
    pub max_body: u64,
}

impl Fetcher {
    /// A fetcher over a connected client.
    pub fn new(client: kube::Client, timeout: Duration, retries: u32, side: String) -> Self {
        Fetcher {
            client,
            timeout,
            retries,
            side,
            max_body: u64::MAX,
        }
    }

    /// The retry policy of live requests: `retries` after the first try.
    fn policy(&self) -> Policy {
        Policy {
            max_attempts: self.retries.saturating_add(1),
            backoff_base: BACKOFF_BASE,
            backoff_cap: BACKOFF_CAP,
            max_wait: MAX_RETRY_AFTER,
            long_wait: LongWait::Clamp,
        }
    }

    /// GETs `path` (with its query), retrying as allowed.
    pub async fn get(&self, path: &str, accept: &str) -> Result<Fetched, Failure> {
        let max_attempts = self.retries.saturating_add(1);
        let mut timeouts = 0u32;
        let attempt = |_| async {
            let started = Instant::now();
            let (result, retry_after) = self.once(path, accept).await;
            let ms = started.elapsed().as_millis();
            match &result {
                Ok(f) => {
                    tracing::debug!(side = %self.side, "GET {path} -> 200 ({} bytes, {ms} ms)", f.body.len())
                }
                Err(e) => {
                    tracing::debug!(side = %self.side, "GET {path} -> {} ({ms} ms)", e.reason())
                }
            }
            result.map_err(|e| (e, retry_after))
        };
        let classify = |(failure, retry_after): &(Failure, Option<Duration>)| {
            if matches!(failure, Failure::Timeout(_)) {
                timeouts += 1;
            }
            if failure.retryable() && timeouts <= TIMEOUT_RETRIES {
                Decision::Retry(*retry_after)
            } else {
                Decision::Stop
            }
        };
        let on_wait = |_: &(Failure, Option<Duration>), w: retry::Wait| {
            tracing::debug!(
                side = %self.side,
                "retrying GET {path} in {} ({}; attempt {} of {max_attempts})",
                super::human_duration(w.delay),
                if w.asked { "Retry-After" } else { "backoff" },
                w.next_attempt,
            );
        };
        self.policy()
            .run(attempt, classify, on_wait)
            .await
            .map_err(|stop| stop.into_error().0)
    }

    async fn once(&self, path: &str, accept: &str) -> (Result<Fetched, Failure>, Option<Duration>) {
        let request = match Request::get(path)
            .header(header::ACCEPT, accept)
            .body(kube::client::Body::empty())
        {
            Ok(r) => r,
            Err(e) => {
                let failure = Failure::Transport {
                    refused: false,
                    message: format!("invalid request path: {e}"),
                };
                return (Err(failure), None);
            }
        };
        let exchange = async {
            let response = self.client.send(request).await.map_err(transport)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_body(response.into_body(), self.max_body).await?;
            Ok::<_, Failure>((status, headers, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => (Err(Failure::Timeout(self.timeout)), None),
            Ok(Err(f)) => (Err(f), None),
            Ok(Ok((status, headers, body))) if status.is_success() => {
                let content_type = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                (Ok(Fetched { body, content_type }), None)
            }
            Ok(Ok((status, headers, body))) => {
                let failure = Failure::Status {
                    code: status.as_u16(),
                    message: status_message(&body),
                };
                (Err(failure), retry::retry_after(&headers))
            }
        }
    }
}

/// Reads a body, refusing it past `limit` bytes.
async fn read_body(body: kube::client::Body, limit: u64) -> Result<Bytes, Failure> {
    use http_body_util::BodyExt;
    let limited = http_body_util::Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(Failure::TooLarge { limit }),
        Err(e) => match e.downcast::<kube::Error>() {
            Ok(k) => Err(transport(*k)),
            Err(other) => Err(Failure::Transport {
                refused: false,
                message: other.to_string(),
            }),
        },
    }
}

/// The `message` of a `Status` body, if it is one (never anything else from the body).
fn status_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Status {
        #[serde(default)]
        kind: String,
        #[serde(default)]
        message: String,
    }
    match serde_json::from_slice::<Status>(body) {
        Ok(s) if s.kind == "Status" => s.message.lines().next().unwrap_or("").to_string(),
        _ => String::new(),
    }
}

fn transport(e: kube::Error) -> Failure {
    let refused = error_chain(&e).any(|io| io == std::io::ErrorKind::ConnectionRefused);
    Failure::Transport {
        refused,
        message: innermost(&e),
    }
}

/// The io error kinds along an error's source chain.
fn error_chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = std::io::ErrorKind> + 'a {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    std::iter::from_fn(move || {
        while let Some(err) = cur {
            cur = err.source();
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                return Some(io.kind());
            }
        }
        None
    })
}

/// The most specific message in an error's source chain.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Percent-encodes a query value (continue tokens are base64 and carry `+`, `/`, `=`).
pub(crate) fn encode_query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a Status body yields a message; other bodies (which may hold data) yield nothing.
    #[test]
    fn status_messages_only() {
        let s = br#"{"kind":"Status","message":"secrets is forbidden","code":403}"#;
        assert_eq!(status_message(s), "secrets is forbidden");
        assert_eq!(status_message(br#"{"kind":"Secret","message":"x"}"#), "");
        let f = Failure::Status {
            code: 403,
            message: "secrets is forbidden".into(),
        };
        assert_eq!(f.reason(), "403 Forbidden: secrets is forbidden");
        assert_eq!(encode_query_value("a+b/c="), "a%2Bb%2Fc%3D");
    }
}

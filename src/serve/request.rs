//! What a request asks for, read before anything is looked up: the query string (bounded in
//! size and parameter count, percent-decoded, the first value of a repeated parameter wins as
//! in the API server), whether it asks for a watch, and whether it carries a body that a
//! read-only server would have to read. Each refusal is a `Status` answer.

use super::list::Query;
use super::status;
use axum::response::Response;
use http::{HeaderMap, StatusCode, header};

/// Limits on what one request may ask for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLimits {
    /// Longest query string, in bytes (before decoding).
    pub max_query_bytes: usize,
    /// Most query parameters.
    pub max_query_params: usize,
    /// Largest request body announced; `serve` never reads one (every write answers 405).
    pub max_body_bytes: u64,
}

/// Longest query string `serve` reads (selectors, continue tokens): 16 KiB.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Most query parameters in one request.
pub const MAX_QUERY_PARAMS: usize = 64;
/// Largest body a request may announce: 1 MiB (the API server's write limit is 3 MiB; a
/// read-only server needs none and never reads it).
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            max_query_bytes: MAX_QUERY_BYTES,
            max_query_params: MAX_QUERY_PARAMS,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

/// A request refused before it is looked at: rendered as a `Status`.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub code: StatusCode,
    reason: &'static str,
    message: String,
}

impl Refusal {
    /// The `Status` answer.
    pub fn response(self) -> Response {
        status(self.code, self.reason, self.message)
    }
}

fn refusal(code: StatusCode, reason: &'static str, message: String) -> Refusal {
    Refusal {
        code,
        reason,
        message,
    }
}

fn bad_request(message: String) -> Refusal {
    refusal(StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// Reads the query string. Refuses one that is too long (414), has too many parameters or
/// an invalid escape (400).
pub(crate) fn query(raw: Option<&str>, limits: &RequestLimits) -> Result<Query, Refusal> {
    let raw = raw.unwrap_or("");
    if raw.len() > limits.max_query_bytes {
        return Err(refusal(
            StatusCode::URI_TOO_LONG,
            "RequestURITooLong",
            format!(
                "the query string is {} bytes; checkride serve reads at most {}",
                raw.len(),
                limits.max_query_bytes
            ),
        ));
    }
    let mut out = Query::new();
    for (n, pair) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
        if n >= limits.max_query_params {
            return Err(bad_request(format!(
                "more than {} query parameters",
                limits.max_query_params
            )));
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = decode(k)
            .ok_or_else(|| bad_request("invalid escape in a query parameter name".into()))?;
        let v = decode(v)
            .ok_or_else(|| bad_request(format!("invalid escape in the value of `{k}`")))?;
        // The API server reads the first value of a repeated parameter.
        out.entry(k).or_insert(v);
    }
    Ok(out)
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space); `None` on a bad escape or
/// bytes that are not UTF-8.
fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// True when the query asks for a watch. As the API server converts a boolean parameter,
/// anything but `0`, `f` or `false` (any case) is true, the empty value included.
pub(crate) fn wants_watch(q: &Query) -> bool {
    q.get("watch").is_some_and(|w| {
        !(w == "0" || w.eq_ignore_ascii_case("f") || w.eq_ignore_ascii_case("false"))
    })
}

/// Refuses a request announcing a body over the limit (413). A body of unknown length
/// (chunked) is refused too: nothing `serve` answers reads a body.
pub(crate) fn body(headers: &HeaderMap, limits: &RequestLimits) -> Result<(), Refusal> {
    let too_large = |what: String| {
        refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!(
                "{what}; checkride serve is read-only and accepts at most {} bytes",
                limits.max_body_bytes
            ),
        )
    };
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return Err(too_large("a request body of unknown length".into()));
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    match length {
        Some(Ok(n)) if n > limits.max_body_bytes => {
            Err(too_large(format!("a request body of {n} bytes")))
        }
        Some(Err(_)) => Err(bad_request("invalid Content-Length".into())),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> Query {
        query(Some(raw), &RequestLimits::default()).unwrap_or_else(|_| panic!("`{raw}` parses"))
    }

    /// Escapes and `+` decode; the first of a repeated parameter wins; bad escapes, too many
    /// parameters and an over-long query are refused with 400 and 414.
    #[test]
    fn reads_queries_as_the_api_server() {
        let got = q("labelSelector=app%3Dapi%2Ctier+in+%28web%29&limit=5&limit=9&watch");
        assert_eq!(got["labelSelector"], "app=api,tier in (web)");
        assert_eq!(got["limit"], "5");
        assert_eq!(got["watch"], "");
        let refused = |raw: &str| {
            query(Some(raw), &RequestLimits::default())
                .unwrap_err()
                .code
        };
        assert_eq!(refused("a=%ZZ"), StatusCode::BAD_REQUEST);
        assert_eq!(refused("a=%C3%28"), StatusCode::BAD_REQUEST);
        assert_eq!(refused("a=%4"), StatusCode::BAD_REQUEST);
        let many: Vec<String> = (0..=MAX_QUERY_PARAMS).map(|i| format!("p{i}=1")).collect();
        assert_eq!(refused(&many.join("&")), StatusCode::BAD_REQUEST);
        let long = format!("labelSelector={}", "a".repeat(MAX_QUERY_BYTES));
        assert_eq!(refused(&long), StatusCode::URI_TOO_LONG);
    }

    /// `watch` is read like the API server's booleans: only 0, f and false (any case) are off.
    #[test]
    fn watch_is_any_true_value() {
        for on in ["true", "True", "TRUE", "1", "t", "yes", ""] {
            assert!(wants_watch(&q(&format!("watch={on}"))), "watch={on}");
        }
        for off in ["false", "False", "0", "f", "F"] {
            assert!(!wants_watch(&q(&format!("watch={off}"))), "watch={off}");
        }
        assert!(!wants_watch(&q("limit=1")));
        assert!(
            wants_watch(&q("watch=true&watch=false")),
            "first value wins"
        );
    }

    /// Bodies over the limit, of unknown length or with a bad length are refused.
    #[test]
    fn bodies_are_bounded() {
        let l = RequestLimits::default();
        let with = |k: header::HeaderName, v: &str| {
            let mut h = HeaderMap::new();
            h.insert(k, v.parse().unwrap());
            body(&h, &l).err().map(|r| r.code)
        };
        assert_eq!(with(header::CONTENT_LENGTH, "0"), None);
        assert_eq!(with(header::CONTENT_LENGTH, "1048576"), None);
        assert_eq!(
            with(header::CONTENT_LENGTH, "1048577"),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(
            with(header::TRANSFER_ENCODING, "chunked"),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(
            with(header::CONTENT_LENGTH, "x"),
            Some(StatusCode::BAD_REQUEST)
        );
    }
}

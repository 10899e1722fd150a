//! Fault injection, a testing aid: per-request latency, 403 for chosen kinds, 503 for whole
//! groups, bursts and rates of 429/500, expiring continue tokens, and requests that never
//! answer. Faults are decided before the request is served.

use super::status;
use crate::model::ApiResource;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The faults to inject.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every request.
    pub latency: Duration,
    /// Kinds (plural, singular or Kind) answered with 403 Forbidden.
    pub forbid: Vec<String>,
    /// Groups whose discovery and lists answer 503 (and are stale in aggregated discovery).
    pub unavailable_groups: Vec<String>,
    /// (status, fraction of requests) answered with that status at random.
    pub error_rates: Vec<(u16, f64)>,
    /// (status, n): every distinct request first fails n times with that status, in order.
    pub error_bursts: Vec<(u16, u32)>,
    /// `Retry-After` seconds sent with injected 429 and 503 answers.
    pub retry_after: u64,
    /// The first n requests carrying a continue token answer 410 Gone.
    pub expire_continue: u32,
    /// Kinds whose requests never answer.
    pub hang: Vec<String>,
    /// Seed of the random rates.
    pub seed: u64,
}

/// Faults and what they have done so far.
pub(crate) struct FaultState {
    pub faults: Faults,
    attempts: Mutex<HashMap<String, u32>>,
    expired: AtomicU32,
    rng: Mutex<StdRng>,
}

fn names(r: &ApiResource, list: &[String]) -> bool {
    list.iter().any(|n| {
        n.eq_ignore_ascii_case(&r.name) || n.eq_ignore_ascii_case(&r.kind) || {
            let (name, group) = n.split_once('.').unwrap_or((n, ""));
            !group.is_empty() && group == r.group && name.eq_ignore_ascii_case(&r.name)
        }
    })
}

impl FaultState {
    /// Fresh state.
    pub fn new(faults: Faults) -> Self {
        let rng = StdRng::seed_from_u64(faults.seed);
        FaultState {
            faults,
            attempts: Mutex::new(HashMap::new()),
            expired: AtomicU32::new(0),
            rng: Mutex::new(rng),
        }
    }

    /// True when the group is made unavailable.
    pub fn unavailable(&self, group: &str) -> bool {
        !group.is_empty() && self.faults.unavailable_groups.iter().any(|g| g == group)
    }

    /// The injected answer for a request, if any. `group` is the request's API group (for
    /// `/apis/G/…`), `resource` the kind it reads, `key` the full request target.
    pub async fn before(
        &self,
        group: Option<&str>,
        resource: Option<&ApiResource>,
        key: &str,
        has_continue: bool,
    ) -> Option<Response> {
        let f = &self.faults;
        if !f.latency.is_zero() {
            tokio::time::sleep(f.latency).await;
        }
        if resource.is_some_and(|r| names(r, &f.hang)) {
            std::future::pending::<()>().await;
        }
        if group.is_some_and(|g| self.unavailable(g)) {
            let g = group.unwrap_or_default();
            return Some(status(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                format!("the server is currently unable to handle the request ({g})"),
            ));
        }
        if let Some(r) = resource.filter(|r| names(r, &f.forbid)) {
            return Some(status(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "{} is forbidden: User \"system:anonymous\" cannot list resource \"{}\" in API group \"{}\" at the cluster scope",
                    r.name, r.name, r.group
                ),
            ));
        }
        if let Some(code) = self.burst(key) {
            return Some(self.injected(code));
        }
        if let Some(code) = self.rate() {
            return Some(self.injected(code));
        }
        if has_continue && self.expire() {
            return Some(status(
                StatusCode::GONE,
                "Expired",
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.".into(),
            ));
        }
        None
    }

    fn burst(&self, key: &str) -> Option<u16> {
        if self.faults.error_bursts.is_empty() {
            return None;
        }
        let mut attempts = self.attempts.lock().ok()?;
        let n = attempts.entry(key.to_string()).or_default();
        let mut seen = *n;
        *n += 1;
        for (code, count) in &self.faults.error_bursts {
            if seen < *count {
                return Some(*code);
            }
            seen -= count;
        }
        None
    }

    fn rate(&self) -> Option<u16> {
        if self.faults.error_rates.is_empty() {
            return None;
        }
        let roll: f64 = self.rng.lock().ok()?.random();
        let mut acc = 0.0;
        for (code, p) in &self.faults.error_rates {
            acc += p;
            if roll < acc {
                return Some(*code);
            }
        }
        None
    }

    fn expire(&self) -> bool {
        let limit = self.faults.expire_continue;
        self.expired
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_ok()
    }

    fn injected(&self, code: u16) -> Response {
        let sc = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let reason = match code {
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            500 => "InternalError",
            _ => "Unknown",
        };
        let mut r = status(sc, reason, format!("injected fault: {code}")).into_response();
        if matches!(code, 429 | 503)
            && let Ok(v) = HeaderValue::from_str(&self.faults.retry_after.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bursts fail each distinct request n times in order, then let it through; continue
    /// tokens expire only the first n times.
    #[tokio::test]
    async fn bursts_and_expiry_are_counted() {
        let s = FaultState::new(Faults {
            error_bursts: vec![(429, 2), (500, 1)],
            expire_continue: 1,
            ..Default::default()
        });
        let codes: Vec<Option<u16>> = (0..5).map(|_| s.burst("/a")).collect();
        assert_eq!(codes, vec![Some(429), Some(429), Some(500), None, None]);
        assert_eq!(s.burst("/b"), Some(429));
        assert!(s.expire());
        assert!(!s.expire());
    }
}

//! The one retry loop of checkride's HTTP clients (the live collector, the GitHub client),
//! parameterized per client by a [`Policy`]: how many tries in all, the exponential backoff
//! (with ±25 % jitter) used when the server names no wait, and what to do when the server asks
//! for a longer wait than the client accepts (wait the longest accepted, or give up at once).
//! The caller's classifier says which failures are worth another try.

use http::{HeaderMap, header};
use std::future::Future;
use std::time::Duration;

/// What to do when the server asks for a wait longer than [`Policy::max_wait`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LongWait {
    /// Wait `max_wait` instead, then try again.
    Clamp,
    /// Stop now with [`Stop::WaitTooLong`].
    GiveUp,
}

/// A client's retry limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Tries in all, the first included (at least 1).
    pub max_attempts: u32,
    /// First backoff step when the server names no wait; doubled per retry.
    pub backoff_base: Duration,
    /// Longest backoff step.
    pub backoff_cap: Duration,
    /// Longest wait the server may ask for (`Retry-After`, a rate-limit reset).
    pub max_wait: Duration,
    /// What a longer asked wait does.
    pub long_wait: LongWait,
}

/// The classifier's answer for one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Not worth another try.
    Stop,
    /// Try again after the server's wait, or after the backoff step when `None`.
    Retry(Option<Duration>),
}

/// Why the loop stopped with a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop<E> {
    /// The classifier said stop.
    Final(E),
    /// Every try failed (`max_attempts` of them).
    Exhausted(E),
    /// The server asked for a wait longer than the policy accepts (and it gives up then).
    WaitTooLong(E, Duration),
}

impl<E> Stop<E> {
    /// The last failure.
    pub fn into_error(self) -> E {
        match self {
            Stop::Final(e) | Stop::Exhausted(e) | Stop::WaitTooLong(e, _) => e,
        }
    }
}

/// A wait before the next try, as passed to the caller's `on_wait` (for its log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wait {
    /// How long.
    pub delay: Duration,
    /// True when the server named it (`Retry-After`), false for a backoff step.
    pub asked: bool,
    /// The try about to be made (2 for the first retry).
    pub next_attempt: u32,
}

impl Policy {
    /// The backoff step before the `n`-th retry (1-based), jittered ±25 %.
    pub fn backoff(&self, n: u32) -> Duration {
        let step = self
            .backoff_base
            .saturating_mul(1u32 << n.saturating_sub(1).min(16))
            .min(self.backoff_cap);
        step.mul_f64(rand::random_range(0.75..1.25))
    }

    /// Runs `op` (given the 1-based try number) until it succeeds, the classifier says stop,
    /// the tries run out or the server asks for too long a wait. `on_wait` hears of every
    /// wait before it is slept.
    pub async fn run<T, E, Fut>(
        &self,
        mut op: impl FnMut(u32) -> Fut,
        mut classify: impl FnMut(&E) -> Decision,
        mut on_wait: impl FnMut(&E, Wait),
    ) -> Result<T, Stop<E>>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt = 1u32;
        loop {
            let error = match op(attempt).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let asked = match classify(&error) {
                Decision::Stop => return Err(Stop::Final(error)),
                Decision::Retry(asked) => asked,
            };
            if attempt >= self.max_attempts.max(1) {
                return Err(Stop::Exhausted(error));
            }
            let delay = match asked {
                Some(d) if d > self.max_wait => match self.long_wait {
                    LongWait::Clamp => self.max_wait,
                    LongWait::GiveUp => return Err(Stop::WaitTooLong(error, d)),
                },
                Some(d) => d,
                None => self.backoff(attempt),
            };
            attempt += 1;
            on_wait(
                &error,
                Wait {
                    delay,
                    asked: asked.is_some(),
                    next_attempt: attempt,
                },
            );
            tokio::time::sleep(delay).await;
        }
    }
}

/// `Retry-After` in seconds (the form Kubernetes and GitHub send; HTTP dates are not read).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const QUICK: Policy = Policy {
        max_attempts: 4,
        backoff_base: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(4),
        max_wait: Duration::from_millis(5),
        long_wait: LongWait::GiveUp,
    };

    /// Retry-After in seconds is read; junk is ignored; backoff grows and stays bounded.
    #[test]
    fn retry_after_and_backoff() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
        let p = Policy {
            backoff_base: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(4),
            ..QUICK
        };
        assert!(p.backoff(1) < Duration::from_millis(320));
        assert!(p.backoff(1) > Duration::from_millis(180));
        assert!(p.backoff(40) <= Duration::from_secs(5));
    }

    /// Tries stop at the limit; a success on a later try is returned; a final failure stops
    /// at once; an over-long asked wait gives up or is clamped as the policy says.
    #[tokio::test]
    async fn tries_waits_and_stops() {
        let tries = Cell::new(0);
        let always = |_: u32| {
            tries.set(tries.get() + 1);
            async { Err::<(), &str>("503") }
        };
        let r = QUICK
            .run(always, |_| Decision::Retry(None), |_, _| {})
            .await;
        assert_eq!(r, Err(Stop::Exhausted("503")));
        assert_eq!(tries.get(), 4);

        let third = |n: u32| async move { if n == 3 { Ok(n) } else { Err("429") } };
        let mut waits = Vec::new();
        let r = QUICK
            .run(
                third,
                |_| Decision::Retry(Some(Duration::ZERO)),
                |_, w| waits.push(w),
            )
            .await;
        assert_eq!(r, Ok(3));
        assert_eq!(waits.len(), 2);
        assert!(waits.iter().all(|w| w.asked && w.delay.is_zero()));
        assert_eq!(waits[1].next_attempt, 3);

        let r = QUICK
            .run(
                |_| async { Err::<(), _>("404") },
                |_| Decision::Stop,
                |_, _| {},
            )
            .await;
        assert_eq!(r, Err(Stop::Final("404")));

        let long = Duration::from_secs(3600);
        let r = QUICK
            .run(
                |_| async { Err::<(), _>("403") },
                |_| Decision::Retry(Some(long)),
                |_, _| {},
            )
            .await;
        assert_eq!(r, Err(Stop::WaitTooLong("403", long)));

        let clamp = Policy {
            long_wait: LongWait::Clamp,
            max_attempts: 2,
            ..QUICK
        };
        let mut waited = Vec::new();
        let r = clamp
            .run(
                |_| async { Err::<(), _>("503") },
                |_| Decision::Retry(Some(long)),
                |_, w| waited.push(w.delay),
            )
            .await;
        assert_eq!(r, Err(Stop::Exhausted("503")));
        assert_eq!(waited, vec![QUICK.max_wait]);
    }
}

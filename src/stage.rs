//! Stage timings for `-v`: how long each step of a comparison took and the peak memory so far,
//! so that a slow or large run shows where its time and memory went.

use std::time::Instant;

/// Logs (at debug level) that `what` finished, with its duration and the process's peak
/// resident memory so far when the platform tells it.
pub(crate) fn done(what: &str, started: Instant) {
    let elapsed = started.elapsed();
    match peak_rss_mib() {
        Some(mib) => tracing::debug!("{what} in {elapsed:.2?} (peak memory so far {mib} MiB)"),
        None => tracing::debug!("{what} in {elapsed:.2?}"),
    }
}

/// `VmHWM` of `/proc/self/status` (Linux), in MiB.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

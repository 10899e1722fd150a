//! Helpers for the stages of a comparison: timings for `-v` (how long each step took and the
//! peak memory so far, so that a slow or large run shows where its time and memory went), and
//! freeing large intermediate results off the critical path.

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

/// Frees `value` on a thread of its own, so that the comparison goes on meanwhile. Freeing a
/// structure with a few hundred thousand small allocations takes a tenth of a second or more;
/// nothing waits for it, and a process that exits first leaves it to the operating system.
/// When no thread can be started, the value is freed here.
pub(crate) fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("checkride-free".into())
        .spawn(move || drop(value));
}

//! checkride: find the ways your staging cluster lies about production.
//!
//! Data flows one way: `collect` → `normalize` → `model` → `diff` → `rules` → `report`.

pub mod cli;
pub mod collect;
pub mod diff;
pub mod error;
pub mod jobs;
pub mod model;
pub mod normalize;
pub mod report;
pub mod rules;

pub use error::{Error, Result};

use model::{FailOn, Report, Side};

/// Compares two loaded sides: pair, diff, judge.
pub fn compare(staging: &Side, prod: &Side, mapping: &diff::pair::NameMapping) -> Report {
    let diff = diff::diff_sides(staging, prod, mapping);
    let findings = diff.differences.iter().map(rules::unclassified).collect();
    rules::assemble(staging, prod, &diff, findings)
}

/// The documented exit code of a finished comparison: 3 coverage incomplete, 1 findings at or
/// above `fail_on`, 0 otherwise. (2, bad input, never gets this far.)
pub fn exit_code(report: &Report, fail_on: FailOn) -> i32 {
    if !report.coverage.complete {
        3
    } else if report.fails(fail_on) {
        1
    } else {
        0
    }
}

/// Now, as RFC 3339 (UTC). `CHECKRIDE_NOW` pins it (tests, reproducible snapshots).
pub fn now_rfc3339() -> String {
    if let Ok(pinned) = std::env::var("CHECKRIDE_NOW")
        && !pinned.is_empty()
    {
        return pinned;
    }
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

//! checkride: find the ways your staging cluster lies about production.
//!
//! Data flows one way: `collect` → `normalize` → `model` → `diff` → `rules` → `report`.

pub mod cli;
pub mod collect;
pub mod diff;
pub mod error;
pub mod escape;
pub mod jobs;
pub mod model;
pub mod normalize;
pub mod report;
pub mod rules;
pub mod serve;
mod stage;

pub use error::{Error, Result};

use model::{FailOn, Report, Side};

/// Compares two loaded sides with the built-in rules and no waivers: pair, diff, judge.
pub fn compare(staging: &Side, prod: &Side, mapping: &diff::pair::NameMapping) -> Report {
    let empty = rules::RuleSet::default();
    let (set, failure) = match rules::RuleSet::builtin() {
        Ok(set) => (set, None),
        Err(e) => (&empty, Some(e)),
    };
    let judge = rules::Judge {
        rules: set,
        waivers: None,
        preview: false,
        today: rules::waivers::today(),
    };
    let mut report = compare_with(staging, prod, mapping, &judge);
    if let Some(e) = failure {
        // Unreachable in a tested build; even then, differences are shown unclassified.
        report.rule_errors.push(model::RuleError {
            rule: "*".into(),
            finding: String::new(),
            error: e.to_string(),
        });
    }
    report
}

/// Compares two loaded sides with the given rules, waivers and options.
pub fn compare_with(
    staging: &Side,
    prod: &Side,
    mapping: &diff::pair::NameMapping,
    judge: &rules::Judge,
) -> Report {
    let started = std::time::Instant::now();
    let mut diff = diff::diff_sides(staging, prod, mapping);
    diff.differences
        .retain(|d| !absent_because_unread(d, staging, prod));
    stage::done(
        &format!("paired and diffed ({} differences)", diff.differences.len()),
        started,
    );
    let started = std::time::Instant::now();
    let report = rules::judge(staging, prod, &diff, mapping, judge);
    stage::done("judged the differences", started);
    report
}

/// True for an object reported missing on a side that could not read its kind there: it was
/// not seen, not found absent (the coverage gap is reported instead).
fn absent_because_unread(d: &diff::Difference, staging: &Side, prod: &Side) -> bool {
    let unread_side = match d.change {
        model::Change::OnlyInStaging => prod,
        model::Change::OnlyInProd => staging,
        model::Change::Changed => return false,
    };
    let Some(key) = &d.object else { return false };
    unread_side.coverage.gaps.iter().any(|g| {
        g.group == key.group
            && (g.kind == "*" || g.kind == key.kind)
            && (g.namespace.is_none() || g.namespace == key.namespace)
    })
}

/// The documented exit code of a finished comparison: 3 coverage incomplete, 1 findings at or
/// above `fail_on`, 0 otherwise. (2, bad input, never gets this far.)
pub fn exit_code(report: &Report, fail_on: FailOn) -> i32 {
    exit_code_for(report, fail_on, false)
}

/// [`exit_code`], where `allow_partial` (`--allow-partial`) lets incomplete coverage pass to
/// the findings check (the gaps are still reported).
pub fn exit_code_for(report: &Report, fail_on: FailOn, allow_partial: bool) -> i32 {
    if !report.coverage.complete && !allow_partial {
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

//! Renderers: a report in, text out. They decide nothing.

pub mod drift_markdown;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
mod narrow;
pub mod table;
pub mod trend_svg;
pub(crate) mod wrap;

use crate::model::{Finding, Report};

/// `Deployment shop/api` (or `cluster`) and the path under it.
pub fn object_cell(f: &Finding) -> String {
    let obj = match (&f.object, &f.staging_object) {
        (Some(k), Some(s)) if s != k => format!(
            "{k}\n(staging: {}/{})",
            s.namespace.as_deref().unwrap_or("-"),
            s.name
        ),
        (Some(k), _) => k.to_string(),
        (None, _) => "cluster".to_string(),
    };
    match &f.path {
        Some(p) => format!("{obj}\n{p}"),
        None => obj,
    }
}

/// The one-line summary: counts per verdict and the fidelity score.
pub fn summary_line(r: &Report) -> String {
    let s = &r.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let preview = r.preview_lies();
    let lies = if preview > 0 {
        format!("{} ({preview} preview)", plural(s.lie, "lie", "lies"))
    } else {
        plural(s.lie, "lie", "lies")
    };
    format!(
        "{}, {}, {}, {}, {} (hidden) · fidelity score {}/100",
        lies,
        plural(s.unclassified, "unclassified", "unclassified"),
        plural(s.cut, "cut", "cuts"),
        plural(s.waived, "waived", "waived"),
        plural(s.noise, "noise", "noise"),
        r.fidelity_score
    )
}

/// Lines about what was not seen or not compared: gaps, assumptions, ignored objects.
pub fn coverage_lines(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    if !r.coverage.complete {
        out.push(
            "INCOMPLETE: some data could not be read; findings cover only what was seen."
                .to_string(),
        );
    }
    for g in &r.coverage.gaps {
        let kind = crate::model::group_kind(&g.gap.group, &g.gap.kind);
        let ns = g
            .gap
            .namespace
            .as_deref()
            .map(|n| format!(" in {n}"))
            .unwrap_or_default();
        out.push(format!(
            "not read ({}): {kind}{ns}: {}",
            g.side, g.gap.reason
        ));
    }
    for a in &r.coverage.assumptions {
        out.push(format!("assumed: {a}"));
    }
    if r.coverage.secret_values_not_compared > 0 {
        out.push(format!(
            "not compared: {} secret value(s) fingerprinted under different or no keys",
            r.coverage.secret_values_not_compared
        ));
    }
    if !r.coverage.redactions.is_empty() {
        let total: u64 = r.coverage.redactions.values().sum();
        let per: Vec<String> = r
            .coverage
            .redactions
            .iter()
            .map(|(d, n)| format!("{d} × {n}"))
            .collect();
        out.push(format!(
            "redacted: {total} value(s) shown as ‹redacted› ({}; see docs/secrets.md)",
            per.join(", ")
        ));
    }
    for w in &r.waivers.expired {
        out.push(format!(
            "expired waiver ({}, {}, expired {}): {} — no longer applied",
            w.source, w.owner, w.expires, w.reason
        ));
    }
    for w in &r.waivers.unmatched {
        out.push(format!(
            "unmatched waiver ({}, {}): {} — matched no finding",
            w.source, w.owner, w.reason
        ));
    }
    if !r.rule_errors.is_empty() {
        let mut rules: Vec<&str> = r.rule_errors.iter().map(|e| e.rule.as_str()).collect();
        rules.dedup();
        out.push(format!(
            "rule errors: {} evaluation(s) failed in {} (counted as no match; details in -o json)",
            r.rule_errors.len(),
            rules.join(", ")
        ));
    }
    for (side, s) in [("staging", &r.staging), ("prod", &r.prod)] {
        for (why, n) in &s.ignored {
            out.push(format!("ignored ({side}): {n} × {why}"));
        }
    }
    out
}

//! Findings and the report around them: stable ids, unclassified findings, assembly.

use super::describe;
use crate::diff::{DiffResult, Difference};
use crate::model::{
    API_VERSION, Finding, Report, ReportCoverage, RuleError, Side, SideSummary, Verdict,
    WaiverSummary, fidelity_score,
};
use crate::normalize::secrets::scrub_value;
use serde_json::Value;

/// The stable id of a finding: group, kind, prod namespace/name and path; no values.
pub fn finding_id(d: &Difference) -> String {
    let mut h = blake3::Hasher::new();
    match &d.object {
        Some(k) => {
            for part in [
                &k.group,
                &k.kind,
                k.namespace.as_deref().unwrap_or(""),
                &k.name,
            ] {
                h.update(part.as_bytes());
                h.update(b"\x1f");
            }
        }
        None => {
            h.update(b"cluster\x1f");
        }
    }
    h.update(d.path.as_deref().unwrap_or("").as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// A finding with no rule applied: unclassified, values shown as they are (scrubbed).
pub fn unclassified(d: &Difference) -> Finding {
    let (staging_says, prod_might_say) = describe::default_sentences(d);
    Finding {
        id: finding_id(d),
        object: d.object.clone(),
        staging_object: d.staging_object.clone(),
        path: d.path.clone(),
        change: d.change,
        staging: d.staging.as_ref().map(scrub_value).unwrap_or(Value::Null),
        prod: d.prod.as_ref().map(scrub_value).unwrap_or(Value::Null),
        equivalent: d.equivalent.clone(),
        verdict: Verdict::Unclassified,
        waived_verdict: None,
        severity: None,
        rule: None,
        rules: Vec::new(),
        waiver: None,
        preview: false,
        staging_says,
        prod_might_say,
        line_diff: describe::line_diff(d),
    }
}

/// Assembles the report from the sides, the diff and the judged (and waived) findings.
pub fn assemble(
    staging: &Side,
    prod: &Side,
    diff: &DiffResult,
    findings: Vec<Finding>,
    rule_errors: Vec<RuleError>,
    waivers: WaiverSummary,
) -> Report {
    let summary = Report::summarize(&findings);
    let side = |s: &Side| SideSummary {
        source: s.source.clone(),
        facts: s.facts.clone(),
        objects: s.objects.len(),
        ignored: s.ignored.clone(),
    };
    Report {
        api_version: API_VERSION.to_string(),
        kind: "Report".to_string(),
        staging: side(staging),
        prod: side(prod),
        coverage: ReportCoverage::from_sides(&staging.coverage, &prod.coverage, diff.not_compared),
        summary,
        fidelity_score: fidelity_score(diff.compared, &findings),
        findings,
        rule_errors,
        waivers,
    }
}

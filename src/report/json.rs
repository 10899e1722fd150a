//! The JSON report: the documented, stable contract (docs/report.md), built from small view
//! structs with their own field names, so the model can change without breaking users.

use crate::model::{
    ClusterFacts, Finding, ObjectKey, Report, ReportCoverage, RuleError, SideSummary, Summary,
    WaiverEntry, WaiverRef,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Pretty JSON with a trailing newline; control and format characters JSON leaves raw
/// (DEL, C1, bidi, zero-width) are written as `\uXXXX` escapes: the same strings to a parser,
/// inert in a terminal.
pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&ReportView::from(r))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    crate::escape::json(&s).into_owned()
}

/// The whole document.
#[derive(Serialize)]
struct ReportView<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    staging: SideView<'a>,
    prod: SideView<'a>,
    coverage: CoverageView<'a>,
    summary: SummaryView,
    fidelity_score: u32,
    findings: Vec<FindingView<'a>>,
    rule_errors: Vec<RuleErrorView<'a>>,
    waivers: WaiversView<'a>,
}

impl<'a> From<&'a Report> for ReportView<'a> {
    fn from(r: &'a Report) -> Self {
        ReportView {
            api_version: &r.api_version,
            kind: &r.kind,
            staging: SideView::from(&r.staging),
            prod: SideView::from(&r.prod),
            coverage: CoverageView::from(&r.coverage),
            summary: SummaryView::from(&r.summary),
            fidelity_score: r.fidelity_score,
            findings: r.findings.iter().map(FindingView::from).collect(),
            rule_errors: r.rule_errors.iter().map(RuleErrorView::from).collect(),
            waivers: WaiversView {
                expired: r
                    .waivers
                    .expired
                    .iter()
                    .map(WaiverEntryView::from)
                    .collect(),
                unmatched: r
                    .waivers
                    .unmatched
                    .iter()
                    .map(WaiverEntryView::from)
                    .collect(),
            },
        }
    }
}

/// One side: what was read and how much of it.
#[derive(Serialize)]
struct SideView<'a> {
    source: &'a str,
    facts: &'a ClusterFacts,
    objects: usize,
    ignored: &'a BTreeMap<String, usize>,
}

impl<'a> From<&'a SideSummary> for SideView<'a> {
    fn from(s: &'a SideSummary) -> Self {
        SideView {
            source: &s.source,
            facts: &s.facts,
            objects: s.objects,
            ignored: &s.ignored,
        }
    }
}

/// What was and was not read.
#[derive(Serialize)]
struct CoverageView<'a> {
    complete: bool,
    gaps: Vec<GapView<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    assumptions: &'a [String],
    secret_values_not_compared: usize,
    /// Values redacted on both sides, per detector (docs/secrets.md).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    redactions: &'a std::collections::BTreeMap<String, u64>,
}

/// A gap and the side it belongs to.
#[derive(Serialize)]
struct GapView<'a> {
    side: &'a str,
    group: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    reason: &'a str,
}

impl<'a> From<&'a ReportCoverage> for CoverageView<'a> {
    fn from(c: &'a ReportCoverage) -> Self {
        CoverageView {
            complete: c.complete,
            gaps: c
                .gaps
                .iter()
                .map(|g| GapView {
                    side: &g.side,
                    group: &g.gap.group,
                    kind: &g.gap.kind,
                    namespace: g.gap.namespace.as_deref(),
                    reason: &g.gap.reason,
                })
                .collect(),
            assumptions: &c.assumptions,
            secret_values_not_compared: c.secret_values_not_compared,
            redactions: &c.redactions,
        }
    }
}

/// Counts per verdict.
#[derive(Serialize)]
struct SummaryView {
    lie: usize,
    cut: usize,
    noise: usize,
    waived: usize,
    unclassified: usize,
}

impl From<&Summary> for SummaryView {
    fn from(s: &Summary) -> Self {
        SummaryView {
            lie: s.lie,
            cut: s.cut,
            noise: s.noise,
            waived: s.waived,
            unclassified: s.unclassified,
        }
    }
}

/// An object's identity.
#[derive(Serialize)]
struct ObjectView<'a> {
    group: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    name: &'a str,
}

impl<'a> From<&'a ObjectKey> for ObjectView<'a> {
    fn from(k: &'a ObjectKey) -> Self {
        ObjectView {
            group: &k.group,
            kind: &k.kind,
            namespace: k.namespace.as_deref(),
            name: &k.name,
        }
    }
}

/// One finding.
#[derive(Serialize)]
struct FindingView<'a> {
    id: &'a str,
    object: Option<ObjectView<'a>>,
    staging_object: Option<ObjectView<'a>>,
    path: Option<&'a str>,
    change: &'static str,
    staging: &'a Value,
    prod: &'a Value,
    equivalent: Option<&'a str>,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived_verdict: Option<&'static str>,
    severity: Option<&'static str>,
    rule: Option<&'a str>,
    rules: &'a [String],
    waiver: Option<WaiverView<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    preview: bool,
    staging_says: &'a str,
    prod_might_say: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    line_diff: &'a [String],
}

impl<'a> From<&'a Finding> for FindingView<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingView {
            id: &f.id,
            object: f.object.as_ref().map(ObjectView::from),
            staging_object: f.staging_object.as_ref().map(ObjectView::from),
            path: f.path.as_deref(),
            change: f.change.as_str(),
            staging: &f.staging,
            prod: &f.prod,
            equivalent: f.equivalent.as_deref(),
            verdict: f.verdict.as_str(),
            waived_verdict: f.waived_verdict.map(|v| v.as_str()),
            severity: f.severity.map(|s| s.as_str()),
            rule: f.rule.as_deref(),
            rules: &f.rules,
            waiver: f.waiver.as_ref().map(WaiverView::from),
            preview: f.preview,
            staging_says: &f.staging_says,
            prod_might_say: &f.prod_might_say,
            line_diff: &f.line_diff,
        }
    }
}

/// The waiver applied to a finding.
#[derive(Serialize)]
struct WaiverView<'a> {
    owner: &'a str,
    reason: &'a str,
    expires: &'a str,
}

impl<'a> From<&'a WaiverRef> for WaiverView<'a> {
    fn from(w: &'a WaiverRef) -> Self {
        WaiverView {
            owner: &w.owner,
            reason: &w.reason,
            expires: &w.expires,
        }
    }
}

/// A rule that failed while evaluating.
#[derive(Serialize)]
struct RuleErrorView<'a> {
    rule: &'a str,
    finding: &'a str,
    error: &'a str,
}

impl<'a> From<&'a RuleError> for RuleErrorView<'a> {
    fn from(e: &'a RuleError) -> Self {
        RuleErrorView {
            rule: &e.rule,
            finding: &e.finding,
            error: &e.error,
        }
    }
}

/// Waivers the report calls out.
#[derive(Serialize)]
struct WaiversView<'a> {
    expired: Vec<WaiverEntryView<'a>>,
    unmatched: Vec<WaiverEntryView<'a>>,
}

/// A waiver that expired or matched nothing.
#[derive(Serialize)]
struct WaiverEntryView<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    owner: &'a str,
    reason: &'a str,
    expires: &'a str,
}

impl<'a> From<&'a WaiverEntry> for WaiverEntryView<'a> {
    fn from(w: &'a WaiverEntry) -> Self {
        WaiverEntryView {
            source: &w.source,
            rule: w.rule.as_deref(),
            finding: w.finding.as_deref(),
            object: w.object.as_deref(),
            path: w.path.as_deref(),
            owner: &w.owner,
            reason: &w.reason,
            expires: &w.expires,
        }
    }
}

//! The report: findings with verdicts, and the policy questions asked of it.

use super::facts::ClusterFacts;
use super::key::ObjectKey;
use super::path::FieldPath;
use super::policy::{ExitCode, Judged, Policy};
use super::snapshot::{Coverage, Gap};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a difference means for the rehearsal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Staging tells something prod will not: a green staging run means less.
    Lie,
    /// Not judged by any rule.
    Unclassified,
    /// A fidelity cut made on purpose.
    Cut,
    /// Accepted on purpose by a waiver.
    Waived,
    /// Does not matter.
    Noise,
}

impl Verdict {
    /// Lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Lie => "lie",
            Verdict::Unclassified => "unclassified",
            Verdict::Cut => "cut",
            Verdict::Waived => "waived",
            Verdict::Noise => "noise",
        }
    }
}

/// How bad a lie is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Predicts an outage or data loss.
    High,
    /// Predicts a degraded release.
    Medium,
    /// Worth knowing.
    Low,
}

/// The kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Present on both sides with different values.
    Changed,
    /// Present in staging only.
    OnlyInStaging,
    /// Present in prod only.
    OnlyInProd,
}

impl Change {
    /// snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Changed => "changed",
            Change::OnlyInStaging => "only_in_staging",
            Change::OnlyInProd => "only_in_prod",
        }
    }
}

/// A waiver applied to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRef {
    /// Who accepted it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// UTC date after which it no longer applies (`YYYY-MM-DD`).
    pub expires: String,
}

/// One difference between staging and prod, with its judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable fingerprint of group, kind, prod namespace/name and path (no values).
    pub id: String,
    /// Prod identity (staging's for `only_in_staging`); null for cluster-level findings.
    pub object: Option<ObjectKey>,
    /// Staging identity when its namespace or name differs from prod's.
    pub staging_object: Option<ObjectKey>,
    /// Field path inside the object; null for whole objects.
    pub path: Option<FieldPath>,
    /// What kind of difference.
    pub change: Change,
    /// Staging's value at the path (redacted where secret); null when absent.
    pub staging: Value,
    /// Prod's value at the path (redacted where secret); null when absent.
    pub prod: Value,
    /// Why the two values are equivalent after all (`env-token`), if they are.
    pub equivalent: Option<String>,
    /// The judgement.
    pub verdict: Verdict,
    /// For waived findings: the verdict it would have had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived_verdict: Option<Verdict>,
    /// For lies.
    pub severity: Option<Severity>,
    /// The winning rule.
    pub rule: Option<String>,
    /// All matching rules.
    pub rules: Vec<String>,
    /// The waiver, when waived.
    pub waiver: Option<WaiverRef>,
    /// True when only `preview` rules gave this verdict: reported, never fails CI (unless
    /// `--preview`, which makes preview rules count like stable ones).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview: bool,
    /// What staging tells you.
    pub staging_says: String,
    /// What prod might say instead.
    pub prod_might_say: String,
    /// Line diff of multi-line string values (`-` staging, `+` prod, ` ` context).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_diff: Vec<String>,
}

impl Finding {
    /// True for a cluster-level finding (server version, nodes).
    pub fn is_cluster_level(&self) -> bool {
        self.object.is_none()
    }
}

/// One side as the report describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideSummary {
    /// What was read.
    pub source: String,
    /// Cluster facts.
    pub facts: ClusterFacts,
    /// Objects compared.
    pub objects: usize,
    /// Objects not compared on purpose, per reason.
    pub ignored: BTreeMap<String, usize>,
}

/// Counts per verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Lies.
    pub lie: usize,
    /// Cuts.
    pub cut: usize,
    /// Noise.
    pub noise: usize,
    /// Waived.
    pub waived: usize,
    /// Unclassified.
    pub unclassified: usize,
}

/// Coverage of both sides together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCoverage {
    /// True when both sides were read completely.
    pub complete: bool,
    /// What was not read, with the side it belongs to.
    pub gaps: Vec<SideGap>,
    /// Assumptions made where the input did not say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// Secret values that could not be compared (fingerprinted under different or no keys).
    #[serde(default)]
    pub secret_values_not_compared: usize,
    /// Values redacted on both sides, per detector: every `‹redacted›` shown is counted here.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub redactions: std::collections::BTreeMap<String, u64>,
}

/// A gap and the side it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SideGap {
    /// `staging` or `prod`.
    pub side: String,
    /// The gap.
    #[serde(flatten)]
    pub gap: Gap,
}

impl ReportCoverage {
    /// Merges both sides' coverage.
    pub fn from_sides(staging: &Coverage, prod: &Coverage, not_compared: usize) -> Self {
        let mut gaps = Vec::new();
        for (side, cov) in [("staging", staging), ("prod", prod)] {
            gaps.extend(cov.gaps.iter().map(|g| SideGap {
                side: side.to_string(),
                gap: g.clone(),
            }));
        }
        let mut assumptions: Vec<String> = staging
            .assumptions
            .iter()
            .chain(&prod.assumptions)
            .cloned()
            .collect();
        assumptions.sort();
        assumptions.dedup();
        let mut redactions = staging.redactions.clone();
        for (k, n) in &prod.redactions {
            *redactions.entry(k.clone()).or_default() += n;
        }
        ReportCoverage {
            complete: staging.complete && prod.complete,
            gaps,
            assumptions,
            secret_values_not_compared: not_compared,
            redactions,
        }
    }
}

/// A rule that failed while evaluating (counts as no match).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleError {
    /// Rule id.
    pub rule: String,
    /// Finding it was evaluated on.
    pub finding: String,
    /// The error.
    pub error: String,
}

/// The lowest verdict that blocks a run (exit 1): `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Any lie fails.
    #[default]
    Lie,
    /// Any lie or cut fails.
    Cut,
    /// Any lie or unclassified difference fails.
    Unclassified,
    /// Never fail on findings.
    Never,
}

impl FailOn {
    /// Lowercase name, as on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Lie => "lie",
            FailOn::Cut => "cut",
            FailOn::Unclassified => "unclassified",
            FailOn::Never => "never",
        }
    }
}

/// The comparison's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always `checkride.dev/v1alpha1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Always `Report`.
    pub kind: String,
    /// Staging.
    pub staging: SideSummary,
    /// Prod.
    pub prod: SideSummary,
    /// What was and was not read.
    pub coverage: ReportCoverage,
    /// Counts per verdict.
    pub summary: Summary,
    /// Share of compared facts and objects that tell the truth, 0–100 (see docs/rules.md).
    pub fidelity_score: u32,
    /// Findings, in stable order.
    pub findings: Vec<Finding>,
    /// Rules that failed while evaluating.
    #[serde(default)]
    pub rule_errors: Vec<RuleError>,
    /// Waivers that no longer apply (expired) or applied to nothing (unmatched).
    #[serde(default)]
    pub waivers: WaiverSummary,
}

/// A waiver as the report lists it (expired or unmatched).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaiverEntry {
    /// `file:line` of the waiver.
    pub source: String,
    /// Rule id selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Finding id selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// Object selector (`Kind ns/name` glob, or `cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Path pattern selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Who accepted it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// UTC date (`YYYY-MM-DD`), last day it applies.
    pub expires: String,
}

/// Waivers the report calls out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverSummary {
    /// Past their expiry date: no longer applied.
    pub expired: Vec<WaiverEntry>,
    /// Valid, but matched no finding.
    pub unmatched: Vec<WaiverEntry>,
}

impl Report {
    /// Recomputes counts from the findings.
    pub fn summarize(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.verdict {
                Verdict::Lie => s.lie += 1,
                Verdict::Cut => s.cut += 1,
                Verdict::Noise => s.noise += 1,
                Verdict::Waived => s.waived += 1,
                Verdict::Unclassified => s.unclassified += 1,
            }
        }
        s
    }

    /// The findings that block under `policy`, in display order.
    pub fn blocking(&self, policy: &Policy) -> Vec<&Finding> {
        self.display_order(true)
            .into_iter()
            .filter(|f| f.blocks(policy))
            .collect()
    }

    /// The run's exit code under `policy`: incomplete coverage, then blocking findings.
    pub fn exit_code(&self, policy: &Policy) -> ExitCode {
        let blocking = self.findings.iter().any(|f| f.blocks(policy));
        policy.exit_code(self.coverage.complete, blocking)
    }

    /// The findings in display order, noise left out unless `show_noise`.
    pub fn display_order(&self, show_noise: bool) -> Vec<&Finding> {
        super::policy::display_order(&self.findings, show_noise)
    }

    /// Lies that came from preview rules only (reported, never blocking).
    pub fn preview_lies(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.preview && f.verdict == Verdict::Lie)
            .count()
    }
}

impl Judged for Finding {
    fn id(&self) -> &str {
        &self.id
    }
    fn verdict(&self) -> Verdict {
        self.verdict
    }
    fn severity(&self) -> Option<Severity> {
        self.severity
    }
    fn waived_verdict(&self) -> Option<Verdict> {
        self.waived_verdict
    }
    fn preview(&self) -> bool {
        self.preview
    }
    fn object(&self) -> Option<&ObjectKey> {
        self.object.as_ref()
    }
    fn path_text(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

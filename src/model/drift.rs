//! The weekly drift report: one stored run per week, and this run compared with the runs before.
//!
//! A [`Run`] is what `checkride report --history DIR` keeps per run (one JSON file): the verdict of
//! every finding and the two sentences, never the values themselves, so the history holds nothing
//! a Secret could leak through. A [`Drift`] is what the renderers turn into HTML or Markdown.

use super::key::ObjectKey;
use super::report::{Change, Finding, Report, Severity, Summary, Verdict, WaiverRef};
use serde::{Deserialize, Serialize};

/// `kind` of a stored run.
pub const RUN_KIND: &str = "DriftRun";

/// A finding as the history keeps it: identity and judgement, no values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFinding {
    /// Stable finding id (same across weeks for the same object and path).
    pub id: String,
    /// Prod identity; null for cluster-level findings.
    pub object: Option<ObjectKey>,
    /// Staging identity when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staging_object: Option<ObjectKey>,
    /// Structured path; null for whole objects.
    pub path: Option<String>,
    /// What kind of difference.
    pub change: Change,
    /// The judgement.
    pub verdict: Verdict,
    /// For waived findings: the verdict it would have had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived_verdict: Option<Verdict>,
    /// For lies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The winning rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The waiver, when waived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRef>,
    /// What staging tells you (already scrubbed of secrets).
    pub staging_says: String,
    /// What prod might say instead.
    pub prod_might_say: String,
}

impl From<&Finding> for RunFinding {
    fn from(f: &Finding) -> Self {
        RunFinding {
            id: f.id.clone(),
            object: f.object.clone(),
            staging_object: f.staging_object.clone(),
            path: f.path.clone(),
            change: f.change,
            verdict: f.verdict,
            waived_verdict: f.waived_verdict,
            severity: f.severity,
            rule: f.rule.clone(),
            waiver: f.waiver.clone(),
            staging_says: without_values(&f.staging_says, f),
            prod_might_say: without_values(&f.prod_might_say, f),
        }
    }
}

/// What stands in a stored sentence where a value was.
pub const VALUE_MASK: &str = "‹value›";

/// A sentence with the finding's text values (whole, and each line of a multi-line one) masked:
/// the history keeps no ConfigMap or env content. Numbers and booleans (replicas, ports, flags)
/// stay, they are the substance of a cut. Texts under four characters stay (masking them would
/// hit ordinary words); see docs/jobs.md.
fn without_values(sentence: &str, f: &Finding) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for v in [&f.staging, &f.prod] {
        if let serde_json::Value::String(s) = v {
            texts.push(s.as_str());
            texts.extend(s.lines());
        }
    }
    texts.retain(|t| t.trim().chars().count() >= 4);
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let mut out = sentence.to_string();
    for t in texts {
        for form in [t, t.trim()] {
            if out.contains(form) {
                out = out.replace(form, VALUE_MASK);
            }
        }
    }
    out
}

impl RunFinding {
    /// A lie, or a waived finding that would be one? (`waived` counts separately.)
    pub fn is_lie(&self) -> bool {
        self.verdict == Verdict::Lie
    }
}

/// One stored run of the weekly report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Run {
    /// Always `checkride.dev/v1alpha1`.
    pub api_version: String,
    /// Always [`RUN_KIND`].
    pub kind: String,
    /// RFC 3339 UTC time of the run.
    pub at: String,
    /// Staging source as given.
    pub staging: String,
    /// Prod source as given.
    pub prod: String,
    /// Counts per verdict.
    pub summary: Summary,
    /// The report's fidelity score.
    pub fidelity_score: u32,
    /// Were both sides read completely?
    pub coverage_complete: bool,
    /// Coverage notes (gaps, assumptions, ignored objects), as the table prints them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every finding, noise included, in the report's order.
    pub findings: Vec<RunFinding>,
}

impl Run {
    /// The run a report makes, at `at` (RFC 3339), with its coverage notes.
    pub fn from_report(r: &Report, at: &str, notes: Vec<String>) -> Run {
        Run {
            api_version: super::API_VERSION.to_string(),
            kind: RUN_KIND.to_string(),
            at: at.to_string(),
            staging: r.staging.source.clone(),
            prod: r.prod.source.clone(),
            summary: r.summary.clone(),
            fidelity_score: r.fidelity_score,
            coverage_complete: r.coverage.complete,
            notes,
            findings: r.findings.iter().map(RunFinding::from).collect(),
        }
    }
}

/// One point of the trend: a run's counts and score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// RFC 3339 time of the run.
    pub at: String,
    /// Lies.
    pub lies: usize,
    /// Cuts.
    pub cuts: usize,
    /// Unclassified.
    pub unclassified: usize,
    /// Waived.
    pub waived: usize,
    /// Fidelity score.
    pub fidelity_score: u32,
}

/// A lie of this run and how long it has been open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLie {
    /// The finding, as this run has it.
    pub finding: RunFinding,
    /// RFC 3339 time of the first run of the unbroken streak of runs in which it was a lie.
    pub since: String,
    /// Whole weeks from `since` to this run.
    pub weeks_open: u32,
}

/// A lie of the previous run that is not a lie any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedLie {
    /// The finding, as the previous run had it.
    pub finding: RunFinding,
    /// Its verdict now; `None` when the difference is gone.
    pub now: Option<Verdict>,
}

/// A waiver applied in this run that expires soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringWaiver {
    /// The waived finding.
    pub finding: RunFinding,
    /// The waiver's expiry date (`YYYY-MM-DD`).
    pub expires: String,
    /// Days from the run's date to the expiry date (0 = expires today).
    pub days_left: i64,
}

/// This run compared with the runs before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// This run.
    pub current: Run,
    /// Time of the previous run, if there was one.
    pub previous_at: Option<String>,
    /// Lies now that were not lies in the previous run (all lies on the first run).
    pub new_lies: Vec<OpenLie>,
    /// Lies of the previous run that are not lies now.
    pub resolved_lies: Vec<ResolvedLie>,
    /// Lies open for at least `open_weeks` weeks.
    pub long_open_lies: Vec<OpenLie>,
    /// The threshold for `long_open_lies`, in weeks.
    pub open_weeks: u32,
    /// Waivers expiring within `expiring_days` days.
    pub expiring_waivers: Vec<ExpiringWaiver>,
    /// The window for `expiring_waivers`, in days.
    pub expiring_days: u32,
    /// One point per stored run, oldest first, this run last.
    pub trend: Vec<TrendPoint>,
}

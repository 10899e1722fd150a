//! The weekly drift report: one stored run per week, and this run compared with the runs before.
//!
//! A [`Run`] is what `checkride report --history DIR` keeps per run (one JSON file): the identity,
//! verdict, severity, rule, rule title and waiver of every finding, never a value nor a sentence
//! (sentences quote values), so the history holds nothing a Secret or a ConfigMap could leak
//! through. Runs written by 0.1.0, which kept the sentences, still load. A [`Drift`] is what the renderers turn into HTML or Markdown.

use super::key::ObjectKey;
use super::path::FieldPath;
use super::policy::Judged;
use super::report::{Change, Finding, Report, Severity, Summary, Verdict, WaiverRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Field path; null for whole objects.
    pub path: Option<FieldPath>,
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
    /// The winning rule's title (absent in runs written by 0.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The waiver, when waived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRef>,
    /// Only preview rules gave the verdict (never blocking).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview: bool,
    /// What staging tells you: this run's only, never stored (sentences quote values, see
    /// [`Run::for_storage`]); empty for stored runs. Runs written by 0.1.0 carry it and load.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub staging_says: String,
    /// What prod might say instead: like `staging_says`, never stored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prod_might_say: String,
}

impl RunFinding {
    /// The finding as a run keeps it, with its rule's title from `titles` (by rule id).
    pub fn new(f: &Finding, titles: &BTreeMap<String, String>) -> Self {
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
            title: f.rule.as_ref().and_then(|r| titles.get(r)).cloned(),
            waiver: f.waiver.clone(),
            preview: f.preview,
            staging_says: f.staging_says.clone(),
            prod_might_say: f.prod_might_say.clone(),
        }
    }

    /// What to say about the finding: this run's two sentences, or for a stored run (which
    /// keeps none) the rule's title.
    pub fn says(&self) -> Says<'_> {
        if self.staging_says.is_empty() && self.prod_might_say.is_empty() {
            Says::Title(self.title.as_deref().unwrap_or("no rule matched"))
        } else {
            Says::Sentences(&self.staging_says, &self.prod_might_say)
        }
    }

    /// A lie? (`waived` counts separately.)
    pub fn is_lie(&self) -> bool {
        self.verdict == Verdict::Lie
    }
}

/// What a report says about a run's finding: see [`RunFinding::says`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Says<'a> {
    /// Staging says, prod might say (this run).
    Sentences(&'a str, &'a str),
    /// The rule's title (a stored run).
    Title(&'a str),
}

impl Judged for RunFinding {
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
    /// The run a report makes, at `at` (RFC 3339), with its coverage notes and the titles of
    /// the rules that decided its findings.
    pub fn from_report(
        r: &Report,
        at: &str,
        notes: Vec<String>,
        titles: &BTreeMap<String, String>,
    ) -> Run {
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
            findings: r
                .findings
                .iter()
                .map(|f| RunFinding::new(f, titles))
                .collect(),
        }
    }

    /// The run as the history stores it: without the sentences, which quote values.
    pub fn for_storage(&self) -> Run {
        let mut run = self.clone();
        for f in &mut run.findings {
            f.staging_says.clear();
            f.prod_might_say.clear();
        }
        run
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

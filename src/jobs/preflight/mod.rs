//! The pre-release checklist: for one release, the lies to acknowledge, the four drills with what
//! staging can and cannot tell you, and the rows of the table to read out loud. Blocks (exit 1)
//! while an unacknowledged high-severity lie touches the release.

pub mod drills;
pub mod render;
pub mod select;
pub mod touch;

use crate::model::policy::severity_rank;
use crate::model::{ExitCode, Finding, Judged, ObjectKey, Policy, Report, Severity, Side};
use drills::DrillBrief;
use select::Release;
use std::collections::BTreeSet;

/// How a lie was acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ack {
    /// Not yet.
    No,
    /// By `--ack ID` on this run.
    Flag,
    /// By a waiver (owner, expiry).
    Waiver(String, String),
}

/// A lie touching the release (or the whole cluster) and its acknowledgement.
#[derive(Debug, Clone)]
pub struct LieItem<'a> {
    /// The finding (verdict `lie`, or `waived` that would be a lie).
    pub finding: &'a Finding,
    /// Acknowledged?
    pub ack: Ack,
}

/// The brief for one release.
#[derive(Debug, Clone)]
pub struct Brief<'a> {
    /// `--release` as given.
    pub release: String,
    /// Objects selected in prod and in staging.
    pub selected: (BTreeSet<ObjectKey>, BTreeSet<ObjectKey>),
    /// Objects touched in prod and in staging.
    pub touched: (BTreeSet<ObjectKey>, BTreeSet<ObjectKey>),
    /// Monitoring objects (monitoring.coreos.com) touching the release in prod and in staging.
    pub monitors: (usize, usize),
    /// Lies to acknowledge: high severity first.
    pub lies: Vec<LieItem<'a>>,
    /// The four drills.
    pub drills: Vec<DrillBrief<'a>>,
    /// Rows of the table that apply to this release (no noise), in table order.
    pub rows: Vec<&'a Finding>,
    /// `--ack` ids that matched no lie of this release.
    pub unused_acks: Vec<String>,
    /// The report it was made from.
    pub report: &'a Report,
    /// The policy the release is held to (see [`release_policy`]).
    pub policy: Policy,
}

impl Brief<'_> {
    /// The lies that block the release under its policy: while any remain, it is blocked.
    pub fn blocking(&self) -> Vec<&LieItem<'_>> {
        self.lies
            .iter()
            .filter(|l| l.finding.blocks(&self.policy))
            .collect()
    }

    /// The exit code: incomplete coverage, then blocking lies.
    pub fn exit_code(&self) -> ExitCode {
        self.policy
            .exit_code(self.report.coverage.complete, !self.blocking().is_empty())
    }
}

/// The policy of a release: the run's policy (`--fail-on`, waivers and preview as judged), held
/// to high-severity lies only, with the `--ack` ids acknowledged. Restricted to the objects the
/// release touches by [`brief`].
pub fn release_policy(run: &Policy, acks: &[String]) -> Policy {
    Policy {
        min_severity: Some(Severity::High),
        acks: acks.iter().cloned().collect(),
        ..run.clone()
    }
}

/// Builds the brief of a release from the two sides and the report judging them.
pub fn brief<'a>(
    report: &'a Report,
    staging: &Side,
    prod: &Side,
    release_text: &str,
    release: &Release,
    policy: Policy,
) -> Brief<'a> {
    let tp = touch::touched(prod, release);
    let ts = touch::touched(staging, release);
    let touches = |f: &Finding| match (&f.object, &f.staging_object) {
        (None, _) => true,
        (Some(k), s) => {
            tp.all.contains(k)
                || ts.all.contains(k)
                || s.as_ref().is_some_and(|s| ts.all.contains(s))
        }
    };
    let rows: Vec<&Finding> = report
        .display_order(false)
        .into_iter()
        .filter(|f| touches(f))
        .collect();
    let mut used = BTreeSet::new();
    let mut lies: Vec<LieItem> = rows
        .iter()
        .filter(|f| f.is_lie_or_waived_lie())
        .map(|f| {
            let ack = if let Some(w) = &f.waiver {
                Ack::Waiver(w.owner.clone(), w.expires.clone())
            } else if policy.acks.contains(&f.id) {
                used.insert(f.id.clone());
                Ack::Flag
            } else {
                Ack::No
            };
            LieItem { finding: f, ack }
        })
        .collect();
    lies.sort_by_key(|l| (severity_rank(l.finding.severity), l.ack != Ack::No));
    let unused_acks = policy
        .acks
        .iter()
        .filter(|a| !used.contains(*a))
        .cloned()
        .collect();
    let monitoring = |t: &touch::Touched| {
        t.all
            .iter()
            .filter(|k| k.group == "monitoring.coreos.com")
            .count()
    };
    let monitors = (monitoring(&tp), monitoring(&ts));
    let facts_known = [&report.staging.facts, &report.prod.facts]
        .iter()
        .all(|f| f.server_version.is_some() || !f.nodes.is_empty());
    let drills = drills::evaluate(&rows, facts_known);
    Brief {
        release: release_text.to_string(),
        selected: (tp.selected, ts.selected),
        touched: (tp.all, ts.all),
        monitors,
        lies,
        drills,
        rows,
        unused_acks,
        report,
        policy,
    }
}

//! The pre-release checklist: for one release, the lies to acknowledge, the four drills with what
//! staging can and cannot tell you, and the rows of the table to read out loud. Blocks (exit 1)
//! while an unacknowledged high-severity lie touches the release.

pub mod drills;
pub mod render;
pub mod select;
pub mod touch;

use crate::model::{Finding, ObjectKey, Report, Severity, Side, Verdict};
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

impl LieItem<'_> {
    /// High severity (the ones that block).
    pub fn is_high(&self) -> bool {
        self.finding.severity == Some(Severity::High)
    }
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
}

impl Brief<'_> {
    /// Unacknowledged high-severity lies: while any remain, the release is blocked.
    pub fn blocking(&self) -> Vec<&LieItem<'_>> {
        self.lies
            .iter()
            .filter(|l| l.ack == Ack::No && l.is_high())
            .collect()
    }
}

/// Builds the brief of a release from the two sides and the report judging them.
pub fn brief<'a>(
    report: &'a Report,
    staging: &Side,
    prod: &Side,
    release_text: &str,
    release: &Release,
    acks: &[String],
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
    let rows: Vec<&Finding> = crate::report::display_order(&report.findings, false)
        .into_iter()
        .filter(|f| touches(f))
        .collect();
    let mut used = BTreeSet::new();
    let mut lies: Vec<LieItem> = rows
        .iter()
        .filter(|f| {
            f.verdict == Verdict::Lie
                || (f.verdict == Verdict::Waived && f.waived_verdict == Some(Verdict::Lie))
        })
        .map(|f| {
            let ack = if let Some(w) = &f.waiver {
                Ack::Waiver(w.owner.clone(), w.expires.clone())
            } else if acks.contains(&f.id) {
                used.insert(f.id.clone());
                Ack::Flag
            } else {
                Ack::No
            };
            LieItem { finding: f, ack }
        })
        .collect();
    lies.sort_by_key(|l| {
        let rank = match l.finding.severity {
            Some(Severity::High) => 0,
            Some(Severity::Medium) => 1,
            Some(Severity::Low) => 2,
            None => 3,
        };
        (rank, l.ack != Ack::No)
    });
    let unused_acks = acks
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
    }
}

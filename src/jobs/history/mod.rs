//! The weekly drift report: keep each run, compare this run with the runs before it.
//!
//! - **new lies**: lies now that were not lies in the previous run (every lie on the first run);
//! - **resolved lies**: lies of the previous run that are not lies now (gone, cut, waived…);
//! - **open for N weeks**: lies whose unbroken streak of runs as a lie started N weeks or more ago;
//! - **expiring waivers**: waivers applied now whose expiry date is within the window (days);
//! - **trend**: counts and fidelity score per run.

pub mod store;

use crate::model::drift::{
    Drift, ExpiringWaiver, OpenLie, ResolvedLie, Run, RunFinding, TrendPoint,
};
use crate::model::{Judged, Verdict};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// Defaults: a lie open four weeks is overdue; a waiver expiring within 14 days needs an owner.
pub const DEFAULT_OPEN_WEEKS: u32 = 4;
/// See [`DEFAULT_OPEN_WEEKS`].
pub const DEFAULT_EXPIRING_DAYS: u32 = 14;

/// Compares `current` with the runs before it (any order; runs not before `current` are
/// ignored). Times must parse (they were checked when stored or loaded).
pub fn drift(
    current: &Run,
    history: &[Run],
    open_weeks: u32,
    expiring_days: u32,
) -> Result<Drift, String> {
    let now = crate::clock::parse(&current.at)?;
    let mut earlier: Vec<(OffsetDateTime, &Run)> = Vec::new();
    for r in history {
        let t = crate::clock::parse(&r.at)?;
        if t < now {
            earlier.push((t, r));
        }
    }
    earlier.sort_by_key(|(t, _)| *t);
    let previous = earlier.last().map(|(_, r)| *r);

    let lie_ids = |r: &Run| -> HashSet<String> {
        r.findings
            .iter()
            .filter(|f| f.is_lie())
            .map(|f| f.id.clone())
            .collect()
    };
    let prev_lies = previous.map(lie_ids).unwrap_or_default();
    let now_lies = lie_ids(current);
    let earlier_lies: Vec<(OffsetDateTime, HashSet<String>)> =
        earlier.iter().map(|(t, r)| (*t, lie_ids(r))).collect();

    let open = |f: &RunFinding| -> OpenLie {
        let mut since = now;
        for (t, ids) in earlier_lies.iter().rev() {
            if !ids.contains(&f.id) {
                break;
            }
            since = *t;
        }
        let weeks = ((now - since).whole_days().max(0) / 7) as u32;
        OpenLie {
            finding: f.clone(),
            since: crate::clock::format(since),
            weeks_open: weeks,
        }
    };
    let mut lies: Vec<&RunFinding> = current.findings.iter().filter(|f| f.is_lie()).collect();
    lies.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));

    let new_lies = lies
        .iter()
        .filter(|f| !prev_lies.contains(&f.id))
        .map(|f| open(f))
        .collect();
    let mut long_open_lies: Vec<OpenLie> = lies
        .iter()
        .map(|f| open(f))
        .filter(|o| o.weeks_open >= open_weeks)
        .collect();
    long_open_lies.sort_by(|a, b| {
        (std::cmp::Reverse(a.weeks_open), sort_key(&a.finding))
            .cmp(&(std::cmp::Reverse(b.weeks_open), sort_key(&b.finding)))
    });

    let now_verdicts: HashMap<&str, Verdict> = current
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.verdict))
        .collect();
    let mut resolved: Vec<&RunFinding> = previous
        .map(|p| {
            p.findings
                .iter()
                .filter(|f| f.is_lie() && !now_lies.contains(&f.id))
                .collect()
        })
        .unwrap_or_default();
    resolved.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let resolved_lies = resolved
        .into_iter()
        .map(|f| ResolvedLie {
            finding: f.clone(),
            now: now_verdicts.get(f.id.as_str()).copied(),
        })
        .collect();

    let today = now.date();
    let mut expiring_waivers = Vec::new();
    for f in &current.findings {
        let Some(w) = &f.waiver else { continue };
        let Some(date) = crate::clock::parse_date(&w.expires) else {
            continue;
        };
        let days_left = (date - today).whole_days();
        if (0..=i64::from(expiring_days)).contains(&days_left) {
            expiring_waivers.push(ExpiringWaiver {
                finding: f.clone(),
                expires: w.expires.clone(),
                days_left,
            });
        }
    }
    expiring_waivers.sort_by(|a, b| {
        (a.days_left, sort_key(&a.finding)).cmp(&(b.days_left, sort_key(&b.finding)))
    });

    let trend = earlier
        .iter()
        .map(|(_, r)| *r)
        .chain(std::iter::once(current))
        .map(point)
        .collect();
    Ok(Drift {
        current: current.clone(),
        previous_at: previous.map(|p| p.at.clone()),
        new_lies,
        resolved_lies,
        long_open_lies,
        open_weeks,
        expiring_waivers,
        expiring_days,
        trend,
    })
}

type SortKey<'a> = (u8, Option<&'a crate::model::ObjectKey>, Option<&'a str>);

/// High severity first (no severity last), then by object and path.
fn sort_key(f: &RunFinding) -> SortKey<'_> {
    let (_, rank, object, path) = f.order_key();
    (rank, object, path)
}

fn point(r: &Run) -> TrendPoint {
    TrendPoint {
        at: r.at.clone(),
        lies: r.summary.lie,
        cuts: r.summary.cut,
        unclassified: r.summary.unclassified,
        waived: r.summary.waived,
        fidelity_score: r.fidelity_score,
    }
}

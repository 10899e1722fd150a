//! Classification: every difference against every rule, in parallel. The strongest verdict wins
//! (lie > cut > noise, higher severity first); all matching rule ids are kept; no match stays
//! `unclassified`. A CEL error counts as no match and is reported.

use super::RuleSet;
use super::pattern::parse_path;
use super::related::SideData;
use super::rule::{Rule, Status, Subject};
use super::template::Which;
use super::view::{Run, View};
use super::{cel, describe, finding_id};
use crate::diff::pair::NameMapping;
use crate::diff::{DiffResult, Difference};
use crate::model::{Finding, RuleError, Side};
use crate::normalize::secrets::scrub;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Classifies every difference; returns the findings (in diff order) and the rule errors.
pub fn classify(
    staging: &Side,
    prod: &Side,
    diff: &DiffResult,
    mapping: &NameMapping,
    rules: &RuleSet,
    preview: bool,
) -> (Vec<Finding>, Vec<RuleError>) {
    let run = Run::new(
        SideData::new(staging, true, mapping),
        SideData::new(prod, false, mapping),
    );
    let root = cel::root_context(&mapping.tokens);
    let judged: Vec<(Finding, Vec<RuleError>)> = diff
        .differences
        .par_iter()
        .map(|d| judge(d, &run, &root, rules, preview))
        .collect();
    let mut findings = Vec::with_capacity(judged.len());
    let mut errors = Vec::new();
    for (f, e) in judged {
        findings.push(f);
        errors.extend(e);
    }
    errors.sort();
    errors.dedup();
    (findings, errors)
}

fn judge(
    d: &Difference,
    run: &Run,
    root: &kube_cel::cel::Context,
    rules: &RuleSet,
    preview: bool,
) -> (Finding, Vec<RuleError>) {
    let id = finding_id(d);
    let segs = d.path.as_deref().and_then(|p| parse_path(p).ok());
    let subject = Subject {
        object: d.object.as_ref(),
        staging_object: d.staging_object.as_ref(),
        path: segs.as_deref(),
        change: d.change,
    };
    let candidates: Vec<&Rule> = rules
        .active()
        .filter(|r| r.matcher.matches(&subject))
        .collect();
    let mut finding = super::unclassified(d);
    finding.id = id.clone();
    if candidates.is_empty() {
        return (finding, Vec::new());
    }
    let view = View::new(d, run, segs);
    let uses: BTreeSet<&'static str> = candidates
        .iter()
        .filter_map(|r| r.when.as_ref())
        .flat_map(|w| w.uses.iter().copied())
        .collect();
    let ctx = candidates
        .iter()
        .any(|r| r.when.is_some())
        .then(|| view.cel_context(root, run, &uses));
    let mut errors = Vec::new();
    let mut matched: Vec<&Rule> = Vec::new();
    for r in candidates {
        match (&r.when, &ctx) {
            (None, _) => matched.push(r),
            (Some(w), Some(ctx)) => match w.eval(ctx) {
                Ok(true) => matched.push(r),
                Ok(false) => {}
                Err(e) => errors.push(RuleError {
                    rule: r.id.clone(),
                    finding: id.clone(),
                    error: scrub(&e).into_owned(),
                }),
            },
            (Some(_), None) => {}
        }
    }
    if matched.is_empty() {
        return (finding, errors);
    }
    matched.sort_by(|a, b| (a.strength(), &a.id).cmp(&(b.strength(), &b.id)));
    let winner = matched[0];
    finding.verdict = winner.verdict;
    finding.severity = winner.severity;
    finding.rule = Some(winner.id.clone());
    finding.rules = matched.iter().map(|r| r.id.clone()).collect();
    finding.preview = !preview
        && matched
            .iter()
            .filter(|r| r.verdict == winner.verdict)
            .all(|r| r.status == Status::Preview);
    let (default_s, default_p) = describe::default_sentences(d);
    let vars = view.template_vars(run, &rules.templates.uses(&winner.id));
    for (which, slot, default) in [
        (Which::Staging, &mut finding.staging_says, default_s),
        (Which::Prod, &mut finding.prod_might_say, default_p),
    ] {
        *slot = if rules.templates.has(&winner.id, which) {
            match rules.templates.render(&winner.id, which, &vars) {
                Ok(text) if !text.is_empty() => text,
                Ok(_) => default,
                Err(e) => {
                    errors.push(RuleError {
                        rule: winner.id.clone(),
                        finding: id.clone(),
                        error: scrub(&format!("template: {e}")).into_owned(),
                    });
                    default
                }
            }
        } else {
            default
        };
    }
    (finding, errors)
}

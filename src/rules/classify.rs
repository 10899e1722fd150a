//! Classification: every difference against every rule, in parallel. The strongest verdict wins
//! (lie > cut > noise, higher severity first); all matching rule ids are kept; no match stays
//! `unclassified`. A CEL error counts as no match and is reported.

use super::related::SideData;
use super::rule::{Rule, Subject};
use super::template::Which;
use super::view::{Lazy, Run, View};
use super::{Judge, RuleSet};
use super::{cel, describe, finding_id, precedence};
use crate::diff::pair::NameMapping;
use crate::diff::{DiffResult, Difference};
use crate::model::{Change, FieldPath, Finding, RuleError, Segment, Side, Verdict};
use crate::normalize::secrets::scrub;
use kube_cel::cel::Context;
use rayon::prelude::*;

/// Classifies every difference; returns the findings (in diff order) and the rule errors.
pub fn classify(
    staging: &Side,
    prod: &Side,
    diff: &DiffResult,
    mapping: &NameMapping,
    j: &Judge,
) -> (Vec<Finding>, Vec<RuleError>) {
    let (rules, preview) = (j.rules, j.preview);
    let run = Run::new(
        SideData::new(staging, true, mapping),
        SideData::new(prod, false, mapping),
        j.builtin_kind,
    );
    if !diff.differences.is_empty() {
        let started = std::time::Instant::now();
        rayon::join(|| run.staging.warm(), || run.prod.warm());
        crate::stage::done("indexed both sides for the rules", started);
    }
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

/// True when every leaf among `children` (flagged in `leaves`) is, or lies inside, a child a
/// rule judged (flagged in `judged`).
fn judges_every_leaf(children: &[View], leaves: &[bool], judged: &[bool]) -> bool {
    let judged: Vec<&[Segment]> = children
        .iter()
        .zip(judged)
        .filter(|(_, j)| **j)
        .filter_map(|(c, _)| c.segs())
        .collect();
    children
        .iter()
        .zip(leaves)
        .filter(|(_, leaf)| **leaf)
        .all(|(c, _)| {
            c.segs()
                .is_some_and(|s| judged.iter().any(|j| s.starts_with(j)))
        })
}

fn subject<'a>(d: &'a Difference, path: Option<&'a [Segment]>) -> Subject<'a> {
    Subject {
        object: d.object.as_ref(),
        staging_object: d.staging_object.as_ref(),
        path,
        change: d.change,
    }
}

/// Records the rule errors of one difference.
struct Eval {
    finding: String,
    errors: Vec<RuleError>,
}

impl Eval {
    /// Does the rule's condition hold in this context?
    fn holds(&mut self, r: &Rule, ctx: &Context) -> bool {
        let Some(w) = &r.when else { return true };
        match w.eval(ctx) {
            Ok(b) => b,
            Err(e) => {
                self.error(&r.id, &e);
                false
            }
        }
    }

    fn error(&mut self, rule: &str, e: &str) {
        self.errors.push(RuleError {
            rule: rule.to_string(),
            finding: self.finding.clone(),
            error: scrub(e).into_owned(),
        });
    }
}

fn judge<'r>(
    d: &Difference,
    run: &Run,
    root: &'r Context<'r>,
    rules: &RuleSet,
    preview: bool,
) -> (Finding, Vec<RuleError>) {
    let id = finding_id(d);
    let mut finding = super::unclassified(d);
    finding.id = id.clone();
    let segs = d.path.as_ref().map(FieldPath::segments);
    let here = subject(d, segs);
    let direct: Vec<&Rule> = rules
        .active()
        .filter(|r| r.matcher.matches(&here))
        .collect();
    // A one-sided map that is not a list item (an item, like a container, is one thing).
    let deep_possible = d.object.is_some()
        && d.change != Change::Changed
        && matches!(segs.and_then(<[Segment]>::last), Some(Segment::Key(_)))
        && matches!(d.staging.as_ref().or(d.prod.as_ref()), Some(v) if v.is_object());
    if direct.is_empty() && !deep_possible {
        return (finding, Vec::new());
    }
    let view = View::new(d, run);
    let mut ev = Eval {
        finding: id.clone(),
        errors: Vec::new(),
    };
    let lazy = Lazy::new(&view, run);
    let mut ctx = root.new_inner_scope();
    ctx.set_variable_resolver(&lazy);
    // (rule, index of the child view that matched, or None for the difference itself)
    let mut matched: Vec<(&Rule, Option<usize>)> = Vec::new();
    for r in &direct {
        if ev.holds(r, &ctx) {
            matched.push((r, None));
        }
    }
    // When no rule speaks to the difference itself, rules that look deeper (an annotation
    // inside a `metadata` present on one side only) judge the nodes inside its value.
    let descendants = if matched.is_empty() && deep_possible {
        view.descendants()
    } else {
        Vec::new()
    };
    let leaves: Vec<bool> = descendants
        .iter()
        .map(|(_, v)| !matches!(v, serde_json::Value::Object(m) if !m.is_empty()))
        .collect();
    let child_views: Vec<View> = descendants
        .into_iter()
        .map(|(path, value)| view.child(path, value))
        .collect();
    let child_lazy: Vec<Lazy> = child_views.iter().map(|v| Lazy::new(v, run)).collect();
    // Which children some rule judged: a rule that matched already is tried again only on a
    // child nothing judged yet, to know whether rules judged every leaf.
    let mut judged = vec![false; child_views.len()];
    for (i, c) in child_views.iter().enumerate() {
        let mut cctx: Option<Context> = None;
        for r in rules.active() {
            let known = matched.iter().any(|(m, _)| m.id == r.id);
            if (known && judged[i]) || !r.matcher.matches(&subject(d, c.segs())) {
                continue;
            }
            let cctx = cctx.get_or_insert_with(|| {
                let mut x = root.new_inner_scope();
                x.set_variable_resolver(&child_lazy[i]);
                x
            });
            if ev.holds(r, cctx) {
                judged[i] = true;
                if !known {
                    matched.push((r, Some(i)));
                }
            }
        }
    }
    if matched.is_empty() {
        return (finding, ev.errors);
    }
    precedence::rank(&mut matched);
    let (winner, at) = matched[0];
    // Noise hides the whole one-sided map: it may only when rules judged every leaf inside it
    // (a `checksum/config` annotation must not hide an unjudged annotation beside it).
    if at.is_some()
        && winner.verdict == Verdict::Noise
        && !judges_every_leaf(&child_views, &leaves, &judged)
    {
        return (finding, ev.errors);
    }
    let wview = at.map(|i| &child_views[i]).unwrap_or(&view);
    finding.verdict = winner.verdict;
    finding.severity = winner.severity;
    finding.rule = Some(winner.id.clone());
    finding.rules = matched.iter().map(|(r, _)| r.id.clone()).collect();
    finding.preview = !preview && precedence::preview_only(&matched);
    let (default_s, default_p) = describe::default_sentences(d);
    let vars = wview.template_vars(run, &rules.templates.uses(&winner.id));
    for (which, slot, default) in [
        (Which::Staging, &mut finding.staging_says, default_s),
        (Which::Prod, &mut finding.prod_might_say, default_p),
    ] {
        *slot = if rules.templates.has(&winner.id, which) {
            match rules.templates.render(&winner.id, which, &vars) {
                Ok(text) if !text.is_empty() => text,
                Ok(_) => default,
                Err(e) => {
                    ev.error(&winner.id, &format!("template: {e}"));
                    default
                }
            }
        } else {
            default
        };
    }
    (finding, ev.errors)
}

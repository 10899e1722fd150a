//! Running a rule's examples through the whole pipeline (load → normalize → diff → classify), as
//! `checkride rules test` and `cargo test` do. Example documents are in-memory: no files.

use crate::collect::build::{self, LoadOptions, RawSide};
use crate::collect::files::{self, InputFile};
use crate::collect::limits::Limits;
use crate::collect::parse::{Format, SideBudget};
use crate::collect::scope::ScopeTable;
use crate::diff::pair::NameMapping;
use crate::error::Error;
use crate::model::{Report, Side};
use crate::normalize::secrets::Fingerprinter;
use crate::rules::rule::{Example, Expect, Rule};
use crate::rules::{Judge, RuleSet};
use rayon::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Rule id.
    pub rule: String,
    /// Rule file.
    pub source: String,
    /// Example name.
    pub example: String,
    /// Line of the example in the rule file.
    pub line: u64,
    /// Passed?
    pub ok: bool,
    /// What happened, when it failed.
    pub detail: String,
}

fn raw_side(label: &str, docs: &[Value]) -> Result<RawSide, Error> {
    let text = docs
        .iter()
        .map(|d| serde_json::to_string(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let input = InputFile {
        name: label.to_string(),
        text,
        format: Format::Json,
    };
    let limits = Limits::default();
    let budget = SideBudget::new(&limits, label);
    let parsed = files::parse_files(std::slice::from_ref(&input), &budget)?;
    let name: Arc<str> = Arc::from(label);
    Ok(RawSide {
        source: label.to_string(),
        docs: parsed
            .into_iter()
            .flat_map(|(_, d)| d)
            .map(|d| (name.clone(), d))
            .collect(),
        skipped_files: Vec::new(),
    })
}

/// Loads an example's two sides, as `compare` would load two folders.
pub fn sides(rule: &str, ex: &Example) -> Result<(Side, Side), Error> {
    let s = raw_side(&format!("{rule}: {}: staging", ex.name), &ex.staging)?;
    let p = raw_side(&format!("{rule}: {}: prod", ex.name), &ex.prod)?;
    let mut scopes = ScopeTable::default();
    s.register_crds(&mut scopes);
    p.register_crds(&mut scopes);
    // An example may have an empty side (an object only in prod): exempt from the check.
    let opts = LoadOptions {
        allow_empty: true,
        ..LoadOptions::new("default", Fingerprinter::random())
    };
    let mut staging = build::build(s, &scopes, &opts)?;
    let mut prod = build::build(p, &scopes, &opts)?;
    if let Some(f) = &ex.facts.0 {
        staging.facts = f.clone();
    }
    if let Some(f) = &ex.facts.1 {
        prod.facts = f.clone();
    }
    Ok((staging, prod))
}

/// Runs one example.
pub fn run_one(set: &RuleSet, rule: &Rule, ex: &Example) -> Outcome {
    let mut out = Outcome {
        rule: rule.id.clone(),
        source: rule.source.clone(),
        example: ex.name.clone(),
        line: ex.line,
        ok: false,
        detail: String::new(),
    };
    let (staging, prod) = match sides(&rule.id, ex) {
        Ok(s) => s,
        Err(e) => {
            out.detail = format!("example does not load: {e}");
            return out;
        }
    };
    let judge = Judge {
        rules: set,
        waivers: None,
        preview: true,
        today: crate::clock::today(),
        builtin_kind: super::builtin_kind,
    };
    let report = super::judge_sides(&staging, &prod, &NameMapping::default(), &judge);
    (out.ok, out.detail) = check(&report, rule, ex);
    out
}

fn check(report: &Report, rule: &Rule, ex: &Example) -> (bool, String) {
    let at_path = |p: &Option<crate::model::FieldPath>| match (&ex.path, p) {
        (None, _) => true,
        (Some(want), Some(got)) => want == got.as_str(),
        (Some(_), None) => false,
    };
    let mine: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rules.contains(&rule.id) && at_path(&f.path))
        .collect();
    let errors: Vec<String> = report
        .rule_errors
        .iter()
        .filter(|e| e.rule == rule.id)
        .map(|e| e.error.clone())
        .collect();
    let ok = errors.is_empty()
        && match ex.expect {
            Expect::NoMatch => mine.is_empty(),
            Expect::Verdict(v) => mine.iter().any(|f| f.verdict == v),
        };
    if ok {
        return (true, String::new());
    }
    let mut detail = match ex.expect {
        _ if !errors.is_empty() => "the rule failed while evaluating; findings:".to_string(),
        Expect::NoMatch => "expected no match, but the rule matched:".to_string(),
        Expect::Verdict(v) => format!(
            "expected a finding judged `{}` by this rule; findings:",
            v.as_str()
        ),
    };
    for f in &report.findings {
        let path = f.path.as_deref().unwrap_or("(whole object)");
        let obj = f
            .object
            .as_ref()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "cluster".into());
        detail.push_str(&format!(
            "\n    {} {obj} {path}: {}{}",
            f.change.as_str(),
            f.verdict.as_str(),
            f.rule
                .as_ref()
                .map(|r| format!(" by {r}"))
                .unwrap_or_default()
        ));
    }
    if report.findings.is_empty() {
        detail.push_str("\n    (no differences at all)");
    }
    for e in errors {
        detail.push_str(&format!("\n    rule error: {e}"));
    }
    if matches!(ex.expect, Expect::Verdict(_))
        && mine
            .iter()
            .any(|f| f.rule.as_deref() != Some(rule.id.as_str()))
    {
        detail.push_str("\n    (the rule matched, but another rule's verdict won)");
    }
    (false, detail)
}

/// Runs the examples of every rule `select` picks, in parallel; results sorted by rule.
pub fn run(set: &RuleSet, select: impl Fn(&Rule) -> bool + Sync) -> Vec<Outcome> {
    let jobs: Vec<(&Rule, &Example)> = set
        .rules
        .iter()
        .filter(|r| r.is_active() && select(r))
        .flat_map(|r| r.examples.iter().map(move |e| (r, e)))
        .collect();
    jobs.par_iter().map(|(r, e)| run_one(set, r, e)).collect()
}

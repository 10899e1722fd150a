//! The one entry point of every command: load → pair → diff → judge. `compare`, `comment`,
//! `report` and `preflight` resolve their flags into [`Settings`] and call [`run`]; rule
//! examples call [`judge_sides`], its second half, on sides built in memory.

pub mod examples;

use crate::collect::{self, LoadOptions};
use crate::diff::{self, Difference, pair::NameMapping};
use crate::error::Error;
use crate::model::{Change, Report, Side};
use crate::normalize::secrets::Fingerprinter;
use crate::rules::{self, Judge, RuleSet, Waivers};
use crate::settings::{Judging, Settings};
use std::collections::BTreeMap;

/// Both sides, loaded, and the report judging them.
pub struct Judged {
    /// Staging, normalized.
    pub staging: Side,
    /// Prod, normalized.
    pub prod: Side,
    /// The judged report.
    pub report: Report,
    /// Things the user should know that do not stop the run (a waiver naming a retired or
    /// disabled rule): printed once on stderr.
    pub warnings: Vec<String>,
    /// Title of every rule that decided a finding, by rule id (the weekly history keeps them).
    pub rule_titles: BTreeMap<String, String>,
}

/// The rules and waivers of a run, loaded and checked against each other.
pub struct Rulebook {
    owned: Option<RuleSet>,
    /// The waivers file, if one was given.
    pub waivers: Option<Waivers>,
    /// Warnings about the waivers (retired or disabled rules).
    pub warnings: Vec<String>,
}

impl Rulebook {
    /// The rule set: the built-in pack (loaded once per process) or the pack with user folders.
    pub fn rules(&self) -> Result<&RuleSet, Error> {
        match &self.owned {
            Some(set) => Ok(set),
            None => RuleSet::builtin(),
        }
    }
}

/// Loads the rules and the waivers the settings name, and checks every waiver's rule id against
/// the loaded rules: an unknown id is an error (file:line, did you mean), a retired or disabled
/// one a warning. Done before any side is read, so a typo fails fast.
pub fn load_rulebook(j: &Judging) -> Result<Rulebook, Error> {
    let owned = if j.rules.is_empty() {
        None
    } else {
        Some(RuleSet::load(&j.rules)?)
    };
    let mut book = Rulebook {
        owned,
        waivers: None,
        warnings: Vec::new(),
    };
    if let Some(path) = &j.waivers {
        let mut w = Waivers::load(path)?;
        book.warnings = w.check_rules(book.rules()?)?;
        book.waivers = Some(w);
    }
    Ok(book)
}

/// Runs a command's comparison: loads both sides, then pairs, diffs and judges them.
pub fn run(s: &Settings) -> Result<Judged, Error> {
    let book = load_rulebook(&s.judging)?;
    let fp = Fingerprinter::from_env();
    let opts = |ns: &str| LoadOptions {
        limits: s.input.limits,
        allow_empty: s.input.allow_empty,
        ..LoadOptions::new(ns, fp.clone())
    };
    let (staging, prod) = collect::load_pair_with(
        &s.input.staging,
        &s.input.prod,
        &opts(&s.input.staging_namespace),
        &opts(&s.input.prod_namespace),
        &s.live,
    )?;
    let judge = Judge {
        rules: book.rules()?,
        waivers: book.waivers.as_ref(),
        preview: s.judging.preview,
        today: s.judging.today,
        builtin_kind,
    };
    let report = judge_sides(&staging, &prod, &s.pairing, &judge);
    let rule_titles = report
        .findings
        .iter()
        .filter_map(|f| f.rule.as_deref())
        .filter_map(|id| Some((id.to_string(), judge.rules.get(id)?.title.clone())))
        .collect();
    Ok(Judged {
        staging,
        prod,
        report,
        warnings: book.warnings,
        rule_titles,
    })
}

/// Is `group`/`kind` a Kubernetes built-in kind (for the rules' `builtinKind`)?
pub fn builtin_kind(group: &str, kind: &str) -> bool {
    collect::scope::builtin().contains_key(&(group, kind))
}

/// Pairs, diffs and judges two loaded sides: the second half of [`run`].
pub fn judge_sides(staging: &Side, prod: &Side, mapping: &NameMapping, judge: &Judge) -> Report {
    let started = std::time::Instant::now();
    let mut diff = diff::diff_sides(staging, prod, mapping);
    diff.differences
        .retain(|d| !absent_because_unread(d, staging, prod));
    crate::stage::done(
        &format!("paired and diffed ({} differences)", diff.differences.len()),
        started,
    );
    let started = std::time::Instant::now();
    let report = rules::judge(staging, prod, &diff, mapping, judge);
    crate::stage::done("judged the differences", started);
    report
}

/// True for an object reported missing on a side that could not read its kind there: it was
/// not seen, not found absent (the coverage gap is reported instead).
fn absent_because_unread(d: &Difference, staging: &Side, prod: &Side) -> bool {
    let unread_side = match d.change {
        Change::OnlyInStaging => prod,
        Change::OnlyInProd => staging,
        Change::Changed => return false,
    };
    let Some(key) = &d.object else { return false };
    unread_side.coverage.gaps.iter().any(|g| {
        g.group == key.group
            && (g.kind == "*" || g.kind == key.kind)
            && (g.namespace.is_none() || g.namespace == key.namespace)
    })
}

//! Judgement: every difference becomes a finding with a verdict, by rules written as YAML files
//! (the embedded pack in `rules/`, plus `--rules DIR`s), then waivers apply.

mod assemble;
pub mod cel;
mod classify;
pub mod cost;
pub mod describe;
mod entries;
pub mod functions;
mod keys;
pub mod load;
pub mod pattern;
mod precedence;
mod related;
pub mod rule;
mod schema;
pub mod template;
mod view;
pub mod waivers;
mod yaml;

pub use assemble::{assemble, finding_id, unclassified};
pub use rule::{Rule, Status};
pub use waivers::Waivers;

use crate::diff::pair::NameMapping;
use crate::error::Error;
use crate::model::{Report, Side};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use template::{Templates, Which};

/// A loaded, validated rule set: the built-in pack with user rules layered on top.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Every rule (disabled ones included), sorted by id.
    pub rules: Vec<Rule>,
    /// Ids of built-in rules that a user rule replaced.
    pub replaced: Vec<String>,
    templates: Templates,
}

impl RuleSet {
    /// The built-in pack, loaded once per process.
    pub fn builtin() -> Result<&'static RuleSet, Error> {
        static SET: OnceLock<Result<RuleSet, String>> = OnceLock::new();
        SET.get_or_init(|| Self::load(&[]).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Other(format!("built-in rules are invalid:\n{e}")))
    }

    /// The built-in pack plus the rules in `dirs`: a user rule with a built-in's id replaces it.
    /// Every error of every file is reported at once.
    pub fn load(dirs: &[PathBuf]) -> Result<RuleSet, Error> {
        let mut sources = load::builtin_sources();
        for d in dirs {
            sources.extend(load::dir_sources(d)?);
        }
        Self::from_sources(sources)
    }

    /// Builds a set from rule texts (built-ins first, then user files).
    pub fn from_sources(sources: Vec<load::RuleSource>) -> Result<RuleSet, Error> {
        use rayon::prelude::*;
        let parsed: Vec<_> = sources.par_iter().map(load::parse_rule).collect();
        let mut errors = Vec::new();
        let mut by_id: BTreeMap<String, Rule> = BTreeMap::new();
        let mut replaced = Vec::new();
        // (user rule id, successor of the retired built-in it replaced)
        let mut replaced_retired = Vec::new();
        for (src, parsed) in sources.iter().zip(parsed) {
            let rule = match parsed {
                Ok(r) => r,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            match by_id.get(&rule.id) {
                Some(prev) if prev.builtin == rule.builtin => errors.push(Error::file(
                    &src.file,
                    format!(
                        "duplicate rule id `{}`: also defined in {}",
                        rule.id, prev.source
                    ),
                )),
                Some(prev) => {
                    if let Some(next) = &prev.replaced_by {
                        replaced_retired.push((rule.id.clone(), next.clone()));
                    }
                    replaced.push(rule.id.clone());
                    by_id.insert(rule.id.clone(), rule);
                }
                None => {
                    by_id.insert(rule.id.clone(), rule);
                }
            }
        }
        if errors.is_empty() {
            errors.extend(precedence::link(&mut by_id, &replaced_retired));
        }
        let mut templates = Templates::new();
        for r in by_id.values() {
            for (which, t) in [
                (Which::Staging, &r.staging_says),
                (Which::Prod, &r.prod_might_say),
            ] {
                if let Some(t) = t
                    && let Err(e) = templates.add(&r.id, which, t)
                {
                    errors.push(Error::file(&r.source, format!("template: {e}")));
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Many(errors));
        }
        Ok(RuleSet {
            rules: by_id.into_values().collect(),
            replaced,
            templates,
        })
    }

    /// Rules that judge differences: switched on and not retired.
    pub fn active(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.is_active())
    }

    /// The rule an id means: a retired id leads to its successor.
    pub fn resolve(&self, id: &str) -> Option<&Rule> {
        let mut seen = 0;
        let mut at = self.get(id)?;
        while let Some(next) = &at.replaced_by {
            seen += 1;
            if seen > self.rules.len() {
                return None;
            }
            at = self.get(next)?;
        }
        Some(at)
    }

    /// A rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// The rule id closest to `id` (a typo), if any.
pub fn closest_id<'a>(set: &'a RuleSet, id: &str) -> Option<&'a str> {
    keys::closest(id, set.rules.iter().map(|r| r.id.as_str()))
}

/// Everything that judges a comparison: rules, waivers, whether preview rules count, today.
#[derive(Debug, Clone, Copy)]
pub struct Judge<'a> {
    /// The rules.
    pub rules: &'a RuleSet,
    /// Waivers, if a file was given.
    pub waivers: Option<&'a Waivers>,
    /// Preview rules fail CI like stable ones.
    pub preview: bool,
    /// The day waivers are checked against (UTC).
    pub today: time::Date,
    /// Is (group, kind) a Kubernetes built-in kind? (The rules' `builtinKind`; the kind table
    /// belongs to the collector, which rules do not reach into.)
    pub builtin_kind: fn(&str, &str) -> bool,
}

/// Classifies the differences, applies waivers and assembles the report.
pub fn judge(
    staging: &Side,
    prod: &Side,
    diff: &crate::diff::DiffResult,
    mapping: &NameMapping,
    j: &Judge,
) -> Report {
    let (mut findings, rule_errors) = classify::classify(staging, prod, diff, mapping, j);
    let waivers = j
        .waivers
        .map(|w| w.apply(&mut findings, j.today))
        .unwrap_or_default();
    assemble(staging, prod, diff, findings, rule_errors, waivers)
}

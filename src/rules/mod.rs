//! Judgement: every difference becomes a finding with a verdict, by rules written as YAML files
//! (the embedded pack in `rules/`, plus `--rules DIR`s), then waivers apply.

mod assemble;
pub mod cel;
mod classify;
pub mod cost;
pub mod describe;
mod entries;
pub mod examples;
pub mod functions;
mod keys;
pub mod load;
pub mod pattern;
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
                Some(_) => {
                    replaced.push(rule.id.clone());
                    by_id.insert(rule.id.clone(), rule);
                }
                None => {
                    by_id.insert(rule.id.clone(), rule);
                }
            }
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

    /// Rules that are switched on.
    pub fn active(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }

    /// A rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
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
}

/// Classifies the differences, applies waivers and assembles the report.
pub fn judge(
    staging: &Side,
    prod: &Side,
    diff: &crate::diff::DiffResult,
    mapping: &NameMapping,
    j: &Judge,
) -> Report {
    let (mut findings, rule_errors) =
        classify::classify(staging, prod, diff, mapping, j.rules, j.preview);
    let waivers = j
        .waivers
        .map(|w| w.apply(&mut findings, j.today))
        .unwrap_or_default();
    assemble(staging, prod, diff, findings, rule_errors, waivers)
}

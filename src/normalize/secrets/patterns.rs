//! Value patterns as data: Nosey Parker's rules (`data/noseyparker.yml`, Apache-2.0, see
//! `data/NOTICE`), checkride's own (`data/checkride.yml`) and a team's extra ones (config).
//!
//! Each pattern has keywords; an aho-corasick search for all keywords at once picks the few
//! patterns worth running on a string, so most strings cost one literal scan.

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

/// Nosey Parker's rules, as embedded.
pub(crate) const NOSEYPARKER: &str = include_str!("data/noseyparker.yml");
/// checkride's own rules, as embedded.
pub(crate) const CHECKRIDE: &str = include_str!("data/checkride.yml");

/// A rules file: patterns to run, and generic rules checked only through their examples.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Patterns to run.
    pub rules: Vec<RuleSpec>,
    #[serde(default)]
    /// Generic rules stood in for by the shape detectors.
    pub shapes: Vec<RuleSpec>,
}

/// One pattern as written in a rules file (or the config's `secrets.patterns`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, counted in the report's redactions.
    pub id: String,
    /// What it finds.
    #[serde(default)]
    pub name: String,
    /// Commit of the upstream file the rule was read from.
    #[serde(default)]
    pub commit: Option<String>,
    /// Literals one of which every match contains (ASCII case ignored); none = run on every string.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Rust regex.
    pub pattern: String,
    /// Capture group holding the secret (default: the last group, or the whole match).
    #[serde(default)]
    pub group: Option<usize>,
    /// The secret must hold a letter and a digit.
    #[serde(default)]
    pub mixed: bool,
    /// Texts whose secret the redaction must remove.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// A compiled pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub id: String,
    pub regex: Regex,
    pub group: usize,
    pub mixed: bool,
}

/// A secret found in a string: byte range and the detector that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub detector: &'static str,
}

/// Every compiled pattern with its keyword prefilter.
#[derive(Debug)]
pub(crate) struct PatternSet {
    patterns: Vec<Pattern>,
    prefilter: AhoCorasick,
    /// Prefilter pattern index → pattern index.
    owner: Vec<usize>,
    /// Patterns without keywords: run on every string.
    always: Vec<usize>,
}

impl PatternSet {
    /// Compiles rules; errors name the rule.
    pub fn compile(specs: &[RuleSpec]) -> Result<Self, Vec<String>> {
        let mut patterns = Vec::new();
        let mut errors = Vec::new();
        let (mut literals, mut owner, mut always) = (Vec::new(), Vec::new(), Vec::new());
        for spec in specs {
            let regex = match regex::RegexBuilder::new(&spec.pattern)
                .size_limit(1 << 22)
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    errors.push(format!("secret pattern `{}`: {e}", spec.id));
                    continue;
                }
            };
            let groups = regex.captures_len() - 1;
            let group = spec.group.unwrap_or(groups);
            if group > groups {
                errors.push(format!(
                    "secret pattern `{}`: group {group} does not exist ({groups} groups)",
                    spec.id
                ));
                continue;
            }
            let i = patterns.len();
            if spec.keywords.is_empty() {
                always.push(i);
            }
            for k in &spec.keywords {
                literals.push(k.clone());
                owner.push(i);
            }
            patterns.push(Pattern {
                id: spec.id.clone(),
                regex,
                group,
                mixed: spec.mixed,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let prefilter = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&literals)
            .map_err(|e| vec![format!("secret pattern keywords: {e}")])?;
        Ok(PatternSet {
            patterns,
            prefilter,
            owner,
            always,
        })
    }

    /// How many patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Adds the secrets the patterns find in `text` to `out`.
    pub fn find(&'static self, text: &str, out: &mut Vec<Span>) {
        let mut run: Vec<usize> = self.always.clone();
        for m in self.prefilter.find_overlapping_iter(text) {
            run.push(self.owner[m.pattern().as_usize()]);
        }
        if run.is_empty() {
            return;
        }
        run.sort_unstable();
        run.dedup();
        for i in run {
            let p = &self.patterns[i];
            for c in p.regex.captures_iter(text) {
                let Some(m) = c.get(p.group) else { continue };
                if m.is_empty() || (p.mixed && !mixed(m.as_str())) {
                    continue;
                }
                out.push(Span {
                    start: m.start(),
                    end: m.end(),
                    detector: &p.id,
                });
            }
        }
    }
}

/// Holds an ASCII letter and an ASCII digit.
fn mixed(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The embedded rules (patterns to run), in order: Nosey Parker's, then checkride's.
pub fn builtin_specs() -> Vec<RuleSpec> {
    let mut out = Vec::new();
    for text in [NOSEYPARKER, CHECKRIDE] {
        let file: RuleFile = serde_saphyr::from_str(text).expect("embedded secret rules parse");
        out.extend(file.rules);
    }
    out
}

/// The generic rules checkride's own detectors stand in for (their examples are canaries).
pub fn shape_specs() -> Vec<RuleSpec> {
    let file: RuleFile = serde_saphyr::from_str(NOSEYPARKER).expect("embedded secret rules parse");
    file.shapes
}

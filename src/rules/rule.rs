//! A validated rule: what it matches, when, what it calls the difference and how it says so.

use super::cel::Condition;
use super::pattern::{PathPattern, TextMatch};
use crate::model::{Change, ClusterFacts, ObjectKey, Segment, Severity, Verdict};
use serde_json::Value;

/// `stable` rules can fail CI; `preview` ones report but never fail it unless `--preview`;
/// `retired` ones never run and redirect to their successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fails CI like any rule.
    Stable,
    /// Reports, never fails CI unless `--preview`.
    Preview,
    /// Merged into or renamed to another rule (`replaced_by`): kept so that waivers, `enabled:
    /// false` files and user replacements naming it keep working.
    Retired,
}

impl Status {
    /// `stable`, `preview`, `retired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
            Status::Retired => "retired",
        }
    }
}

/// A glob with the text it was written as.
#[derive(Debug, Clone)]
pub struct Glob {
    /// As written.
    pub text: String,
    /// Compiled.
    pub matcher: TextMatch,
}

/// What a rule looks at.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// `group/Kind` globs (core kinds are bare: `Service`); empty = any kind.
    pub kinds: Vec<Glob>,
    /// Object name globs (prod or staging name); empty = any.
    pub names: Vec<Glob>,
    /// Namespace globs; empty = any.
    pub namespaces: Vec<Glob>,
    /// Field path patterns; `cluster.…` patterns match cluster facts.
    pub paths: Vec<PathPattern>,
    /// Matches whole objects present on one side only.
    pub object: bool,
    /// Kinds of change; empty = any.
    pub changes: Vec<Change>,
}

/// What the matcher needs to know about one difference.
pub struct Subject<'a> {
    /// Prod identity (staging's for staging-only objects); `None` for cluster facts.
    pub object: Option<&'a ObjectKey>,
    /// Staging identity when it differs.
    pub staging_object: Option<&'a ObjectKey>,
    /// Parsed path; `None` for whole objects.
    pub path: Option<&'a [Segment]>,
    /// The change.
    pub change: Change,
}

fn any_glob(globs: &[Glob], texts: &[&str]) -> bool {
    globs.is_empty()
        || globs
            .iter()
            .any(|g| texts.iter().any(|t| g.matcher.is_match(t)))
}

impl Matcher {
    /// Does this difference fall under the rule (before `when`)?
    pub fn matches(&self, s: &Subject) -> bool {
        if !self.changes.is_empty() && !self.changes.contains(&s.change) {
            return false;
        }
        match (s.object, s.path) {
            (None, Some(path)) => {
                // A cluster fact: only `cluster.…` patterns, and no object filters.
                self.kinds.is_empty()
                    && self.names.is_empty()
                    && self.namespaces.is_empty()
                    && self.paths.iter().any(|p| p.facts && p.matches(path))
            }
            (None, None) => false,
            (Some(key), path) => {
                let ok_path = match path {
                    None => self.object,
                    Some(p) => self.paths.iter().any(|pat| !pat.facts && pat.matches(p)),
                };
                if !ok_path {
                    return false;
                }
                let gk = key.group_kind();
                let core = format!("core/{}", key.kind);
                let kind_texts: Vec<&str> = if key.group.is_empty() {
                    vec![&gk, &core]
                } else {
                    vec![&gk]
                };
                let mut names = vec![key.name.as_str()];
                let mut namespaces: Vec<&str> = key.namespace.iter().map(String::as_str).collect();
                if let Some(st) = s.staging_object {
                    names.push(&st.name);
                    namespaces.extend(st.namespace.as_deref());
                }
                any_glob(&self.kinds, &kind_texts)
                    && any_glob(&self.names, &names)
                    && any_glob(&self.namespaces, &namespaces)
            }
        }
    }
}

/// What an example expects of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The rule matches a finding whose final verdict is this one.
    Verdict(Verdict),
    /// The rule matches nothing.
    NoMatch,
}

/// An example: two small sides and what the rule must make of them.
#[derive(Debug, Clone)]
pub struct Example {
    /// What it shows.
    pub name: String,
    /// 1-based line in the rule file.
    pub line: u64,
    /// The expectation.
    pub expect: Expect,
    /// Only findings at this path count, when set.
    pub path: Option<String>,
    /// Staging documents (objects, Nodes, `kubectl version` output).
    pub staging: Vec<Value>,
    /// Prod documents.
    pub prod: Vec<Value>,
    /// Cluster facts replacing what the documents say, per side.
    pub facts: (Option<ClusterFacts>, Option<ClusterFacts>),
}

/// A rule, validated and compiled.
#[derive(Debug)]
pub struct Rule {
    /// Unique id: the file stem.
    pub id: String,
    /// One line.
    pub title: String,
    /// Folder it belongs to (`probes`, `cluster`, …).
    pub category: String,
    /// The verdict it gives.
    pub verdict: Verdict,
    /// For lies.
    pub severity: Option<Severity>,
    /// Stable or preview.
    pub status: Status,
    /// `enabled: false` switches a rule (typically a built-in, from a user file) off.
    pub enabled: bool,
    /// What it looks at.
    pub matcher: Matcher,
    /// The optional condition.
    pub when: Option<Condition>,
    /// Template of the *staging says* sentence.
    pub staging_says: Option<String>,
    /// Template of the *prod might say* sentence.
    pub prod_might_say: Option<String>,
    /// The prod failure it predicts.
    pub rationale: String,
    /// Examples run by `checkride rules test` and `cargo test`.
    pub examples: Vec<Example>,
    /// File it came from (`rules/probes/x.yaml` for built-ins).
    pub source: String,
    /// True for the embedded pack.
    pub builtin: bool,
    /// Rule ids this rule outranks when both match the same difference (see docs/rules.md).
    pub overrides: Vec<String>,
    /// Line of `overrides` in the rule file (0 when absent).
    pub overrides_line: u64,
    /// A retired rule's successor.
    pub replaced_by: Option<String>,
}

impl Rule {
    /// Enabled and not retired: it judges differences.
    pub fn is_active(&self) -> bool {
        self.enabled && self.status != Status::Retired
    }

    /// This rule's strength, for precedence among rules of one tier (see [`Verdict::strength`]).
    pub fn strength(&self) -> (u8, u8) {
        self.verdict.strength(self.severity)
    }

    /// `lie (high)`, `cut`, `noise`.
    pub fn verdict_label(&self) -> String {
        self.verdict.with_severity(self.severity)
    }
}

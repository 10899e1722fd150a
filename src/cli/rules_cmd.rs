//! `checkride rules list | explain ID | test [DIR]…`: the rule tooling.

use super::compare::write_stdout;
use crate::error::Error;
use crate::pipeline::examples;
use crate::rules::RuleSet;
use crate::rules::rule::{Expect, Rule};
use crate::settings::file::ConfigFile;
use clap::{Args, Subcommand};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Where rules come from: `--rules DIR`s and the config file's folders.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleDirs {
    /// A folder of rule files on top of the built-in pack (repeatable); user rules outrank
    /// built-in ones.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// A checkride.yaml whose `judging.rules` folders are loaded too (see docs/rules.md).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl RuleDirs {
    /// The rule set: built-in pack, then the config file's folders, then `--rules` and `extra`.
    pub fn load(&self, extra: &[PathBuf]) -> Result<RuleSet, Error> {
        let mut dirs = match &self.config {
            Some(path) => ConfigFile::load(path)?.rules,
            None => Vec::new(),
        };
        dirs.extend(self.rules.iter().cloned());
        dirs.extend(extra.iter().cloned());
        RuleSet::load(&dirs)
    }
}

/// `checkride rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// What to do with the rules.
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// The `rules` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum RulesCommand {
    /// Every rule: id, verdict, status, title.
    List {
        #[command(flatten)]
        dirs: RuleDirs,
    },
    /// One rule: rationale, match, condition, sentences, examples.
    Explain {
        /// Rule id.
        id: String,
        #[command(flatten)]
        dirs: RuleDirs,
    },
    /// Runs rule examples through the whole pipeline: those of the rules in DIRs, or all.
    Test {
        /// Folders of rules to test (on top of the built-in pack); none = every rule.
        folders: Vec<PathBuf>,
        #[command(flatten)]
        dirs: RuleDirs,
    },
}

/// Runs a `rules` subcommand; returns the exit code.
pub fn run(args: &RulesArgs) -> crate::Result<i32> {
    match &args.command {
        RulesCommand::List { dirs } => {
            let set = dirs.load(&[])?;
            write_stdout(&crate::escape::visible(&list(&set)))?;
            Ok(0)
        }
        RulesCommand::Explain { id, dirs } => {
            let set = dirs.load(&[])?;
            let rule = set.get(id).ok_or_else(|| unknown(&set, id))?;
            write_stdout(&crate::escape::visible(&explain(rule)))?;
            Ok(0)
        }
        RulesCommand::Test { folders, dirs } => {
            let set = dirs.load(folders)?;
            let only_user = !folders.is_empty();
            let (text, failed) = test(&set, only_user);
            write_stdout(&crate::escape::visible(&text))?;
            Ok(if failed { 1 } else { 0 })
        }
    }
}

fn unknown(set: &RuleSet, id: &str) -> Error {
    let mut close: Vec<&str> = set
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .filter(|r| r.contains(id) || id.contains(*r))
        .collect();
    close.extend(crate::rules::closest_id(set, id));
    close.sort_unstable();
    close.dedup();
    close.truncate(5);
    let hint = if close.is_empty() {
        "; `checkride rules list` shows them all".to_string()
    } else {
        format!("; did you mean {}?", close.join(", "))
    };
    Error::Usage(format!("no rule `{id}`{hint}"))
}

/// `rules list`.
pub fn list(set: &RuleSet) -> String {
    let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
    let mut out = format!(
        "{:<width$}  {:<13}  {:<8}  TITLE\n",
        "ID", "VERDICT", "STATUS"
    );
    for r in &set.rules {
        let status = if r.enabled {
            r.status.as_str()
        } else {
            "disabled"
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<13}  {:<8}  {}",
            r.id,
            r.verdict_label(),
            status,
            r.title
        );
    }
    let _ = writeln!(
        out,
        "{} rules ({} built in, {} from rule folders{})",
        set.rules.len(),
        set.rules.iter().filter(|r| r.builtin).count(),
        set.rules.iter().filter(|r| !r.builtin).count(),
        if set.replaced.is_empty() {
            String::new()
        } else {
            format!("; replaced by user rules: {}", set.replaced.join(", "))
        }
    );
    out
}

/// `rules explain ID`.
pub fn explain(r: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", r.id, r.title);
    if let Some(next) = &r.replaced_by {
        let _ = writeln!(
            out,
            "status: retired · replaced by {next} (`checkride rules explain {next}`) · {}",
            r.source
        );
        if !r.rationale.is_empty() {
            let _ = writeln!(out, "\n{}", indent(&r.rationale));
        }
        return out;
    }
    let _ = writeln!(
        out,
        "verdict: {} · category: {} · status: {}{} · {}",
        r.verdict_label(),
        r.category,
        r.status.as_str(),
        if r.enabled { "" } else { " (disabled)" },
        r.source
    );
    if !r.overrides.is_empty() {
        let _ = writeln!(out, "overrides: {}", r.overrides.join(", "));
    }
    let _ = writeln!(out, "\nWhy it matters:\n{}", indent(&r.rationale));
    let m = &r.matcher;
    let _ = writeln!(out, "\nMatches:");
    let globs = |g: &[crate::rules::rule::Glob]| {
        g.iter()
            .map(|x| x.text.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !m.kinds.is_empty() {
        let _ = writeln!(out, "  kinds: {}", globs(&m.kinds));
    }
    if !m.names.is_empty() {
        let _ = writeln!(out, "  names: {}", globs(&m.names));
    }
    if !m.namespaces.is_empty() {
        let _ = writeln!(out, "  namespaces: {}", globs(&m.namespaces));
    }
    for p in &m.paths {
        let _ = writeln!(out, "  path: {}", p.as_str());
    }
    if m.object {
        let _ = writeln!(out, "  whole objects present on one side only");
    }
    if !m.changes.is_empty() {
        let c: Vec<&str> = m.changes.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(out, "  change: {}", c.join(", "));
    }
    if let Some(w) = &r.when {
        let _ = writeln!(out, "\nWhen (CEL):\n{}", indent(&w.source));
    }
    for (label, t) in [
        ("Staging says", &r.staging_says),
        ("Prod might say", &r.prod_might_say),
    ] {
        if let Some(t) = t {
            let _ = writeln!(out, "\n{label}:\n{}", indent(t));
        }
    }
    let _ = writeln!(out, "\nExamples:");
    for e in &r.examples {
        let expect = match e.expect {
            Expect::Verdict(v) => v.as_str().to_string(),
            Expect::NoMatch => "no match".to_string(),
        };
        let _ = writeln!(out, "  - {} → {expect}", e.name);
    }
    out
}

fn indent(s: &str) -> String {
    s.trim_end()
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `rules test`: the report text and whether anything failed.
pub fn test(set: &RuleSet, only_user: bool) -> (String, bool) {
    let outcomes = examples::run(set, |r| !only_user || !r.builtin);
    let mut out = String::new();
    let mut failed = 0;
    for o in &outcomes {
        if o.ok {
            let _ = writeln!(out, "ok    {}: {}", o.rule, o.example);
        } else {
            failed += 1;
            let _ = writeln!(
                out,
                "FAIL  {}: {} ({}:{})\n  {}",
                o.rule, o.example, o.source, o.line, o.detail
            );
        }
    }
    for r in set
        .rules
        .iter()
        .filter(|r| r.is_active() && (!only_user || !r.builtin))
    {
        let fires = r
            .examples
            .iter()
            .any(|e| matches!(e.expect, Expect::Verdict(_)));
        let quiet = r.examples.iter().any(|e| e.expect == Expect::NoMatch);
        if !fires || !quiet {
            let _ = writeln!(
                out,
                "warn  {}: needs an example that fires and one that must not ({})",
                r.id, r.source
            );
        }
    }
    let _ = writeln!(
        out,
        "{} examples, {} passed, {} failed",
        outcomes.len(),
        outcomes.len() - failed,
        failed
    );
    (out, failed > 0)
}

//! Reading rule files (the embedded pack and `--rules DIR`s) and validating them like a compiler:
//! every error of every file, each with file, line and field, before anything runs.

use super::cel::Condition;
pub(crate) use super::keys::Shape;
use super::pattern::{PathPattern, TextMatch};
use super::rule::{Example, Expect, Glob, Matcher, Rule, Status};
use super::schema::{OneOrMany, RULE_SHAPE, RawExample, RawMatch, RawRule};
pub(crate) use super::yaml::{Problems, parse_checked};
use crate::error::Error;
use crate::model::{Change, Severity, Verdict};
use serde_saphyr::Spanned;
use std::path::Path;

/// The text of one rule file and where it came from.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// Path shown in errors (`rules/probes/x.yaml`, or the user's path).
    pub file: String,
    /// File stem: the rule id.
    pub stem: String,
    /// Name of the folder holding it.
    pub folder: String,
    /// YAML text.
    pub text: String,
    /// True for the embedded pack.
    pub builtin: bool,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

fn source(file: &str, text: String, builtin: bool) -> RuleSource {
    let p = Path::new(file);
    let name = |o: Option<&std::ffi::OsStr>| o.and_then(|s| s.to_str()).unwrap_or("").to_string();
    RuleSource {
        file: file.to_string(),
        stem: name(p.file_stem()),
        folder: name(p.parent().and_then(Path::file_name)),
        text,
        builtin,
    }
}

/// The embedded built-in pack.
pub fn builtin_sources() -> Vec<RuleSource> {
    embedded::BUILTIN_RULES
        .iter()
        .map(|(file, text)| source(file, text.to_string(), true))
        .collect()
}

/// Every `*.yaml`/`*.yml` under a folder (recursively), sorted; a single file is accepted too.
pub fn dir_sources(dir: &Path) -> Result<Vec<RuleSource>, Error> {
    let shown = dir.display().to_string();
    if !dir.exists() {
        return Err(Error::file(shown, "no such rules folder"));
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::file(&shown, format!("cannot read: {e}")))?;
        let p = entry.path();
        if entry.file_type().is_file()
            && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        {
            paths.push(p.to_path_buf());
        }
    }
    paths
        .into_iter()
        .map(|p| {
            let file = p.display().to_string();
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Error::file(&file, format!("cannot read: {e}")))?;
            Ok(source(&file, text, false))
        })
        .collect()
}

/// Parses and validates one rule file: the rule, or every error found in it.
pub fn parse_rule(src: &RuleSource) -> Result<Rule, Vec<Error>> {
    let mut p = Problems::new(&src.file);
    let Some(raw) = parse_checked::<RawRule>(&src.text, &RULE_SHAPE, &mut p) else {
        return Err(p.errors);
    };
    let rule = match super::precedence::retired_stub(&raw, src, &mut p) {
        Some(stub) => stub,
        None => validate(raw, src, &mut p),
    };
    if p.errors.is_empty() {
        Ok(rule)
    } else {
        p.errors.sort_by_key(|e| match e {
            Error::Input { line, .. } => line.unwrap_or(0),
            _ => 0,
        });
        Err(p.errors)
    }
}

fn line<T>(s: &Spanned<T>) -> u64 {
    s.referenced.line()
}

fn required(f: &Option<Spanned<String>>, name: &str, enabled: bool, p: &mut Problems) -> String {
    match f {
        Some(s) if !s.value.trim().is_empty() => s.value.trim().to_string(),
        Some(s) if enabled => {
            p.at(line(s), name, "must not be empty");
            String::new()
        }
        None if enabled => {
            p.at(0, name, "is required");
            String::new()
        }
        _ => String::new(),
    }
}

fn validate(raw: RawRule, src: &RuleSource, p: &mut Problems) -> Rule {
    let enabled = raw.enabled.unwrap_or(true);
    if let Some(id) = &raw.id
        && id.value != src.stem
    {
        p.at(
            line(id),
            "id",
            format!("`{}` must equal the file name `{}`", id.value, src.stem),
        );
    }
    if !src
        .stem
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        p.at(
            0,
            "id",
            format!("`{}`: use lowercase letters, digits and `-`", src.stem),
        );
    }
    let title = required(&raw.title, "title", enabled, p);
    let category = required(&raw.category, "category", enabled, p);
    if src.builtin && enabled && category != src.folder {
        p.at(
            0,
            "category",
            format!("`{category}` must equal the folder `{}`", src.folder),
        );
    }
    let rationale = required(&raw.rationale, "rationale", enabled, p);
    let verdict = match raw.verdict.as_ref().map(|v| (v.value.as_str(), line(v))) {
        Some(("lie", _)) => Verdict::Lie,
        Some(("cut", _)) => Verdict::Cut,
        Some(("noise", _)) => Verdict::Noise,
        Some((other, l)) => {
            p.at(
                l,
                "verdict",
                format!("`{other}` is not one of lie, cut, noise"),
            );
            Verdict::Unclassified
        }
        None => {
            if enabled {
                p.at(0, "verdict", "is required (lie, cut or noise)");
            }
            Verdict::Unclassified
        }
    };
    let severity = match raw.severity.as_ref().map(|s| (s.value.as_str(), line(s))) {
        Some(("high", _)) => Some(Severity::High),
        Some(("medium", _)) => Some(Severity::Medium),
        Some(("low", _)) => Some(Severity::Low),
        Some((other, l)) => {
            p.at(
                l,
                "severity",
                format!("`{other}` is not one of high, medium, low"),
            );
            None
        }
        None => None,
    };
    if enabled && verdict == Verdict::Lie && severity.is_none() && raw.severity.is_none() {
        let at = raw.verdict.as_ref().map(line).unwrap_or(0);
        p.at(
            at,
            "severity",
            "a lie needs a severity (high, medium or low)",
        );
    }
    if let Some(s) = &raw.severity
        && matches!(verdict, Verdict::Cut | Verdict::Noise)
    {
        p.at(line(s), "severity", "only lies have a severity");
    }
    let status = match raw.status.as_ref().map(|s| (s.value.as_str(), line(s))) {
        None | Some(("stable", _)) => Status::Stable,
        Some(("preview", _)) => Status::Preview,
        Some(("retired", l)) => {
            p.at(l, "status", "a retired rule needs `replaced_by: ID`");
            Status::Stable
        }
        Some((other, l)) => {
            p.at(
                l,
                "status",
                format!("`{other}` is not one of stable, preview, retired"),
            );
            Status::Stable
        }
    };
    let matcher = match &raw.match_ {
        Some(m) => matcher(&m.value, line(m), p),
        None => {
            if enabled {
                p.at(0, "match", "is required");
            }
            Matcher::default()
        }
    };
    let when = raw
        .when
        .as_ref()
        .and_then(|w| match Condition::compile(&w.value) {
            Ok(c) => Some(c),
            Err(e) => {
                p.at(line(w), "when", e);
                None
            }
        });
    for (field, t) in [
        ("staging_says", &raw.staging_says),
        ("prod_might_say", &raw.prod_might_say),
    ] {
        if let Some(t) = t
            && let Err(e) = super::template::check(&t.value)
        {
            p.at(line(t), field, e);
        }
    }
    let examples = raw
        .examples
        .iter()
        .enumerate()
        .filter_map(|(i, e)| example(&e.value, line(e), i, p))
        .collect();
    let (overrides, overrides_line) =
        super::precedence::overrides(&raw.overrides, &raw.replaced_by, p);
    Rule {
        id: src.stem.clone(),
        title,
        category,
        verdict,
        severity,
        status,
        enabled,
        matcher,
        when,
        staging_says: raw.staging_says.map(|s| s.value),
        prod_might_say: raw.prod_might_say.map(|s| s.value),
        rationale,
        examples,
        source: src.file.clone(),
        builtin: src.builtin,
        overrides,
        overrides_line,
        replaced_by: None,
    }
}

fn globs(f: &Option<Spanned<OneOrMany>>, field: &str, p: &mut Problems) -> Vec<Glob> {
    let Some(list) = f else { return Vec::new() };
    let mut out = Vec::new();
    for text in &list.value.0 {
        match TextMatch::new(text) {
            Ok(matcher) => out.push(Glob {
                text: text.clone(),
                matcher,
            }),
            Err(e) => p.at(line(list), field, e),
        }
    }
    out
}

fn matcher(m: &RawMatch, at: u64, p: &mut Problems) -> Matcher {
    let mut paths = Vec::new();
    if let Some(list) = &m.path {
        for text in &list.value.0 {
            match PathPattern::parse(text) {
                Ok(pat) => paths.push(pat),
                Err(e) => p.at(line(list), "match.path", format!("`{text}`: {e}")),
            }
        }
    }
    let mut changes = Vec::new();
    if let Some(list) = &m.change {
        for c in &list.value.0 {
            match c.as_str() {
                "changed" => changes.push(Change::Changed),
                "only_in_staging" => changes.push(Change::OnlyInStaging),
                "only_in_prod" => changes.push(Change::OnlyInProd),
                other => p.at(
                    line(list),
                    "match.change",
                    format!("`{other}` is not one of changed, only_in_staging, only_in_prod"),
                ),
            }
        }
    }
    let object = m.object.unwrap_or(false);
    if m.path.is_none() && !object {
        p.at(
            at,
            "match",
            "needs `path` (fields or cluster facts) or `object: true` (whole objects)",
        );
    }
    Matcher {
        kinds: globs(&m.kinds, "match.kinds", p),
        names: globs(&m.names, "match.names", p),
        namespaces: globs(&m.namespaces, "match.namespaces", p),
        paths,
        object,
        changes,
    }
}

fn example(e: &RawExample, at: u64, i: usize, p: &mut Problems) -> Option<Example> {
    let field = format!("examples[{i}].expect");
    let expect = match e.expect.value.as_str() {
        "lie" => Expect::Verdict(Verdict::Lie),
        "cut" => Expect::Verdict(Verdict::Cut),
        "noise" => Expect::Verdict(Verdict::Noise),
        "none" => Expect::NoMatch,
        other => {
            p.at(
                line(&e.expect),
                &field,
                format!("`{other}` is not one of lie, cut, noise, none"),
            );
            return None;
        }
    };
    if e.staging.is_empty() && e.prod.is_empty() && e.facts.is_none() {
        p.at(
            at,
            &format!("examples[{i}]"),
            "needs `staging`, `prod` or `facts`",
        );
        return None;
    }
    let facts = e.facts.as_ref();
    Some(Example {
        name: e
            .name
            .clone()
            .unwrap_or_else(|| format!("example {}", i + 1)),
        line: at,
        expect,
        path: e.path.clone(),
        staging: e.staging.clone(),
        prod: e.prod.clone(),
        facts: (
            facts.and_then(|f| f.staging.clone()),
            facts.and_then(|f| f.prod.clone()),
        ),
    })
}

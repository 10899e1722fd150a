//! Waivers: findings accepted on purpose, by rule id, finding id and/or object and path, each
//! with an owner, a reason and a UTC expiry date. Expired waivers no longer apply; they and the
//! waivers that matched nothing are listed in the report.

use super::RuleSet;
use super::keys::Shape;
use super::load::{Problems, parse_checked};
use super::pattern::PathPattern;
use super::precedence::did_you_mean;
use crate::error::Error;
use crate::model::{Finding, Verdict, WaiverEntry, WaiverRef, WaiverSummary};
use globset::GlobMatcher;
use serde::Deserialize;
use serde_saphyr::Spanned;
use time::Date;

const WAIVER_SHAPE: Shape = Shape::Map(&[
    ("rule", Shape::Any),
    ("finding", Shape::Any),
    ("object", Shape::Any),
    ("path", Shape::Any),
    ("reason", Shape::Any),
    ("owner", Shape::Any),
    ("expires", Shape::Any),
]);
const FILE_SHAPE: Shape = Shape::Map(&[("waivers", Shape::List(&WAIVER_SHAPE))]);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Option<String>,
    finding: Option<String>,
    object: Option<String>,
    path: Option<String>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

/// One validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    entry: WaiverEntry,
    /// File and line, for errors about it.
    file: String,
    line: u64,
    /// The rule id it matches: as written, or a retired rule's successor.
    rule: Option<String>,
    object: Option<GlobMatcher>,
    path: Option<PathPattern>,
    expires: Date,
}

/// A waivers file, validated.
#[derive(Debug, Clone, Default)]
pub struct Waivers {
    list: Vec<Waiver>,
}

impl Waivers {
    /// Reads and validates a waivers file: every error at once, with line and field.
    pub fn load(path: &std::path::Path) -> Result<Waivers, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::file(&file, format!("cannot read: {e}")))?;
        Self::parse(&file, &text)
    }

    /// Validates the text of a waivers file.
    pub fn parse(file: &str, text: &str) -> Result<Waivers, Error> {
        let mut p = Problems::new(file);
        let raw = parse_checked::<RawFile>(text, &FILE_SHAPE, &mut p);
        let mut list = Vec::new();
        for (i, w) in raw
            .map(|r| r.waivers)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let line = w.referenced.line();
            let w = w.value;
            let field = |f: &str| format!("waivers[{i}].{f}");
            if w.rule.is_none() && w.finding.is_none() && w.object.is_none() && w.path.is_none() {
                p.at(
                    line,
                    &format!("waivers[{i}]"),
                    "needs a selector: rule, finding, object and/or path",
                );
            }
            let mut text_of = |f: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => t.to_string(),
                _ => {
                    p.at(line, &field(f), "is required");
                    String::new()
                }
            };
            let owner = text_of("owner", &w.owner);
            let reason = text_of("reason", &w.reason);
            let expires_text = text_of("expires", &w.expires);
            let expires = crate::clock::parse_date(&expires_text);
            if expires.is_none() && !expires_text.is_empty() {
                p.at(
                    line,
                    &field("expires"),
                    format!("`{expires_text}` is not a date (YYYY-MM-DD, UTC)"),
                );
            }
            let object = w.object.as_deref().and_then(|o| {
                globset::GlobBuilder::new(o)
                    .literal_separator(false)
                    .build()
                    .map(|g| g.compile_matcher())
                    .map_err(|e| {
                        p.at(
                            line,
                            &field("object"),
                            format!("bad glob `{o}`: {}", e.kind()),
                        )
                    })
                    .ok()
            });
            let path = w.path.as_deref().and_then(|t| {
                PathPattern::parse(t)
                    .map_err(|e| p.at(line, &field("path"), format!("`{t}`: {e}")))
                    .ok()
            });
            if let Some(expires) = expires {
                list.push(Waiver {
                    file: file.to_string(),
                    line,
                    rule: w.rule.clone(),
                    entry: WaiverEntry {
                        source: format!("{file}:{line}"),
                        rule: w.rule,
                        finding: w.finding,
                        object: w.object,
                        path: w.path,
                        owner,
                        reason,
                        expires: expires_text,
                    },
                    object,
                    path,
                    expires,
                });
            }
        }
        if p.errors.is_empty() {
            Ok(Waivers { list })
        } else {
            Err(Error::Many(p.errors))
        }
    }

    /// Checks every waiver's rule id against the loaded rules. An unknown id is an error (with
    /// file, line and a did-you-mean; all of them at once); a retired id is followed to its
    /// successor and a disabled one kept, each with a warning (returned, one line each).
    pub fn check_rules(&mut self, set: &RuleSet) -> Result<Vec<String>, Error> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for w in &mut self.list {
            let Some(id) = w.entry.rule.clone() else {
                continue;
            };
            let at = format!("{}:{}", w.file, w.line);
            match set.get(&id) {
                None => errors.push(Error::input(
                    &w.file,
                    Some(w.line),
                    None,
                    format!(
                        "`rule`: no rule `{id}`{}",
                        did_you_mean(&id, set.rules.iter().map(|r| &r.id))
                    ),
                )),
                Some(r) if r.replaced_by.is_some() => match set.resolve(&id) {
                    Some(next) => {
                        warnings.push(format!(
                            "{at}: waiver names the retired rule `{id}`; it now applies to its successor `{}`",
                            next.id
                        ));
                        w.rule = Some(next.id.clone());
                    }
                    None => errors.push(Error::input(
                        &w.file,
                        Some(w.line),
                        None,
                        format!("`rule`: the retired rule `{id}` leads to no rule that runs"),
                    )),
                },
                Some(r) if !r.enabled => warnings.push(format!(
                    "{at}: waiver names the disabled rule `{id}`, which judges nothing: it matches no finding"
                )),
                Some(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(warnings)
        } else {
            Err(Error::Many(errors))
        }
    }

    /// Number of waivers.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when the file held none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Applies the waivers valid `today` to the findings (noise is never waived); reports the
    /// expired ones and the valid ones that matched nothing.
    pub fn apply(&self, findings: &mut [Finding], today: Date) -> WaiverSummary {
        let mut summary = WaiverSummary::default();
        for w in &self.list {
            if w.expires < today {
                summary.expired.push(w.entry.clone());
                continue;
            }
            let mut hit = false;
            for f in findings.iter_mut() {
                if matches!(f.verdict, Verdict::Noise) || !w.selects(f) {
                    continue;
                }
                hit = true;
                if f.verdict != Verdict::Waived {
                    f.waived_verdict = Some(f.verdict);
                    f.verdict = Verdict::Waived;
                    f.waiver = Some(WaiverRef {
                        owner: w.entry.owner.clone(),
                        reason: w.entry.reason.clone(),
                        expires: w.entry.expires.clone(),
                    });
                }
            }
            if !hit {
                summary.unmatched.push(w.entry.clone());
            }
        }
        summary.expired.sort();
        summary.unmatched.sort();
        summary
    }
}

impl Waiver {
    fn selects(&self, f: &Finding) -> bool {
        let e = &self.entry;
        if self
            .rule
            .as_ref()
            .is_some_and(|r| f.rule.as_ref() != Some(r))
        {
            return false;
        }
        if e.finding.as_ref().is_some_and(|id| *id != f.id) {
            return false;
        }
        if let Some(g) = &self.object {
            let shown = |k: &crate::model::ObjectKey| k.to_string();
            let ok = match (&f.object, &f.staging_object) {
                (None, _) => g.is_match("cluster"),
                (Some(k), s) => {
                    g.is_match(shown(k)) || s.as_ref().is_some_and(|s| g.is_match(shown(s)))
                }
            };
            if !ok {
                return false;
            }
        }
        if let Some(p) = &self.path
            && !f.path.as_ref().is_some_and(|s| p.matches(s.segments()))
        {
            return false;
        }
        true
    }
}

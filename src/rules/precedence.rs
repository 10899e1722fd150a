//! Which rule speaks for a difference when several match, and how rule ids stay stable.
//!
//! - **Tiers**: a user rule (from `--rules` or the config's folders) outranks every built-in
//!   rule, so a team's `noise` rule silences a built-in lie.
//! - **Overrides**: any rule may declare `overrides: [ids]`; a matching rule it overrides never
//!   wins over it.
//! - **Strength** within a tier: lie > cut > noise, high > medium > low; ties go to the id first
//!   in alphabetical order.
//! - **Retired rules**: a merged or renamed rule stays as a stub (`status: retired`,
//!   `replaced_by: NEW`) that never runs. Waivers and `overrides` naming it mean its successor; a
//!   user file of its id (a replacement or `enabled: false`) acts on the successor too.

use super::Rule;
use super::load::Problems;
use super::rule::{Matcher, Status};
use super::schema::{OneOrMany, RawRule};
use crate::error::Error;
use crate::model::Verdict;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};

/// A `status: retired` file as a rule that never runs; `None` for any other file.
pub(crate) fn retired_stub(
    raw: &RawRule,
    src: &super::load::RuleSource,
    p: &mut Problems,
) -> Option<Rule> {
    let status = raw.status.as_ref()?;
    if status.value != "retired" {
        return None;
    }
    let Some(next) = &raw.replaced_by else {
        p.at(
            status.referenced.line(),
            "status",
            "a retired rule needs `replaced_by: ID`",
        );
        return None;
    };
    if next.value == src.stem {
        p.at(
            next.referenced.line(),
            "replaced_by",
            "a rule cannot replace itself",
        );
    }
    let line = |s: &Option<Spanned<_>>| s.as_ref().map(|s: &Spanned<_>| s.referenced.line());
    for (field, at) in [
        ("match", raw.match_.as_ref().map(|m| m.referenced.line())),
        ("when", line(&raw.when)),
        ("verdict", line(&raw.verdict)),
    ] {
        if let Some(at) = at {
            p.at(at, field, "a retired rule does not run: remove it");
        }
    }
    Some(Rule {
        id: src.stem.clone(),
        title: raw
            .title
            .as_ref()
            .map(|t| t.value.trim().to_string())
            .unwrap_or_else(|| format!("Retired: see {}", next.value)),
        category: raw
            .category
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_else(|| src.folder.clone()),
        verdict: Verdict::Noise,
        severity: None,
        status: Status::Retired,
        enabled: raw.enabled.unwrap_or(true),
        matcher: Matcher::default(),
        when: None,
        staging_says: None,
        prod_might_say: None,
        rationale: raw
            .rationale
            .as_ref()
            .map(|r| r.value.clone())
            .unwrap_or_default(),
        examples: Vec::new(),
        source: src.file.clone(),
        builtin: src.builtin,
        overrides: Vec::new(),
        overrides_line: 0,
        replaced_by: Some(next.value.clone()),
    })
}

/// The `overrides` list as written, and its line; `replaced_by` on a rule that is not retired
/// is an error.
pub(crate) fn overrides(
    raw: &Option<Spanned<OneOrMany>>,
    replaced_by: &Option<Spanned<String>>,
    p: &mut Problems,
) -> (Vec<String>, u64) {
    if let Some(r) = replaced_by {
        p.at(
            r.referenced.line(),
            "replaced_by",
            "only a retired rule (`status: retired`) names a successor",
        );
    }
    match raw {
        Some(list) => (list.value.0.clone(), list.referenced.line()),
        None => (Vec::new(), 0),
    }
}

/// Where a retired id leads: its successor's successor… until a rule that runs. `None` when the
/// chain loops or ends at an unknown id.
pub(crate) fn successor<'a>(by_id: &'a BTreeMap<String, Rule>, id: &str) -> Option<&'a Rule> {
    let mut seen = BTreeSet::new();
    let mut at = by_id.get(id)?;
    while let Some(next) = &at.replaced_by {
        if !seen.insert(at.id.clone()) {
            return None;
        }
        at = by_id.get(next)?;
    }
    Some(at)
}

/// Checks redirects and overrides once every rule is known, and carries a user file's intent
/// over to the successor of the retired built-in it replaced (`replaced` lists those ids).
pub(crate) fn link(
    by_id: &mut BTreeMap<String, Rule>,
    replaced_retired: &[(String, String)],
) -> Vec<Error> {
    let mut errors = Vec::new();
    for r in by_id.values() {
        if let Some(next) = &r.replaced_by
            && successor(by_id, &r.id).is_none()
        {
            errors.push(Error::file(
                &r.source,
                format!("`replaced_by`: `{next}` is no rule that runs (unknown id or a loop)"),
            ));
        }
        for o in &r.overrides {
            if !by_id.contains_key(o) {
                errors.push(Error::input(
                    &r.source,
                    (r.overrides_line > 0).then_some(r.overrides_line),
                    None,
                    format!(
                        "`overrides`: no rule `{o}`{}",
                        did_you_mean(o, by_id.keys())
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    // Overrides naming a retired rule mean its successor.
    let redirects: BTreeMap<String, String> = by_id
        .values()
        .filter(|r| r.replaced_by.is_some())
        .filter_map(|r| Some((r.id.clone(), successor(by_id, &r.id)?.id.clone())))
        .collect();
    for r in by_id.values_mut() {
        for o in &mut r.overrides {
            if let Some(next) = redirects.get(o) {
                o.clone_from(next);
            }
        }
    }
    // A user file replacing a retired built-in: a rule outranks the successor, `enabled:
    // false` switches the successor off.
    for (user_id, retired_next) in replaced_retired {
        let Some(next) = successor(by_id, retired_next).map(|r| r.id.clone()) else {
            continue;
        };
        let disabled = by_id.get(user_id).is_some_and(|u| !u.enabled);
        if disabled {
            if let Some(s) = by_id.get_mut(&next) {
                s.enabled = false;
            }
        } else if let Some(u) = by_id.get_mut(user_id)
            && !u.overrides.contains(&next)
        {
            u.overrides.push(next);
        }
    }
    errors
}

/// `; did you mean `x`?` for the closest of `ids`, or nothing.
pub(crate) fn did_you_mean<'a>(id: &str, ids: impl Iterator<Item = &'a String>) -> String {
    super::keys::closest(id, ids.map(String::as_str))
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Orders the rules that matched one difference: the first one wins. Rules overridden by
/// another matching rule come last, then built-ins after user rules, then by strength and id.
pub(crate) fn rank<T>(matched: &mut [(&Rule, T)]) {
    let overridden: BTreeSet<String> = matched
        .iter()
        .flat_map(|(r, _)| r.overrides.iter().cloned())
        .collect();
    matched.sort_by(|a, b| key(a.0, &overridden).cmp(&key(b.0, &overridden)));
}

fn key<'r>(r: &'r Rule, overridden: &BTreeSet<String>) -> (bool, bool, (u8, u8), &'r str) {
    (overridden.contains(&r.id), r.builtin, r.strength(), &r.id)
}

/// True when the winner's verdict comes from preview rules only: among the rules that could
/// have won (same tier, not overridden) and give the winner's verdict, none is stable.
pub(crate) fn preview_only<T>(ranked: &[(&Rule, T)]) -> bool {
    let Some((winner, _)) = ranked.first() else {
        return false;
    };
    let overridden: BTreeSet<&String> = ranked.iter().flat_map(|(r, _)| &r.overrides).collect();
    ranked
        .iter()
        .filter(|(r, _)| {
            r.verdict == winner.verdict
                && r.builtin == winner.builtin
                && overridden.contains(&r.id) == overridden.contains(&winner.id)
        })
        .all(|(r, _)| r.status == Status::Preview)
}

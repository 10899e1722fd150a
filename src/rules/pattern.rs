//! The patterns rules and waivers match field paths ([`crate::model::FieldPath`]) with.
//!
//! A path reads `spec.template.spec.containers[name=api].env[name=URL].value`,
//! `metadata.labels["app.kubernetes.io/name"]` or `rules[0]`. A pattern uses the same syntax plus
//! wildcards: `*` inside a key or item value (`*Probe`, `[name=*]`, `{readiness,liveness}Probe`),
//! `[*]` for any list item, and `**` for any number of segments (`**.containers[*].image`).

use crate::model::path::{Segment, parse_segments};
use globset::{GlobBuilder, GlobMatcher};

/// One step of a pattern.
#[derive(Debug, Clone)]
enum PatSeg {
    /// Any number of segments, including none.
    Any,
    /// A key matching a glob.
    Key(TextMatch),
    /// An item: field glob and value glob.
    Item(TextMatch, TextMatch),
    /// Any list item, keyed or not.
    AnyItem,
    /// An exact index.
    Index(usize),
}

/// A compiled path pattern.
#[derive(Debug, Clone)]
pub struct PathPattern {
    text: String,
    segs: Vec<PatSeg>,
    /// True when the pattern starts with the literal key `cluster`: it matches cluster facts.
    pub facts: bool,
}

/// A glob, or plain text when it has no wildcard. `*`, `?` and `{a,b}` are matched here
/// directly; only character classes (`[a-z]`) and escapes need a compiled glob (a regex, slow to
/// build hundreds of times at start-up).
#[derive(Debug, Clone)]
pub enum TextMatch {
    /// Exact text.
    Literal(String),
    /// Any of these `*`/`?` patterns (braces expanded).
    Wild(Vec<String>),
    /// A compiled glob.
    Glob(GlobMatcher),
}

impl TextMatch {
    /// Compiles `text`.
    pub fn new(text: &str) -> Result<TextMatch, String> {
        if !text.contains(['*', '?', '[', ']', '{', '}', '\\']) {
            return Ok(TextMatch::Literal(text.to_string()));
        }
        if !text.contains(['[', ']', '\\'])
            && let Some(alts) = expand_braces(text)
        {
            return Ok(TextMatch::Wild(alts));
        }
        GlobBuilder::new(text)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map(|g| TextMatch::Glob(g.compile_matcher()))
            .map_err(|e| format!("bad glob `{text}`: {}", e.kind()))
    }

    /// Does the text match?
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            TextMatch::Literal(l) => l == s,
            TextMatch::Wild(alts) => alts.iter().any(|a| wild(a.as_bytes(), s.as_bytes())),
            TextMatch::Glob(g) => g.is_match(s),
        }
    }
}

/// Expands non-nested `{a,b}` groups: `{x,y}P{1,2}` → xP1, xP2, yP1, yP2. `None` when the
/// braces are unbalanced or nested (left to globset, which reports the error).
fn expand_braces(text: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        if rest[open + 1..close].contains('{') {
            return None;
        }
        let prefix = &rest[..open];
        if prefix.contains('}') {
            return None;
        }
        let alts: Vec<&str> = rest[open + 1..close].split(',').collect();
        out = out
            .iter()
            .flat_map(|o| alts.iter().map(move |a| format!("{o}{prefix}{a}")))
            .collect();
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return None;
    }
    for o in &mut out {
        o.push_str(rest);
    }
    Some(out)
}

/// `*` (any run) and `?` (any one byte) matching, iterative with backtracking to the last `*`.
fn wild(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn glob(text: &str) -> Result<TextMatch, String> {
    TextMatch::new(text)
}

impl PathPattern {
    /// Compiles a pattern.
    pub fn parse(text: &str) -> Result<PathPattern, String> {
        if text.trim().is_empty() {
            return Err("empty path pattern".into());
        }
        // `[*]` is not a valid path segment: give it a placeholder the path parser accepts.
        let prepared = text.replace("[*]", "[\u{1}=\u{1}]");
        let segs = parse_segments(&prepared)?;
        let mut out = Vec::with_capacity(segs.len());
        for s in &segs {
            out.push(match s {
                Segment::Key(k) if k == "**" => PatSeg::Any,
                Segment::Key(k) => PatSeg::Key(glob(k)?),
                Segment::Item { field, value } if field == "\u{1}" && value == "\u{1}" => {
                    PatSeg::AnyItem
                }
                Segment::Item { field, value } => PatSeg::Item(glob(field)?, glob(value)?),
                Segment::Index(n) => PatSeg::Index(*n),
            });
        }
        let facts = matches!(segs.first(), Some(Segment::Key(k)) if k == "cluster");
        Ok(PathPattern {
            text: text.to_string(),
            segs: out,
            facts,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Does the whole path match?
    pub fn matches(&self, path: &[Segment]) -> bool {
        match_from(&self.segs, path)
    }
}

fn match_from(pat: &[PatSeg], path: &[Segment]) -> bool {
    let Some((first, rest)) = pat.split_first() else {
        return path.is_empty();
    };
    if let PatSeg::Any = first {
        return (0..=path.len()).any(|skip| match_from(rest, &path[skip..]));
    }
    let Some((seg, path_rest)) = path.split_first() else {
        return false;
    };
    let ok = match (first, seg) {
        (PatSeg::Key(g), Segment::Key(k)) => g.is_match(k),
        (PatSeg::Item(f, v), Segment::Item { field, value }) => {
            f.is_match(field) && v.is_match(value)
        }
        (PatSeg::AnyItem, Segment::Item { .. } | Segment::Index(_)) => true,
        (PatSeg::Index(n), Segment::Index(m)) => n == m,
        _ => false,
    };
    ok && match_from(rest, path_rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        PathPattern::parse(pattern)
            .unwrap()
            .matches(&parse_segments(path).unwrap())
    }

    /// Wildcards: `**` spans segments, `[*]` any item, globs inside keys and item values.
    #[test]
    fn matches_patterns() {
        let path = "spec.template.spec.containers[name=api].readinessProbe.initialDelaySeconds";
        assert!(m(
            "**.containers[*].readinessProbe.initialDelaySeconds",
            path
        ));
        assert!(m("**.containers[name=a*].*Probe.*", path));
        assert!(m("**.{readiness,liveness}Probe.**", path));
        assert!(!m("**.initContainers[*].**", path));
        assert!(!m("**.readinessProbe", path));
        assert!(m(
            r#"metadata.annotations["cert-manager.io/*"]"#,
            r#"metadata.annotations["cert-manager.io/cluster-issuer"]"#
        ));
        assert!(m("rules[*].host", "rules[0].host"));
        assert!(m("cluster.nodes.*", "cluster.nodes.arch"));
        assert!(PathPattern::parse("cluster.**").unwrap().facts);
        assert!(PathPattern::parse("a.[").is_err());
        let t = TextMatch::new("{nginx.ingress.kubernetes.io,traefik.io}/*").unwrap();
        assert!(matches!(t, TextMatch::Wild(_)));
        assert!(t.is_match("traefik.io/router") && !t.is_match("x.io/a"));
        assert!(TextMatch::new("a?c*").unwrap().is_match("abcdef"));
        assert!(TextMatch::new("[ab]x").unwrap().is_match("bx"));
        assert!(TextMatch::new("{a").is_err());
    }
}

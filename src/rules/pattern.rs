//! Structured paths, parsed into segments, and the patterns rules match them with.
//!
//! A path reads `spec.template.spec.containers[name=api].env[name=URL].value`,
//! `metadata.labels["app.kubernetes.io/name"]` or `rules[0]`. A pattern uses the same syntax plus
//! wildcards: `*` inside a key or item value (`*Probe`, `[name=*]`, `{readiness,liveness}Probe`),
//! `[*]` for any list item, and `**` for any number of segments (`**.containers[*].image`).

use globset::{GlobBuilder, GlobMatcher};

/// One step of a structured path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A map key.
    Key(String),
    /// A keyed list item `[field=value]`.
    Item(String, String),
    /// An unkeyed list item `[N]`.
    Index(usize),
}

impl Segment {
    /// The key this step names: the map key, or the item's key value.
    pub fn name(&self) -> Option<&str> {
        match self {
            Segment::Key(k) => Some(k),
            Segment::Item(_, v) => Some(v),
            Segment::Index(_) => None,
        }
    }
}

/// Parses a structured path (as the diff writes it) into segments.
pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' if !out.is_empty() => i += 1,
            b'[' => {
                let (seg, next) = bracket(path, i)?;
                out.push(seg);
                i = next;
            }
            _ => {
                let end = path[i..]
                    .find(['.', '['])
                    .map(|n| i + n)
                    .unwrap_or(path.len());
                if end == i {
                    return Err(format!("empty key at offset {i}"));
                }
                out.push(Segment::Key(path[i..end].to_string()));
                i = end;
            }
        }
    }
    Ok(out)
}

/// Renders segments back to a structured path (the diff's own spelling).
pub fn render_path(segs: &[Segment]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Segment::Key(k) if is_plain(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Key(k) => {
                out.push('[');
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(']');
            }
            Segment::Item(f, v) => out.push_str(&format!("[{f}={v}]")),
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$')
}

/// Parses `[…]` starting at `start`; returns the segment and the offset after `]`.
fn bracket(path: &str, start: usize) -> Result<(Segment, usize), String> {
    let rest = &path[start + 1..];
    if rest.starts_with('"') {
        let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let key = match de.next() {
            Some(Ok(k)) => k,
            _ => return Err(format!("unterminated quoted key at offset {start}")),
        };
        let after = start + 1 + de.byte_offset();
        if path.as_bytes().get(after) != Some(&b']') {
            return Err(format!("expected `]` at offset {after}"));
        }
        return Ok((Segment::Key(key), after + 1));
    }
    let close = rest
        .find(']')
        .ok_or_else(|| format!("unclosed `[` at offset {start}"))?;
    let inner = &rest[..close];
    let seg = if let Ok(n) = inner.parse::<usize>() {
        Segment::Index(n)
    } else if let Some((f, v)) = inner.split_once('=') {
        Segment::Item(f.to_string(), v.to_string())
    } else {
        return Err(format!(
            "`[{inner}]` is neither [N], [field=value] nor [\"key\"]"
        ));
    };
    Ok((seg, start + 1 + close + 1))
}

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
        let segs = parse_path(&prepared)?;
        let mut out = Vec::with_capacity(segs.len());
        for s in &segs {
            out.push(match s {
                Segment::Key(k) if k == "**" => PatSeg::Any,
                Segment::Key(k) => PatSeg::Key(glob(k)?),
                Segment::Item(f, v) if f == "\u{1}" && v == "\u{1}" => PatSeg::AnyItem,
                Segment::Item(f, v) => PatSeg::Item(glob(f)?, glob(v)?),
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
        (PatSeg::Item(f, v), Segment::Item(pf, pv)) => f.is_match(pf) && v.is_match(pv),
        (PatSeg::AnyItem, Segment::Item(..) | Segment::Index(_)) => true,
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
            .matches(&parse_path(path).unwrap())
    }

    /// Paths parse into keys, keyed items, indexes and quoted keys.
    #[test]
    fn parses_paths() {
        let p = parse_path(r#"spec.containers[name=api].env[name=URL].value"#).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(p[2], Segment::Item("name".into(), "api".into()));
        let q = parse_path(r#"metadata.labels["app.kubernetes.io/name"]"#).unwrap();
        assert_eq!(q[2], Segment::Key("app.kubernetes.io/name".into()));
        assert_eq!(parse_path("rules[0].host").unwrap()[1], Segment::Index(0));
        assert!(parse_path("a[").is_err());
        for text in [
            r#"spec.containers[name=api].env[name=URL].value"#,
            r#"metadata.labels["app.kubernetes.io/name"]"#,
            "rules[0].host",
        ] {
            assert_eq!(render_path(&parse_path(text).unwrap()), text);
        }
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

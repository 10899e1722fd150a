//! Field paths: where a difference sits inside an object, as typed segments. The diff produces
//! each path once; rules, waivers and renderers read its segments or its text, and nothing parses
//! it back. The text is the contract users see and write waivers against:
//!
//! `spec.template.spec.containers[name=api].env[name=URL].value`,
//! `metadata.labels["app.kubernetes.io/name"]` (keys that are not plain are quoted as JSON
//! strings), `rules[0]` (unkeyed list items by position), `cluster.nodes.arch` (cluster facts).
//!
//! New kinds of segment (a path into a file embedded in a value; a list item whose staging key
//! differs from prod's) are new [`Segment`] variants with their own spelling in [`render`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A map key.
    Key(String),
    /// A keyed list item `[field=value]` (a container by `name`, a port by `containerPort`…).
    Item {
        /// The item field that keys the list.
        field: String,
        /// Its value for this item.
        value: String,
    },
    /// An unkeyed list item `[N]`.
    Index(usize),
}

impl Segment {
    /// A keyed list item.
    pub fn item(field: impl Into<String>, value: impl Into<String>) -> Segment {
        Segment::Item {
            field: field.into(),
            value: value.into(),
        }
    }

    /// The name this step gives: the map key, or the item's key value (`None` for an index).
    pub fn name(&self) -> Option<&str> {
        match self {
            Segment::Key(k) => Some(k),
            Segment::Item { value, .. } => Some(value),
            Segment::Index(_) => None,
        }
    }
}

/// A path inside an object: its segments and their text, built together once.
#[derive(Debug, Clone, Default)]
pub struct FieldPath {
    segments: Vec<Segment>,
    text: String,
}

/// Keys spelled bare (`spec.replicas`); others are quoted (`["app.kubernetes.io/name"]`).
pub fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$')
}

/// Appends one segment's spelling to a path's text.
pub fn render(out: &mut String, seg: &Segment) {
    match seg {
        Segment::Key(k) if is_plain_key(k) => {
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
        Segment::Item { field, value } => {
            out.push('[');
            out.push_str(field);
            out.push('=');
            out.push_str(value);
            out.push(']');
        }
        Segment::Index(i) => {
            out.push('[');
            out.push_str(&i.to_string());
            out.push(']');
        }
    }
}

impl FieldPath {
    /// The path of these segments.
    pub fn new(segments: Vec<Segment>) -> FieldPath {
        let mut text = String::new();
        for s in &segments {
            render(&mut text, s);
        }
        FieldPath { segments, text }
    }

    /// A path whose segments and text were built together (the diff's path builder).
    pub(crate) fn from_parts(segments: Vec<Segment>, text: String) -> FieldPath {
        debug_assert_eq!(FieldPath::new(segments.clone()).text, text);
        FieldPath { segments, text }
    }

    /// Parses a path's text: for paths a person wrote (rule patterns, waivers) and stored runs,
    /// never for paths the diff produced.
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        Ok(FieldPath {
            segments: parse_segments(text)?,
            text: text.to_string(),
        })
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The text, as reports show it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The last segment.
    pub fn last(&self) -> Option<&Segment> {
        self.segments.last()
    }

    /// This path with one more segment.
    pub fn child(&self, seg: Segment) -> FieldPath {
        let mut p = self.clone();
        render(&mut p.text, &seg);
        p.segments.push(seg);
        p
    }
}

impl std::ops::Deref for FieldPath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for FieldPath {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for FieldPath {}

impl std::hash::Hash for FieldPath {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.text.hash(h);
    }
}

/// Paths sort by their text: the order reports have always used.
impl Ord for FieldPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl PartialOrd for FieldPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        FieldPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Parses a path's text into segments (also the base of rule path patterns).
pub fn parse_segments(path: &str) -> Result<Vec<Segment>, String> {
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
    // An item value may itself hold `]` (a mount path): the item ends at the first `]` that
    // ends the path or starts the next segment.
    let close = rest
        .match_indices(']')
        .map(|(i, _)| i)
        .find(|&i| matches!(rest.as_bytes().get(i + 1), None | Some(b'.' | b'[')))
        .or_else(|| rest.find(']'))
        .ok_or_else(|| format!("unclosed `[` at offset {start}"))?;
    let inner = &rest[..close];
    let seg = if let Ok(n) = inner.parse::<usize>() {
        Segment::Index(n)
    } else if let Some((f, v)) = inner.split_once('=') {
        Segment::item(f, v)
    } else {
        return Err(format!(
            "`[{inner}]` is neither [N], [field=value] nor [\"key\"]"
        ));
    };
    Ok((seg, start + 1 + close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys, keyed items, indexes and quoted keys render as the reports always wrote them and
    /// parse back to the same segments.
    #[test]
    fn renders_and_parses() {
        let p = FieldPath::new(vec![
            Segment::Key("spec".into()),
            Segment::Key("containers".into()),
            Segment::item("name", "api"),
            Segment::Key("env".into()),
            Segment::item("name", "URL"),
            Segment::Key("value".into()),
        ]);
        assert_eq!(p.as_str(), "spec.containers[name=api].env[name=URL].value");
        let q = FieldPath::new(vec![
            Segment::Key("metadata".into()),
            Segment::Key("labels".into()),
            Segment::Key("app.kubernetes.io/name".into()),
        ]);
        assert_eq!(q.as_str(), r#"metadata.labels["app.kubernetes.io/name"]"#);
        for text in [
            p.as_str(),
            q.as_str(),
            "rules[0].host",
            "spec.volumeMounts[mountPath=/data]x].readOnly",
            r#"data["a \"quoted\" key"]"#,
        ] {
            let parsed = FieldPath::parse(text).unwrap();
            assert_eq!(FieldPath::new(parsed.segments().to_vec()).as_str(), text);
        }
        assert_eq!(
            FieldPath::parse("rules[0]").unwrap().last(),
            Some(&Segment::Index(0))
        );
        assert!(FieldPath::parse("a[").is_err());
        assert_eq!(
            p.child(Segment::Index(2)).as_str(),
            format!("{}[2]", p.as_str())
        );
    }

    /// Paths order, compare and serialize by their text.
    #[test]
    fn orders_and_serializes_as_text() {
        let a = FieldPath::parse("metadata.labels.x").unwrap();
        let b = FieldPath::parse(r#"metadata.labels["a.b"]"#).unwrap();
        assert!(a < b, "'.' sorts before '['");
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#""metadata.labels[\"a.b\"]""#
        );
        let back: FieldPath = serde_json::from_str(r#""spec.replicas""#).unwrap();
        assert_eq!(back.segments().len(), 2);
    }
}

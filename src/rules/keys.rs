//! A first pass over a YAML document that knows only its shape: every key with its line, so that
//! *all* unknown fields of a file are reported at once (serde stops at the first one).

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// The expected shape of a document: which keys a map may hold.
#[derive(Debug)]
pub(crate) enum Shape {
    /// A map with exactly these keys allowed (each with its own shape).
    Map(&'static [(&'static str, Shape)]),
    /// A list whose items have this shape.
    List(&'static Shape),
    /// Anything (values, free-form objects).
    Any,
}

impl Shape {
    /// The allowed keys of a map shape.
    pub fn keys(&self) -> Vec<&'static str> {
        match self {
            Shape::Map(fields) => fields.iter().map(|(k, _)| *k).collect(),
            _ => Vec::new(),
        }
    }
}

/// A YAML node with the line it starts on.
#[derive(Debug)]
pub(crate) struct Node {
    line: u64,
    kind: NodeKind,
}

#[derive(Debug)]
enum NodeKind {
    Map(Vec<(Spanned<KeyText>, Node)>),
    Seq(Vec<Node>),
    Scalar,
}

/// A map key rendered as text.
#[derive(Debug)]
struct KeyText(String);

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<NodeKind>::deserialize(d)?;
        Ok(Node {
            line: s.referenced.line(),
            kind: s.value,
        })
    }
}

struct KindVisitor;

macro_rules! scalar {
    ($($f:ident: $t:ty),*) => {$(
        fn $f<E: de::Error>(self, _: $t) -> Result<NodeKind, E> { Ok(NodeKind::Scalar) }
    )*};
}

impl<'de> Visitor<'de> for KindVisitor {
    type Value = NodeKind;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
    fn visit_unit<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Scalar)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Scalar)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<NodeKind, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = m.next_key::<Spanned<KeyText>>()? {
            out.push((k, m.next_value::<Node>()?));
        }
        Ok(NodeKind::Map(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<NodeKind, A::Error> {
        let mut out = Vec::new();
        while let Some(n) = s.next_element::<Node>()? {
            out.push(n);
        }
        Ok(NodeKind::Seq(out))
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar map key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An unknown or misplaced key: its line and the message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct KeyError {
    /// 1-based line.
    pub line: u64,
    /// Dotted field path, e.g. `match.kind`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Every key of `node` that `shape` does not allow, in document order.
pub(crate) fn check(node: &Node, shape: &Shape) -> Vec<KeyError> {
    let mut out = Vec::new();
    walk(node, shape, "", &mut out);
    out
}

fn walk(node: &Node, shape: &Shape, at: &str, out: &mut Vec<KeyError>) {
    match (shape, &node.kind) {
        (Shape::Map(fields), NodeKind::Map(entries)) => {
            for (k, v) in entries {
                let name = &k.value.0;
                let field = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                match fields.iter().find(|(f, _)| f == name) {
                    Some((_, sub)) => walk(v, sub, &field, out),
                    None => out.push(KeyError {
                        line: k.referenced.line(),
                        field,
                        message: unknown_message(name, shape),
                    }),
                }
            }
        }
        (Shape::Map(_), NodeKind::Seq(_) | NodeKind::Scalar) if node.line > 0 => {
            // Type errors are serde's to report, with its own wording; nothing to add here.
        }
        (Shape::List(item), NodeKind::Seq(items)) => {
            for (i, n) in items.iter().enumerate() {
                walk(n, item, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The candidate closest to `name` by edit distance, when it is close enough to be a typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn unknown_message(name: &str, shape: &Shape) -> String {
    let keys = shape.keys();
    let hint = closest(name, keys.iter().copied())
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    format!(
        "unknown field `{name}`{hint} (expected one of: {})",
        keys.join(", ")
    )
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: Shape = Shape::Map(&[("kinds", Shape::Any)]);
    const ITEM: Shape = Shape::Map(&[("name", Shape::Any)]);
    const ROOT: Shape = Shape::Map(&[
        ("id", Shape::Any),
        ("match", INNER),
        ("examples", Shape::List(&ITEM)),
    ]);

    /// Every unknown key is reported, nested ones with their dotted field and their own line.
    #[test]
    fn reports_all_unknown_keys() {
        let text = "id: x\nmathc: 1\nmatch:\n  kind: [a]\nexamples:\n  - name: a\n    expct: lie\n";
        let node: Node = serde_saphyr::from_str(text).unwrap();
        let errs = check(&node, &ROOT);
        let got: Vec<(u64, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            vec![(2, "mathc"), (4, "match.kind"), (7, "examples[0].expct")]
        );
        assert!(
            errs[0].message.contains("did you mean `match`"),
            "{}",
            errs[0].message
        );
    }
}

//! `labelSelector` and `fieldSelector` as the API server reads them (the set-based grammar:
//! `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`; fields `metadata.name` and
//! `metadata.namespace`).

use super::store::Item;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector (every requirement must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LabelSelector(Vec<Req>);

/// Splits at commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn set_values(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

impl LabelSelector {
    /// Parses a selector; the error names what could not be read.
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let bad = || format!("unable to parse requirement: `{part}`");
            let req = if let Some(k) = part.strip_prefix('!') {
                Req::NotExists(k.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                Req::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==") {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once('=') {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, rest)) = part.split_once(" notin ") {
                Req::NotIn(k.trim().into(), set_values(rest).ok_or_else(bad)?)
            } else if let Some((k, rest)) = part.split_once(" in ") {
                Req::In(k.trim().into(), set_values(rest).ok_or_else(bad)?)
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                Req::Exists(part.to_string())
            } else {
                return Err(bad());
            };
            reqs.push(req);
        }
        Ok(LabelSelector(reqs))
    }

    /// True when an item's labels satisfy every requirement.
    pub fn matches(&self, item: &Item) -> bool {
        let l = &item.labels;
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => l.get(k) == Some(v),
            Req::NotEq(k, v) => l.get(k) != Some(v),
            Req::In(k, vs) => l.get(k).is_some_and(|x| vs.contains(x)),
            Req::NotIn(k, vs) => !l.get(k).is_some_and(|x| vs.contains(x)),
            Req::Exists(k) => l.contains_key(k),
            Req::NotExists(k) => !l.contains_key(k),
        })
    }
}

/// A parsed field selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parses `metadata.name=x,metadata.namespace!=y`.
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut out = Vec::new();
        for part in split_top(s) {
            let (field, equal, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!("invalid field selector: `{part}`"));
            };
            let field = field.trim();
            if field != "metadata.name" && field != "metadata.namespace" {
                return Err(format!("field label not supported: {field}"));
            }
            out.push((field.to_string(), equal, value.trim().to_string()));
        }
        Ok(FieldSelector(out))
    }

    /// True when an item satisfies every term.
    pub fn matches(&self, item: &Item) -> bool {
        self.0.iter().all(|(field, equal, value)| {
            let actual = if field == "metadata.name" {
                item.name.as_str()
            } else {
                item.namespace.as_deref().unwrap_or("")
            };
            (actual == value) == *equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use serde_json::Value;

    fn item(labels: &[(&str, &str)]) -> Item {
        Item {
            namespace: Some("shop".into()),
            name: "api".into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            json: Bytes::new(),
            metadata: Value::Null,
        }
    }

    /// Equality, set-based and existence requirements, as kubectl -l sends them.
    #[test]
    fn label_selectors() {
        let i = item(&[("app", "api"), ("tier", "web")]);
        let m = |s: &str| LabelSelector::parse(s).unwrap().matches(&i);
        assert!(m("app=api"));
        assert!(m("app==api,tier"));
        assert!(!m("app!=api"));
        assert!(m("tier in (web, db)"));
        assert!(!m("tier notin (web)"));
        assert!(m("!canary"));
        assert!(!m("canary"));
        assert!(LabelSelector::parse("app in web").is_err());
    }

    /// Name and namespace fields; others refused.
    #[test]
    fn field_selectors() {
        let i = item(&[]);
        assert!(
            FieldSelector::parse("metadata.name=api")
                .unwrap()
                .matches(&i)
        );
        assert!(
            !FieldSelector::parse("metadata.namespace!=shop")
                .unwrap()
                .matches(&i)
        );
        assert!(FieldSelector::parse("spec.nodeName=x").is_err());
    }
}

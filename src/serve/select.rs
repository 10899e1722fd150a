//! `fieldSelector` as the API server reads it for most kinds (`metadata.name` and
//! `metadata.namespace`, with `=`, `==`, `!=`). Label selectors are read by
//! [`crate::model::selector`] and matched by kube-core.

use super::store::Item;

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

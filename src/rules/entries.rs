//! `entries`: the settings that differ, as `{key, staging, prod}`. For config files inside a
//! ConfigMap (properties, `.env`, YAML-ish, INI), one entry per differing `key = value` line; for
//! a single value, one entry named after the path's key.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The differing entries of two (scrubbed) values.
pub fn entries(key: Option<&str>, item: Option<&str>, staging: &Value, prod: &Value) -> Value {
    let multi = |v: &Value| v.as_str().is_some_and(|s| s.contains('\n'));
    if multi(staging) || multi(prod) {
        let a = parse(staging.as_str().unwrap_or(""));
        let b = parse(prod.as_str().unwrap_or(""));
        let mut out = Vec::new();
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (x, y) = (a.get(k), b.get(k));
            if x != y {
                out.push(json!({"key": k, "staging": x, "prod": y}));
            }
        }
        return Value::Array(out);
    }
    let scalar = |v: &Value| !v.is_object() && !v.is_array();
    if scalar(staging) && scalar(prod) && staging != prod {
        // `env[name=URL].value` is about URL; `data.URL` too.
        let name = match (key, item) {
            (Some("value" | "valueFrom"), Some(i)) => i,
            (Some(k), _) => k,
            (None, Some(i)) => i,
            (None, None) => "",
        };
        return json!([{"key": name, "staging": staging, "prod": prod}]);
    }
    Value::Array(Vec::new())
}

/// `key=value`, `key: value`, `key = value`, `"key": value,` lines; `[section]` prefixes keys.
fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut section = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with("//")
        {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') && !line.contains('=') {
            section = format!("{}.", line.trim_matches(['[', ']']).trim());
            continue;
        }
        let split = match (line.find('='), line.find(':')) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (Some(e), None) => Some(e),
            (None, Some(c)) => Some(c),
            (None, None) => None,
        };
        let Some(at) = split else { continue };
        let k = line[..at].trim().trim_matches(['"', '\'']);
        if k.is_empty() || k.contains(char::is_whitespace) {
            continue;
        }
        let v = line[at + 1..]
            .trim()
            .trim_end_matches(',')
            .trim()
            .trim_matches(['"', '\'']);
        out.insert(format!("{section}{k}"), v.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Property lines pair by key; unchanged lines and comments are left out.
    #[test]
    fn property_lines() {
        let a = json!("# c\nretry.max-attempts=5\nfraud.enabled=false\nport=8080\n");
        let b = json!("# d\nretry.max-attempts=2\nfraud.enabled=true\nport=8080\nnew: x\n");
        let e = entries(Some("app.properties"), None, &a, &b);
        assert_eq!(
            e,
            json!([
                {"key": "fraud.enabled", "staging": "false", "prod": "true"},
                {"key": "new", "staging": null, "prod": "x"},
                {"key": "retry.max-attempts", "staging": "5", "prod": "2"}
            ])
        );
    }

    /// A single value is one entry named after the env var or data key.
    #[test]
    fn single_values() {
        let e = entries(
            Some("value"),
            Some("SMTP_HOST"),
            &json!("smtp.mailtrap.io"),
            &json!("smtp.aws"),
        );
        assert_eq!(e[0]["key"], "SMTP_HOST");
        assert_eq!(entries(Some("x"), None, &json!({}), &json!({})), json!([]));
    }
}

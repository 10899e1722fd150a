//! The structural diff of two normalized bodies. Lists are keyed by their merge keys from one
//! table; a difference sits at the highest node present on one side only.

use super::path::PathBuilder;
use crate::model::Change;
use crate::model::path::FieldPath;
use crate::normalize::names::{EnvTokens, strip_hash_suffix};
use crate::normalize::secrets::{TOKEN_OPEN, TokenCompare, compare_tokens};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// List fields and the item field that keys them.
const MERGE_KEYS: &[(&str, &str)] = &[
    ("containers", "name"),
    ("initContainers", "name"),
    ("ephemeralContainers", "name"),
    ("env", "name"),
    ("volumes", "name"),
    ("imagePullSecrets", "name"),
    ("volumeMounts", "mountPath"),
    ("volumeDevices", "devicePath"),
    ("hostAliases", "ip"),
    ("webhooks", "name"),
    ("versions", "name"),
    ("volumeClaimTemplates", "name"),
];

/// A raw difference inside one object pair.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDiff {
    pub path: FieldPath,
    pub change: Change,
    pub staging: Option<Value>,
    pub prod: Option<Value>,
    pub equivalent: Option<String>,
}

/// What the diff needs to know beyond the two values.
pub struct DiffCtx<'a> {
    pub tokens: &'a EnvTokens,
    /// Secret values that could not be compared.
    pub not_compared: usize,
}

/// `equivalent` of strings equal once environment names are set aside.
pub const ENV_TOKEN: &str = "env-token";
/// `equivalent` of strings equal once a kustomize generator hash suffix is set aside (references
/// to generated ConfigMaps and Secrets); the built-in noise rule `generated-name-suffix-only`
/// judges them.
pub const HASH_SUFFIX: &str = "hash-suffix";

/// Diffs two bodies.
pub fn diff_bodies(
    s: &Map<String, Value>,
    p: &Map<String, Value>,
    ctx: &mut DiffCtx,
    out: &mut Vec<FieldDiff>,
) {
    let mut path = PathBuilder::default();
    diff_maps(s, p, &mut path, ctx, out);
}

fn diff_maps(
    s: &Map<String, Value>,
    p: &Map<String, Value>,
    path: &mut PathBuilder,
    ctx: &mut DiffCtx,
    out: &mut Vec<FieldDiff>,
) {
    // Both maps are sorted (BTreeMap): walk them together.
    let mut si = s.iter().peekable();
    let mut pi = p.iter().peekable();
    loop {
        let order = match (si.peek(), pi.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            std::cmp::Ordering::Less => {
                let (k, v) = si.next().expect("peeked");
                let mark = path.push_key(k);
                one_sided(path, Change::OnlyInStaging, v, out);
                path.truncate(mark);
            }
            std::cmp::Ordering::Greater => {
                let (k, v) = pi.next().expect("peeked");
                let mark = path.push_key(k);
                one_sided(path, Change::OnlyInProd, v, out);
                path.truncate(mark);
            }
            std::cmp::Ordering::Equal => {
                let (k, a) = si.next().expect("peeked");
                let (_, b) = pi.next().expect("peeked");
                if a != b {
                    let mark = path.push_key(k);
                    diff_values(a, b, k, path, ctx, out);
                    path.truncate(mark);
                }
            }
        }
    }
}

/// Counts redaction tokens that are equal on both sides without a fingerprint to prove it
/// (snapshots saved without a key): such values are "not compared", never "equal".
pub fn count_unprovable_tokens(a: &Value, b: &Value) -> usize {
    match (a, b) {
        (Value::String(x), Value::String(y)) if x == y && x.contains(TOKEN_OPEN) => {
            x.matches(crate::normalize::secrets::SHOWN).count()
        }
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .filter_map(|(k, v)| y.get(k).map(|w| count_unprovable_tokens(v, w)))
            .sum(),
        (Value::Array(x), Value::Array(y)) => x
            .iter()
            .zip(y)
            .map(|(v, w)| count_unprovable_tokens(v, w))
            .sum(),
        _ => 0,
    }
}

fn one_sided(path: &PathBuilder, change: Change, v: &Value, out: &mut Vec<FieldDiff>) {
    let (staging, prod) = match change {
        Change::OnlyInStaging => (Some(v.clone()), None),
        _ => (None, Some(v.clone())),
    };
    out.push(FieldDiff {
        path: path.to_path(),
        change,
        staging,
        prod,
        equivalent: None,
    });
}

fn diff_values(
    a: &Value,
    b: &Value,
    field: &str,
    path: &mut PathBuilder,
    ctx: &mut DiffCtx,
    out: &mut Vec<FieldDiff>,
) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => diff_maps(x, y, path, ctx, out),
        (Value::Array(x), Value::Array(y)) => diff_lists(x, y, field, path, ctx, out),
        (Value::String(x), Value::String(y)) => {
            let mut equivalent = None;
            if x.contains(TOKEN_OPEN) || y.contains(TOKEN_OPEN) {
                if compare_tokens(x, y) == TokenCompare::NotCompared {
                    ctx.not_compared += 1;
                    return;
                }
            } else if strip_hash_suffix(x) == strip_hash_suffix(y) {
                equivalent = Some(HASH_SUFFIX.to_string());
            } else if ctx.tokens.equivalent(x, y) {
                equivalent = Some(ENV_TOKEN.to_string());
            }
            out.push(changed(path, a, b, equivalent));
        }
        _ => out.push(changed(path, a, b, None)),
    }
}

fn changed(path: &PathBuilder, a: &Value, b: &Value, equivalent: Option<String>) -> FieldDiff {
    FieldDiff {
        path: path.to_path(),
        change: Change::Changed,
        staging: Some(a.clone()),
        prod: Some(b.clone()),
        equivalent,
    }
}

/// How the items of a list are identified.
enum ListKey {
    Field(&'static str),
    EnvFrom,
    Port(&'static str),
}

fn list_key(field: &str, a: &[Value], b: &[Value]) -> Option<ListKey> {
    let all = || a.iter().chain(b.iter());
    if !all().all(Value::is_object) {
        return None;
    }
    let key = if let Some((_, k)) = MERGE_KEYS.iter().find(|(f, _)| *f == field) {
        ListKey::Field(k)
    } else if field == "envFrom" {
        ListKey::EnvFrom
    } else if field == "ports" && all().all(|v| v.get("containerPort").is_some()) {
        ListKey::Port("containerPort")
    } else if field == "ports" && all().all(|v| v.get("port").is_some()) {
        ListKey::Port("port")
    } else if all().all(|v| v.get("name").is_some_and(Value::is_string)) {
        ListKey::Field("name")
    } else {
        return None;
    };
    // Keys must exist and be unique on each side, else items are compared by position.
    for side in [a, b] {
        let mut seen = std::collections::HashSet::new();
        for item in side {
            match item_key(&key, item) {
                Some((_, k)) => {
                    if !seen.insert(k) {
                        return None;
                    }
                }
                None => return None,
            }
        }
    }
    Some(key)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// (field shown in the path, key value).
fn item_key(key: &ListKey, item: &Value) -> Option<(&'static str, String)> {
    match key {
        ListKey::Field(f) => Some((f, scalar_text(item.get(*f)?)?)),
        ListKey::EnvFrom => {
            for (field, label) in [("configMapRef", "configMapRef"), ("secretRef", "secretRef")] {
                if let Some(name) = item
                    .get(field)
                    .and_then(|r| r.get("name"))
                    .and_then(Value::as_str)
                {
                    let prefix = item.get("prefix").and_then(Value::as_str).unwrap_or("");
                    let name = strip_hash_suffix(name);
                    return Some((
                        label,
                        if prefix.is_empty() {
                            name.to_string()
                        } else {
                            format!("{name},prefix={prefix}")
                        },
                    ));
                }
            }
            None
        }
        ListKey::Port(f) => {
            let port = scalar_text(item.get(*f)?)?;
            match item.get("protocol").and_then(Value::as_str) {
                Some(proto) if proto != "TCP" => Some((f, format!("{port}/{proto}"))),
                _ => Some((f, port)),
            }
        }
    }
}

fn diff_lists(
    a: &[Value],
    b: &[Value],
    field: &str,
    path: &mut PathBuilder,
    ctx: &mut DiffCtx,
    out: &mut Vec<FieldDiff>,
) {
    if let Some(key) = list_key(field, a, b) {
        let index: HashMap<String, usize> = b
            .iter()
            .enumerate()
            .filter_map(|(i, v)| item_key(&key, v).map(|(_, k)| (k, i)))
            .collect();
        let mut matched = vec![false; b.len()];
        for item in a {
            let Some((label, k)) = item_key(&key, item) else {
                continue;
            };
            let mark = path.push_keyed(label, &k);
            match index.get(&k) {
                Some(&j) => {
                    matched[j] = true;
                    if item != &b[j] {
                        diff_values(item, &b[j], "", path, ctx, out);
                    }
                }
                None => one_sided(path, Change::OnlyInStaging, item, out),
            }
            path.truncate(mark);
        }
        for (j, item) in b.iter().enumerate() {
            if !matched[j]
                && let Some((label, k)) = item_key(&key, item)
            {
                let mark = path.push_keyed(label, &k);
                one_sided(path, Change::OnlyInProd, item, out);
                path.truncate(mark);
            }
        }
        return;
    }
    let scalars = a.iter().chain(b).all(|v| !v.is_object() && !v.is_array());
    if scalars || a.len() != b.len() {
        out.push(changed(
            path,
            &Value::Array(a.to_vec()),
            &Value::Array(b.to_vec()),
            None,
        ));
        return;
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            let mark = path.push_index(i);
            diff_values(x, y, "", path, ctx, out);
            path.truncate(mark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(a: Value, b: Value) -> Vec<FieldDiff> {
        let tokens = EnvTokens::default();
        let mut ctx = DiffCtx {
            tokens: &tokens,
            not_compared: 0,
        };
        let mut out = Vec::new();
        diff_bodies(
            a.as_object().unwrap(),
            b.as_object().unwrap(),
            &mut ctx,
            &mut out,
        );
        out
    }

    /// Keyed lists pair items by name, whatever their order; one-sided items are one finding.
    #[test]
    fn keyed_lists() {
        let a = json!({"spec": {"containers": [
            {"name": "side", "image": "s:1"},
            {"name": "api", "image": "a:1", "env": [{"name": "URL", "value": "http://mock"}]}]}});
        let b = json!({"spec": {"containers": [
            {"name": "api", "image": "a:1", "env": [{"name": "URL", "value": "https://real"}, {"name": "X", "value": "1"}]}]}});
        let d = run(a, b);
        let paths: Vec<(&str, Change)> = d.iter().map(|f| (f.path.as_str(), f.change)).collect();
        assert_eq!(
            paths,
            vec![
                ("spec.containers[name=side]", Change::OnlyInStaging),
                (
                    "spec.containers[name=api].env[name=URL].value",
                    Change::Changed
                ),
                ("spec.containers[name=api].env[name=X]", Change::OnlyInProd),
            ]
        );
    }

    /// Env-name-only and hash-suffix-only differences are reported, marked equivalent: rules,
    /// not the diff, say they do not matter.
    #[test]
    fn equivalences() {
        let d = run(
            json!({"a": "https://api.staging.example.com", "b": "cfg-5fh2k8g9tb", "c": "x-1"}),
            json!({"a": "https://api.production.example.com", "b": "cfg-b8fg6k9m2c", "c": "x-2"}),
        );
        let eq: Vec<Option<&str>> = d.iter().map(|f| f.equivalent.as_deref()).collect();
        assert_eq!(eq, [Some(ENV_TOKEN), Some(HASH_SUFFIX), None]);
    }

    /// Ports key by containerPort (and protocol when not TCP); scalar lists change as a whole.
    #[test]
    fn ports_and_scalar_lists() {
        let d = run(
            json!({"ports": [{"containerPort": 53, "protocol": "UDP"}], "args": ["a", "b"]}),
            json!({"ports": [{"containerPort": 53, "protocol": "UDP", "name": "dns"}], "args": ["a"]}),
        );
        let paths: Vec<&str> = d.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["args", "ports[containerPort=53/UDP].name"]);
    }
}

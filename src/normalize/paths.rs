//! A tiny path walker for the normalization tables: `spec.ports.*.protocol` visits the
//! `protocol` field of every item of `spec.ports`.

use serde_json::{Map, Value};

/// Calls `f(parent_map, last_key)` for every map on `path` that could hold the last key.
pub fn for_each_parent(
    map: &mut Map<String, Value>,
    path: &[&str],
    f: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    match path {
        [] => {}
        [last] => f(map, last),
        [head, rest @ ..] => {
            if *head == "*" {
                return; // a wildcard must follow a key that holds a list
            }
            match map.get_mut(*head) {
                Some(Value::Object(m)) => for_each_parent(m, rest, f),
                Some(Value::Array(items)) if rest.first() == Some(&"*") => {
                    for item in items {
                        if let Value::Object(m) = item {
                            for_each_parent(m, &rest[1..], f);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Removes `path` wherever it equals `value`.
pub fn remove_if_eq(map: &mut Map<String, Value>, path: &[&str], value: &Value) {
    for_each_parent(map, path, &mut |parent, key| {
        if parent.get(key).is_some_and(|v| loose_eq(v, value)) {
            parent.remove(key);
        }
    });
}

/// Removes `path` whatever its value.
pub fn remove(map: &mut Map<String, Value>, path: &[&str]) {
    for_each_parent(map, path, &mut |parent, key| {
        parent.remove(key);
    });
}

/// Sets `path` to `value` where its parent exists and the field is absent.
pub fn fill(map: &mut Map<String, Value>, path: &[&str], value: &Value) {
    for_each_parent(map, path, &mut |parent, key| {
        if !parent.contains_key(key) || parent.get(key) == Some(&Value::Null) {
            parent.insert(key.to_string(), value.clone());
        }
    });
}

/// Equality that treats `"80"` and `80` alike (YAML authors quote numbers freely).
pub fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s == &n.to_string()
        }
        (Value::String(s), Value::Bool(x)) | (Value::Bool(x), Value::String(s)) => {
            s == &x.to_string()
        }
        _ => a == b,
    }
}

/// Splits a dotted table path.
pub fn split(path: &str) -> Vec<&str> {
    path.split('.').collect()
}

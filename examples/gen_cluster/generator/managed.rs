//! managedFields: the FieldsV1 trees of the field managers of an object.

use serde_json::{Map, Value, json};

use super::json::compact_json;

/// The FieldsV1 tree the applying client owns: labels, annotations and everything that is
/// not metadata or status (server defaults included, as for an `Update` that created it).
pub(super) fn client_fields(v: &Value) -> Value {
    let mut root = Map::new();
    let Some(obj) = v.as_object() else {
        return Value::Object(root);
    };
    let mut meta = Map::new();
    for key in ["annotations", "labels"] {
        if let Some(Value::Object(m)) = obj.get("metadata").and_then(|m| m.get(key))
            && !m.is_empty()
        {
            let mut owned = fields_of_map(m);
            owned.insert(".".into(), json!({}));
            meta.insert(prefixed("f:", key), Value::Object(owned));
        }
    }
    if !meta.is_empty() {
        root.insert("f:metadata".into(), Value::Object(meta));
    }
    for (key, child) in obj {
        if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "status") {
            root.insert(prefixed("f:", key), field_entry(key, child));
        }
    }
    Value::Object(root)
}

/// FieldsV1 entries (`f:<key>`) for every key of a map.
fn fields_of_map(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .map(|(key, child)| (prefixed("f:", key), field_entry(key, child)))
        .collect()
}

/// `prefix` followed by `key`, allocated once.
fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + key.len());
    s.push_str(prefix);
    s.push_str(key);
    s
}

/// FieldsV1 entry for field `name` holding `child`: `{}` for leaves and atomic values,
/// nested `f:` entries for structs and maps, `k:{...}` entries for associative lists.
pub(super) fn field_entry(name: &str, child: &Value) -> Value {
    const PLAIN_STRUCTS: [&str; 9] = [
        "metadata",
        "spec",
        "status",
        "template",
        "jobTemplate",
        "strategy",
        "resources",
        "scaleTargetRef",
        "http",
    ];
    match child {
        Value::Object(m) if !m.is_empty() && name != "selector" => {
            let mut owned = fields_of_map(m);
            if !PLAIN_STRUCTS.contains(&name) {
                owned.insert(".".into(), json!({}));
            }
            Value::Object(owned)
        }
        Value::Array(items) if !items.is_empty() => {
            let keys = list_keys(name, &items[0]);
            if keys.is_empty() {
                return json!({});
            }
            let mut owned = Map::new();
            for item in items {
                let Some(item_map) = item.as_object() else {
                    continue;
                };
                let mut key = Map::new();
                for &k in keys {
                    key.insert(
                        k.to_string(),
                        item_map.get(k).cloned().unwrap_or(Value::Null),
                    );
                }
                let mut entry = fields_of_map(item_map);
                entry.insert(".".into(), json!({}));
                owned.insert(
                    prefixed("k:", &compact_json(&Value::Object(key))),
                    Value::Object(entry),
                );
            }
            Value::Object(owned)
        }
        _ => json!({}),
    }
}

/// Merge keys of the associative lists these objects use; empty = atomic list.
fn list_keys(name: &str, first: &Value) -> &'static [&'static str] {
    match name {
        "containers" | "initContainers" | "env" | "volumes" | "imagePullSecrets" => &["name"],
        "volumeMounts" => &["mountPath"],
        "conditions" => &["type"],
        "ports" if first.get("containerPort").is_some() => &["containerPort", "protocol"],
        "ports" => &["port", "protocol"],
        _ => &[],
    }
}

//! Normalization: one small pass per concern, each driven by a data table.

pub mod defaults;
pub mod managed;
pub mod names;
pub mod paths;
pub mod quantity;
pub mod secrets;
pub mod server_fields;

use crate::model::Object;
use secrets::Fingerprinter;
use serde_json::{Map, Value};

/// Old API groups and the group their kinds live in today.
const GROUP_ALIASES: &[(&str, &str, &str)] = &[
    ("extensions", "Ingress", "networking.k8s.io"),
    ("extensions", "NetworkPolicy", "networking.k8s.io"),
    ("extensions", "Deployment", "apps"),
    ("extensions", "DaemonSet", "apps"),
    ("extensions", "ReplicaSet", "apps"),
    ("extensions", "PodSecurityPolicy", "policy"),
];

/// The current group of a kind first published under an old one.
pub fn alias_group<'a>(group: &'a str, kind: &str) -> &'a str {
    GROUP_ALIASES
        .iter()
        .find(|(g, k, _)| *g == group && *k == kind)
        .map_or(group, |(_, _, to)| to)
}

/// Runs every pass on one object; returns the redactions made (per detector).
pub fn normalize(obj: &mut Object, fp: &Fingerprinter) -> secrets::Tally {
    let kind = obj.key.kind.clone();
    server_fields::strip(&kind, &mut obj.body);
    defaults::apply_all(&obj.key, &mut obj.body);
    quantity::canonicalize_tree(&mut obj.body);
    if obj.key.group.is_empty() && kind == "ConfigMap" {
        fingerprint_binary_data(fp, &mut obj.body);
    }
    let tally = secrets::protect(fp, &obj.key.group, &kind, &mut obj.body);
    prune_empty(&mut obj.body);
    tally
}

/// `binaryData` is opaque: compare it by fingerprint only.
fn fingerprint_binary_data(fp: &Fingerprinter, body: &mut Map<String, Value>) {
    if let Some(Value::Object(m)) = body.get_mut("binaryData") {
        for v in m.values_mut() {
            if let Value::String(s) = v {
                *s = fp.token(s.as_bytes());
            }
        }
    }
}

/// Keys whose empty object means something (`emptyDir: {}` is a volume source).
const MEANINGFUL_EMPTY: &[&str] = &["emptyDir"];

/// Removes nulls and empty maps/lists: absent and empty mean the same to the API.
pub fn prune_empty(map: &mut Map<String, Value>) {
    map.retain(|k, v| match v {
        Value::Object(m) => {
            prune_empty(m);
            !m.is_empty() || MEANINGFUL_EMPTY.contains(&k.as_str())
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                if let Value::Object(m) = item {
                    prune_empty(m);
                }
            }
            !items.is_empty()
        }
        Value::Null => false,
        _ => true,
    });
}

//! Cluster-level differences: server version and what the nodes say. Nodes are facts, never
//! paired one by one; a fact unknown on either side is not compared.

use super::Difference;
use crate::model::{Change, ClusterFacts, FieldPath, Segment};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The cluster facts compared, as (path, value) per side.
fn fact_values(f: &ClusterFacts) -> Vec<(&'static str, Option<Value>)> {
    let set = |get: &dyn Fn(&crate::model::NodeFact) -> &str| -> Option<Value> {
        if f.nodes.is_empty() {
            return None;
        }
        let s: BTreeSet<&str> = f.nodes.iter().map(get).filter(|s| !s.is_empty()).collect();
        if s.is_empty() {
            None
        } else {
            Some(json!(s.into_iter().collect::<Vec<_>>()))
        }
    };
    let total = |res: &str| -> Option<Value> {
        if f.nodes.is_empty() {
            return None;
        }
        let mut sum: i128 = 0;
        for n in &f.nodes {
            sum += crate::normalize::quantity::to_nanos(n.allocatable.get(res)?)?;
        }
        let q = crate::normalize::quantity::canonical(&format!("{}n", sum)).unwrap_or_default();
        Some(Value::String(q))
    };
    vec![
        (
            "cluster.serverVersion",
            f.server_version.as_ref().map(|v| json!(v.git_version)),
        ),
        (
            "cluster.nodes.count",
            (!f.nodes.is_empty()).then(|| json!(f.nodes.len())),
        ),
        (
            "cluster.nodes.kubeletVersions",
            set(&|n| &n.kubelet_version),
        ),
        (
            "cluster.nodes.containerRuntimes",
            set(&|n| &n.container_runtime),
        ),
        ("cluster.nodes.os", set(&|n| &n.os)),
        ("cluster.nodes.arch", set(&|n| &n.arch)),
        ("cluster.nodes.instanceTypes", set(&|n| &n.instance_type)),
        ("cluster.nodes.zones", set(&|n| &n.zone)),
        ("cluster.nodes.allocatable.cpu", total("cpu")),
        ("cluster.nodes.allocatable.memory", total("memory")),
    ]
}

/// Differences between the two sides' facts, and how many facts were compared.
pub fn diff_facts(staging: &ClusterFacts, prod: &ClusterFacts) -> (Vec<Difference>, usize) {
    let mut out = Vec::new();
    let mut compared = 0;
    for ((path, s), (_, p)) in fact_values(staging).into_iter().zip(fact_values(prod)) {
        let (Some(s), Some(p)) = (s, p) else { continue };
        compared += 1;
        if s != p {
            out.push(Difference {
                object: None,
                staging_object: None,
                staging_index: None,
                prod_index: None,
                path: Some(FieldPath::new(
                    path.split('.')
                        .map(|k| Segment::Key(k.to_string()))
                        .collect(),
                )),
                change: Change::Changed,
                staging: Some(s),
                prod: Some(p),
                equivalent: None,
            });
        }
    }
    (out, compared)
}

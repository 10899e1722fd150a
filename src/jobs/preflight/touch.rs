//! What a release touches on one side: the objects it selects, what they reference (ConfigMaps,
//! Secrets, ServiceAccount, PVCs, PriorityClass) and what points at them (Services, PDBs, HPAs,
//! NetworkPolicies, Pod/ServiceMonitors, Ingresses, PrometheusRules naming them, and the Jobs and
//! CronJobs of the same app, such as migrations). One hop, computed per side.

use super::select::Release;
use crate::model::workload::{
    config_refs, pod_spec, scale_target, selector_matches, template_labels,
};
use crate::model::{Object, ObjectKey, Side};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Labels that name the app an object belongs to.
const APP_LABELS: &[&str] = &[
    "app.kubernetes.io/instance",
    "app.kubernetes.io/name",
    "app",
];

/// The objects of one side a release touches.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    /// Selected by `--release`.
    pub selected: BTreeSet<ObjectKey>,
    /// Selected, referenced or pointing at the selected objects.
    pub all: BTreeSet<ObjectKey>,
}

/// Computes what the release touches on one side.
pub fn touched(side: &Side, release: &Release) -> Touched {
    let selected: Vec<&Object> = side.objects.iter().filter(|o| release.matches(o)).collect();
    let mut all: BTreeSet<ObjectKey> = selected.iter().map(|o| o.key.clone()).collect();
    let key = |kind: &str, group: &str, ns: Option<&String>, name: &str| ObjectKey {
        group: group.into(),
        kind: kind.into(),
        namespace: ns.cloned(),
        name: name.into(),
    };
    let mut pod_labels: Vec<(Option<&String>, &Map<String, Value>)> = Vec::new();
    let mut apps: BTreeSet<(Option<&String>, &str)> = BTreeSet::new();
    for o in &selected {
        let ns = o.key.namespace.as_ref();
        if let Some(pod) = pod_spec(&o.key, &o.body) {
            for r in config_refs(pod) {
                all.insert(key(r.kind, "", ns, &r.name));
            }
            if let Some(sa) = pod.get("serviceAccountName").and_then(Value::as_str) {
                all.insert(key("ServiceAccount", "", ns, sa));
            }
            if let Some(pc) = pod.get("priorityClassName").and_then(Value::as_str) {
                all.insert(key("PriorityClass", "scheduling.k8s.io", None, pc));
            }
            for v in pod
                .get("volumes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(c) = v
                    .pointer("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                {
                    all.insert(key("PersistentVolumeClaim", "", ns, c));
                }
            }
        }
        if let Some(l) = template_labels(&o.key, &o.body) {
            pod_labels.push((ns, l));
        }
        for l in APP_LABELS {
            if let Some(v) = o.label(l) {
                apps.insert((ns, v));
            }
        }
    }
    let selects_pods = |o: &Object, sel: &Value| {
        pod_labels
            .iter()
            .any(|(ns, labels)| in_scope(o, *ns) && selector_matches(sel, labels))
    };
    let mut services: Vec<&Object> = Vec::new();
    for o in &side.objects {
        let spec = o.body.get("spec");
        let hit = match (o.key.group.as_str(), o.key.kind.as_str()) {
            ("", "Service") => spec
                .and_then(|s| s.get("selector"))
                .is_some_and(|sel| selects_pods(o, sel)),
            ("policy", "PodDisruptionBudget") | ("monitoring.coreos.com", "PodMonitor") => spec
                .and_then(|s| s.get("selector"))
                .is_some_and(|sel| selects_pods(o, sel)),
            ("networking.k8s.io", "NetworkPolicy") => {
                // `podSelector: {}` (dropped as empty by normalization) selects every pod.
                match spec.and_then(|s| s.get("podSelector")) {
                    Some(sel) if !selects_all(sel) => selects_pods(o, sel),
                    _ => pod_labels.iter().any(|(ns, _)| in_scope(o, *ns)),
                }
            }
            ("autoscaling", "HorizontalPodAutoscaler") | ("keda.sh", "ScaledObject") => {
                scale_target(o).is_some_and(|t| selected.iter().any(|s| s.key == t))
            }
            ("batch", "Job" | "CronJob") => APP_LABELS.iter().any(|l| {
                o.label(l)
                    .is_some_and(|v| apps.contains(&(o.key.namespace.as_ref(), v)))
            }),
            ("monitoring.coreos.com", "PrometheusRule") => {
                let text = serde_json::to_string(&o.body).unwrap_or_default();
                selected
                    .iter()
                    .any(|s| s.key.namespace == o.key.namespace && mentions(&text, &s.key.name))
            }
            _ => false,
        };
        if hit {
            all.insert(o.key.clone());
            if o.key.kind == "Service" && o.key.group.is_empty() {
                services.push(o);
            }
        }
    }
    for o in &side.objects {
        let hit = match (o.key.group.as_str(), o.key.kind.as_str()) {
            ("monitoring.coreos.com", "ServiceMonitor") => o
                .body
                .get("spec")
                .and_then(|s| s.get("selector"))
                .is_some_and(|sel| {
                    services.iter().any(|svc| {
                        in_scope(o, svc.key.namespace.as_ref())
                            && svc
                                .body
                                .get("metadata")
                                .and_then(|m| m.get("labels"))
                                .and_then(Value::as_object)
                                .is_some_and(|l| selector_matches(sel, l))
                    })
                }),
            ("networking.k8s.io", "Ingress") => {
                let backends = ingress_backends(o);
                services.iter().any(|svc| {
                    svc.key.namespace == o.key.namespace && backends.contains(&svc.key.name)
                })
            }
            _ => false,
        };
        if hit {
            all.insert(o.key.clone());
        }
    }
    Touched {
        selected: selected.iter().map(|o| o.key.clone()).collect(),
        all,
    }
}

/// Is a pod in namespace `ns` in the scope of `o` (same namespace, or named by a monitor's
/// `namespaceSelector`)?
fn in_scope(o: &Object, ns: Option<&String>) -> bool {
    if o.key.namespace.as_ref() == ns {
        return true;
    }
    let Some(sel) = o.body.get("spec").and_then(|s| s.get("namespaceSelector")) else {
        return false;
    };
    sel.get("any").and_then(Value::as_bool) == Some(true)
        || sel
            .get("matchNames")
            .and_then(Value::as_array)
            .is_some_and(|names| ns.is_some_and(|n| names.iter().any(|x| x.as_str() == Some(n))))
}

/// `{}` (or `{matchLabels: {}}`) selects every pod of the namespace.
fn selects_all(sel: &Value) -> bool {
    match sel.as_object() {
        None => false,
        Some(m) => m.values().all(|v| v.as_object().is_some_and(Map::is_empty)) || m.is_empty(),
    }
}

/// The name appears as a whole word (not inside a longer name).
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Service names an Ingress sends traffic to.
fn ingress_backends(o: &Object) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(spec) = o.body.get("spec") else {
        return out;
    };
    let name = |b: &Value| {
        b.pointer("/service/name")
            .or_else(|| b.get("serviceName"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    out.extend(spec.get("defaultBackend").and_then(name));
    for rule in spec
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let paths = rule.pointer("/http/paths").and_then(Value::as_array);
        for p in paths.into_iter().flatten() {
            out.extend(p.get("backend").and_then(name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole-word mentions only: `checkout` is not in `checkout-worker`.
    #[test]
    fn mentions_whole_names() {
        assert!(mentions("up{job=\"checkout\"} == 0", "checkout"));
        assert!(!mentions("up{job=\"checkout-worker\"}", "checkout"));
        assert!(selects_all(&serde_json::json!({})));
        assert!(selects_all(&serde_json::json!({"matchLabels": {}})));
        assert!(!selects_all(
            &serde_json::json!({"matchLabels": {"a": "b"}})
        ));
    }
}

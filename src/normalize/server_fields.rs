//! Drop what the API server populates: controller annotations and labels, allocated IPs and
//! ports, generated selectors.

use super::paths::{remove, remove_if_eq, split};
use serde_json::{Map, Value};

/// Annotations set by controllers and clients, never by the people who write manifests.
const DROPPED_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/restartedAt",
    "autoscaling.alpha.kubernetes.io/conditions",
    "autoscaling.alpha.kubernetes.io/current-metrics",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "pv.kubernetes.io/provisioned-by",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
    "endpoints.kubernetes.io/last-change-trigger-time",
    "meta.helm.sh/release-name",
    "meta.helm.sh/release-namespace",
    "objectset.rio.cattle.io/applied",
];

/// Annotation/label key prefixes written by GitOps controllers (Argo CD, Flux) for tracking.
const DROPPED_PREFIXES: &[&str] = &[
    "argocd.argoproj.io/",
    "kustomize.toolkit.fluxcd.io/",
    "helm.toolkit.fluxcd.io/",
    "fluxcd.io/",
    "config.kubernetes.io/origin",
    "internal.config.kubernetes.io/",
];

/// Labels set by controllers.
const DROPPED_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "controller-uid",
    "job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "kubernetes.io/metadata.name",
];

/// (kind, dotted path) removed whatever the value: assigned by the server.
const SERVER_ASSIGNED: &[(&str, &str)] = &[
    ("Service", "spec.clusterIP"),
    ("Service", "spec.clusterIPs"),
    ("Service", "spec.ports.*.nodePort"),
    ("Service", "spec.healthCheckNodePort"),
    ("Service", "spec.ipFamilies"),
    ("PersistentVolumeClaim", "spec.volumeName"),
    ("Job", "spec.selector"),
    ("ServiceAccount", "secrets"),
    ("Pod", "spec.nodeName"),
];

/// Strips server-populated fields from a body.
pub fn strip(kind: &str, body: &mut Map<String, Value>) {
    if let Some(Value::Object(meta)) = body.get_mut("metadata") {
        strip_meta(meta);
    }
    for (k, path) in SERVER_ASSIGNED {
        if *k == kind {
            remove(body, &split(path));
        }
    }
    if kind == "Service" {
        service_target_port(body);
    }
    if kind == "Namespace" {
        remove_if_eq(
            body,
            &["spec", "finalizers"],
            &serde_json::json!(["kubernetes"]),
        );
    }
    // Pod templates carry the same controller labels and annotations.
    strip_templates(body);
}

fn strip_meta(meta: &mut Map<String, Value>) {
    for field in ["annotations", "labels"] {
        if let Some(Value::Object(m)) = meta.get_mut(field) {
            m.retain(|k, _| {
                !DROPPED_ANNOTATIONS.contains(&k.as_str())
                    && !DROPPED_LABELS.contains(&k.as_str())
                    && !DROPPED_PREFIXES.iter().any(|p| k.starts_with(p))
            });
        }
    }
    meta.remove("creationTimestamp");
}

fn strip_templates(v: &mut Map<String, Value>) {
    for (k, child) in v.iter_mut() {
        if let Value::Object(m) = child {
            if (k == "template" || k == "jobTemplate")
                && let Some(Value::Object(meta)) = m.get_mut("metadata")
            {
                strip_meta(meta);
            }
            if k == "selector"
                && let Some(Value::Object(ml)) = m.get_mut("matchLabels")
            {
                ml.retain(|k, _| !DROPPED_LABELS.contains(&k.as_str()));
            }
            strip_templates(m);
        }
    }
}

/// `targetPort` defaults to `port`.
fn service_target_port(body: &mut Map<String, Value>) {
    let ports = body
        .get_mut("spec")
        .and_then(|s| s.get_mut("ports"))
        .and_then(Value::as_array_mut);
    for p in ports.into_iter().flatten() {
        if let Value::Object(p) = p
            && let (Some(port), Some(target)) = (p.get("port"), p.get("targetPort"))
            && super::paths::loose_eq(port, target)
        {
            p.remove("targetPort");
        }
    }
}

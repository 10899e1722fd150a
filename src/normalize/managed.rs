//! Objects nobody manages by hand: ignored by default, and counted.

use serde_json::{Map, Value};

/// Kinds that are derived or high-churn: never compared.
pub const DERIVED_KINDS: &[(&str, &str)] = &[
    ("", "Event"),
    ("events.k8s.io", "Event"),
    ("", "Endpoints"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("coordination.k8s.io", "Lease"),
    ("apps", "ControllerRevision"),
    ("", "ComponentStatus"),
];

/// Secret types written by tools, not people.
const MANAGED_SECRET_TYPES: &[(&str, &str)] = &[
    ("helm.sh/release.v1", "Helm release Secret"),
    (
        "kubernetes.io/service-account-token",
        "service-account-token Secret",
    ),
];

/// Why an object is ignored, if it is.
pub fn ignore_reason(
    group: &str,
    kind: &str,
    name: &str,
    body: &Map<String, Value>,
    controller_owned: bool,
) -> Option<&'static str> {
    if DERIVED_KINDS.contains(&(group, kind)) {
        return Some("derived or high-churn kind");
    }
    if kind == "Secret" && group.is_empty() {
        let ty = body.get("type").and_then(Value::as_str).unwrap_or("");
        if let Some((_, why)) = MANAGED_SECRET_TYPES.iter().find(|(t, _)| *t == ty) {
            return Some(why);
        }
    }
    if kind == "ConfigMap" && group.is_empty() && name == "kube-root-ca.crt" {
        return Some("kube-root-ca.crt ConfigMap");
    }
    if kind == "ConfigMap" && group.is_empty() && is_helm_release_configmap(name, body) {
        return Some("Helm release ConfigMap");
    }
    if kind == "ServiceAccount" && group.is_empty() && name == "default" {
        return Some("default ServiceAccount");
    }
    if controller_owned
        && matches!(
            (group, kind),
            ("", "Pod") | ("apps", "ReplicaSet") | ("batch", "Job")
        )
    {
        return Some("owned by a controller");
    }
    None
}

/// A release record of Helm's ConfigMap storage driver (`HELM_DRIVER=configmap`): named
/// `sh.helm.release.v1.<release>.v<n>`, labelled `owner: helm`, its `release` value the whole
/// release (rendered Secrets included) gzipped and base64-encoded. Ignored like the Secret
/// driver's records: it is Helm's bookkeeping, and it holds secret values.
fn is_helm_release_configmap(name: &str, body: &Map<String, Value>) -> bool {
    let owner = body
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("owner"))
        .and_then(Value::as_str);
    let has_release = body.get("data").and_then(|d| d.get("release")).is_some();
    name.starts_with("sh.helm.release.v1.") && (owner == Some("helm") || has_release)
}

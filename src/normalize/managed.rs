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

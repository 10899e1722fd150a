//! The built-in kinds a Kubernetes 1.33 API server serves (GA groups), as discovery entries:
//! group, version, kind, plural and scope come from k8s-openapi (via [`builtin_kinds`]); short
//! names and the `all` category are kubectl's.

use crate::collect::scope::{Scope, builtin_kinds};
use crate::model::ApiResource;

/// Short names, as kubectl knows them.
const SHORT_NAMES: &[(&str, &str, &[&str])] = &[
    ("", "ConfigMap", &["cm"]),
    ("", "Endpoints", &["ep"]),
    ("", "Event", &["ev"]),
    ("", "LimitRange", &["limits"]),
    ("", "Namespace", &["ns"]),
    ("", "Node", &["no"]),
    ("", "PersistentVolume", &["pv"]),
    ("", "PersistentVolumeClaim", &["pvc"]),
    ("", "Pod", &["po"]),
    ("", "ReplicationController", &["rc"]),
    ("", "ResourceQuota", &["quota"]),
    ("", "ServiceAccount", &["sa"]),
    ("", "Service", &["svc"]),
    (
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        &["crd", "crds"],
    ),
    ("apps", "DaemonSet", &["ds"]),
    ("apps", "Deployment", &["deploy"]),
    ("apps", "ReplicaSet", &["rs"]),
    ("apps", "StatefulSet", &["sts"]),
    ("autoscaling", "HorizontalPodAutoscaler", &["hpa"]),
    ("batch", "CronJob", &["cj"]),
    ("certificates.k8s.io", "CertificateSigningRequest", &["csr"]),
    ("events.k8s.io", "Event", &["ev"]),
    ("networking.k8s.io", "Ingress", &["ing"]),
    ("networking.k8s.io", "NetworkPolicy", &["netpol"]),
    ("networking.k8s.io", "IPAddress", &["ip"]),
    ("policy", "PodDisruptionBudget", &["pdb"]),
    ("scheduling.k8s.io", "PriorityClass", &["pc"]),
    ("storage.k8s.io", "StorageClass", &["sc"]),
];

/// Kinds `kubectl get all` shows.
const CATEGORY_ALL: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "ReplicationController"),
    ("", "Service"),
    ("apps", "DaemonSet"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("batch", "CronJob"),
    ("batch", "Job"),
];

/// The `categories` of a kind.
pub fn categories(group: &str, kind: &str) -> Vec<String> {
    if CATEGORY_ALL.contains(&(group, kind)) {
        vec!["all".to_string()]
    } else {
        Vec::new()
    }
}

/// What `checkride serve` allows on every resource.
pub const SERVED_VERBS: &[&str] = &["get", "list"];

/// Every built-in listable resource, each group's preferred version first.
pub fn resources() -> Vec<ApiResource> {
    builtin_kinds()
        .iter()
        .filter(|k| !(k.group.is_empty() && k.kind == "Binding")) // create-only
        .map(|k| ApiResource {
            group: k.group.to_string(),
            version: k.version.to_string(),
            kind: k.kind.to_string(),
            name: k.plural.to_string(),
            namespaced: k.scope == Scope::Namespaced,
            verbs: SERVED_VERBS.iter().map(|v| v.to_string()).collect(),
            short_names: SHORT_NAMES
                .iter()
                .find(|(g, kind, _)| *g == k.group && *kind == k.kind)
                .map(|(_, _, s)| s.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// A plural for a kind nobody described (a custom kind without its CRD), as kubectl guesses it.
pub fn guess_plural(kind: &str) -> String {
    let k = kind.to_ascii_lowercase();
    if k.ends_with('s') || k.ends_with('x') || k.ends_with("ch") || k.ends_with("sh") {
        format!("{k}es")
    } else if k.ends_with('y') && !k.ends_with("ay") && !k.ends_with("ey") && !k.ends_with("oy") {
        format!("{}ies", &k[..k.len() - 1])
    } else {
        format!("{k}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plurals and scopes come from k8s-openapi; autoscaling serves v2 before v1.
    #[test]
    fn builtin_table() {
        let all = resources();
        let find = |g: &str, k: &str| all.iter().find(|r| r.group == g && r.kind == k).unwrap();
        assert_eq!(find("", "Endpoints").name, "endpoints");
        assert_eq!(find("networking.k8s.io", "Ingress").name, "ingresses");
        assert!(!find("", "Namespace").namespaced);
        assert_eq!(find("apps", "Deployment").short_names, vec!["deploy"]);
        assert_eq!(find("autoscaling", "HorizontalPodAutoscaler").version, "v2");
        assert_eq!(guess_plural("Certificate"), "certificates");
        assert_eq!(guess_plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(guess_plural("Gateway"), "gateways");
        assert_eq!(guess_plural("Ingress"), "ingresses");
    }
}

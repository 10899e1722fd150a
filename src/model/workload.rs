//! Where a kind keeps its pod template, and what a workload references. One table, used by
//! normalization, the diff and the rule engine alike.

use super::key::ObjectKey;
use super::snapshot::Object;
use serde_json::{Map, Value};

/// (group, kind, path of keys to the pod spec inside the object body).
const POD_SPEC_PATHS: &[(&str, &str, &[&str])] = &[
    ("apps", "Deployment", &["spec", "template", "spec"]),
    ("apps", "StatefulSet", &["spec", "template", "spec"]),
    ("apps", "DaemonSet", &["spec", "template", "spec"]),
    ("apps", "ReplicaSet", &["spec", "template", "spec"]),
    ("", "ReplicationController", &["spec", "template", "spec"]),
    ("batch", "Job", &["spec", "template", "spec"]),
    (
        "batch",
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ),
    ("", "Pod", &["spec"]),
    ("", "PodTemplate", &["template", "spec"]),
    ("argoproj.io", "Rollout", &["spec", "template", "spec"]),
];

/// Container list fields of a pod spec.
pub const CONTAINER_LISTS: &[&str] = &["initContainers", "containers", "ephemeralContainers"];

/// The key path to the pod spec of a kind, if it has one.
pub fn pod_spec_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    POD_SPEC_PATHS
        .iter()
        .find(|(g, k, _)| *g == group && *k == kind)
        .map(|(_, _, p)| *p)
}

/// The structured-path prefix of the pod spec (`spec.template.spec`).
pub fn pod_spec_prefix(group: &str, kind: &str) -> Option<String> {
    pod_spec_path(group, kind).map(|p| p.join("."))
}

/// The pod spec of a workload body.
pub fn pod_spec<'a>(
    key: &ObjectKey,
    body: &'a Map<String, Value>,
) -> Option<&'a Map<String, Value>> {
    let path = pod_spec_path(&key.group, &key.kind)?;
    let mut cur = body.get(path[0])?;
    for p in &path[1..] {
        cur = cur.get(p)?;
    }
    cur.as_object()
}

/// The pod spec of a workload body, mutably.
pub fn pod_spec_mut<'a>(
    key: &ObjectKey,
    body: &'a mut Map<String, Value>,
) -> Option<&'a mut Map<String, Value>> {
    let path = pod_spec_path(&key.group, &key.kind)?;
    let mut cur = body.get_mut(path[0])?;
    for p in &path[1..] {
        cur = cur.get_mut(*p)?;
    }
    cur.as_object_mut()
}

/// The pod template's labels (`spec.template.metadata.labels`), used to match selectors.
pub fn template_labels<'a>(
    key: &ObjectKey,
    body: &'a Map<String, Value>,
) -> Option<&'a Map<String, Value>> {
    let path = pod_spec_path(&key.group, &key.kind)?;
    let (_, parent) = path.split_last()?;
    let mut cur = body.get(*parent.first()?)?;
    for p in &parent[1..] {
        cur = cur.get(p)?;
    }
    if key.kind == "Pod" {
        return body.get("metadata")?.get("labels")?.as_object();
    }
    cur.get("metadata")?.get("labels")?.as_object()
}

/// A ConfigMap or Secret a workload references.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigRef {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    /// Referenced name.
    pub name: String,
    /// Referenced key, when a single key is referenced (`configMapKeyRef`).
    pub key: Option<String>,
    /// Whether the reference is marked optional.
    pub optional: bool,
}

/// Every ConfigMap/Secret a pod spec references through env, envFrom, volumes and projected volumes.
pub fn config_refs(pod: &Map<String, Value>) -> Vec<ConfigRef> {
    let mut out = Vec::new();
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let opt = |v: &Value| v.get("optional").and_then(Value::as_bool).unwrap_or(false);
    for list in CONTAINER_LISTS {
        for c in pod
            .get(*list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                let from = e.get("valueFrom");
                for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")]
                {
                    if let Some(r) = from.and_then(|f| f.get(field))
                        && let Some(name) = s(r, "name")
                    {
                        out.push(ConfigRef {
                            kind,
                            name,
                            key: s(r, "key"),
                            optional: opt(r),
                        });
                    }
                }
            }
            for e in c
                .get("envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                    if let Some(r) = e.get(field)
                        && let Some(name) = s(r, "name")
                    {
                        out.push(ConfigRef {
                            kind,
                            name,
                            key: None,
                            optional: opt(r),
                        });
                    }
                }
            }
        }
    }
    for v in pod
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = v.get("configMap")
            && let Some(name) = s(r, "name")
        {
            out.push(ConfigRef {
                kind: "ConfigMap",
                name,
                key: None,
                optional: opt(r),
            });
        }
        if let Some(r) = v.get("secret")
            && let Some(name) = s(r, "secretName")
        {
            out.push(ConfigRef {
                kind: "Secret",
                name,
                key: None,
                optional: opt(r),
            });
        }
        let sources = v
            .get("projected")
            .and_then(|p| p.get("sources"))
            .and_then(Value::as_array);
        for src in sources.into_iter().flatten() {
            for (field, kind) in [("configMap", "ConfigMap"), ("secret", "Secret")] {
                if let Some(r) = src.get(field)
                    && let Some(name) = s(r, "name")
                {
                    out.push(ConfigRef {
                        kind,
                        name,
                        key: None,
                        optional: opt(r),
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The workload an HPA, PDB or Service points at: (group, kind, name) of an HPA's
/// `scaleTargetRef`; selectors are matched by the caller.
pub fn scale_target(obj: &Object) -> Option<ObjectKey> {
    if !is_autoscaler(&obj.key) {
        return None;
    }
    let r = obj.get("spec.scaleTargetRef")?;
    // KEDA's ScaledObject defaults its target's kind to Deployment; an HPA always names it.
    let default_kind = (obj.key.kind == "ScaledObject").then_some("Deployment");
    let api_version = r
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("apps/v1");
    let (group, _) = super::key::split_api_version(api_version);
    Some(ObjectKey {
        group: group.to_string(),
        kind: r
            .get("kind")
            .and_then(Value::as_str)
            .or(default_kind)?
            .to_string(),
        namespace: obj.key.namespace.clone(),
        name: r.get("name")?.as_str()?.to_string(),
    })
}

/// An HPA or a KEDA ScaledObject: an object that sets a workload's replica count.
pub fn is_autoscaler(key: &ObjectKey) -> bool {
    matches!(
        (key.group.as_str(), key.kind.as_str()),
        ("autoscaling", "HorizontalPodAutoscaler") | ("keda.sh", "ScaledObject")
    )
}

/// Does a selector object (`{matchLabels, matchExpressions}`, or a Service's plain map)
/// select these labels? Matched by kube-core (see [`super::selector`]).
pub fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    super::selector::value_selects(selector, labels)
}

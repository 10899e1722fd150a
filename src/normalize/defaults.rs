//! API defaults. Boilerplate defaults are removed (absent = default); the few numeric defaults
//! rules reason about (replicas, probe timings, history limits) are filled in, so `1` and
//! "not written" compare equal either way.

use super::paths::{fill, remove_if_eq, split};
use crate::model::ObjectKey;
use crate::model::workload::{CONTAINER_LISTS, pod_spec_mut};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// Whether a table entry removes the default or fills it in.
#[derive(Clone, Copy)]
enum Mode {
    Remove,
    Fill,
}
use Mode::{Fill, Remove};

/// Pod-spec relative defaults (`*` = every list item).
const POD_SPEC: &[(&str, &str, Mode)] = &[
    ("dnsPolicy", r#""ClusterFirst""#, Remove),
    ("restartPolicy", r#""Always""#, Remove),
    ("schedulerName", r#""default-scheduler""#, Remove),
    ("terminationGracePeriodSeconds", "30", Remove),
    ("enableServiceLinks", "true", Remove),
    ("serviceAccountName", r#""default""#, Remove),
    ("preemptionPolicy", r#""PreemptLowerPriority""#, Remove),
    ("volumes.*.configMap.defaultMode", "420", Remove),
    ("volumes.*.secret.defaultMode", "420", Remove),
    ("volumes.*.projected.defaultMode", "420", Remove),
    ("volumes.*.downwardAPI.defaultMode", "420", Remove),
    ("volumes.*.hostPath.type", r#""""#, Remove),
];

/// Container relative defaults, applied to every container list.
const CONTAINER: &[(&str, &str, Mode)] = &[
    (
        "terminationMessagePath",
        r#""/dev/termination-log""#,
        Remove,
    ),
    ("terminationMessagePolicy", r#""File""#, Remove),
    ("ports.*.protocol", r#""TCP""#, Remove),
    ("env.*.valueFrom.fieldRef.apiVersion", r#""v1""#, Remove),
];

/// Probe relative defaults, applied to each probe of each container.
const PROBE: &[(&str, &str, Mode)] = &[
    ("timeoutSeconds", "1", Fill),
    ("periodSeconds", "10", Fill),
    ("successThreshold", "1", Fill),
    ("failureThreshold", "3", Fill),
    ("initialDelaySeconds", "0", Fill),
    ("httpGet.scheme", r#""HTTP""#, Remove),
];

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];

/// Defaults by kind, relative to the body.
const BY_KIND: &[(&str, &str, &str, Mode)] = &[
    ("Deployment", "spec.replicas", "1", Fill),
    ("Deployment", "spec.revisionHistoryLimit", "10", Fill),
    ("Deployment", "spec.progressDeadlineSeconds", "600", Remove),
    (
        "Deployment",
        "spec.strategy",
        r#"{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}"#,
        Remove,
    ),
    ("StatefulSet", "spec.replicas", "1", Fill),
    ("StatefulSet", "spec.revisionHistoryLimit", "10", Fill),
    (
        "StatefulSet",
        "spec.podManagementPolicy",
        r#""OrderedReady""#,
        Remove,
    ),
    (
        "StatefulSet",
        "spec.updateStrategy",
        r#"{"type":"RollingUpdate","rollingUpdate":{"partition":0}}"#,
        Remove,
    ),
    (
        "StatefulSet",
        "spec.updateStrategy",
        r#"{"type":"RollingUpdate"}"#,
        Remove,
    ),
    (
        "StatefulSet",
        "spec.persistentVolumeClaimRetentionPolicy",
        r#"{"whenDeleted":"Retain","whenScaled":"Retain"}"#,
        Remove,
    ),
    ("DaemonSet", "spec.revisionHistoryLimit", "10", Fill),
    (
        "DaemonSet",
        "spec.updateStrategy",
        r#"{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}"#,
        Remove,
    ),
    (
        "DaemonSet",
        "spec.updateStrategy",
        r#"{"type":"RollingUpdate"}"#,
        Remove,
    ),
    ("ReplicaSet", "spec.replicas", "1", Fill),
    ("Job", "spec.backoffLimit", "6", Fill),
    ("Job", "spec.completionMode", r#""NonIndexed""#, Remove),
    ("Job", "spec.completions", "1", Remove),
    ("Job", "spec.parallelism", "1", Remove),
    ("Job", "spec.suspend", "false", Remove),
    ("Job", "spec.manualSelector", "false", Remove),
    (
        "Job",
        "spec.podReplacementPolicy",
        r#""TerminatingOrFailed""#,
        Remove,
    ),
    ("CronJob", "spec.concurrencyPolicy", r#""Allow""#, Remove),
    ("CronJob", "spec.suspend", "false", Remove),
    ("CronJob", "spec.successfulJobsHistoryLimit", "3", Fill),
    ("CronJob", "spec.failedJobsHistoryLimit", "1", Fill),
    ("CronJob", "spec.jobTemplate.spec.backoffLimit", "6", Fill),
    (
        "CronJob",
        "spec.jobTemplate.spec.completionMode",
        r#""NonIndexed""#,
        Remove,
    ),
    ("CronJob", "spec.jobTemplate.spec.completions", "1", Remove),
    ("CronJob", "spec.jobTemplate.spec.parallelism", "1", Remove),
    ("CronJob", "spec.jobTemplate.spec.suspend", "false", Remove),
    (
        "CronJob",
        "spec.jobTemplate.spec.podReplacementPolicy",
        r#""TerminatingOrFailed""#,
        Remove,
    ),
    ("Service", "spec.type", r#""ClusterIP""#, Remove),
    ("Service", "spec.sessionAffinity", r#""None""#, Remove),
    ("Service", "spec.ipFamilyPolicy", r#""SingleStack""#, Remove),
    (
        "Service",
        "spec.internalTrafficPolicy",
        r#""Cluster""#,
        Remove,
    ),
    (
        "Service",
        "spec.externalTrafficPolicy",
        r#""Cluster""#,
        Remove,
    ),
    (
        "Service",
        "spec.allocateLoadBalancerNodePorts",
        "true",
        Remove,
    ),
    ("Service", "spec.ports.*.protocol", r#""TCP""#, Remove),
    (
        "PersistentVolumeClaim",
        "spec.volumeMode",
        r#""Filesystem""#,
        Remove,
    ),
    ("StorageClass", "reclaimPolicy", r#""Delete""#, Remove),
    (
        "StorageClass",
        "volumeBindingMode",
        r#""Immediate""#,
        Remove,
    ),
    (
        "PriorityClass",
        "preemptionPolicy",
        r#""PreemptLowerPriority""#,
        Remove,
    ),
    (
        "ValidatingWebhookConfiguration",
        "webhooks.*.matchPolicy",
        r#""Equivalent""#,
        Remove,
    ),
    (
        "ValidatingWebhookConfiguration",
        "webhooks.*.timeoutSeconds",
        "10",
        Remove,
    ),
    (
        "ValidatingWebhookConfiguration",
        "webhooks.*.failurePolicy",
        r#""Fail""#,
        Remove,
    ),
    (
        "ValidatingWebhookConfiguration",
        "webhooks.*.clientConfig.service.port",
        "443",
        Remove,
    ),
    (
        "MutatingWebhookConfiguration",
        "webhooks.*.matchPolicy",
        r#""Equivalent""#,
        Remove,
    ),
    (
        "MutatingWebhookConfiguration",
        "webhooks.*.timeoutSeconds",
        "10",
        Remove,
    ),
    (
        "MutatingWebhookConfiguration",
        "webhooks.*.failurePolicy",
        r#""Fail""#,
        Remove,
    ),
    (
        "MutatingWebhookConfiguration",
        "webhooks.*.reinvocationPolicy",
        r#""Never""#,
        Remove,
    ),
    (
        "MutatingWebhookConfiguration",
        "webhooks.*.clientConfig.service.port",
        "443",
        Remove,
    ),
    (
        "CustomResourceDefinition",
        "spec.conversion",
        r#"{"strategy":"None"}"#,
        Remove,
    ),
    ("HorizontalPodAutoscaler", "spec.minReplicas", "1", Fill),
];

/// A parsed table row.
struct Entry {
    path: Vec<&'static str>,
    value: Value,
    mode: Mode,
}

fn parse(rows: &'static [(&'static str, &'static str, Mode)]) -> Vec<Entry> {
    rows.iter()
        .map(|(p, v, m)| Entry {
            path: split(p),
            value: serde_json::from_str(v).expect("defaults table value is JSON"),
            mode: *m,
        })
        .collect()
}

struct Tables {
    pod: Vec<Entry>,
    container: Vec<Entry>,
    probe: Vec<Entry>,
    kind: Vec<(&'static str, Entry)>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| Tables {
        pod: parse(POD_SPEC),
        container: parse(CONTAINER),
        probe: parse(PROBE),
        kind: BY_KIND
            .iter()
            .map(|(k, p, v, m)| {
                (
                    *k,
                    Entry {
                        path: split(p),
                        value: serde_json::from_str(v).expect("defaults table value is JSON"),
                        mode: *m,
                    },
                )
            })
            .collect(),
    })
}

fn apply(map: &mut Map<String, Value>, e: &Entry) {
    match e.mode {
        Mode::Remove => remove_if_eq(map, &e.path, &e.value),
        Mode::Fill => fill(map, &e.path, &e.value),
    }
}

/// Applies every default that concerns this object.
pub fn apply_all(key: &ObjectKey, body: &mut Map<String, Value>) {
    let t = tables();
    for (kind, e) in &t.kind {
        if *kind == key.kind {
            apply(body, e);
        }
    }
    if let Some(pod) = pod_spec_mut(key, body) {
        apply_pod_spec(pod, t);
    }
}

fn apply_pod_spec(pod: &mut Map<String, Value>, t: &Tables) {
    for e in &t.pod {
        apply(pod, e);
    }
    // `serviceAccount` is the deprecated mirror of `serviceAccountName`.
    if pod.get("serviceAccount") == pod.get("serviceAccountName")
        || pod.get("serviceAccount") == Some(&json!("default"))
    {
        pod.remove("serviceAccount");
    }
    for list in CONTAINER_LISTS {
        let Some(Value::Array(containers)) = pod.get_mut(*list) else {
            continue;
        };
        for c in containers.iter_mut().filter_map(Value::as_object_mut) {
            for e in &t.container {
                apply(c, e);
            }
            image_pull_policy(c);
            for probe in PROBES {
                if let Some(Value::Object(p)) = c.get_mut(*probe) {
                    for e in &t.probe {
                        apply(p, e);
                    }
                }
            }
            for hook in ["postStart", "preStop"] {
                if let Some(Value::Object(h)) = c.get_mut("lifecycle").and_then(|l| l.get_mut(hook))
                {
                    remove_if_eq(h, &["httpGet", "scheme"], &json!("HTTP"));
                }
            }
        }
    }
}

/// `imagePullPolicy` defaults to `Always` for `:latest` or untagged images, else `IfNotPresent`.
fn image_pull_policy(c: &mut Map<String, Value>) {
    let Some(image) = c.get("image").and_then(Value::as_str) else {
        return;
    };
    let default = if image_is_floating(image) {
        "Always"
    } else {
        "IfNotPresent"
    };
    if c.get("imagePullPolicy").and_then(Value::as_str) == Some(default) {
        c.remove("imagePullPolicy");
    }
}

/// True for an image reference with no tag and no digest, or the `latest` tag.
pub fn image_is_floating(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, group: &str) -> ObjectKey {
        ObjectKey {
            group: group.into(),
            kind: kind.into(),
            namespace: Some("x".into()),
            name: "a".into(),
        }
    }

    /// A live Deployment's filled-in defaults and its manifest normalize to the same body.
    #[test]
    fn live_and_manifest_meet() {
        let mut live = json!({"spec": {"replicas": 1, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {"spec": {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
              "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30,
              "containers": [{"name": "c", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                 "ports": [{"containerPort": 80, "protocol": "TCP"}],
                 "readinessProbe": {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                   "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}}]}}}});
        let mut manifest = json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.25",
            "ports": [{"containerPort": 80}], "readinessProbe": {"httpGet": {"path": "/", "port": 80}}}]}}}});
        let k = key("Deployment", "apps");
        apply_all(&k, live.as_object_mut().unwrap());
        apply_all(&k, manifest.as_object_mut().unwrap());
        assert_eq!(live, manifest);
        assert_eq!(manifest["spec"]["replicas"], 1);
    }

    /// `latest` and untagged images default to Always; pinned ones to IfNotPresent.
    #[test]
    fn floating_images() {
        assert!(image_is_floating("nginx"));
        assert!(image_is_floating("registry:5000/nginx:latest"));
        assert!(image_is_floating("registry:5000/nginx"));
        assert!(!image_is_floating("nginx@sha256:abc"));
    }
}

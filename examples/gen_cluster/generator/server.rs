//! Server-populated fields, drawn per side from the side's own stream.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::managed::{client_fields, field_entry};
use super::values::{DAY, random_token, rfc3339, uuid4};

/// Earliest creation time: 2023-01-01T00:00:00Z.
const T_MIN: i64 = 1_672_531_200;
/// Latest creation time (exclusive): 2025-06-01T00:00:00Z.
const T_MAX: i64 = 1_748_736_000;

/// Adds what the API server and controllers populate: namespace, uid, resourceVersion,
/// timestamps, generation, managedFields, status (and a Service's cluster IPs).
pub(super) fn add_server_fields(
    v: &mut Value,
    kind: Kind,
    namespace: &str,
    manager: &str,
    rng: &mut ChaCha8Rng,
) {
    let created = rng.random_range(T_MIN..T_MAX);
    let updated = created + rng.random_range(0..120 * DAY);
    let observed = updated + rng.random_range(0..DAY);
    let generation = if kind.has_generation() {
        Some(rng.random_range(1..=40u32))
    } else {
        None
    };
    let mut client = json!({
        "apiVersion": kind.api_version(),
        "fieldsType": "FieldsV1",
        "manager": manager,
        "operation": "Update",
        "time": rfc3339(updated),
    });
    client["fieldsV1"] = client_fields(v);
    let mut managed = vec![client];
    let status = match kind {
        Kind::Deployment => Some(deployment_status(
            v,
            generation.unwrap_or(1),
            created,
            observed,
            rng,
        )),
        Kind::HorizontalPodAutoscaler => Some(hpa_status(v, observed, rng)),
        Kind::CronJob => Some(json!({
            "lastScheduleTime": rfc3339(observed + rng.random_range(0..DAY)),
            "lastSuccessfulTime": rfc3339(observed + rng.random_range(0..DAY)),
        })),
        Kind::Ingress => Some(json!({
            "loadBalancer": { "ingress": [{ "ip": format!("203.0.113.{}", rng.random_range(1..255)) }] },
        })),
        _ => None,
    };
    if let Some(status) = status {
        let mut fields = Map::new();
        if kind == Kind::Deployment {
            let revision = rng.random_range(1..=30u32).to_string();
            v["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!(revision);
            fields.insert(
                "f:metadata".to_string(),
                json!({ "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } }),
            );
        }
        fields.insert("f:status".to_string(), field_entry("status", &status));
        let status_manager = if kind == Kind::Ingress {
            "nginx-ingress-controller"
        } else {
            "kube-controller-manager"
        };
        let mut entry = json!({
            "apiVersion": kind.api_version(),
            "fieldsType": "FieldsV1",
            "manager": status_manager,
            "operation": "Update",
            "subresource": "status",
            "time": rfc3339(observed),
        });
        entry["fieldsV1"] = Value::Object(fields);
        managed.push(entry);
        v["status"] = status;
    }
    if kind == Kind::Service {
        let ip = format!(
            "10.{}.{}.{}",
            rng.random_range(96..112),
            rng.random_range(0..256),
            rng.random_range(1..255)
        );
        v["spec"]["clusterIP"] = json!(ip);
        v["spec"]["clusterIPs"] = json!([ip]);
        v["status"] = json!({ "loadBalancer": {} });
    }
    let meta = v["metadata"].as_object_mut().expect("metadata");
    meta.insert("namespace".into(), json!(namespace));
    meta.insert("uid".into(), json!(uuid4(rng)));
    meta.insert(
        "resourceVersion".into(),
        json!(rng.random_range(1_000_000..900_000_000u32).to_string()),
    );
    meta.insert("creationTimestamp".into(), json!(rfc3339(created)));
    if let Some(generation) = generation {
        meta.insert("generation".into(), json!(generation));
    }
    meta.insert("managedFields".into(), Value::Array(managed));
}

/// A healthy Deployment status: all replicas available, the new ReplicaSet progressed.
fn deployment_status(
    v: &Value,
    generation: u32,
    created: i64,
    observed: i64,
    rng: &mut ChaCha8Rng,
) -> Value {
    let replicas = v["spec"]["replicas"].as_u64().unwrap_or(1);
    let name = v["metadata"]["name"].as_str().unwrap_or_default();
    let hash = random_token(rng, 10).to_lowercase();
    let available = rfc3339(observed - rng.random_range(0..DAY));
    json!({
        "availableReplicas": replicas,
        "conditions": [
            {
                "lastTransitionTime": available,
                "lastUpdateTime": available,
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available",
            },
            {
                "lastTransitionTime": rfc3339(created),
                "lastUpdateTime": rfc3339(observed),
                "message": format!("ReplicaSet \"{name}-{hash}\" has successfully progressed."),
                "reason": "NewReplicaSetAvailable",
                "status": "True",
                "type": "Progressing",
            },
        ],
        "observedGeneration": generation,
        "readyReplicas": replicas,
        "replicas": replicas,
        "updatedReplicas": replicas,
    })
}

/// A settled HPA status: current CPU utilization and replica count.
fn hpa_status(v: &Value, observed: i64, rng: &mut ChaCha8Rng) -> Value {
    let min = v["spec"]["minReplicas"].as_u64().unwrap_or(1);
    let current = min + rng.random_range(0..3);
    let utilization = rng.random_range(20..90u32);
    let since = rfc3339(observed - rng.random_range(0..30 * DAY));
    json!({
        "conditions": [
            {
                "lastTransitionTime": since,
                "message": "recommended size matches current size",
                "reason": "ReadyForNewScale",
                "status": "True",
                "type": "AbleToScale",
            },
            {
                "lastTransitionTime": since,
                "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                "reason": "ValidMetricFound",
                "status": "True",
                "type": "ScalingActive",
            },
            {
                "lastTransitionTime": since,
                "message": "the desired count is within the acceptable range",
                "reason": "DesiredWithinRange",
                "status": "False",
                "type": "ScalingLimited",
            },
        ],
        "currentMetrics": [{
            "resource": {
                "current": { "averageUtilization": utilization, "averageValue": format!("{}m", utilization * 3) },
                "name": "cpu",
            },
            "type": "Resource",
        }],
        "currentReplicas": current,
        "desiredReplicas": current,
    })
}

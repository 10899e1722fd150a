//! Object builders: the desired state as applied, plus the API defaults the server fills in.

use serde_json::{Map, Value, json};

use super::app::{App, CONFIG_FILES, EnvSource, EnvVar, SIZES};
use super::kinds::{Kind, Manager};
use super::plan::NsPlan;
use super::rng::splitmix;
use super::values::base64;

/// The labels the app's manager puts on every object of the app.
fn labels(app: &App, manager: Manager) -> Value {
    let mut labels = json!({ "app.kubernetes.io/name": app.name, "team": app.team });
    match manager {
        Manager::Helm => {
            labels["app.kubernetes.io/managed-by"] = json!("Helm");
            labels["helm.sh/chart"] = json!(format!("{}-2.{}.0", app.name, app.version[1]));
        }
        Manager::Argo => labels["app.kubernetes.io/instance"] = json!(app.name),
        Manager::Flux => {
            labels["kustomize.toolkit.fluxcd.io/name"] = json!(format!("{}-apps", app.team));
            labels["kustomize.toolkit.fluxcd.io/namespace"] = json!("flux-system");
        }
    }
    labels
}

/// `metadata` of an app object as applied: name, labels and the manager's annotations.
fn metadata(name: &str, app: &App, manager: Manager) -> Value {
    let mut meta = json!({ "name": name });
    meta["labels"] = labels(app, manager);
    match manager {
        Manager::Helm => meta["annotations"] = json!({ "meta.helm.sh/release-name": app.name }),
        Manager::Argo => meta["annotations"] = json!({ "argocd.argoproj.io/sync-wave": "1" }),
        Manager::Flux => {}
    }
    meta
}

/// One `env` entry of a container.
fn env_json(var: &EnvVar, app: &App) -> Value {
    match &var.source {
        EnvSource::Literal(value) => json!({ "name": var.name, "value": value }),
        EnvSource::Config(key) => json!({
            "name": var.name,
            "valueFrom": { "configMapKeyRef": { "key": key, "name": format!("{}-config", app.name) } },
        }),
        EnvSource::Secret(key) => json!({
            "name": var.name,
            "valueFrom": { "secretKeyRef": { "key": key, "name": format!("{}-secrets", app.name) } },
        }),
        EnvSource::Field(path) => json!({
            "name": var.name,
            "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": path } },
        }),
    }
}

/// An HTTP probe on the `http` port, with the server's defaults filled in.
fn probe(path: &str, delay: u32, period: u32) -> Value {
    json!({
        "failureThreshold": 3,
        "httpGet": { "path": path, "port": "http", "scheme": "HTTP" },
        "initialDelaySeconds": delay,
        "periodSeconds": period,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    })
}

/// The app's own container.
fn app_container(app: &App) -> Value {
    let (cpu_req, mem_req, cpu_lim, mem_lim) = SIZES[app.size];
    let mut c = json!({
        "image": app.image(),
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": probe("/healthz", app.live_delay, 20),
        "name": app.name,
        "ports": [
            { "containerPort": 8080, "name": "http", "protocol": "TCP" },
            { "containerPort": 9090, "name": "metrics", "protocol": "TCP" },
        ],
        "readinessProbe": probe("/ready", app.ready_delay, 10),
        "resources": {
            "limits": { "cpu": cpu_lim, "memory": mem_lim },
            "requests": { "cpu": cpu_req, "memory": mem_req },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [
            { "mountPath": format!("/etc/{}", app.name), "name": "config", "readOnly": true },
            { "mountPath": "/var/run/secrets/app", "name": "secrets", "readOnly": true },
            { "mountPath": "/tmp", "name": "tmp" },
        ],
    });
    c["env"] = app.env.iter().map(|var| env_json(var, app)).collect();
    c
}

/// The app's sidecar container.
fn sidecar_container(app: &App) -> Value {
    let car = app.sidecar;
    let mut c = json!({
        "image": format!("{}:{}", car.image, app.sidecar_tag),
        "imagePullPolicy": "IfNotPresent",
        "name": car.name,
        "ports": [{ "containerPort": car.port.1, "name": car.port.0, "protocol": "TCP" }],
        "resources": {
            "limits": { "cpu": "200m", "memory": "128Mi" },
            "requests": { "cpu": "50m", "memory": "64Mi" },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [{ "mountPath": "/tmp", "name": "tmp" }],
    });
    if !car.args.is_empty() {
        c["args"] = json!(car.args);
    }
    if !car.env.is_empty() {
        c["env"] = car
            .env
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
    }
    c
}

/// A pod spec running `containers` with the app's service account and volumes.
fn pod_spec(app: &App, containers: Vec<Value>, restart_policy: &str) -> Value {
    let mut spec = json!({
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": { "fsGroup": 2000, "runAsNonRoot": true },
        "serviceAccount": app.name,
        "serviceAccountName": app.name,
        "terminationGracePeriodSeconds": 30,
        "volumes": [
            { "configMap": { "defaultMode": 420, "name": format!("{}-config", app.name) }, "name": "config" },
            { "name": "secrets", "secret": { "defaultMode": 420, "secretName": format!("{}-secrets", app.name) } },
            { "emptyDir": {}, "name": "tmp" },
        ],
    });
    spec["containers"] = Value::Array(containers);
    spec
}

/// `{apiVersion, kind, metadata}` plus the fields of `body`, all moved in (no deep copies:
/// `json!` interpolation of a `Value` would re-serialize it).
fn object(kind: Kind, metadata: Value, body: Value) -> Value {
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    obj.insert("apiVersion".into(), json!(kind.api_version()));
    obj.insert("kind".into(), json!(kind.name()));
    obj.insert("metadata".into(), metadata);
    Value::Object(obj)
}

/// The app's Deployment.
pub(super) fn deployment(app: &App, manager: Manager) -> Value {
    let mut body = json!({
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": app.replicas,
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "app.kubernetes.io/name": app.name } },
            "strategy": {
                "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": "25%" },
                "type": "RollingUpdate",
            },
            "template": {
                "metadata": {
                    "annotations": { "prometheus.io/port": "9090", "prometheus.io/scrape": "true" },
                    "creationTimestamp": null,
                    "labels": { "app.kubernetes.io/name": app.name, "team": app.team },
                },
            },
        },
    });
    body["spec"]["template"]["spec"] = pod_spec(
        app,
        vec![app_container(app), sidecar_container(app)],
        "Always",
    );
    object(Kind::Deployment, metadata(app.name, app, manager), body)
}

/// The app's ClusterIP Service.
pub(super) fn service(app: &App, manager: Manager) -> Value {
    let body = json!({
        "spec": {
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                { "name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080 },
                { "name": "metrics", "port": 9090, "protocol": "TCP", "targetPort": 9090 },
            ],
            "selector": { "app.kubernetes.io/name": app.name },
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
    });
    object(Kind::Service, metadata(app.name, app, manager), body)
}

/// The app's ConfigMap: its config file and a few settings.
pub(super) fn config_map(app: &App, manager: Manager) -> Value {
    let mut data = Map::new();
    data.insert(
        CONFIG_FILES[app.config_file].0.to_string(),
        json!(app.config_body),
    );
    data.insert("FEATURE_FLAGS".to_string(), json!(app.flags));
    data.insert("LOG_LEVEL".to_string(), json!(app.log_level));
    data.insert(
        "MAX_CONNECTIONS".to_string(),
        json!(app.max_connections.to_string()),
    );
    let name = format!("{}-config", app.name);
    let body = Value::Object(Map::from_iter([("data".to_string(), Value::Object(data))]));
    object(Kind::ConfigMap, metadata(&name, app, manager), body)
}

/// The app's Opaque Secret.
pub(super) fn secret(app: &App, manager: Manager) -> Value {
    let data: Map<String, Value> = app
        .secrets
        .iter()
        .map(|(key, value)| (key.to_string(), json!(base64(value.as_bytes()))))
        .collect();
    let mut body = json!({ "type": "Opaque" });
    body["data"] = Value::Object(data);
    let name = format!("{}-secrets", app.name);
    object(Kind::Secret, metadata(&name, app, manager), body)
}

/// The namespace's image pull secret, referenced by every app ServiceAccount.
pub(super) fn registry_secret(ns: &NsPlan) -> Value {
    let auth = base64(format!("{}-puller:{}", ns.prod, splitmix(u64::from(ns.k))).as_bytes());
    let config = format!(r#"{{"auths":{{"registry.example.com":{{"auth":"{auth}"}}}}}}"#);
    let body = json!({
        "data": { ".dockerconfigjson": base64(config.as_bytes()) },
        "type": "kubernetes.io/dockerconfigjson",
    });
    object(
        Kind::Secret,
        json!({ "name": "registry-credentials" }),
        body,
    )
}

/// The app's ServiceAccount.
pub(super) fn service_account(app: &App, manager: Manager) -> Value {
    let body = json!({ "imagePullSecrets": [{ "name": "registry-credentials" }] });
    object(Kind::ServiceAccount, metadata(app.name, app, manager), body)
}

/// The namespace's `default` ServiceAccount.
pub(super) fn default_service_account() -> Value {
    object(
        Kind::ServiceAccount,
        json!({ "name": "default" }),
        json!({}),
    )
}

/// The app's HorizontalPodAutoscaler on CPU utilization.
pub(super) fn hpa(app: &App, manager: Manager) -> Value {
    let (min, max, cpu) = app.hpa;
    let body = json!({
        "spec": {
            "maxReplicas": max,
            "metrics": [{
                "resource": { "name": "cpu", "target": { "averageUtilization": cpu, "type": "Utilization" } },
                "type": "Resource",
            }],
            "minReplicas": min,
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": app.name },
        },
    });
    object(
        Kind::HorizontalPodAutoscaler,
        metadata(app.name, app, manager),
        body,
    )
}

/// The app's Ingress, with TLS.
pub(super) fn ingress(app: &App, manager: Manager) -> Value {
    let mut meta = metadata(app.name, app, manager);
    meta["annotations"]["cert-manager.io/cluster-issuer"] = json!("letsencrypt");
    meta["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] = json!("8m");
    let body = json!({
        "spec": {
            "ingressClassName": "nginx",
            "rules": [{
                "host": app.host,
                "http": { "paths": [{
                    "backend": { "service": { "name": app.name, "port": { "number": 80 } } },
                    "path": "/",
                    "pathType": "Prefix",
                }] },
            }],
            "tls": [{ "hosts": [app.host], "secretName": format!("{}-tls", app.name) }],
        },
    });
    object(Kind::Ingress, meta, body)
}

/// The CronJob running `task` with the app's image.
pub(super) fn cron_job(app: &App, task: &str, manager: Manager) -> Value {
    let name = format!("{}-{task}", app.name);
    let (cpu_req, mem_req, cpu_lim, mem_lim) = SIZES[app.size.min(1)];
    let mut container = json!({
        "args": ["--task", task],
        "image": app.image(),
        "imagePullPolicy": "IfNotPresent",
        "name": task,
        "resources": {
            "limits": { "cpu": cpu_lim, "memory": mem_lim },
            "requests": { "cpu": cpu_req, "memory": mem_req },
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [{ "mountPath": format!("/etc/{}", app.name), "name": "config", "readOnly": true }],
    });
    container["env"] = app
        .env
        .iter()
        .take(5)
        .map(|var| env_json(var, app))
        .collect();
    let mut pod = pod_spec(app, vec![container], "OnFailure");
    pod["volumes"].as_array_mut().expect("volumes").truncate(1);
    let schedule = match task.len() % 3 {
        0 => "*/15 * * * *",
        1 => "0 3 * * *",
        _ => "30 */6 * * *",
    };
    let mut body = json!({
        "spec": {
            "concurrencyPolicy": "Forbid",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {
                "metadata": { "creationTimestamp": null },
                "spec": {
                    "backoffLimit": 2,
                    "template": {
                        "metadata": {
                            "creationTimestamp": null,
                            "labels": { "app.kubernetes.io/name": app.name, "job": task },
                        },
                    },
                },
            },
            "schedule": schedule,
            "successfulJobsHistoryLimit": 3,
            "suspend": false,
        },
    });
    body["spec"]["jobTemplate"]["spec"]["template"]["spec"] = pod;
    object(Kind::CronJob, metadata(&name, app, manager), body)
}

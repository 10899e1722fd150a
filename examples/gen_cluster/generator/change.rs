//! Staging perturbations: the differences a checker should find.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::app::{App, CONFIG_FILES, MEMORY_STEPS};
use super::kinds::Kind;
use super::plan::{Owner, PlannedObject};
use super::values::{base64, random_token};

/// A staging perturbation: what differs from production, one per perturbed object.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Change {
    ReplicasLower,
    MemoryLimitHigher,
    ReadinessDelay300,
    EnvRemoved,
    EnvAdded,
    EnvMockUrl,
    ImageOlder,
    ImageLatest,
    ConfigKeyRenamed,
    SecretKeyRemoved,
    SecretRotated,
    AutomountDisabled,
    TargetPortChanged,
    HpaMaxLower,
    TlsRemoved,
    CronJobSuspended,
}

/// The perturbations a Deployment draws from (other kinds have one each).
const DEPLOYMENT_CHANGES: [Change; 8] = [
    Change::ReplicasLower,
    Change::MemoryLimitHigher,
    Change::ReadinessDelay300,
    Change::EnvRemoved,
    Change::EnvAdded,
    Change::EnvMockUrl,
    Change::ImageOlder,
    Change::ImageLatest,
];

impl Change {
    /// Its name in `truth.json`.
    pub(super) fn label(self) -> &'static str {
        match self {
            Change::ReplicasLower => "replicas-lower",
            Change::MemoryLimitHigher => "memory-limit-higher",
            Change::ReadinessDelay300 => "readiness-delay-300",
            Change::EnvRemoved => "env-removed",
            Change::EnvAdded => "env-added",
            Change::EnvMockUrl => "env-mock-url",
            Change::ImageOlder => "image-older",
            Change::ImageLatest => "image-latest",
            Change::ConfigKeyRenamed => "configmap-key-renamed",
            Change::SecretKeyRemoved => "secret-key-removed",
            Change::SecretRotated => "secret-value-changed",
            Change::AutomountDisabled => "automount-disabled",
            Change::TargetPortChanged => "service-target-port",
            Change::HpaMaxLower => "hpa-max-lower",
            Change::TlsRemoved => "ingress-tls-removed",
            Change::CronJobSuspended => "cronjob-suspended",
        }
    }

    /// Draws the perturbation of `obj` from its change stream.
    pub(super) fn pick(obj: &PlannedObject, rng: &mut ChaCha8Rng) -> Change {
        match obj.kind {
            Kind::Deployment => *DEPLOYMENT_CHANGES.choose(rng).expect("non-empty"),
            Kind::ConfigMap => Change::ConfigKeyRenamed,
            Kind::Secret if matches!(obj.owner, Owner::RegistrySecret) => Change::SecretRotated,
            Kind::Secret => Change::SecretKeyRemoved,
            Kind::ServiceAccount => Change::AutomountDisabled,
            Kind::Service => Change::TargetPortChanged,
            Kind::HorizontalPodAutoscaler => Change::HpaMaxLower,
            Kind::Ingress => Change::TlsRemoved,
            Kind::CronJob => Change::CronJobSuspended,
        }
    }

    /// Applies the perturbation to the staging copy `v`, continuing the same stream.
    pub(super) fn apply(self, v: &mut Value, app: Option<&App>, rng: &mut ChaCha8Rng) {
        let container = "/spec/template/spec/containers/0";
        match self {
            Change::ReplicasLower => {
                let replicas = v["spec"]["replicas"].as_u64().unwrap_or(2);
                v["spec"]["replicas"] = json!(rng.random_range(1..replicas.max(2)));
            }
            Change::MemoryLimitHigher => {
                let limit = pointer(v, &format!("{container}/resources/limits/memory"));
                let step = MEMORY_STEPS
                    .iter()
                    .position(|m| limit.as_str() == Some(*m))
                    .unwrap_or(0);
                *limit = json!(MEMORY_STEPS[(step + 1).min(MEMORY_STEPS.len() - 1)]);
            }
            Change::ReadinessDelay300 => {
                *pointer(
                    v,
                    &format!("{container}/readinessProbe/initialDelaySeconds"),
                ) = json!(300);
            }
            Change::EnvRemoved => {
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                let victim = rng.random_range(0..env.len());
                env.remove(victim);
            }
            Change::EnvAdded => {
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                let extra = [("DEBUG", "true"), ("LOG_SQL", "1"), ("PROFILER", "on")];
                let (name, value) = extra.choose(rng).expect("non-empty");
                env.push(json!({ "name": name, "value": value }));
            }
            Change::EnvMockUrl => {
                let upstream = app.expect("deployments have an app").upstream;
                let env = pointer(v, &format!("{container}/env"))
                    .as_array_mut()
                    .expect("env list");
                for var in env.iter_mut().filter(|var| var["name"] == "UPSTREAM_URL") {
                    var["value"] = json!(format!("http://{upstream}-mock:8080"));
                }
            }
            Change::ImageOlder => {
                let app = app.expect("deployments have an app");
                let [major, minor, patch] = app.version;
                let older = if patch > 0 {
                    format!("{major}.{minor}.{}", patch - 1)
                } else {
                    format!("{major}.{}.{}", minor - 1, rng.random_range(0..=9))
                };
                *pointer(v, &format!("{container}/image")) = json!(format!(
                    "registry.example.com/{}/{}:{older}",
                    app.team, app.name
                ));
            }
            Change::ImageLatest => {
                let app = app.expect("deployments have an app");
                *pointer(v, &format!("{container}/image")) = json!(format!(
                    "registry.example.com/{}/{}:latest",
                    app.team, app.name
                ));
            }
            Change::ConfigKeyRenamed => {
                let (from, to) = CONFIG_FILES[app.expect("config maps have an app").config_file];
                let data = v["data"].as_object_mut().expect("data");
                let body = data.remove(from).expect("config file key");
                data.insert(to.to_string(), body);
            }
            Change::SecretKeyRemoved => {
                let data = v["data"].as_object_mut().expect("data");
                data.remove("signing-key");
            }
            Change::SecretRotated => {
                let token = random_token(rng, 24);
                let auth = base64(format!("staging-puller:{token}").as_bytes());
                let config =
                    format!(r#"{{"auths":{{"registry.example.com":{{"auth":"{auth}"}}}}}}"#);
                v["data"][".dockerconfigjson"] = json!(base64(config.as_bytes()));
            }
            Change::AutomountDisabled => v["automountServiceAccountToken"] = json!(false),
            Change::TargetPortChanged => v["spec"]["ports"][0]["targetPort"] = json!(8081),
            Change::HpaMaxLower => {
                let (min, max, _) = app.expect("HPAs have an app").hpa;
                v["spec"]["maxReplicas"] = json!(rng.random_range(min..max));
            }
            Change::TlsRemoved => {
                v["spec"].as_object_mut().expect("spec").remove("tls");
            }
            Change::CronJobSuspended => v["spec"]["suspend"] = json!(true),
        }
    }
}

/// The value at JSON pointer `path`, which every generated object of the kind has.
fn pointer<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    v.pointer_mut(path)
        .unwrap_or_else(|| panic!("generated object lacks {path}"))
}

//! The scenario pack as an acceptance test of the rules: each scenario's README says what must
//! be flagged and what must not; these are the verdicts a senior SRE would give.

use checkride::model::Report;
use checkride::pipeline;
use checkride::settings::{Flags, Job, Settings};

fn compare(name: &str) -> Report {
    let dir = format!("fixtures/scenarios/{name}");
    let flags = Flags::pair(&format!("{dir}/staging"), &format!("{dir}/prod"));
    let settings = Settings::resolve(Job::Compare, flags).expect("settings");
    pipeline::run(&settings).expect("scenario loads").report
}

/// `(object name or "cluster", path suffix or "" for the whole object, verdict)` must all hold,
/// no finding may be unclassified unless listed, and no rule may fail.
fn expect(name: &str, wanted: &[(&str, &str, &str)]) {
    let r = compare(name);
    assert!(
        r.rule_errors.is_empty(),
        "{name}: rule errors {:?}",
        r.rule_errors
    );
    for (obj, path, verdict) in wanted {
        let hit = r.findings.iter().find(|f| {
            let o = f
                .object
                .as_ref()
                .map(|k| k.name.as_str())
                .unwrap_or("cluster");
            let p = f.path.as_deref().unwrap_or("");
            o == *obj
                && if path.is_empty() {
                    p.is_empty()
                } else {
                    p.ends_with(path)
                }
        });
        let got = hit.map(|f| f.verdict.as_str());
        assert_eq!(got, Some(*verdict), "{name}: {obj} {path}");
    }
    let unlisted: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.verdict.as_str() == "unclassified")
        .map(|f| format!("{:?} {:?}", f.object, f.path))
        .collect();
    assert!(unlisted.is_empty(), "{name}: unclassified {unlisted:?}");
}

/// The demo: probe delay, memory limit, mock payments, HPA/PDB/migration only in prod are lies;
/// replicas and requests are cuts; the environment name in a URL is noise.
#[test]
fn demo() {
    expect(
        "demo",
        &[
            ("checkout", "readinessProbe.initialDelaySeconds", "lie"),
            ("checkout", "resources.limits.memory", "lie"),
            ("checkout", "env[name=PAYMENTS_URL].value", "lie"),
            ("web", "", "lie"),
            ("checkout", "", "lie"),
            ("checkout-db-migrate", "", "lie"),
            ("checkout", "spec.replicas", "cut"),
            ("checkout", "resources.requests.cpu", "cut"),
            ("checkout", "resources.requests.memory", "cut"),
            ("shop-config", "data.PUBLIC_BASE_URL", "noise"),
        ],
    );
}

/// Probe drift: delay, one-sided liveness, startup budget and a different path are lies.
#[test]
fn probes() {
    expect(
        "probes",
        &[
            ("checkout", "readinessProbe.initialDelaySeconds", "lie"),
            ("checkout", "livenessProbe", "lie"),
            ("checkout", "startupProbe.failureThreshold", "lie"),
            ("web", "readinessProbe.httpGet.path", "lie"),
            ("web", "resources.limits.memory", "cut"),
            ("orders", "spec.replicas", "cut"),
        ],
    );
    let r = compare("probes");
    assert!(
        !r.findings
            .iter()
            .any(|f| f.object.as_ref().is_some_and(|k| k.name == "orders")
                && f.path.as_deref().is_some_and(|p| p.contains("Probe"))),
        "orders' probes are identical"
    );
}

/// Config drift: a referenced key missing, one-sided keys and env vars, flipped switch and
/// retry budget are lies; ENVIRONMENT is noise.
#[test]
fn config_rename() {
    expect(
        "config-rename",
        &[
            ("checkout-config", "data.DATABASE_URL", "lie"),
            ("checkout-config", "data.DB_URL", "lie"),
            ("checkout-secrets", "data.WEBHOOK_SIGNING_KEY", "lie"),
            ("checkout", "env[name=DB_POOL_MAX]", "lie"),
            ("checkout-properties", r#"data["app.properties"]"#, "lie"),
            ("checkout-config", "data.ENVIRONMENT", "noise"),
            ("checkout", "spec.replicas", "cut"),
            ("checkout", "resources.requests.cpu", "cut"),
        ],
    );
}

/// Hardening drift: security context, rollback and rollout settings, init container and images
/// are lies; replicas, requests and scheduling constraints are cuts.
#[test]
fn hardening() {
    expect(
        "hardening",
        &[
            (
                "checkout",
                "containers[name=checkout].securityContext",
                "lie",
            ),
            ("checkout", "spec.template.spec.securityContext", "lie"),
            ("checkout", "spec.revisionHistoryLimit", "lie"),
            ("checkout", "spec.strategy.type", "lie"),
            ("checkout", "spec.template.spec.initContainers", "lie"),
            ("checkout", "containers[name=checkout].image", "lie"),
            ("checkout-redis", "containers[name=redis].image", "lie"),
            ("checkout", "spec.replicas", "cut"),
            ("checkout", "resources.requests.cpu", "cut"),
            ("checkout", "spec.template.spec.nodeSelector", "cut"),
            ("checkout", "spec.template.spec.tolerations", "cut"),
            (
                "checkout",
                "spec.template.spec.topologySpreadConstraints",
                "cut",
            ),
        ],
    );
}

/// Edge drift: class and TLS differences and a LoadBalancer only in prod are lies; another
/// issuer with TLS on both sides is a cut; hostnames are noise.
#[test]
fn ingress_tls() {
    expect(
        "ingress-tls",
        &[
            ("web", "spec.ingressClassName", "lie"),
            ("web", "spec.tls", "lie"),
            ("orders-grpc", "spec.type", "lie"),
            (
                "api",
                r#"metadata.annotations["cert-manager.io/cluster-issuer"]"#,
                "cut",
            ),
            ("api", "spec.rules[0].host", "noise"),
            ("api", "spec.tls[0].hosts", "noise"),
        ],
    );
}

/// Batch drift: the prod-only migration hook and the suspended CronJob are lies; staging
/// tooling is not.
#[test]
fn missing_migration() {
    expect(
        "missing-migration",
        &[
            ("orders-db-migrate", "", "lie"),
            ("orders-reconcile", "spec.suspend", "lie"),
            ("orders", "spec.replicas", "cut"),
            ("loadgenerator", "", "noise"),
            ("loadgenerator-locustfile", "", "noise"),
            ("test-cleanup", "", "noise"),
        ],
    );
}

/// Mocked dependencies are lies; env-name-only values are noise; the mocks themselves are
/// staging tooling.
#[test]
fn mocked_deps() {
    expect(
        "mocked-deps",
        &[
            ("notifications", "env[name=SMTP_HOST].value", "lie"),
            ("checkout", "env[name=FRAUD_API_URL].value", "lie"),
            ("orders", "env[name=S3_ENDPOINT].value", "lie"),
            ("checkout", "env[name=PAYMENTS_GRPC_TARGET].value", "lie"),
            ("checkout", "env[name=PUBLIC_API_BASE_URL].value", "noise"),
            ("orders", "env[name=DATABASE_HOST].value", "noise"),
            ("wiremock", "", "noise"),
            ("localstack", "", "noise"),
        ],
    );
}

/// Platform gaps: webhook, network policies, priority class, CRD and custom resource only in
/// prod are lies.
#[test]
fn platform_gaps() {
    expect(
        "platform-gaps",
        &[
            ("gatekeeper-validating-webhook-configuration", "", "lie"),
            ("default-deny-all", "", "lie"),
            ("checkout-allow", "", "lie"),
            ("shop-critical", "", "lie"),
            ("checkout", "spec.template.spec.priorityClassName", "lie"),
            ("servicemonitors.monitoring.coreos.com", "", "lie"),
            ("checkout", "", "lie"),
            ("checkout", "spec.replicas", "cut"),
        ],
    );
}

/// Cluster skew: minor versions, architecture and runtime are lies; capacity and topology cuts.
#[test]
fn version_skew() {
    expect(
        "version-skew",
        &[
            ("cluster", "cluster.serverVersion", "lie"),
            ("cluster", "cluster.nodes.kubeletVersions", "lie"),
            ("cluster", "cluster.nodes.arch", "lie"),
            ("cluster", "cluster.nodes.containerRuntimes", "lie"),
            ("cluster", "cluster.nodes.count", "cut"),
            ("cluster", "cluster.nodes.instanceTypes", "cut"),
            ("cluster", "cluster.nodes.zones", "cut"),
        ],
    );
}

/// Secret hygiene: one-sided keys are lies, other secret values are noise, the pool size is a
/// cut.
#[test]
fn secrets_canary() {
    expect(
        "secrets-canary",
        &[
            ("checkout-api-tokens", "data.legacy-partner-token", "lie"),
            ("checkout-api-tokens", "data.webhook-secret", "lie"),
            ("checkout-db", "data.password", "noise"),
            ("checkout", "env[name=DATABASE_URL].value", "noise"),
            ("checkout-properties", r#"data["app.properties"]"#, "cut"),
        ],
    );
}

/// The quiet pair stays quiet.
#[test]
fn quiet() {
    let r = compare("quiet");
    assert!(r.findings.is_empty());
    assert_eq!(r.fidelity_score, 100);
}

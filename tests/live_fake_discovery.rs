//! The live collector against an independent fake API server that answers with the real
//! Kubernetes discovery documents and raw, server-shaped objects (including a Secret canary).

mod live_support;

use live_support::fake::{self, FakeOptions};
use live_support::{checkride, kubeconfig, snapshot_context};
use serde_json::{Value, json};

/// A Secret value that must never leave the collector.
const CANARY: &str = "CANARY-live-7d1f0c9e55ab";

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"name": "db", "namespace": "shop", "annotations": {
                   "kubectl.kubernetes.io/last-applied-configuration":
                       format!("{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"stringData\":{{\"password\":\"{CANARY}\"}}}}")}},
               "type": "Opaque", "data": {"password": b64(CANARY), "user": b64("app")}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "settings", "namespace": "shop"},
               "data": {"app.properties": format!("db.host=db\ndb.password={CANARY}\n")}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
                        "template": {"metadata": {"labels": {"app": "api"}},
                                     "spec": {"containers": [{"name": "api", "image": "shop/api:1.4.2",
                                              "env": [{"name": "DB_PASSWORD", "value": CANARY}]}]}}}}),
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "api-5d9c-x2", "namespace": "shop",
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-5d9c",
                                                 "uid": "u", "controller": true}]},
               "spec": {"containers": [{"name": "api", "image": "shop/api:1.4.2"}]}}),
        json!({"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": "api.1", "namespace": "shop"}, "reason": "Scheduled"}),
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": "node-a", "labels": {"node.kubernetes.io/instance-type": "m6i.large",
                                                          "topology.kubernetes.io/zone": "eu-west-1a"}},
               "status": {"nodeInfo": {"kubeletVersion": "v1.33.1", "containerRuntimeVersion": "containerd://2.0.4",
                                       "operatingSystem": "linux", "architecture": "amd64", "osImage": "Bottlerocket"},
                          "allocatable": {"cpu": "1930m", "memory": "7Gi", "pods": "29"}}}),
    ]
}

fn kinds(snapshot: &Value) -> Vec<String> {
    snapshot["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Against aggregated discovery from a real API server: every listable kind is found (a kind
/// only a beta version serves included), derived kinds are not listed, server fields and
/// controller-owned Pods are gone, node facts are read, and the Secret canary appears in no
/// output, log (-v) or report.
#[test]
fn collects_from_real_discovery_and_never_leaks_the_canary() {
    let server = fake::start(FakeOptions {
        aggregated: true,
        objects: objects(),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &[("real", &server.url), ("also", &server.url)]);
    let out = snapshot_context(&kc, "real", &["-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let snap = out.json();
    let mut sorted = kinds(&snap);
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "ConfigMap settings",
            "Deployment api",
            "Namespace shop",
            "Secret db"
        ]
    );
    // Complete, and every redaction explained: the Secret's two values, the env value under
    // DB_PASSWORD, the `db.password=` line of the ConfigMap.
    assert_eq!(
        snap["coverage"],
        json!({"complete": true, "gaps": [],
               "redactions": {"assignment": 1, "key-name": 1, "secret-data": 2}})
    );
    assert_eq!(snap["ignored"], json!({"owned by a controller": 1}));
    assert_eq!(snap["facts"]["serverVersion"]["gitVersion"], "v1.33.1");
    assert_eq!(snap["facts"]["nodes"][0]["instanceType"], "m6i.large");
    assert_eq!(snap["facts"]["nodes"][0]["allocatable"]["memory"], "7Gi");
    let deploy = snap["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert!(deploy["metadata"].get("uid").is_none() && deploy.get("status").is_none());
    assert_eq!(deploy["apiVersion"], "apps/v1");
    let resources = snap["apiResources"].as_array().unwrap();
    let served = |g: &str, v: &str, k: &str| {
        resources
            .iter()
            .any(|r| r["group"] == g && r["version"] == v && r["kind"] == k)
    };
    assert!(
        served("scheduling.k8s.io", "v1beta1", "Workload"),
        "a kind only v1beta1 serves"
    );
    assert!(served("resource.k8s.io", "v1", "ResourceClaim"));
    assert!(!served("", "v1", "Binding"), "not listable");
    let requests = server.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|(p, _)| p.starts_with("/api/v1/secrets?limit="))
    );
    assert!(
        !requests
            .iter()
            .any(|(p, _)| p.starts_with("/api/v1/events")),
        "events are excluded by default"
    );

    let text = serde_json::to_string(&snap).unwrap();
    assert!(
        !text.contains(CANARY) && !text.contains(&b64(CANARY)),
        "canary in the snapshot"
    );
    assert!(!out.stderr.contains(CANARY), "canary in the -v log");
    assert!(
        out.stderr.contains("GET /api/v1/secrets?limit=500 -> 200"),
        "{}",
        out.stderr
    );

    for format in ["table", "json"] {
        let kc_arg = kc.to_str().unwrap();
        let report = checkride(&[
            "compare",
            "context:real",
            "context:also",
            "--kubeconfig",
            kc_arg,
            "-o",
            format,
            "-v",
        ]);
        assert_eq!(report.code, 0, "{}", report.stderr);
        assert!(!report.stdout.contains(CANARY) && !report.stderr.contains(CANARY));
        assert!(!report.stdout.contains(&b64(CANARY)));
    }
}

/// Against the classic per-group documents, which disagree with `/apis` in places: the
/// preferred version comes from `/apis`; every group version whose document is missing is a
/// coverage gap (exit 3), the rest is collected, and `--allow-partial` exits 0.
#[test]
fn per_group_documents_that_disagree_become_gaps() {
    let server = fake::start(FakeOptions {
        aggregated: false,
        objects: objects(),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &[("legacy", &server.url)]);
    let out = snapshot_context(&kc, "legacy", &["--quiet"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.stderr, "", "nothing on stderr with --quiet on a pipe");
    let snap = out.json();
    let gaps: Vec<String> = snap["coverage"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{} {} {}",
                g["group"].as_str().unwrap(),
                g["kind"].as_str().unwrap(),
                g["reason"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_json_snapshot!("legacy_discovery_gaps", gaps);
    let resources = snap["apiResources"].as_array().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r["group"] == "resource.k8s.io" && r["version"] == "v1")
    );
    assert_eq!(snap["objects"].as_array().unwrap().len(), 4);

    let partial = snapshot_context(&kc, "legacy", &["--quiet", "--allow-partial"]);
    assert_eq!(partial.code, 0, "{}", partial.stderr);
}

/// Bad credentials stop the run with kubectl's wording (exit 2), before anything is written.
#[test]
fn unauthorized_is_a_usage_error() {
    let server = fake::start(FakeOptions {
        unauthorized: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &[("locked", &server.url)]);
    let out = snapshot_context(&kc, "locked", &[]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr.trim(),
        "checkride: error: context:locked: You must be logged in to the server (Unauthorized)"
    );
}

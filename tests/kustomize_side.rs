//! `kustomize:DIR` sides: overlays rendered with `kubectl kustomize` and compared like folders;
//! a broken overlay, a missing folder or a missing kubectl exit 2 naming the overlay.
//! These tests need kubectl (CI installs it; `.ci/run` fails loudly without it).

#[path = "support/cli.rs"]
mod support;

use assert_cmd::Command;

const STAGING: &str = "kustomize:fixtures/kustomize/overlays/staging";
const PROD: &str = "kustomize:fixtures/kustomize/overlays/production";

fn require_kubectl() {
    let ok = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "kubectl is not installed: the kustomize side needs it (CI installs it; see .ci/run)"
    );
}

fn checkride(args: &[&str]) -> (i32, String, String) {
    support::checkride(args, &[], &["CHECKRIDE_KUBECTL"])
}

/// The staging and production overlays render and compare: the staging patches show up at
/// their paths, the prod-only HPA and PDB as whole objects, the generated ConfigMaps pair
/// despite their different hash suffixes; the reference to the generated ConfigMap and the
/// HPA-owned replica count are reported as noise by rules, not hidden by the diff.
#[test]
fn overlays_compare_like_folders() {
    require_kubectl();
    let (code, out, err) = checkride(&["compare", STAGING, PROD, "-o", "json"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["staging"]["source"], STAGING);
    let rows: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["object"]["kind"].as_str().unwrap_or("cluster"),
                f["path"].as_str().unwrap_or("-"),
                f["change"].as_str().unwrap(),
                f["verdict"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"), @r"
    ConfigMap data.LOG_LEVEL changed unclassified
    Deployment spec.replicas changed noise
    Deployment spec.template.spec.containers[name=api].envFrom[configMapRef=api-config].configMapRef.name changed noise
    Deployment spec.template.spec.containers[name=api].env[name=PAYMENTS_URL].value changed lie
    Deployment spec.template.spec.containers[name=api].readinessProbe.initialDelaySeconds changed lie
    HorizontalPodAutoscaler - only_in_prod lie
    PodDisruptionBudget - only_in_prod lie
    ");
}

/// `snapshot` accepts a kustomize side too.
#[test]
fn snapshot_of_an_overlay() {
    require_kubectl();
    let (code, out, err) = checkride(&["snapshot", PROD]);
    assert_eq!(code, 0, "{err}");
    let snap: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(snap["source"], PROD);
    assert_eq!(snap["objects"].as_array().unwrap().len(), 5);
}

/// kustomize's error is shown with the overlay's path, exit 2, no panic.
#[test]
fn broken_overlay_exits_2_naming_it() {
    require_kubectl();
    let (code, _, err) = checkride(&[
        "compare",
        "kustomize:fixtures/kustomize/overlays/broken",
        PROD,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("checkride: error: kustomize:fixtures/kustomize/overlays/broken: `kubectl kustomize` failed"),
        "{err}"
    );
    assert!(err.contains("missing-ingress.yaml"), "{err}");
    assert!(!err.contains("run.go"), "klog prefix kept: {err}");
    assert!(!err.contains("panicked"));
}

/// A folder that does not exist, and a kubectl that cannot be found, exit 2 with the reason.
#[test]
fn missing_folder_or_kubectl_exit_2() {
    let (code, _, err) = checkride(&["compare", "kustomize:fixtures/kustomize/nope", PROD]);
    assert_eq!(code, 2);
    assert!(
        err.contains("kustomize:fixtures/kustomize/nope: no such folder"),
        "{err}"
    );
    let out = Command::cargo_bin("checkride")
        .unwrap()
        .args(["compare", STAGING, PROD])
        .env("CHECKRIDE_KUBECTL", "/nonexistent/kubectl")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("`/nonexistent/kubectl` not found"), "{err}");
}

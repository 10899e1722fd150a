//! Scalars are read as kubectl reads them, with kubectl itself as the oracle: the same manifest
//! goes through `kubectl create --dry-run=client --validate=false -o json` (against
//! `checkride serve`, which gives kubectl its discovery) and through checkride; comparing
//! kubectl's JSON with the YAML must show no difference. YAML 1.1 forms are the point: octal
//! `0400`, hex `0x10`, `1_000`, `yes`/`off`. kubectl must be installed (`.ci/run` checks it).

mod live_support;

use live_support::{Server, checkride, run_program, scenario, snapshot_to};
use serde_json::Value;

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scalars
  namespace: shop
spec:
  replicas: 0x3
  revisionHistoryLimit: 1_0
  selector:
    matchLabels: {app: scalars}
  template:
    metadata:
      labels: {app: scalars}
    spec:
      automountServiceAccountToken: yes
      enableServiceLinks: off
      terminationGracePeriodSeconds: 1_000
      containers:
      - name: app
        image: registry.example/app:1.0
        securityContext: {runAsNonRoot: on, runAsUser: 01750}
      volumes:
      - name: creds
        secret: {secretName: creds, defaultMode: 0400}
";

#[test]
fn scalars_read_as_kubectl_reads_them() {
    let out = run_program("kubectl", &["version", "--client", "-o", "json"], &[]);
    assert_eq!(
        out.code, 0,
        "kubectl is required (see .ci/run): {}",
        out.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let discovery = snapshot_to(&scenario("platform-gaps").join("prod"), dir.path(), "prod");
    let server = Server::start(&discovery, &["--server-version", "v1.33.1"]);
    let manifest = dir.path().join("manifest.yaml");
    std::fs::write(&manifest, MANIFEST).unwrap();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let k = run_program(
        "kubectl",
        &[
            "--server",
            &server.url,
            "--cache-dir",
            cache,
            "create",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "json",
            "-f",
            manifest.to_str().unwrap(),
        ],
        &[("HOME", cache)],
    );
    assert_eq!(k.code, 0, "kubectl create --dry-run: {}", k.stderr);
    let oracle: Value = serde_json::from_str(&k.stdout).expect("kubectl prints JSON");
    // What kubectl read (so the comparison below is not vacuous: a decimal reading of `0400`
    // or a string `yes` would differ from these).
    let pod = &oracle["spec"]["template"]["spec"];
    assert_eq!(oracle["spec"]["replicas"], 3);
    assert_eq!(oracle["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(pod["volumes"][0]["secret"]["defaultMode"], 256);
    assert_eq!(pod["automountServiceAccountToken"], true);
    assert_eq!(pod["enableServiceLinks"], false);
    assert_eq!(pod["terminationGracePeriodSeconds"], 1000);
    assert_eq!(pod["containers"][0]["securityContext"]["runAsUser"], 1000);

    let kubectl_json = dir.path().join("kubectl.json");
    std::fs::write(&kubectl_json, &k.stdout).unwrap();
    let c = checkride(&[
        "compare",
        manifest.to_str().unwrap(),
        kubectl_json.to_str().unwrap(),
        "-o",
        "json",
        "--show-noise",
        "--fail-on",
        "never",
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let report = c.json();
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "checkride reads the YAML differently from kubectl"
    );
    assert_eq!(report["prod"]["objects"], 1, "{report}");
}

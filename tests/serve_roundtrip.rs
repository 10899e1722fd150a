//! Round trips through `checkride serve`: manifests → snapshot A → serve → snapshot of the
//! context → snapshot B. A and B hold the same objects and facts, and `compare` of two served
//! snapshots reports exactly what `compare` of their manifests reports.

mod live_support;

use live_support::{Server, checkride, kubeconfig, scenario, snapshot_context, snapshot_to};
use serde_json::{Value, json};
use std::path::Path;

fn scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(live_support::root().join("fixtures/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "the scenario pack is there");
    names
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every side of every scenario survives manifests → A → serve → B unchanged (objects and
/// facts; a snapshot without a server version is served with a marked placeholder, which the
/// collector records as unknown, so B has no version either), and serving B gives B back
/// exactly, discovery included.
#[test]
fn snapshots_survive_serve_and_collect() {
    let dir = tempfile::tempdir().unwrap();
    for name in scenarios() {
        for side in ["staging", "prod"] {
            let label = format!("{name}-{side}");
            let a_path = snapshot_to(
                &scenario(&name).join(side),
                dir.path(),
                &format!("{label}-a"),
            );
            let a = read(&a_path);
            let server = Server::start(&a_path, &["--with-fingerprints"]);
            let kc = kubeconfig(dir.path(), &[("rt", &server.url)]);
            let out = snapshot_context(&kc, "rt", &[]);
            assert_eq!(out.code, 0, "{label}: {}", out.stderr);
            drop(server);
            let b = out.json();
            assert_eq!(b["objects"], a["objects"], "{label}: objects");
            assert_eq!(b["facts"]["nodes"], a["facts"]["nodes"], "{label}: nodes");
            let version = &b["facts"]["serverVersion"];
            match a["facts"].get("serverVersion") {
                Some(v) => assert_eq!(version, v, "{label}: server version"),
                None => assert!(
                    version.is_null(),
                    "{label}: unknown stays unknown: {version}"
                ),
            }
            // Complete; what the live side counts is the Secret values it read, as A did.
            let mut coverage = b["coverage"].clone();
            let counted = coverage.as_object_mut().unwrap().remove("redactions");
            assert_eq!(coverage, json!({"complete": true, "gaps": []}), "{label}");
            assert_eq!(
                counted.as_ref().and_then(|c| c.get("secret-data")),
                a["coverage"]
                    .get("redactions")
                    .and_then(|c| c.get("secret-data")),
                "{label}: {counted:?}"
            );
            assert_eq!(b["source"], "context:rt");

            let b_path = dir.path().join(format!("{label}-b.json"));
            std::fs::write(&b_path, &out.stdout).unwrap();
            let server = Server::start(&b_path, &["--with-fingerprints"]);
            let kc = kubeconfig(dir.path(), &[("rt", &server.url)]);
            let again = snapshot_context(&kc, "rt", &[]);
            assert_eq!(again.code, 0, "{label}: {}", again.stderr);
            assert_eq!(again.stdout, out.stdout, "{label}: serving B gives B back");
        }
    }
}

/// What may differ between a report on manifests and one on the snapshots served from them:
/// the sources' names, and objects ignored on purpose (a snapshot no longer holds them).
fn comparable(mut report: Value) -> Value {
    for side in ["staging", "prod"] {
        let s = report[side].as_object_mut().unwrap();
        s.remove("source");
        s.remove("ignored");
    }
    report
}

/// Copies a scenario side, without its `kubectl version` dump when `drop_version`.
fn copy_side(src: &Path, dst: &Path, drop_version: bool) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if !(drop_version && text.contains("serverVersion")) {
            std::fs::write(dst.join(entry.file_name()), text).unwrap();
        }
    }
}

/// `compare context:staging context:prod` against two served snapshots gives exactly the
/// report `compare` gives on the manifests they came from, for every scenario (most know no
/// server version; version-skew knows both) and for a pair where only staging knows it: an
/// unknown version served by `serve` stays unknown, so no `cluster.serverVersion` finding
/// appears that the manifests do not have.
#[test]
fn compare_through_serve_equals_compare_of_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, [bool; 2])> =
        scenarios().into_iter().map(|n| (n, [false; 2])).collect();
    cases.push(("version-skew".into(), [false, true]));
    for (name, drop_version) in cases {
        let base = dir.path().join(format!("{name}-{}", drop_version[1]));
        for (side, drop) in ["staging", "prod"].into_iter().zip(drop_version) {
            copy_side(&scenario(&name).join(side), &base.join(side), drop);
        }
        let (s_dir, p_dir) = (base.join("staging"), base.join("prod"));
        let manifests = checkride(&[
            "compare",
            s_dir.to_str().unwrap(),
            p_dir.to_str().unwrap(),
            "-o",
            "json",
        ]);
        assert!(
            manifests.code == 0 || manifests.code == 1,
            "{name}: {}",
            manifests.stderr
        );

        let s_snap = snapshot_to(&s_dir, &base, "staging-snapshot");
        let p_snap = snapshot_to(&p_dir, &base, "prod-snapshot");
        let s_server = Server::start(&s_snap, &["--with-fingerprints"]);
        let p_server = Server::start(&p_snap, &["--with-fingerprints"]);
        let kc = kubeconfig(
            &base,
            &[("staging", &s_server.url), ("prod", &p_server.url)],
        );
        let live = checkride(&[
            "compare",
            "context:staging",
            "context:prod",
            "--kubeconfig",
            kc.to_str().unwrap(),
            "-o",
            "json",
        ]);
        assert_eq!(
            live.code, manifests.code,
            "{name}: exit code; {}",
            live.stderr
        );
        let (mut m, mut l) = (manifests.json(), live.json());
        // A live side counts the Secret values it reads (all shown as fingerprints); the other
        // detectors' work is already in the served snapshots, whose values are tokens.
        let live_counts = l["coverage"].as_object_mut().unwrap().remove("redactions");
        let mut secret_counts = m["coverage"].as_object_mut().unwrap().remove("redactions");
        if let Some(Value::Object(c)) = &mut secret_counts {
            c.retain(|k, _| k.starts_with("secret-"));
        }
        let secret_counts = secret_counts.filter(|c| c.as_object().is_some_and(|c| !c.is_empty()));
        assert_eq!(live_counts, secret_counts, "{name}: redactions");
        if m["coverage"]["assumptions"] != l["coverage"]["assumptions"] {
            // Scopes a manifest side had to assume are known from discovery when live.
            let assumed = m["coverage"]["assumptions"].as_array().unwrap();
            assert!(
                assumed
                    .iter()
                    .all(|a| a.as_str().unwrap().contains("no CustomResourceDefinition"))
            );
            let mut m = comparable(m.clone());
            m["coverage"].as_object_mut().unwrap().remove("assumptions");
            assert_eq!(comparable(l), m, "{name}");
        } else {
            assert_eq!(comparable(l), comparable(m), "{name}");
        }
        assert_eq!(live.stderr, "", "{name}: nothing on stderr on a pipe");
        let facts = |r: &Value, side: &str| r[side]["facts"].get("serverVersion").cloned();
        if drop_version[1] {
            let l = live.json();
            assert!(facts(&l, "staging").is_some() && facts(&l, "prod").is_none());
            let paths: Vec<&Value> = l["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| &f["path"])
                .collect();
            assert!(
                !paths.contains(&&json!("cluster.serverVersion")),
                "{paths:?}"
            );
        }
    }
}

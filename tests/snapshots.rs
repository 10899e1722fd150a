//! The snapshot format: written by `checkride snapshot`, read back by `compare`, round-trips.

mod common;
use common::{checkride, run, scenarios, side, write};

/// Loading a snapshot and writing it again changes nothing (with and without a key).
#[test]
fn snapshot_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    for key in [None, Some("weekly-key")] {
        for name in ["demo", "version-skew", "secrets-canary", "platform-gaps"] {
            let mut cmd = checkride();
            if let Some(k) = key {
                cmd.env("CHECKRIDE_FINGERPRINT_KEY", k);
            }
            let (code, a, err) = run(cmd.args(["snapshot", &side(name, "prod")]));
            assert_eq!(code, 0, "{err}");
            let path = write(dir.path(), &format!("{name}.json"), &a);
            let mut cmd = checkride();
            if let Some(k) = key {
                cmd.env("CHECKRIDE_FINGERPRINT_KEY", k);
            }
            let (code, b, err) = run(cmd.args(["snapshot", path.to_str().unwrap()]));
            assert_eq!(code, 0, "{err}");
            assert_eq!(a, b, "{name}: snapshot changed on a round trip");
            let doc: serde_json::Value = serde_json::from_str(&a).unwrap();
            assert_eq!(doc["apiVersion"], "checkride.dev/v1alpha1");
            assert_eq!(doc["kind"], "Snapshot");
            assert_eq!(doc["capturedAt"], "2026-11-26T12:00:00Z");
        }
    }
}

/// Comparing two snapshots gives the same findings as comparing the manifests they came from.
#[test]
fn snapshots_compare_like_their_manifests() {
    let dir = tempfile::tempdir().unwrap();
    for name in scenarios() {
        // One persistent key for all runs: key-less snapshots cannot compare secrets (below).
        let keyed = || {
            let mut c = checkride();
            c.env("CHECKRIDE_FINGERPRINT_KEY", "round-trip");
            c
        };
        let mut paths = Vec::new();
        for s in ["staging", "prod"] {
            let (code, snap, err) = run(keyed().args(["snapshot", &side(&name, s)]));
            assert_eq!(code, 0, "{name}: {err}");
            paths.push(write(dir.path(), &format!("{name}-{s}.json"), &snap));
        }
        let (_, direct, _) = run(keyed().args([
            "compare",
            &side(&name, "staging"),
            &side(&name, "prod"),
            "-o",
            "json",
        ]));
        let (_, via, err) = run(keyed().args([
            "compare",
            paths[0].to_str().unwrap(),
            paths[1].to_str().unwrap(),
            "-o",
            "json",
        ]));
        let strip = |t: &str| {
            let mut v: serde_json::Value =
                serde_json::from_str(t).unwrap_or_else(|_| panic!("{name}: {err}"));
            v["staging"]["source"] = serde_json::Value::Null;
            v["prod"]["source"] = serde_json::Value::Null;
            v["coverage"]["assumptions"] = serde_json::Value::Null;
            v
        };
        assert_eq!(
            strip(&direct)["findings"],
            strip(&via)["findings"],
            "{name}"
        );
    }
}

/// Secret values fingerprinted without a shared key are "not compared", never "equal".
#[test]
fn keyless_secret_values_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for s in ["staging", "prod"] {
        let (_, snap, _) = run(checkride().args(["snapshot", &side("secrets-canary", s)]));
        paths.push(write(dir.path(), &format!("{s}.json"), &snap));
    }
    let (_, json, _) = run(checkride().args([
        "compare",
        paths[0].to_str().unwrap(),
        paths[1].to_str().unwrap(),
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        report["coverage"]["secret_values_not_compared"]
            .as_u64()
            .unwrap()
            > 0,
        "{json}"
    );

    // With a persistent key, saved snapshots compare secret values across runs.
    let mut keyed = Vec::new();
    for s in ["staging", "prod"] {
        let (_, snap, _) = run(checkride()
            .env("CHECKRIDE_FINGERPRINT_KEY", "k")
            .args(["snapshot", &side("secrets-canary", s)]));
        keyed.push(write(dir.path(), &format!("k-{s}.json"), &snap));
    }
    let (_, json, _) = run(checkride().args([
        "compare",
        keyed[0].to_str().unwrap(),
        keyed[1].to_str().unwrap(),
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["coverage"]["secret_values_not_compared"], 0,
        "{json}"
    );
    assert!(json.contains("\"path\": \"data.password\""), "{json}");
}
